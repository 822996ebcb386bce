"""The softphone's presence menu (Available, Break, Lunch, Training, Offline)."""
from __future__ import annotations

from playwright.sync_api import FrameLocator, Page, expect


class PresenceMenu:
    def __init__(self, frame: FrameLocator | Page) -> None:
        self.select = frame.get_by_label("Presence", exact=True)

    def choose(self, option: str) -> None:
        self.select.select_option(label=option)

    def expect_selected(self, option: str) -> None:
        expect(self.select.locator("option:checked")).to_have_text(option)
