"""chat API and the cti channel additions: the bot's intents, authentication against crm, knowledge
with sources, fallbacks, escalation to cti with context, tickets in helpdesk, the widget's token,
click-to-dial (E.164, do-not-call), callbacks and the WFM disposition feed."""
from __future__ import annotations

from typing import Any

import httpx
import pytest

from channel_helpers import client, ok


@pytest.fixture
def systems(sandbox_urls: dict[str, Any]):
    opened = {name: client(sandbox_urls[name]) for name in ("chat", "cti", "crm", "helpdesk")}
    for name in ("cti", "crm", "chat"):
        ok(opened[name].post("/_sandbox/reset"))
    yield opened
    ok(opened["cti"].delete("/_sandbox/faults"))
    for c in opened.values():
        c.close()


def say(chat: httpx.Client, conversation: dict[str, Any], text: str) -> dict[str, Any]:
    return ok(chat.post(f"/api/conversations/{conversation['id']}/messages", json={"text": text}))


def bot_said(conversation: dict[str, Any]) -> str:
    return conversation["messages"][-1]["text"]


def test_the_widget_token_guards_the_conversation(sandbox_urls: dict[str, Any], systems) -> None:
    widget = httpx.Client(base_url=sandbox_urls["chat"])
    started = ok(widget.post("/widget/api/conversations"), 201)
    assert started["token"] and started["messages"][0]["from"] == "bot"
    path = f"/widget/api/conversations/{started['id']}"
    assert ok(widget.get(path), 403)["detail"]
    assert ok(widget.get(path, headers={"x-chat-token": "guess"}), 403)["detail"]
    mine = {"x-chat-token": started["token"]}
    assert ok(widget.post(f"{path}/messages", json={"text": ""}, headers=mine), 422)["detail"]
    assert len(ok(widget.get(path, headers=mine))["messages"]) == 1
    assert "token" not in ok(systems["chat"].get(f"/api/conversations/{started['id']}"))
    assert "Chat with us" in widget.get("/widget").text


def test_authenticated_intents_answer_from_crm_and_helpdesk(systems) -> None:
    chat, helpdesk = systems["chat"], systems["helpdesk"]
    refund = ok(helpdesk.post("/api/tickets", json={"subject": "Refund for duplicate charge", "channel": "email",
                                                    "contact_id": 2, "category": "refund"}), 201)["id"]
    conversation = ok(chat.post("/api/conversations"), 201)
    assert "email address or customer id" in bot_said(say(chat, conversation, "where is my refund?"))
    assert "couldn't find an account" in bot_said(say(chat, conversation, "ghost@example.com"))
    answered = say(chat, conversation, "dana.whitfield@example.com")
    assert answered["contact"]["id"] == 2 and f"Your refund request {refund}" in bot_said(answered)
    assert bot_said(say(chat, conversation, "and my order?")) == "Your latest order ORD-10044 is shipped."
    by_id = ok(chat.post("/api/conversations"), 201)
    say(chat, by_id, "I need to reschedule my technician visit")
    assert "Which day" in bot_said(say(chat, by_id, "40010001"))
    assert "moved to 2026-12-03" in bot_said(say(chat, by_id, "2026-12-03"))


def test_knowledge_cites_its_source_and_null_backends_fall_back(systems) -> None:
    chat, cti = systems["chat"], systems["cti"]
    conversation = ok(chat.post("/api/conversations"), 201)
    answer = say(chat, conversation, "how do I reset my router")["messages"][-1]
    assert answer["source"] == {"id": "KB-101", "title": "Resetting your router", "url": "/kb/KB-101"}
    ok(cti.post("/_sandbox/faults", json={"target": "chat->crm.contact", "mode": "null_body"}), 201)
    say(chat, conversation, "where is my order")
    fallback = say(chat, conversation, "alex.morgan@example.com")["messages"][-1]
    assert fallback.get("fallback") is True and "can't see your order details" in fallback["text"]
    assert ok(chat.get("/api/events", params={"type": "chat.fallback"}))["events"][-1]["data"]["backend"] == "crm"


def test_escalation_hands_the_context_to_cti_and_raises_a_ticket(systems) -> None:
    chat, cti, crm, helpdesk = systems["chat"], systems["cti"], systems["crm"], systems["helpdesk"]
    ok(cti.post("/api/agents/maya/state", json={"state": "AVAILABLE"}))
    conversation = ok(chat.post("/api/conversations"), 201)
    for text in ("where is my refund", "priya.raman@example.com", "this is unacceptable", "I want a person"):
        conversation = say(chat, conversation, text)
    assert conversation["state"] == "waiting_agent"
    offered = ok(cti.get(f"/api/interactions/{conversation['interaction_id']}"))
    assert offered["channel"] == "chat" and offered["agent"] == "maya" and offered["state"] == "offered"
    assert offered["attributes"]["sentiment"]["label"] == "negative" and offered["correlation_id"] == conversation["correlation_id"]
    ticket = ok(helpdesk.get(f"/api/tickets/{conversation['ticket_id']}"))
    assert (ticket["channel"], ticket["priority"], ticket["contact_id"]) == ("chat", "high", 4) and "handoff" in ticket["tags"]
    ok(cti.post(f"/api/interactions/{offered['id']}/answer"))
    ok(cti.post(f"/api/interactions/{offered['id']}/messages", json={"text": "still there?"}), 201)
    assert ok(chat.get(f"/api/conversations/{conversation['id']}"))["state"] == "with_agent"
    ok(cti.post(f"/api/interactions/{offered['id']}/hangup"))
    ok(cti.post(f"/api/interactions/{offered['id']}/wrapup/complete", json={"disposition": "RESOLVED"}))
    activity = ok(crm.get(f"/api/activities/{offered['id']}"))
    assert activity["type"] == "chat" and activity["attributes"]["intent_path"][0] == "Refund status"
    wfm = ok(cti.get("/api/events", params={"type": "wfm.disposition"}))["events"][-1]["data"]
    assert wfm["interaction_id"] == offered["id"] and wfm["channel"] == "chat" and wfm["disposition"] == "RESOLVED"


def test_outbound_calls_normalise_numbers_and_respect_do_not_call(systems) -> None:
    cti, crm = systems["cti"], systems["crm"]
    ok(cti.post("/api/agents/maya/state", json={"state": "AVAILABLE"}))
    assert "to_number" in ok(cti.post("/api/calls/outbound", json={"agent": "maya", "to_number": "call me"}), 422)["detail"]
    blocked = ok(cti.post("/api/calls/outbound", json={"agent": "maya", "to_number": "555.123.0004"}), 403)
    assert blocked["detail"] == "call blocked: Marcus Bell is on the do-not-call list"
    assert ok(cti.get("/api/interactions", params={"agent": "maya"}))["interactions"] == []
    assert ok(cti.get("/api/events", params={"type": "interaction.blocked"}))["events"][-1]["data"]["to_number"] == "+15551230004"
    call = ok(cti.post("/api/calls/outbound", json={"agent": "maya", "to_number": "(555) 123-0006"}), 201)
    assert call["from_number"] == "+15551230006" and call["attributes"]["record_id"] == "7"
    assert ok(crm.get(f"/api/activities/{call['id']}"))["contact_id"] == 7


def test_missed_and_abandoned_calls_become_callbacks_with_attempts_logged_in_crm(systems) -> None:
    cti, crm, helpdesk = systems["cti"], systems["crm"], systems["helpdesk"]
    abandoned = ok(cti.post("/api/simulator/calls", json={"from_number": "+15551230010", "queue": "support"}), 201)
    ok(cti.post(f"/api/simulator/calls/{abandoned['id']}/hangup"))
    callback = ok(cti.get("/api/callbacks", params={"number": "+15551230010"}))["callbacks"][0]
    assert callback["reason"] == "abandoned" and callback["due"]
    assert ok(helpdesk.get("/api/tickets", params={"source_ref": abandoned["id"]}))["tickets"][0]["contact_id"] == 11
    ok(cti.post("/api/agents/maya/state", json={"state": "AVAILABLE"}))
    dialled = ok(cti.post(f"/api/callbacks/{callback['id']}/dial", json={"agent": "maya"}), 201)
    assert dialled["attributes"]["callback_id"] == callback["id"] and dialled["correlation_id"] == abandoned["correlation_id"]
    assert ok(cti.post(f"/api/callbacks/{callback['id']}/dial", json={"agent": "maya"}), 409)["detail"]
    ok(cti.post(f"/api/interactions/{dialled['id']}/hangup"))
    ok(cti.post(f"/api/interactions/{dialled['id']}/wrapup/complete", json={"disposition": "FOLLOW_UP"}))
    followup = ok(crm.get("/api/followups", params={"contact_id": 11}))["followups"][0]
    assert followup["status"] == "completed" and followup["next_action"] == "Follow up (FOLLOW_UP)"
    assert [a["outcome"] for a in followup["attempts"]] == ["connected"]
    assert ok(cti.delete(f"/api/callbacks/{callback['id']}"), 409)["detail"]
