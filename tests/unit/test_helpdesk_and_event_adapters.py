"""The sandbox helpdesk and event-source adapters turn the sandbox's JSON into records (the only place that reads it)."""
from __future__ import annotations

import json

import httpx
import pytest

from deskcheck.adapters.sandbox.api_channels import HelpdeskClient
from deskcheck.adapters.sandbox.api_voice import CrmClient
from deskcheck.adapters.sandbox.events import SandboxEventSource, event_record
from deskcheck.adapters.sandbox.helpdesk import SandboxHelpdesk, ticket_record
from deskcheck.ports import Refused
from deskcheck.records import SlaClock, TicketComment, TicketNotification, Webhook
from fixtures.event_schemas import EventSchemas

TICKET = {
    "id": "T-1001", "number": 1, "subject": "Router keeps dropping", "description": "", "channel": "phone",
    "status": "pending", "status_label": "Pending customer", "priority": "high", "category": "general",
    "tags": ["abandoned-call"], "contact_id": 42, "requester_name": "Tomas Berg", "requester_email": "t@example.test",
    "phone": "+15550100", "source_ref": "int-7", "correlation_id": "c-1", "group": "Tier 1", "escalated": False,
    "comments": [{"id": 1, "author": "Maya Lin", "author_type": "agent", "channel": "email", "body": "Restart it",
                  "public": True, "at": "t"}],
    "notifications": [{"id": 1, "channel": "email", "to": "t@example.test", "subject": "We received your request"}],
    "sla": {"policy": "high", "paused": True, "business_hours": {},
            "first_reply": {"state": "met", "target_seconds": 3600, "used_seconds": 60, "remaining_seconds": 3540,
                            "due_at": None},
            "resolution": {"state": "paused", "target_seconds": 28800, "used_seconds": 0, "remaining_seconds": 28800,
                           "due_at": None}},
}


def client_answering(client_class, answer, seen: list[httpx.Request]):
    """An API client whose server is ``answer(request) -> (status, json)``; every request is kept in ``seen``."""
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 300})
        seen.append(request)
        status, body = answer(request)
        return httpx.Response(status, json=body)

    return client_class("http://sandbox.test", "suite", "secret", transport=httpx.MockTransport(handle))


def test_a_ticket_record_has_its_sla_clocks_messages_and_links():
    ticket = ticket_record(TICKET)
    assert (ticket.id, ticket.status, ticket.status_label, ticket.priority) == ("T-1001", "pending", "Pending customer", "high")
    assert ticket.sla_clock("resolution") == SlaClock("resolution", "paused", 28800, 28800, None)
    assert ticket.sla_clock("first_reply").state == "met" and ticket.sla_paused and ticket.sla_policy == "high"
    assert ticket.comments == (TicketComment("Restart it", "Maya Lin", True, "email", "agent"),)
    assert (ticket.contact_id, ticket.source_ref, ticket.call_id, ticket.correlation_id) == (42, "int-7", "int-7", "c-1")
    assert (ticket.requester_name, ticket.group, ticket.escalated, ticket.tags) == ("Tomas Berg", "Tier 1", False,
                                                                                    ("abandoned-call",))
    assert "resolution paused, 28800 s left" in ticket.describe()


def test_the_crms_short_form_of_a_ticket_is_a_ticket_without_clocks():
    linked = ticket_record({"id": "T-1002", "subject": "Bill", "status": "solved", "status_label": "Solved",
                            "priority": "normal", "channel": "email", "updated_at": "t", "escalated": False})
    assert (linked.id, linked.status_label, linked.sla, linked.call_id) == ("T-1002", "Solved", {}, None)
    with pytest.raises(AssertionError, match="T-1002 has no resolution SLA clock"):
        linked.sla_clock("resolution")


def test_a_reply_by_email_threads_on_the_ticket_reference():
    seen: list[httpx.Request] = []
    helpdesk = SandboxHelpdesk(client_answering(HelpdeskClient, lambda r: (200 if r.method == "GET" else 201, TICKET), seen))
    ticket = helpdesk.receive_reply("T-1001", "t@example.test", "Still dropping")
    sent = json.loads(seen[-1].content)
    assert (seen[-1].url.path, sent["subject"], sent["body"]) == ("/api/inbound/email", "Re: [T-1001] Router keeps dropping",
                                                                   "Still dropping")
    assert ticket.id == "T-1001"


def test_a_comment_sends_only_what_was_given_and_notifications_are_records():
    seen: list[httpx.Request] = []
    answers = {"/api/tickets/T-1001/comments": TICKET, "/api/tickets/T-1001/notifications":
               {"notifications": TICKET["notifications"]}}
    helpdesk = SandboxHelpdesk(client_answering(HelpdeskClient, lambda r: (200, answers[r.url.path]), seen))
    helpdesk.comment("T-1001", "We are on it", "Maya Lin", channel="email")
    assert json.loads(seen[-1].content) == {"body": "We are on it", "author": "Maya Lin", "public": True,
                                            "channel": "email", "author_type": "agent"}
    assert helpdesk.notifications("T-1001") == [TicketNotification("t@example.test", "We received your request")]


def test_a_refused_ticket_change_is_a_domain_refusal():
    helpdesk = SandboxHelpdesk(client_answering(HelpdeskClient, lambda r: (409, {"detail": "T-1001 is closed"}), []))
    with pytest.raises(Refused, match="the helpdesk refused to update ticket T-1001: T-1001 is closed"):
        helpdesk.update_ticket("T-1001", status="open")


def test_the_event_source_reads_events_and_manages_webhooks_as_records():
    seen: list[httpx.Request] = []
    event = {"seq": 3, "id": "evt-0a", "type": "webhook.delivery.failed", "at": "2026-12-01T09:00:00Z",
             "correlation_id": None, "source": "crm", "data": {"event_id": "evt-09", "webhook_id": "wh-1", "attempts": 5}}
    answers = {("GET", "/api/events"): (200, {"events": [event], "last_seq": 3}),
               ("POST", "/api/webhooks"): (201, {"id": "wh-1", "url": "http://127.0.0.1:9/h", "types": ["contact.created"]}),
               ("DELETE", "/api/webhooks/wh-1"): (403, {"detail": "deleting webhooks needs the integration-admin role"})}
    source = SandboxEventSource({"crm": client_answering(CrmClient, lambda r: answers[(r.method, r.url.path)], seen)})
    [failed] = source.events("crm", type="webhook.delivery.failed")
    assert (failed.system, failed.type, failed.seq) == ("crm", "webhook.delivery.failed", 3)
    assert failed.has(event_id="evt-09", attempts=5) and failed.value("webhook_id") == "wh-1"
    assert seen[0].url.params["type"] == "webhook.delivery.failed"
    assert source.subscribe("crm", "http://127.0.0.1:9/h", "s3cret", ["contact.created"]) == \
        Webhook("wh-1", "crm", "http://127.0.0.1:9/h", ("contact.created",))
    with pytest.raises(Refused, match="integration-admin"):
        source.unsubscribe("crm", "wh-1")
    with pytest.raises(LookupError, match="no 'marketing' event source"):
        source.events("marketing")


def test_a_schema_check_reads_the_json_the_system_sent():
    sent = {"seq": 1, "id": "evt-1", "type": "presence.changed", "at": "2026-12-01T09:00:00Z", "correlation_id": None,
            "source": "crm", "data": {}}
    schemas = EventSchemas()
    with pytest.raises(AssertionError, match="presence.changed #1 breaks its JSON Schema"):
        schemas.validate(event_record(sent))
    assert schemas.problems(event_record(sent)) == schemas.problems(sent) != []
