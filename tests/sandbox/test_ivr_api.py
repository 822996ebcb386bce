"""ivr API: flows as data, DTMF and speech, crm lookup with retry and fallback, personalised menus,
ticket updates from helpdesk, the hand-over to cti with the caller's context, after-hours callbacks."""
from __future__ import annotations

from typing import Any

import httpx
import pytest

from channel_helpers import client, next_monday, ok

PRIYA = ("+15551230003", "40010004")  # seeded: billing pending_payment $249.99
ALEX = ("+15551230001", "40010001")


@pytest.fixture
def systems(sandbox_urls: dict[str, Any]):
    opened = {name: client(sandbox_urls[name]) for name in ("ivr", "cti", "crm", "helpdesk")}
    for name in ("cti", "crm", "ivr"):
        ok(opened[name].post("/_sandbox/reset"))
    ok(opened["cti"].post("/api/agents/maya/state", json={"state": "AVAILABLE"}))
    yield opened
    ok(opened["cti"].delete("/_sandbox/faults"))
    for c in opened.values():
        c.close()


def start(ivr: httpx.Client, number: str) -> dict[str, Any]:
    return ok(ivr.post("/api/calls", json={"from_number": number}), 201)


def press(ivr: httpx.Client, session: dict[str, Any], digits: str) -> dict[str, Any]:
    return ok(ivr.post(f"/api/calls/{session['id']}/input", json={"dtmf": digits}))


def test_invalid_input_is_refused_and_changes_nothing(systems) -> None:
    ivr = systems["ivr"]
    assert ok(ivr.post("/api/calls", json={"from_number": "555-1234"}), 422)["detail"]
    assert ok(ivr.post("/api/calls", json={"from_number": ALEX[0], "line": "nope"}), 422)["detail"]
    session = start(ivr, ALEX[0])
    for body in ({}, {"dtmf": "12", "speech": {"transcript": "x", "confidence": 0.9}}, {"dtmf": "12a"},
                 {"speech": {"transcript": "x", "confidence": 1.5}}):
        assert ok(ivr.post(f"/api/calls/{session['id']}/input", json=body), 422)["detail"]
    assert ok(ivr.get(f"/api/calls/{session['id']}"))["inputs"] == []
    assert ok(ivr.post("/api/calls/ivr-nope/input", json={"dtmf": "1"}), 404)["detail"]
    assert ok(ivr.get("/api/flows"))["flows"]["main"]["start"] == "account"


def test_verified_caller_with_a_pending_payment_hears_the_payment_menu_and_reaches_billing(systems) -> None:
    ivr, cti, crm = systems["ivr"], systems["cti"], systems["crm"]
    session = press(ivr, start(ivr, PRIYA[0]), f"{PRIYA[1]}#")
    assert session["verified"] and "pending payment of $249.99" in session["prompt"]
    session = press(ivr, session, "1")
    assert session["state"] == "transferred"
    call = ok(cti.get(f"/api/interactions/{session['interaction_id']}"))
    assert call["queue"] == "billing" and call["agent"] == "maya" and call["correlation_id"] == session["correlation_id"]
    assert call["attributes"]["reason"] == "Pending payment" and call["attributes"]["account_number"] == PRIYA[1]
    assert call["attributes"]["ivr_path"][-2:] == ["Chose: Pay pending balance", "Transfer to payments"]
    ok(cti.post(f"/api/interactions/{call['id']}/answer"))
    activity = ok(crm.get(f"/api/activities/{call['id']}"))
    assert activity["attributes"]["verified"] is True and activity["correlation_id"] == session["correlation_id"]


def test_lookup_failures_retry_then_fall_back_and_the_call_still_routes(systems) -> None:
    ivr, cti = systems["ivr"], systems["cti"]
    ok(cti.post("/_sandbox/faults", json={"target": "ivr->crm.lookup", "mode": "timeout"}), 201)
    session = press(ivr, start(ivr, ALEX[0]), f"{ALEX[1]}#")
    assert [lookup["outcome"] for lookup in session["lookups"]] == ["failed", "failed"]
    assert session["prompt"].startswith("We can't check your account right now") and not session["verified"]
    session = press(ivr, session, "2")
    call = ok(cti.get(f"/api/interactions/{session['interaction_id']}"))
    assert call["attributes"]["verified"] is False and call["attributes"]["lookup"] == "unavailable"


def test_speech_with_low_confidence_is_asked_again_and_keywords_choose_the_menu(systems) -> None:
    ivr = systems["ivr"]
    session = press(ivr, start(ivr, ALEX[0]), f"{ALEX[1]}#")
    unsure = ok(ivr.post(f"/api/calls/{session['id']}/input", json={"speech": {"transcript": "erm", "confidence": 0.2}}))
    assert unsure["prompt"].startswith("Sorry, I didn't catch that") and unsure["state"] == "in_ivr"
    sure = ok(ivr.post(f"/api/calls/{session['id']}/input",
                       json={"speech": {"transcript": "my router is broken", "confidence": 0.9}}))
    assert sure["state"] == "transferred" and sure["reason"] == "Technical support"
    assert sure["transcript"] == ["erm", "my router is broken"]


def test_ticket_updates_are_read_out_and_audited_in_the_helpdesk(systems) -> None:
    ivr, helpdesk = systems["ivr"], systems["helpdesk"]
    key = ok(helpdesk.post("/api/tickets", json={"subject": "Fibre upgrade", "channel": "email", "contact_id": 1}), 201)["id"]
    session = press(ivr, start(ivr, ALEX[0]), f"{ALEX[1]}#")
    assert f"Your request {key}, Fibre upgrade, is new." in session["prompt"]
    read = ok(helpdesk.get("/api/events", params={"type": "ticket.status_read", "correlation_id": session["correlation_id"]}))
    assert [e["data"]["ticket"] for e in read["events"]] == [key]


def test_after_hours_the_caller_books_a_callback_for_the_opening(systems) -> None:
    ivr, cti, crm = systems["ivr"], systems["cti"], systems["crm"]
    ok(cti.patch("/api/queues/sales", json={"hours": {"days": [0, 1, 2, 3, 4], "open": "09:00", "close": "17:00"}}))
    try:
        next_monday(cti, "20:00")
        assert ok(cti.get("/api/queues/sales"))["open_now"] is False
        assert ok(cti.post("/api/simulator/calls", json={"from_number": ALEX[0], "queue": "sales"}), 409)["detail"]
        session = press(ivr, press(ivr, start(ivr, ALEX[0]), f"{ALEX[1]}#"), "3")
        assert "Our sales team is closed" in session["prompt"] and session["opens"].endswith("T09:00:00.000+00:00")
        booked = press(ivr, session, "1")
        callback = ok(cti.get(f"/api/callbacks/{booked['callback']}"))
        assert callback["reason"] == "after_hours" and callback["due_at"] == session["opens"] and not callback["due"]
        followup = ok(crm.get("/api/followups", params={"contact_id": 1}))["followups"][0]
        assert followup["next_action"] == "Call back (after-hours request)" and followup["status"] == "scheduled"
    finally:
        ok(cti.patch("/api/queues/sales", json={"hours": None}))
    assert ok(cti.patch("/api/queues/sales", json={"hours": {"days": [9], "open": "09:00", "close": "17:00"}}), 422)
    assert ok(cti.patch("/api/queues/sales", json={"hours": {"days": [0], "open": "17:00", "close": "09:00"}}), 422)
    assert ok(cti.get("/api/queues/sales"))["hours"] is None
