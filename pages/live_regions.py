"""Live regions: the parts of a page a screen reader reads out by itself when their text changes.

A region only speaks if it is in the page before the change and not hidden from assistive technology,
so a listener takes hold of the regions first and then waits for one of them to say the words.
"""
from __future__ import annotations

from playwright.sync_api import ElementHandle, FrameLocator, Page

from fixtures.eventually import eventually

# role=alert is assertive, status and log polite; aria-live="off" silences any of them
LIVE = '[aria-live="assertive"], [aria-live="polite"], [role="alert"], [role="status"], [role="log"]'
SPOKEN_TEXT = """el => (el.getAttribute("aria-live") === "off" || el.closest('[aria-hidden="true"]') ||
                       !el.checkVisibility()) ? null : el.textContent.replace(/\\s+/g, " ").trim()"""


class Listening:
    def __init__(self, regions: list[ElementHandle]) -> None:
        self.regions = regions

    def said(self) -> list[str]:
        """What each exposed region says now ("" for an empty one; hidden ones are left out)."""
        return [text for text in (region.evaluate(SPOKEN_TEXT) for region in self.regions) if text is not None]

    def expect_heard(self, *words: str) -> str:
        """Waits until one region that was there from the start says all of ``words``; returns its text."""
        said = eventually(self.said, until=lambda texts: any(all(w in t for w in words) for t in texts),
                          description=f"a live region to say {' and '.join(map(repr, words))}")
        return next(t for t in said if all(w in t for w in words))


class LiveRegions:
    def __init__(self, scope: FrameLocator | Page) -> None:
        self.scope = scope

    def listen(self) -> Listening:
        """Takes hold of the live regions there now; fails if there is none to speak through."""
        regions = self.scope.locator(LIVE).element_handles()
        if not regions:
            raise AssertionError("no live region: nothing would be read out to a screen reader user")
        return Listening(regions)
