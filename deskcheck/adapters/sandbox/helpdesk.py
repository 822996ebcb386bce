"""The sandbox helpdesk behind the helpdesk port: tickets, their SLA clocks and notifications as records."""
from __future__ import annotations

from typing import Any

from deskcheck.adapters.sandbox.api_channels import HelpdeskClient
from deskcheck.adapters.sandbox.http import ApiError, refusal
from deskcheck.adapters.sandbox.settings import HelpdeskSettings
from deskcheck.records import SLA_METRICS, SlaClock, Ticket, TicketComment, TicketNotification


def sla_clocks(sla: dict[str, Any] | None) -> dict[str, SlaClock]:
    """The ticket's SLA clocks by metric (first_reply, resolution); the sandbox nests them in ``sla``."""
    clocks: dict[str, SlaClock] = {}
    for metric in SLA_METRICS:
        found = (sla or {}).get(metric)
        if isinstance(found, dict):
            clocks[metric] = SlaClock(metric, found.get("state", ""), int(found.get("target_seconds") or 0),
                                      int(found.get("remaining_seconds") or 0), found.get("due_at"))
    return clocks


def ticket_record(body: dict[str, Any]) -> Ticket:
    """A ticket as the helpdesk answers it; also the shorter form the CRM lists on a contact (no SLA, no comments)."""
    sla = body.get("sla") or {}
    channel = body.get("channel") or ""
    source_ref = body.get("source_ref")
    return Ticket(
        id=body["id"], subject=body.get("subject", ""), status=body.get("status", ""), channel=channel,
        priority=body.get("priority") or "normal", requester_email=body.get("requester_email"),
        contact_id=body.get("contact_id"), call_id=source_ref if channel == "phone" else None,
        tags=tuple(body.get("tags") or ()), sla_policy=sla.get("policy"), sla=sla_clocks(sla),
        comments=tuple(TicketComment(c.get("body", ""), c.get("author", ""), bool(c.get("public", True)),
                                     c.get("channel"), c.get("author_type")) for c in body.get("comments") or ()),
        status_label=body.get("status_label"), requester_name=body.get("requester_name"),
        category=body.get("category"), group=body.get("group"), escalated=bool(body.get("escalated")),
        sla_paused=bool(sla.get("paused")), source_ref=source_ref, correlation_id=body.get("correlation_id"))


def notification_record(body: dict[str, Any]) -> TicketNotification:
    return TicketNotification(body.get("to", ""), body.get("subject", ""), body.get("channel") or "email", body.get("at"))


def _given(**fields: Any) -> dict[str, Any]:
    """Only the fields a caller gave: the helpdesk applies its own defaults to the rest."""
    return {key: value for key, value in fields.items() if value is not None}


class SandboxHelpdesk(HelpdeskSettings):
    """The helpdesk port over the sandbox helpdesk's API."""

    capabilities = frozenset({"helpdesk"})

    def __init__(self, api: HelpdeskClient) -> None:
        self.api = api

    # reading
    def ticket(self, ticket_id: str) -> Ticket:
        return ticket_record(self.api.ticket(ticket_id))

    def tickets(self, contact_id: Any = None, source_ref: str | None = None) -> list[Ticket]:
        """Tickets, newest first: a contact's, or those raised from one call or chat conversation."""
        return [ticket_record(t) for t in self.api.tickets(**_given(contact_id=contact_id, source_ref=source_ref))]

    def notifications(self, ticket_id: str) -> list[TicketNotification]:
        return [notification_record(n) for n in self.api.notifications(ticket_id)]

    # writing
    def create_ticket(self, subject: str, channel: str, priority: str | None = None, contact_id: Any = None,
                      requester_email: str | None = None, requester_name: str | None = None,
                      description: str | None = None, category: str | None = None,
                      tags: list[str] | None = None) -> Ticket:
        fields = _given(priority=priority, contact_id=contact_id, requester_email=requester_email,
                        requester_name=requester_name, description=description, category=category, tags=tags)
        return self._act("open the ticket", lambda: self.api.create_ticket(subject, channel, **fields))

    def update_ticket(self, ticket_id: str, status: str | None = None, priority: str | None = None) -> Ticket:
        changes = _given(status=status, priority=priority)
        return self._act(f"update ticket {ticket_id}", lambda: self.api.update_ticket(ticket_id, **changes))

    def comment(self, ticket_id: str, body: str, author: str, public: bool = True, channel: str | None = None,
                author_type: str = "agent", status: str | None = None) -> Ticket:
        """A message on the ticket; ``status`` is the status the author sets with it (e.g. pending)."""
        fields = _given(public=public, channel=channel, author_type=author_type, status=status)
        return self._act(f"add a message to ticket {ticket_id}", lambda: self.api.comment(ticket_id, body, author, **fields))

    def receive_email(self, from_email: str, subject: str, body: str) -> Ticket:
        """An email from a customer reaches support: a new ticket (or, for a reply, the ticket it answers)."""
        return self._act("take the customer's email", lambda: self.api.inbound_email(from_email, subject, body))

    def receive_reply(self, ticket_id: str, from_email: str, body: str) -> Ticket:
        """The customer answers the ticket's email thread; the sandbox threads by the [T-…] reference in the subject."""
        subject = self.api.ticket(ticket_id).get("subject", "")
        return self.receive_email(from_email, f"Re: [{ticket_id}] {subject}", body)

    def _act(self, action: str, call) -> Ticket:
        try:
            return ticket_record(call())
        except ApiError as exc:
            raise refusal("helpdesk", action, exc) from None
