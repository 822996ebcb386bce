"""The softphone's wrap-up form: disposition, notes, Done, and the ACW countdown."""
from __future__ import annotations

import re

from playwright.sync_api import FrameLocator, Page, expect

from .shows import shows


class WrapUpForm:
    def __init__(self, frame: FrameLocator | Page) -> None:
        self.form = frame.get_by_role("form", name="Wrap-up")
        self.disposition = self.form.get_by_label("Disposition")
        self.notes = self.form.get_by_label("Notes")
        self.done_button = self.form.get_by_role("button", name="Done")
        self.countdown = frame.get_by_role("timer", name="Wrap-up time left")
        self.required_hint = self.form.get_by_text("Disposition required")

    @shows(interaction="wrapup")
    def expect_open(self) -> None:
        expect(self.form).to_be_visible()

    def expect_closed(self) -> None:
        expect(self.form).to_be_hidden()

    def choose_disposition(self, code: str) -> None:
        option = self.disposition.locator("option").filter(has_text=re.compile(f"^{re.escape(code)} - "))
        expect(option).to_have_count(1)  # the queue's codes arrive after the form opens
        self.disposition.select_option(label=option.inner_text().strip())
        expect(self.disposition.locator("option:checked")).to_contain_text(code)

    def write_notes(self, text: str) -> None:
        self.notes.fill(text)
        self.notes.blur()  # the draft is saved on change

    def done(self) -> None:
        self.done_button.click()
        self.expect_closed()

    def expect_done_blocked(self) -> None:
        expect(self.done_button).to_be_disabled()
        expect(self.required_hint).to_be_visible()

    def expect_done_allowed(self) -> None:
        expect(self.done_button).to_be_enabled()

    def expect_draft(self, code: str | None, notes: str) -> None:
        if code:
            expect(self.disposition.locator("option:checked")).to_contain_text(code)
        expect(self.notes).to_have_value(notes)

    def offered_codes(self) -> list[str]:
        expect(self.disposition).to_be_visible()
        labels = self.disposition.locator("option").all_inner_texts()
        return [label.split(" - ")[0] for label in labels if " - " in label]

    def expect_offered_codes(self, codes: list[str]) -> None:
        options = self.disposition.locator("option").filter(has_text=" - ")
        expect(options).to_have_count(len(codes))
        expect(options).to_contain_text([f"{code} - " for code in codes])

    def expect_seconds_left(self, seconds: int) -> None:
        expect(self.countdown).to_have_text(f"{seconds} s")
