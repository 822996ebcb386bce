"""The helpdesk's ticket view, opened from the console (its own origin, signed in by the console)."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .shows import shows


@shows("ticket")
class TicketView:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.details = page.get_by_role("region", name="Ticket details")
        self.sla = page.get_by_role("region", name="SLA")
        self.conversation = page.get_by_role("region", name="Conversation")
        self.notifications = page.get_by_role("region", name="Customer notifications")
        self.reply_form = page.get_by_role("form", name="Reply")

    def expect_ticket(self, ticket_id: str, subject: str | None = None) -> None:
        heading = f"{ticket_id}: {subject}" if subject else re.compile(rf"^{re.escape(ticket_id)}: ")
        expect(self.page.get_by_role("heading", level=1, name=heading)).to_be_visible()

    def expect_detail(self, term: str, value: str) -> None:
        expect(self.details.locator("dt").filter(has_text=re.compile(f"^{re.escape(term)}$"))).to_be_visible()
        expect(self.details.get_by_text(value, exact=True)).to_be_visible()

    def expect_sla(self, text: str) -> None:
        expect(self.sla.get_by_role("listitem").filter(has_text=text)).to_be_visible()

    def expect_escalated(self, group: str) -> None:
        expect(self.sla.get_by_text(f"Escalated to {group}")).to_be_visible()

    def expect_message(self, text: str) -> None:
        expect(self.conversation.get_by_role("listitem").filter(has_text=text).first).to_be_visible()

    def expect_notification(self, text: str) -> None:
        expect(self.notifications.get_by_role("listitem").filter(has_text=text).first).to_be_visible()

    def reply(self, text: str, via: str = "Email", status: str = "Keep status") -> None:
        self.reply_form.get_by_label("Reply", exact=True).fill(text)
        self.reply_form.get_by_label("Reply via").select_option(label=via)
        self.reply_form.get_by_label("Status after reply").select_option(label=status)
        self.reply_form.get_by_role("button", name="Send reply").click()
        self.expect_message(text)

    def open_contact_in_crm(self) -> None:
        self.details.get_by_role("link", name="Open contact in CRM").click()

    def refresh(self) -> None:
        self.page.reload()
