"""The softphone worked from the console with the keyboard only (no mouse, no clicks).

Each intent tabs from wherever the focus is to the control it needs and presses Enter, Space or the
arrow keys on it, so it also proves the control can be reached and used that way. The locators are the
`Softphone` page object's; this class only adds the keys.
"""
from __future__ import annotations

from playwright.sync_api import Locator, expect

from .keyboard import FocusStop, KeyboardUser
from .softphone import Softphone


class SoftphoneByKeyboard:
    def __init__(self, console) -> None:
        self.console = console
        self.softphone: Softphone = console.softphone
        self.keys = KeyboardUser(console.page)
        self.path: list[FocusStop] = []  # the stops of the last intent, for the report

    def _button(self, region: Locator, name: str) -> Locator:
        return region.get_by_role("button", name=name, exact=True)

    def _activate(self, target: Locator, key: str = "Enter") -> None:
        self.path = self.keys.activate(target, key)

    # -- where the focus is ----------------------------------------------------------------
    def focused(self) -> FocusStop | None:
        return self.keys.focused()

    def expect_focus_on_control(self, role: str, name: str) -> None:
        """The softphone control (a visible one, by role and name) has the keyboard focus."""
        expect(self.softphone.frame.get_by_role(role, name=name, exact=True)).to_be_focused()

    # -- intents ---------------------------------------------------------------------------
    def start_in_search_box(self) -> None:
        """The agent is working in the console's search box (where the focus is before a journey)."""
        self.keys.start_at(self.console.search_box)

    def answer(self) -> None:
        self._activate(self._button(self.softphone.incoming, "Answer"))
        expect(self.softphone.active_call).to_be_visible()

    def put_on_hold(self) -> None:
        self._activate(self._button(self.softphone.active_call, "Hold"))
        self.softphone.expect_on_hold()

    def resume(self) -> None:
        self._activate(self._button(self.softphone.active_call, "Resume"))
        expect(self._button(self.softphone.active_call, "Hold")).to_be_visible()

    def transfer(self, kind: str, target: str, note: str = "") -> None:
        """kind: "cold" or "warm"; target as the menu shows it, e.g. "Queue: sales". Radio buttons are
        chosen with the arrow keys, the destination with the arrow keys, the note typed."""
        frame = self.softphone.frame
        self._activate(self._button(self.softphone.active_call, "Transfer"))
        cold = frame.get_by_role("radio", name="Cold transfer")
        self.keys.tab_to(cold)  # the checked radio of the group takes the focus
        if kind == "warm":
            self.keys.press("ArrowDown")
            expect(frame.get_by_role("radio", name="Warm transfer")).to_be_checked()
        self.keys.choose(frame.get_by_label("Transfer to"), target)
        expect(frame.get_by_label("Transfer to").locator("option:checked")).to_have_text(target)
        if note:
            self.keys.tab_to(frame.get_by_label("Transfer note"))
            self.console.page.keyboard.type(note)
        self._activate(frame.get_by_role("button", name="Transfer" if kind == "cold" else "Consult", exact=True).last)

    def hang_up(self) -> None:
        self._activate(self._button(self.softphone.active_call, "Hang up"))
        self.softphone.wrap_up.expect_open()

    def complete_wrap_up(self, code: str) -> None:
        wrap_up = self.softphone.wrap_up
        expect(wrap_up.disposition.locator("option").filter(has_text=f"{code} - ")).to_have_count(1)
        self.keys.choose(wrap_up.disposition, code)
        expect(wrap_up.disposition.locator("option:checked")).to_contain_text(code)
        self._activate(wrap_up.done_button)
        wrap_up.expect_closed()

    def walk_around(self, backwards: bool = False) -> list[FocusStop]:
        """One full round of Tab (or Shift+Tab) from the console's search box back to it."""
        return self.keys.walk_around(self.console.search_box, backwards)
