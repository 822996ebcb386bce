"""helpdesk API: tickets across channels, SLA timers on business hours (pause, resume, warn, breach,
escalate), customer notifications, crm links, email threading, the ticket view's sign-in."""
from __future__ import annotations

from typing import Any

import httpx
import pytest

from channel_helpers import client, next_monday, ok

HOUR = 3600


@pytest.fixture
def helpdesk(sandbox_urls: dict[str, Any]) -> httpx.Client:
    with client(sandbox_urls["helpdesk"]) as helpdesk:
        yield helpdesk


def ticket(helpdesk: httpx.Client, **fields: Any) -> dict[str, Any]:
    body = {"subject": "Router keeps dropping", "channel": "phone", "contact_id": 1,
            "requester_email": "alex.morgan@example.com", **fields}
    return ok(helpdesk.post("/api/tickets", json=body), 201)


def near(seconds: int, expected: int) -> bool:
    """The test sandbox's clock also runs in real time between two requests."""
    return expected - 5 <= seconds <= expected


def test_invalid_tickets_are_refused_with_a_reason_and_nothing_is_stored(helpdesk: httpx.Client) -> None:
    before = len(ok(helpdesk.get("/api/tickets"))["tickets"])
    for body in ({"subject": "x", "channel": "fax"}, {"subject": "", "channel": "email"},
                 {"subject": "x", "channel": "email", "priority": "whenever"},
                 {"subject": "x", "channel": "email", "requester_email": "not-an-email"}):
        assert "invalid request" in ok(helpdesk.post("/api/tickets", json=body), 422)["detail"]
    assert len(ok(helpdesk.get("/api/tickets"))["tickets"]) == before
    assert ok(helpdesk.get("/api/tickets/T-999999"), 404)["detail"]
    assert ok(helpdesk.get("/api/tickets/banana"), 404)["detail"]
    assert httpx.get(str(helpdesk.base_url) + "/api/tickets").status_code == 401


def test_sla_pauses_while_pending_resumes_warns_breaches_and_escalates(helpdesk: httpx.Client) -> None:
    next_monday(helpdesk, "09:00")
    created = ticket(helpdesk, priority="high")
    assert created["sla"]["first_reply"]["state"] == "running" and near(created["sla"]["resolution"]["remaining_seconds"], 8 * HOUR)
    key = created["id"]
    replied = ok(helpdesk.post(f"/api/tickets/{key}/comments", json={
        "body": "Please restart it", "author": "Maya", "status": "pending"}), 201)
    assert replied["status"] == "pending" and replied["sla"]["first_reply"]["state"] == "met"
    assert replied["sla"]["resolution"]["state"] == "paused"
    ok(helpdesk.post("/_sandbox/clock", json={"advance_seconds": 5 * HOUR}))
    paused = ok(helpdesk.get(f"/api/tickets/{key}"))["sla"]["resolution"]
    assert paused["state"] == "paused" and near(paused["remaining_seconds"], 8 * HOUR)
    resumed = ok(helpdesk.post("/api/inbound/email", json={
        "from_email": "alex.morgan@example.com", "subject": f"Re: [{key}] Router", "body": "Still dropping"}), 201)
    assert resumed["id"] == key and resumed["status"] == "open"
    assert resumed["sla"]["resolution"]["state"] == "running"
    ok(helpdesk.post("/_sandbox/clock", json={"advance_seconds": 19 * HOUR}))  # Tuesday 09:00 + 3 h on Monday
    ok(helpdesk.post("/_sandbox/clock", json={"advance_seconds": 3 * HOUR}))  # 6 of 8 business hours: warning
    warned = ok(helpdesk.get(f"/api/tickets/{key}"))
    assert warned["sla"]["resolution"]["state"] == "warning", warned["sla"]
    ok(helpdesk.post("/_sandbox/clock", json={"advance_seconds": 2 * HOUR}))
    breached = ok(helpdesk.get(f"/api/tickets/{key}"))
    assert breached["sla"]["resolution"]["state"] == "breached"
    assert breached["escalated"] and breached["group"] == "Escalations" and breached["priority"] == "urgent"
    types = [e["type"] for e in ok(helpdesk.get("/api/events", params={"correlation_id": created["correlation_id"]}))["events"]]
    for expected in ("ticket.created", "ticket.status_changed", "ticket.sla_warning", "ticket.sla_breached", "ticket.escalated"):
        assert expected in types, types


def test_business_hours_skip_the_weekend(helpdesk: httpx.Client) -> None:
    monday = next_monday(helpdesk, "09:00")
    ok(helpdesk.post("/_sandbox/clock", json={"advance_seconds": 4 * 24 * HOUR + 6 * HOUR}))  # Friday 15:00
    due = ticket(helpdesk)["sla"]["first_reply"]["due_at"]
    assert due[11:16] in ("10:59", "11:00"), due  # 2 business hours on Friday, 2 on Monday: Monday 11:00
    assert due[:10] > monday[:10], (due, monday)


def test_every_customer_visible_change_is_mailed_and_the_contact_is_linked(helpdesk: httpx.Client,
                                                                          sandbox_urls: dict[str, Any]) -> None:
    crm = client(sandbox_urls["crm"])
    created = ok(helpdesk.post("/api/inbound/email", json={
        "from_email": "priya.raman@example.com", "subject": "Bill", "body": "Charged twice"}), 201)
    assert created["channel"] == "email" and created["contact_id"] == 4 and created["requester_name"] == "Priya Raman"
    key = created["id"]
    ok(helpdesk.post(f"/api/tickets/{key}/comments", json={"body": "Refund on its way", "author": "Maya", "channel": "phone"}), 201)
    solved = ok(helpdesk.patch(f"/api/tickets/{key}", json={"status": "solved", "via": "chat"}))
    subjects = [n["subject"] for n in solved["notifications"]]
    assert subjects[0].startswith("We received") and any("Update on" in s for s in subjects) and "is now solved" in subjects[-1]
    assert key in [t["id"] for t in ok(crm.get("/api/contacts/4/tickets"))["tickets"]]
    closed = ok(helpdesk.patch(f"/api/tickets/{key}", json={"status": "closed"}))
    assert ok(helpdesk.post(f"/api/tickets/{key}/comments", json={"body": "x", "author": "Maya"}), 409)["detail"]
    assert ok(helpdesk.get(f"/api/tickets/{key}"))["comments"] == closed["comments"]


def test_ticket_view_sign_in_is_one_time_and_for_service_clients(sandbox_urls: dict[str, Any], helpdesk: httpx.Client) -> None:
    key = ticket(helpdesk)["id"]
    code = ok(helpdesk.post("/api/sso/codes", json={"username": "maya", "name": "Maya Patel"}), 201)["code"]
    browser = httpx.Client(base_url=sandbox_urls["helpdesk"])
    assert browser.get(f"/tickets/{key}", params={"code": code}).status_code == 303
    page = browser.get(f"/tickets/{key}")
    assert page.status_code == 200 and f"{key}: Router keeps dropping" in page.text and "Open contact in CRM" in page.text
    assert httpx.get(f"{sandbox_urls['helpdesk']}/tickets/{key}", params={"code": code}).status_code == 401
    assert browser.post(f"/tickets/{key}/reply", data={"body": "", "status": "", "via": "email"}).status_code == 422
    assert browser.post(f"/tickets/{key}/reply", data={"body": "On it", "status": "pending", "via": "phone"}).status_code == 303
    assert ok(helpdesk.get(f"/api/tickets/{key}"))["status"] == "pending"
