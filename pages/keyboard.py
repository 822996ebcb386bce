"""The desktop driven by the keyboard only: Tab and Shift+Tab move the focus, Enter, Space and the arrow
keys act. Focus is followed across frames (the softphone is a cross-origin iframe), so a walk says
which document each stop is in.

    keys = KeyboardUser(console.page)
    keys.start_at(console.search_box)
    keys.tab_to(softphone.incoming.get_by_role("button", name="Answer"))
"""
from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Error as PlaywrightError, Locator, Page

from fixtures.axe_scan import frame_label
from fixtures.eventually import eventually

# What has the focus in one document: None when the document does not have it; {"into_frame": True}
# when it is on an iframe (the frame's own document says where inside); else the element.
FOCUSED_ELEMENT = """() => {
  if (!document.hasFocus()) return null;
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  if (el.tagName === "IFRAME" || el.tagName === "FRAME") return {into_frame: true};
  const tag = el.tagName.toLowerCase();
  const type = (el.getAttribute("type") || "").toLowerCase();
  const implicit = {a: "link", button: "button", select: "combobox", textarea: "textbox",
                    input: ({checkbox: "checkbox", radio: "radio", search: "searchbox", submit: "button",
                             button: "button"})[type] || "textbox"};
  const byIds = (attr) => (el.getAttribute(attr) || "").split(/\\s+/).filter(Boolean)
    .map((id) => (document.getElementById(id) || {}).textContent || "").join(" ");
  const labels = el.labels ? [...el.labels].map((l) => l.textContent).join(" ") : "";
  const name = el.getAttribute("aria-label") || byIds("aria-labelledby") || labels ||
    (["select", "textarea", "input"].includes(tag) ? "" : el.textContent) || el.getAttribute("title") ||
    el.getAttribute("placeholder") || "";
  const style = getComputedStyle(el);
  const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const all = document.getElementsByTagName("*");
  return {into_frame: false, role: el.getAttribute("role") || implicit[tag] || tag,
          name: name.replace(/\\s+/g, " ").trim(), indicator: outlined || style.boxShadow !== "none",
          position: Array.prototype.indexOf.call(all, el)};
}"""


@dataclass(frozen=True)
class FocusStop:
    """Where the keyboard focus is: the document ("page" or the frame's title), the control's role and name."""
    frame: str
    role: str
    name: str
    shows_focus: bool = True   # a visible focus indicator (outline or shadow) is drawn
    position: int = -1         # the element's place in its document (tells two same-named controls apart)

    def __str__(self) -> str:
        where = "" if self.frame == "page" else f"{self.frame}: "
        return f'{where}{self.role} "{self.name}"'

    def same_control(self, other: "FocusStop | None") -> bool:
        return other is not None and (self.frame, self.position) == (other.frame, other.position)


class KeyboardUser:
    """One person at one page with a keyboard and no mouse."""

    def __init__(self, page: Page, max_presses: int = 60) -> None:
        self.page = page
        self.max_presses = max_presses

    # -- questions -------------------------------------------------------------------------
    def focused(self) -> FocusStop | None:
        """The control with the keyboard focus, in whichever frame it is; None when focus is nowhere."""
        for frame in self.page.frames:
            try:
                found = frame.evaluate(FOCUSED_ELEMENT)
            except PlaywrightError:
                continue  # a frame navigating away holds no focus worth reporting
            if found and not found["into_frame"]:
                label = "page" if frame == self.page.main_frame else frame_label(frame)
                return FocusStop(label, found["role"], found["name"], found["indicator"], found["position"])
        return None

    @staticmethod
    def has_focus(target: Locator) -> bool:
        return target.evaluate("el => el.ownerDocument.hasFocus() && el === el.ownerDocument.activeElement")

    # -- intents ---------------------------------------------------------------------------
    def start_at(self, target: Locator) -> FocusStop | None:
        """Puts the focus on a control, where the person happens to be working (e.g. the search box)."""
        target.focus()
        return self.focused()

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def tab(self, backwards: bool = False) -> FocusStop | None:
        before = self.focused()
        self.press("Shift+Tab" if backwards else "Tab")
        try:  # focus crossing into another frame's process may land a moment after the key press
            return eventually(self.focused, until=lambda now: not (before and before.same_control(now)),
                              timeout=1.0, description="the focus to move")
        except AssertionError:
            return self.focused()  # it stayed: the only control there is, or a trap (the caller decides)

    def tab_to(self, target: Locator, backwards: bool = False) -> list[FocusStop]:
        """Presses Tab (or Shift+Tab) until ``target`` has the focus; returns the stops on the way."""
        target.wait_for(state="visible")
        stops: list[FocusStop] = []
        while not self.has_focus(target):
            if len(stops) >= self.max_presses:
                raise AssertionError(f"{self.max_presses} presses of {'Shift+Tab' if backwards else 'Tab'} did not "
                                     f"reach {target}; the focus went: " + " -> ".join(map(str, stops)))
            stop = self.tab(backwards)
            if stop:
                stops.append(stop)
        return stops

    def activate(self, target: Locator, key: str = "Enter") -> list[FocusStop]:
        """Tabs to a control and presses Enter (or Space) on it."""
        stops = self.tab_to(target)
        self.press(key)
        return stops

    def choose(self, select: Locator, label: str) -> None:
        """Tabs to a drop-down and moves through its options with the arrow keys until ``label`` is chosen."""
        self.tab_to(select)
        labels = [text.strip() for text in select.locator("option").all_inner_texts()]
        wanted = [i for i, text in enumerate(labels) if text == label or text.startswith(f"{label} - ")]
        if len(wanted) != 1:
            raise AssertionError(f"{label!r} is not exactly one option of {labels}")
        current = select.evaluate("el => el.selectedIndex")
        for _ in range(abs(wanted[0] - current)):
            self.press("ArrowDown" if wanted[0] > current else "ArrowUp")

    def walk_around(self, start: Locator, backwards: bool = False) -> list[FocusStop]:
        """From ``start``, Tab (or Shift+Tab) until the focus is back on it: every stop of one full round,
        ``start`` first; None-stops (focus outside the page, in the browser's own bar) are left out."""
        first = self.start_at(start)
        stops = [first] if first else []
        for _ in range(self.max_presses):
            stop = self.tab(backwards)
            if self.has_focus(start):
                return stops
            if stop:
                stops.append(stop)
        raise AssertionError(f"the focus did not come back to {start} after {self.max_presses} presses: "
                             + " -> ".join(map(str, stops)))

