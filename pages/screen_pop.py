"""The console's screen-pop area: who is calling, and what to do when the CRM is not sure."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .shows import shows


@shows("screen pop")
class ScreenPopPanel:
    def __init__(self, page: Page) -> None:
        self.region = page.get_by_role("region", name="Screen pop")
        self.new_contact_form = self.region.get_by_role("form", name="New contact")
        self.failure = self.region.get_by_role("alert")

    @shows("screen pop", interaction="offered")  # the console's rendering of a call being offered
    def expect_incoming_call(self, number: str, transferred: bool = False) -> None:
        prefix = "Transferred call from" if transferred else "Incoming call from"
        expect(self.region.get_by_role("heading", name=f"{prefix} {number}")).to_be_visible()

    def expect_match_count(self, count: int) -> None:
        expect(self.region.get_by_text(f"{count} contacts match this number")).to_be_visible()

    def choose(self, full_name: str) -> None:
        self.region.get_by_role("button", name=f"Choose {full_name}").click()

    def expect_choices(self, names: list[str]) -> None:
        buttons = self.region.get_by_role("button", name=re.compile(r"^Choose "))
        expect(buttons).to_have_text([f"Choose {name}" for name in names], use_inner_text=True)

    def expect_new_contact_form(self, phone: str) -> None:
        expect(self.new_contact_form).to_be_visible()
        expect(self.new_contact_form.get_by_label("Phone")).to_have_value(phone)

    def create_contact(self, first_name: str, last_name: str) -> None:
        self.new_contact_form.get_by_label("First name").fill(first_name)
        self.new_contact_form.get_by_label("Last name").fill(last_name)
        self.new_contact_form.get_by_role("button", name="Create contact").click()

    @shows("screen pop", "ivr")  # what the IVR's CRM account lookup verified
    def expect_ivr_verified(self, account_number: str) -> None:
        expect(self.region.get_by_text(f"Verified by IVR: account {account_number}")).to_be_visible()

    def expect_transfer_note(self, from_name: str, note: str) -> None:
        expect(self.region.get_by_text(f"Transfer note from {from_name}: {note}")).to_be_visible()

    def expect_failure(self) -> None:
        expect(self.failure).to_contain_text("Screen pop failed")

    def retry(self) -> None:
        self.region.get_by_role("button", name="Retry screen pop").click()
