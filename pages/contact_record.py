"""The contact record with its Customer 360 panel and activity timeline."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .shows import shows


@shows("contact")
class ContactRecord:
    FIELDS = ("Phone", "Email", "Account number", "Date of birth", "Tax ID")

    def __init__(self, page: Page) -> None:
        self.region = page.get_by_role("region", name="Contact record")
        self.panel_360 = self.region.get_by_role("region", name="Customer 360")
        self.timeline = page.get_by_role("region", name="Timeline")

    def expect_contact(self, full_name: str) -> None:
        expect(self.region.get_by_role("heading", name=full_name, level=2)).to_be_visible()

    def expect_open_cases(self, count: int) -> None:
        expect(self.panel_360.get_by_role("heading", name=f"Open cases ({count})")).to_be_visible()

    def expect_recent_orders(self, count: int) -> None:
        expect(self.panel_360.get_by_role("heading", name=f"Recent orders ({count})")).to_be_visible()

    def expect_billing_status(self, status: str) -> None:
        expect(self.panel_360.get_by_text(f"Billing status: {status}")).to_be_visible()

    def _term(self, label: str):
        # A <dt> has no accessible name of its own to match by role, so match its exact text.
        return self.region.locator("dt").filter(has_text=re.compile(f"^{re.escape(label)}$"))

    def expect_field_shown(self, label: str) -> None:
        expect(self._term(label)).to_be_visible()

    def expect_field_value(self, label: str, value: str) -> None:
        expect(self._term(label)).to_be_visible()
        expect(self.region.get_by_text(value, exact=True).first).to_be_visible()

    def expect_field_hidden(self, label: str) -> None:
        expect(self._term(label)).to_have_count(0)

    def expect_balance_shown(self) -> None:
        expect(self.panel_360.get_by_text(re.compile(r"^Balance: "))).to_be_visible()

    def expect_balance(self, amount: str) -> None:
        """The 360 panel's balance as it reads, e.g. "$310.25"."""
        expect(self.panel_360.get_by_text(f"Balance: {amount}", exact=True)).to_be_visible()

    def expect_balance_hidden(self) -> None:
        expect(self.panel_360.get_by_text(re.compile(r"^Balance: "))).to_have_count(0)

    @shows("call log")
    def expect_timeline_entry(self, text: str) -> None:
        expect(self.timeline.get_by_role("listitem").filter(has_text=text).first).to_be_visible()

    # -- consent and email ---------------------------------------------------------------------
    def expect_flag(self, text: str) -> None:
        """A consent flag next to the name: "Do not call", "Do not email"."""
        expect(self.region.get_by_text(text, exact=True)).to_be_visible()

    def expect_email_blocked(self) -> None:
        """The Email button is disabled, so no compose form can be opened."""
        button = self.region.get_by_role("button", name="Email", exact=True)
        expect(button).to_be_disabled()
        expect(self.region.get_by_role("form", name=re.compile("^Email "))).to_be_hidden()

    def expect_marketing_email(self, subject: str) -> None:
        self.expect_timeline_entry(f"Marketing email · sent · {subject}")

    # -- calls, linked tickets and follow-ups ------------------------------------------------
    def call(self) -> None:
        """Click-to-dial: the record's Call button hands the number to the softphone."""
        self.region.get_by_role("button", name="Call", exact=True).click()

    def expect_call_blocked(self) -> None:
        expect(self.region.get_by_role("button", name="Call", exact=True)).to_be_disabled()
        expect(self.region.get_by_text("Calls blocked: this contact is on the do-not-call list")).to_be_visible()

    def _tickets(self):
        return self.region.get_by_role("region", name="Tickets")

    @shows("ticket")
    def expect_ticket(self, ticket_id: str, status: str | None = None) -> None:
        item = self._tickets().get_by_role("listitem").filter(has_text=ticket_id)
        if status is None:
            expect(item).to_be_visible()
            return
        if not item.filter(has_text=status).is_visible():
            self._tickets().get_by_role("button", name="Refresh tickets").click()
        expect(item.filter(has_text=status)).to_be_visible()

    def open_ticket(self, ticket_id: str) -> Page:
        """Opens the linked ticket in a new tab (the helpdesk's ticket view) and answers that tab."""
        link = self._tickets().get_by_role("link", name=re.compile(rf"^{re.escape(ticket_id)} "))
        with self.region.page.expect_popup() as popup:
            link.click()
        return popup.value

    @shows("follow-up")
    def expect_follow_up(self, text: str) -> None:
        expect(self.region.get_by_role("region", name="Follow-ups").get_by_role("listitem")
               .filter(has_text=text).first).to_be_visible()
