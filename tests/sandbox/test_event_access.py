"""Least privilege in the event APIs and the cti's agent list, checked by the server for each role.

cti: an agent or trainee reads the events of their own calls and their own agent record, and sees other
agents only as a roster (username, name, state); supervisors and service clients see everything.
crm: users read its events without the fields their role may not see and without integration plumbing
(webhook deliveries). Systems without users (ivr, chat, helpdesk, marketing): events are for integrations.

Demo logins: maya and leo (agents), tia (trainee), sam (supervisor).
"""
from __future__ import annotations

import json
import time
from typing import Any, Callable

import httpx
import pytest

from access_helpers import as_principal, call_of, cti_session, fresh_number, system_in_process
from channel_helpers import ok
from sandbox.platform.auth import Principal

ROSTER = {"username", "name", "state"}


@pytest.fixture(autouse=True)
def fresh_sandbox(crm: httpx.Client, cti: httpx.Client) -> None:
    for client in (crm, cti):
        ok(client.post("/_sandbox/reset"))


def events_of(client: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    return ok(client.get("/api/events", params={"after": 0, "limit": 5000, **params}))["events"]


def calls_in(events: list[dict[str, Any]]) -> set[str]:
    return {e["data"]["interaction_id"] for e in events if "interaction_id" in e["data"]}


def agents_in(events: list[dict[str, Any]]) -> set[str]:
    return {e["data"]["username"] for e in events if e["type"].startswith("agent.")}


def streamed_until(client: httpx.Client, last: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
    """The events ``GET /api/events/stream?after=0`` sends, up to and including the first one ``last`` accepts."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + 10
    with client.stream("GET", "/api/events/stream", params={"after": 0}, timeout=httpx.Timeout(10.0)) as response:
        assert response.status_code == 200, response.read()
        for line in response.iter_lines():
            assert time.monotonic() < deadline, f"the stream never sent the last event; it sent {seen}"
            if line.startswith("data: "):
                seen.append(json.loads(line[6:]))
                if last(seen[-1]):
                    return seen
    raise AssertionError(f"the stream ended before the last event; it sent {seen}")


# ---- cti events -------------------------------------------------------------------------------------
def test_an_agent_lists_the_events_of_their_own_calls_only(sandbox_urls, cti) -> None:
    mayas, tias = call_of(cti, "maya"), call_of(cti, "tia")
    everything = events_of(cti)
    assert {mayas["id"], tias["id"]} <= calls_in(everything) and {"maya", "tia"} <= agents_in(everything)
    with cti_session(cti, sandbox_urls["cti"], "tia") as tia, cti_session(cti, sandbox_urls["cti"], "maya") as maya, \
            cti_session(cti, sandbox_urls["cti"], "sam") as sam:
        for session, own_call, name in ((tia, tias, "tia"), (maya, mayas, "maya")):
            own = events_of(session)
            assert calls_in(own) == {own_call["id"]}, (name, own)
            assert agents_in(own) == {name}, (name, own)
            assert {"interaction.offered", "interaction.connected"} <= {e["type"] for e in own}
            # a page of one is their next own event, however many of others' come before it
            first = ok(session.get("/api/events", params={"after": 0, "limit": 1}))["events"]
            assert first == own[:1], (name, first)
            assert events_of(session, correlation_id=own_call["correlation_id"])
        assert ok(tia.get("/api/events", params={"correlation_id": mayas["correlation_id"]}))["events"] == []
        assert {mayas["id"], tias["id"]} <= calls_in(events_of(sam))  # supervisors see every call


def test_an_agents_event_stream_carries_only_their_own_calls_and_record(sandbox_urls, cti) -> None:
    mayas = call_of(cti, "maya")
    ok(cti.post("/api/agents/leo/state", json={"state": "NOT_READY", "reason": "Lunch"}))
    ok(cti.post("/api/agents/tia/state", json={"state": "AVAILABLE"}))  # the last event tia should see
    with cti_session(cti, sandbox_urls["cti"], "tia") as tia:
        sent = streamed_until(tia, lambda e: e["type"] == "agent.state_changed" and e["data"]["username"] == "tia")
    assert not calls_in(sent) and agents_in(sent) == {"tia"}, sent
    with cti_session(cti, sandbox_urls["cti"], "sam") as sam:  # the supervisor board's stream: everyone
        sent = streamed_until(sam, lambda e: e["type"] == "agent.state_changed" and e["data"]["username"] == "tia")
    assert mayas["id"] in calls_in(sent) and {"maya", "leo", "tia"} <= agents_in(sent)


def test_agents_see_their_own_record_and_a_roster_of_the_others(sandbox_urls, cti) -> None:
    call_of(cti, "maya")
    with cti_session(cti, sandbox_urls["cti"], "tia") as tia:
        agents = {a["username"]: a for a in ok(tia.get("/api/agents"))["agents"]}
        assert {"maya", "leo", "sam"} <= set(agents) and agents["tia"]["skills"] is not None
        assert all(set(agent) == ROSTER for name, agent in agents.items() if name != "tia"), agents
        assert set(ok(tia.get("/api/agents/maya"))) == ROSTER
        assert ok(tia.get("/api/agents/tia"))["current_interaction_id"] is None
    with cti_session(cti, sandbox_urls["cti"], "sam") as sam:
        assert ok(sam.get("/api/agents/maya"))["current_interaction_id"]
    assert all(agent["queues"] for agent in ok(cti.get("/api/agents"))["agents"])


# ---- crm events -------------------------------------------------------------------------------------
def test_crm_events_keep_hidden_fields_and_webhook_deliveries_from_users(sandbox_urls, api, crm, eventually) -> None:
    hook = ok(crm.post("/api/webhooks", json={"url": "http://127.0.0.1:9/nobody-listens", "secret": "s3cret-for-tests",
                                              "types": ["billing.updated"]}), 201)
    contact = ok(crm.post("/api/contacts", json={"first_name": "Rosa", "last_name": "Delgado",
                                                "phone": fresh_number("+1555882")}), 201)
    ok(crm.patch(f"/api/contacts/{contact['id']}", json={"tax_id": "TX-99-1234", "date_of_birth": "1980-02-03"}))
    ok(crm.patch(f"/api/contacts/{contact['id']}", json={"email": "rosa@example.com", "tax_id": "TX-99-5678"}))
    ok(crm.put(f"/api/contacts/{contact['id']}/billing", json={"status": "pending_payment", "balance": 412.5}))
    failed = eventually(lambda: [e for e in events_of(crm) if e["type"] == "webhook.delivery.failed"], timeout=15)
    assert failed[0]["data"]["webhook_id"] == hook["id"]

    def changes_seen_by(client: httpx.Client) -> list[list[str]]:
        events = events_of(client)
        assert "TX-99" not in json.dumps(events) and "412.5" not in json.dumps(events)
        updates = [e["data"] for e in events if e["type"] == "contact.updated"]
        return [update["changed"] for update in updates if update["id"] == contact["id"]]

    assert changes_seen_by(crm) == [["date_of_birth", "tax_id"], ["email", "tax_id"]]
    tia, maya, sam = (api(sandbox_urls["crm"], name, f"{name}-pass") for name in ("tia", "maya", "sam"))
    assert changes_seen_by(tia) == [["email"]]  # a change to fields a trainee may not see is none of theirs
    assert changes_seen_by(maya) == [["date_of_birth"], ["email"]]
    assert changes_seen_by(sam) == [["date_of_birth", "tax_id"], ["email", "tax_id"]]
    for user in (tia, maya, sam):
        assert not [e for e in events_of(user) if e["type"].startswith("webhook.")]
        assert [e["type"] for e in events_of(user, type="billing.updated")] == ["billing.updated"]


# ---- systems without users --------------------------------------------------------------------------
def test_on_a_system_without_users_events_are_for_integrations(tmp_path) -> None:
    with system_in_process(tmp_path, "helpdesk") as (system, http):
        system.events.emit("ticket.created", {"id": "T-1"})
        service = as_principal(system, Principal("client", "crm-service", "service"))
        assert [e["type"] for e in ok(http.get("/api/events", headers=service))["events"]] == ["ticket.created"]
        user = as_principal(system, Principal("user", "tia", "trainee"))
        assert "integrations" in ok(http.get("/api/events", headers=user), 403)["detail"]
        assert ok(http.get("/api/events/stream", headers=user), 403)
