"""cti API: agent state machine, routing, call controls, transfers, wrap-up, crm integration, the softphone.

Every test starts from a reset sandbox (this module owns its sandbox process), so routing is
deterministic: only the agents a test makes AVAILABLE take calls.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

NUMBER = "+15550100001"
SCREENSHOTS = Path(os.environ.get("CTI_SCREENSHOTS", "/tmp/cti-screenshots"))


@pytest.fixture(autouse=True)
def fresh_sandbox(cti: httpx.Client, crm: httpx.Client) -> None:
    for client in (cti, crm):
        assert client.post("/_sandbox/reset").status_code == 200


# ---- helpers ----------------------------------------------------------------------------------------
def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
    return response.json()


def about(seconds: int, expected: int) -> bool:
    """Durations follow the sandbox clock, which also keeps running in real time between requests."""
    return expected <= seconds <= expected + 1


def available(cti: httpx.Client, *usernames: str) -> None:
    for username in usernames:
        ok(cti.post(f"/api/agents/{username}/state", json={"state": "AVAILABLE"}))


def agent(cti: httpx.Client, username: str) -> dict[str, Any]:
    return ok(cti.get(f"/api/agents/{username}"))


def call(cti: httpx.Client, queue: str = "support", number: str = NUMBER, **extra: Any) -> dict[str, Any]:
    return ok(cti.post("/api/simulator/calls", json={"from_number": number, "queue": queue, **extra}), 201)


def act(cti: httpx.Client, interaction_id: str, action: str, body: dict | None = None, status: int = 200) -> Any:
    return ok(cti.post(f"/api/interactions/{interaction_id}/{action}", json=body or {}), status)


def interaction(cti: httpx.Client, interaction_id: str) -> dict[str, Any]:
    return ok(cti.get(f"/api/interactions/{interaction_id}"))


def advance(cti: httpx.Client, seconds: float) -> None:
    ok(cti.post("/_sandbox/clock", json={"advance_seconds": seconds}))


def connected_call(cti: httpx.Client, username: str = "maya", queue: str = "support") -> dict[str, Any]:
    available(cti, username)
    offered = call(cti, queue)
    assert offered["agent"] == username
    return act(cti, offered["id"], "answer")


def events(cti: httpx.Client, type: str, **filters: Any) -> list[dict[str, Any]]:
    found = ok(cti.get("/api/events", params={"type": type, **filters}))["events"]
    return found


def session_client(cti: httpx.Client, base_url: str, username: str) -> httpx.Client:
    """An agent's softphone session: a one-time SSO code exchanged for the cti_session cookie."""
    code = ok(cti.post("/api/sso/codes", json={"username": username}), 201)["code"]
    browser = httpx.Client(base_url=base_url, timeout=10.0)
    answer = browser.get("/softphone", params={"code": code})
    assert answer.status_code == 303 and "cti_session" in browser.cookies
    return browser


# ---- auth -------------------------------------------------------------------------------------------
def test_api_needs_a_token_or_a_session(sandbox_urls: dict[str, Any], cti: httpx.Client) -> None:
    anonymous = httpx.get(f"{sandbox_urls['cti']}/api/agents")
    assert anonymous.status_code == 401 and "Bearer" in anonymous.headers["www-authenticate"]
    wrong = httpx.get(f"{sandbox_urls['cti']}/api/agents", headers={"authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert ok(cti.get("/api/me"), 403)["detail"]
    assert httpx.get(f"{sandbox_urls['cti']}/softphone").status_code == 401


def test_sso_code_is_one_time_and_expires_on_the_sandbox_clock(sandbox_urls: dict[str, Any], cti: httpx.Client) -> None:
    browser = session_client(cti, sandbox_urls["cti"], "maya")
    me = ok(browser.get("/api/me"))
    assert me["agent"]["username"] == "maya" and me["agent"]["state_label"] == "Offline"
    assert "Softphone" in browser.get("/softphone").text
    code = ok(cti.post("/api/sso/codes", json={"username": "leo"}), 201)["code"]
    assert httpx.get(f"{sandbox_urls['cti']}/softphone", params={"code": code}).status_code == 303
    assert httpx.get(f"{sandbox_urls['cti']}/softphone", params={"code": code}).status_code == 401  # used
    stale = ok(cti.post("/api/sso/codes", json={"username": "leo"}), 201)["code"]
    advance(cti, 61)
    assert httpx.get(f"{sandbox_urls['cti']}/softphone", params={"code": stale}).status_code == 401
    assert ok(browser.post("/api/sso/codes", json={"username": "leo"}), 403)  # agents cannot mint codes
    assert ok(cti.post("/api/sso/codes", json={"username": "ghost"}), 404)


def test_an_agent_acts_only_on_their_own_calls(sandbox_urls: dict[str, Any], cti: httpx.Client) -> None:
    offered_to_maya = (available(cti, "maya"), call(cti))[1]
    leo = session_client(cti, sandbox_urls["cti"], "leo")
    assert ok(leo.post(f"/api/interactions/{offered_to_maya['id']}/answer"), 403)
    assert ok(leo.post("/api/agents/maya/state", json={"state": "OFFLINE"}), 403)
    assert interaction(cti, offered_to_maya["id"])["state"] == "offered"
    maya = session_client(cti, sandbox_urls["cti"], "maya")
    assert ok(maya.post(f"/api/interactions/{offered_to_maya['id']}/answer"))["state"] == "connected"
    assert ok(maya.get("/api/me"))["interaction"]["view"] == "active"


# ---- agents and queues ------------------------------------------------------------------------------
def test_seed_agents_and_queues(cti: httpx.Client) -> None:
    agents = {a["username"]: a for a in ok(cti.get("/api/agents"))["agents"]}
    assert {u: (a["name"], a["role"], a["state"]) for u, a in agents.items()} == {
        "maya": ("Maya Patel", "agent", "OFFLINE"), "leo": ("Leo Park", "agent", "OFFLINE"),
        "tia": ("Tia Novak", "trainee", "OFFLINE"), "sam": ("Sam Rivera", "supervisor", "OFFLINE")}
    assert agents["tia"]["queues"] == ["support", "sales", "billing"]
    queues = {q["name"]: q for q in ok(cti.get("/api/queues"))["queues"]}
    assert {n: (q["wrapup_mode"], q["acw_seconds"], q["ring_timeout_seconds"]) for n, q in queues.items()} == {
        "support": ("mandatory", None, 20), "sales": ("optional", None, 20), "billing": ("timeboxed", 30, 20)}
    changed = ok(cti.patch("/api/queues/sales", json={"ring_timeout_seconds": 30}))
    assert changed["ring_timeout_seconds"] == 30 and changed["wrapup_mode"] == "optional"
    assert ok(cti.patch("/api/queues/sales", json={"wrapup_mode": "sometimes"}), 422)
    assert ok(cti.patch("/api/queues/sales", json={"wrapup_mode": "timeboxed"}), 422)  # needs acw_seconds
    assert ok(cti.patch("/api/queues/nope", json={"acw_seconds": 10}), 404)


def test_create_agent_for_a_crm_user(cti: httpx.Client) -> None:
    created = ok(cti.post("/api/agents", json={"username": "ada", "name": "Ada Quinn", "role": "agent",
                                               "queues": ["sales"]}), 201)
    assert (created["state"], created["queues"]) == ("OFFLINE", ["sales"])
    assert ok(cti.post("/api/agents", json={"username": "ada", "name": "Ada Quinn", "queues": ["support"]}))["queues"] == ["support"]
    assert ok(cti.post("/api/agents", json={"username": "bob", "name": "Bob", "queues": ["nowhere"]}), 422)
    assert ok(cti.get("/api/agents/bob"), 404)


def test_agent_state_machine(cti: httpx.Client) -> None:
    after = ok(cti.get("/api/events"))["last_seq"]
    assert ok(cti.post("/api/agents/maya/state", json={"state": "AVAILABLE"}))["state"] == "AVAILABLE"
    not_ready = ok(cti.post("/api/agents/maya/state", json={"state": "NOT_READY", "reason": "Break"}))
    assert (not_ready["state"], not_ready["reason"], not_ready["state_label"]) == ("NOT_READY", "Break", "Not ready (Break)")
    assert ok(cti.post("/api/agents/maya/state", json={"state": "ON_INTERACTION"}), 409)  # set by calls only
    assert ok(cti.post("/api/agents/maya/state", json={"state": "DANCING"}), 422)
    assert ok(cti.post("/api/agents/maya/state", json={"state": "NOT_READY", "reason": ""}), 422)
    assert ok(cti.post("/api/agents/ghost/state", json={"state": "AVAILABLE"}), 404)
    assert agent(cti, "maya")["reason"] == "Break"  # refused requests changed nothing
    ok(cti.post("/api/agents/maya/state", json={"state": "OFFLINE"}))
    changes = [e["data"] for e in ok(cti.get("/api/events", params={"after": after, "type": "agent.state_changed"}))["events"]]
    assert [(c["previous_state"], c["state"], c["reason"], c["source"]) for c in changes] == [
        ("OFFLINE", "AVAILABLE", None, "cti"), ("AVAILABLE", "NOT_READY", "Break", "cti"),
        ("NOT_READY", "OFFLINE", None, "cti")]


def test_state_asked_for_during_a_call_is_queued_until_wrap_up_ends(cti: httpx.Client) -> None:
    available(cti, "maya")
    ringing = call(cti, "sales")
    queued = cti.post("/api/agents/maya/state", json={"state": "NOT_READY", "reason": "Lunch"})
    assert queued.status_code == 202 and queued.json()["queued"] is True
    assert agent(cti, "maya")["state"] == "RESERVED"
    act(cti, ringing["id"], "answer")
    assert (agent(cti, "maya")["state"], agent(cti, "maya")["next_state"]) == ("ON_INTERACTION", "NOT_READY")
    assert agent(cti, "maya")["next_state_label"] == "Lunch"  # the softphone shows "Next: Lunch"
    act(cti, ringing["id"], "hangup")
    assert agent(cti, "maya")["state"] == "ACW"
    act(cti, ringing["id"], "wrapup/complete")
    maya = agent(cti, "maya")
    assert (maya["state"], maya["reason"], maya["next_state"]) == ("NOT_READY", "Lunch", None)
    assert events(cti, "agent.next_state_queued")[-1]["data"]["next_reason"] == "Lunch"


# ---- routing ----------------------------------------------------------------------------------------
def test_routing_offers_to_the_longest_idle_agent_and_drains_the_queue_oldest_first(cti: httpx.Client) -> None:
    available(cti, "leo")
    advance(cti, 5)
    available(cti, "maya", "tia")
    ok(cti.post("/api/agents/sam/state", json={"state": "AVAILABLE"}))  # supervisors are never routed to
    first, second, third = call(cti), call(cti), call(cti)
    assert [first["agent"], second["agent"], third["agent"]] == ["leo", "maya", "tia"]
    assert agent(cti, "leo")["state"] == "RESERVED"
    older, newer = call(cti, number="+15550100002"), call(cti, number="+15550100003")
    assert older["state"] == newer["state"] == "queued"
    act(cti, first["id"], "reject")  # leo goes NOT_READY (Missed); the call goes back to the head of the queue
    ok(cti.post("/api/agents/leo/state", json={"state": "AVAILABLE"}))
    assert interaction(cti, first["id"])["agent"] == "leo"  # still the oldest waiting call
    assert interaction(cti, older["id"])["state"] == "queued"
    ok(cti.post(f"/api/simulator/calls/{first['id']}/hangup"))
    assert interaction(cti, older["id"])["agent"] == "leo"
    assert interaction(cti, newer["id"])["state"] == "queued"
    assert events(cti, "interaction.offered", correlation_id=older["correlation_id"])[0]["data"]["agent"] == "leo"


def test_a_call_needing_a_skill_goes_only_to_an_agent_who_has_it(cti: httpx.Client) -> None:
    ok(cti.post("/api/agents", json={"username": "leo", "name": "Leo Park", "skills": ["spanish"]}))
    available(cti, "maya")  # longest idle, but without the skill
    advance(cti, 5)
    available(cti, "leo")
    needs_spanish = call(cti, attributes={"skill": "spanish"})
    assert needs_spanish["agent"] == "leo"
    plain = call(cti, number="+15550100002")
    assert plain["agent"] == "maya"
    nobody = call(cti, number="+15550100003", attributes={"skill": "mandarin"})
    assert nobody["state"] == "queued" and nobody["agent"] is None  # waits for someone who has the skill
    act(cti, plain["id"], "reject")
    ok(cti.post("/api/agents/maya/state", json={"state": "AVAILABLE"}))
    assert interaction(cti, nobody["id"])["state"] == "queued"  # maya is free but still lacks the skill


def test_simulated_call_carries_a_correlation_id(cti: httpx.Client) -> None:
    born = call(cti)
    assert born["correlation_id"].startswith("corr-") and born["state"] == "queued"
    given = ok(cti.post("/api/simulator/calls", json={"from_number": NUMBER, "queue": "sales"},
                        headers={"X-Correlation-Id": "corr-from-ivr-1"}), 201)
    assert given["correlation_id"] == "corr-from-ivr-1"
    assert events(cti, "interaction.queued", correlation_id="corr-from-ivr-1")[0]["data"]["interaction_id"] == given["id"]
    assert ok(cti.post("/api/simulator/calls", json={"from_number": "555-0100", "queue": "sales"}), 422)
    assert ok(cti.post("/api/simulator/calls", json={"from_number": NUMBER, "queue": "nowhere"}), 422)


# ---- call controls ----------------------------------------------------------------------------------
def test_answer_hold_resume_accumulates_hold_seconds_on_the_sandbox_clock(cti: httpx.Client) -> None:
    live = connected_call(cti)
    assert (live["state"], agent(cti, "maya")["state"]) == ("connected", "ON_INTERACTION")
    assert act(cti, live["id"], "resume", status=409)
    assert act(cti, live["id"], "hold")["on_hold"] is True
    advance(cti, 15)
    resumed = act(cti, live["id"], "resume")
    assert resumed["state"] == "connected" and about(resumed["hold_seconds"], 15)
    act(cti, live["id"], "hold")
    advance(cti, 5)
    ended = act(cti, live["id"], "hangup")
    assert (ended["state"], ended["ended_by"]) == ("wrapup", "agent") and about(ended["hold_seconds"], 20)
    kinds = [e["type"] for e in ok(cti.get("/api/events", params={"correlation_id": live["correlation_id"]}))["events"]]
    assert kinds == ["interaction.queued", "interaction.offered", "interaction.connected", "interaction.held",
                     "interaction.resumed", "interaction.held", "interaction.ended", "interaction.wrapup_started"]


def test_mute_and_dtmf(cti: httpx.Client) -> None:
    live = connected_call(cti)
    assert act(cti, live["id"], "mute")["muted"] is True
    assert act(cti, live["id"], "mute", status=409)
    assert act(cti, live["id"], "unmute")["muted"] is False
    assert act(cti, live["id"], "dtmf", {"digits": "12"})["dtmf"] == "12"
    assert act(cti, live["id"], "dtmf", {"digits": "#"})["dtmf"] == "12#"
    for bad in ("12a", "", "1 2", "+"):
        assert act(cti, live["id"], "dtmf", {"digits": bad}, status=422)["detail"]
    assert interaction(cti, live["id"])["dtmf"] == "12#"  # refused digits changed nothing
    assert events(cti, "interaction.dtmf", correlation_id=live["correlation_id"])[-1]["data"]["digits"] == "#"


def test_reject_and_ring_timeout_leave_the_agent_not_ready_missed(cti: httpx.Client) -> None:
    available(cti, "maya")
    rejected = act(cti, call(cti)["id"], "reject")
    assert (rejected["state"], rejected["agent"]) == ("queued", None)  # back in the queue: nobody else is free
    assert [(o["agent"], o["outcome"]) for o in rejected["offer_outcomes"]] == [("maya", "rejected")]
    assert (agent(cti, "maya")["state"], agent(cti, "maya")["reason"]) == ("NOT_READY", "Missed")
    ok(cti.post(f"/api/simulator/calls/{rejected['id']}/hangup"))
    available(cti, "maya")
    ringing = call(cti)
    advance(cti, 19)
    assert interaction(cti, ringing["id"])["state"] == "offered"
    advance(cti, 2)
    assert interaction(cti, ringing["id"])["state"] == "missed"
    assert agent(cti, "maya")["state_label"] == "Not ready (Missed)"
    assert act(cti, ringing["id"], "answer", status=409)
    assert events(cti, "interaction.missed", correlation_id=ringing["correlation_id"])


def test_customer_hangs_up_before_and_after_answer(cti: httpx.Client) -> None:
    waiting = call(cti)
    assert ok(cti.post(f"/api/simulator/calls/{waiting['id']}/hangup"))["state"] == "abandoned"
    available(cti, "maya")
    ringing = call(cti)
    assert ok(cti.post(f"/api/simulator/calls/{ringing['id']}/hangup"))["state"] == "abandoned"
    assert agent(cti, "maya")["state"] == "AVAILABLE"
    live = act(cti, call(cti)["id"], "answer")
    ended = ok(cti.post(f"/api/simulator/calls/{live['id']}/hangup"))
    assert (ended["state"], ended["ended_by"]) == ("wrapup", "customer")
    assert agent(cti, "maya")["state"] == "ACW"
    assert ok(cti.post(f"/api/simulator/calls/{live['id']}/hangup"), 409)


def test_outbound_call_connects_or_fails(sandbox_urls: dict[str, Any], cti: httpx.Client, crm: httpx.Client,
                                         eventually) -> None:
    maya = session_client(cti, sandbox_urls["cti"], "maya")
    assert ok(maya.post("/api/calls/outbound", json={"to_number": "+15550100055"}), 409)  # OFFLINE
    ok(cti.post("/api/agents/maya/state", json={"state": "NOT_READY", "reason": "Break"}))
    dialled = ok(maya.post("/api/calls/outbound", json={"to_number": "+15550100055", "record_id": "7"}), 201)
    assert (dialled["direction"], dialled["state"], dialled["agent"], dialled["queue"]) == ("outbound", "connected", "maya", "support")
    assert agent(cti, "maya")["state"] == "ON_INTERACTION"
    log = eventually(lambda: ok(crm.get("/api/activities", params={"interaction_id": dialled["id"]}))["activities"])[0]
    assert (log["direction"], log["status"], log["from_number"]) == ("outbound", "in_progress", "+15550100055")
    assert ok(maya.post("/api/calls/outbound", json={"to_number": "+15550100066"}), 409)  # already on a call
    act(cti, dialled["id"], "hangup")
    act(cti, dialled["id"], "wrapup/complete", {"disposition": "RESOLVED"})
    assert agent(cti, "maya")["state_label"] == "Not ready (Break)"  # dialling out did not end the break
    failed = ok(maya.post("/api/calls/outbound", json={"to_number": "+15550100000"}), 201)
    assert failed["state"] == "failed" and agent(cti, "maya")["current_interaction_id"] is None
    assert ok(maya.post("/api/calls/outbound", json={"to_number": "0800 FLOWERS"}), 422)
    assert ok(cti.post("/api/calls/outbound", json={"to_number": "+15550100055"}), 422)  # service: say which agent


# ---- transfers --------------------------------------------------------------------------------------
def test_cold_transfer_to_a_queue_and_to_an_agent(cti: httpx.Client) -> None:
    live = connected_call(cti, "maya")
    available(cti, "leo")
    moved = act(cti, live["id"], "transfer", {"type": "cold", "queue": "billing", "note": "Wants a refund"})
    assert (moved["state"], moved["agent"], moved["queue"]) == ("offered", "leo", "billing")
    assert moved["offer"]["kind"] == "transfer" and moved["offer"]["from_name"] == "Maya Patel"
    entry = moved["transfers"][0]
    assert {k: entry[k] for k in ("type", "from_agent", "from_name", "to_queue", "note")} == {
        "type": "cold", "from_agent": "maya", "from_name": "Maya Patel", "to_queue": "billing", "note": "Wants a refund"}
    assert agent(cti, "maya")["state"] == "AVAILABLE"  # freed without wrap-up
    assert act(cti, live["id"], "answer")["agent"] == "leo"
    back = act(cti, live["id"], "transfer", {"type": "cold", "agent": "maya", "note": "Back to you"})
    assert (back["agent"], back["state"], len(back["transfers"])) == ("maya", "offered", 2)
    assert agent(cti, "leo")["state"] == "AVAILABLE"
    assert act(cti, live["id"], "transfer", {"type": "cold", "queue": "sales"}, status=409)  # ringing, not connected
    assert ok(cti.post(f"/api/interactions/{live['id']}/transfer", json={"type": "sideways", "queue": "sales"}), 422)


def test_transfer_validation_changes_nothing(cti: httpx.Client) -> None:
    live = connected_call(cti, "maya")
    assert act(cti, live["id"], "transfer", {"type": "cold"}, status=422)
    assert act(cti, live["id"], "transfer", {"type": "cold", "agent": "leo"}, status=409)  # leo is OFFLINE
    assert act(cti, live["id"], "transfer", {"type": "cold", "agent": "sam"}, status=422)
    assert act(cti, live["id"], "transfer", {"type": "warm", "queue": "sales"}, status=409)  # nobody to consult
    unchanged = interaction(cti, live["id"])
    assert (unchanged["state"], unchanged["agent"], unchanged["transfers"], unchanged["consult"]) == ("connected", "maya", [], None)


def test_warm_transfer_consults_then_hands_over(cti: httpx.Client) -> None:
    live = connected_call(cti, "maya")
    available(cti, "leo")
    consulting = act(cti, live["id"], "transfer", {"type": "warm", "agent": "leo", "note": "VIP, be nice"})
    assert (consulting["state"], consulting["on_hold"]) == ("held", True)
    assert consulting["consult"]["to_agent"] == "leo" and consulting["consult"]["state"] == "offered"
    assert agent(cti, "leo")["state"] == "RESERVED"
    assert act(cti, live["id"], "transfer/complete", status=409)  # leo has not answered yet
    assert act(cti, live["id"], "hangup", status=409)
    act(cti, live["id"], "answer")  # leo answers the consult
    assert agent(cti, "leo")["state"] == "ON_INTERACTION"
    advance(cti, 7)
    done = act(cti, live["id"], "transfer/complete")
    assert (done["agent"], done["state"], done["on_hold"], done["consult"]) == ("leo", "connected", False, None)
    assert about(done["hold_seconds"], 7)
    assert done["transfers"][0]["type"] == "warm" and done["transfers"][0]["to_agent"] == "leo"
    assert agent(cti, "maya")["state"] == "AVAILABLE" and agent(cti, "leo")["current_interaction_id"] == live["id"]
    kinds = [e["type"] for e in ok(cti.get("/api/events", params={"correlation_id": live["correlation_id"]}))["events"]]
    assert kinds[-5:] == ["interaction.held", "interaction.transfer_started", "interaction.consult_offered",
                          "interaction.consult_connected", "interaction.transferred"]


def test_warm_transfer_cancel_gives_the_call_back(sandbox_urls: dict[str, Any], cti: httpx.Client) -> None:
    live = connected_call(cti, "maya")
    available(cti, "leo")
    act(cti, live["id"], "transfer", {"type": "warm", "agent": "leo", "note": "Question"})
    leo = session_client(cti, sandbox_urls["cti"], "leo")
    snapshot = ok(leo.get("/api/me"))["interaction"]
    assert snapshot["view"] == "incoming" and snapshot["my_offer"] == {
        "offer_id": snapshot["consult"]["offer_id"], "kind": "consult", "from_agent": "maya", "from_name": "Maya Patel",
        "note": "Question"}
    ok(leo.post(f"/api/interactions/{live['id']}/answer"))
    back = act(cti, live["id"], "transfer/cancel")
    assert (back["agent"], back["state"], back["consult"], back["transfers"]) == ("maya", "connected", None, [])
    assert agent(cti, "leo")["state"] == "AVAILABLE" and agent(cti, "maya")["state"] == "ON_INTERACTION"


# ---- wrap-up ----------------------------------------------------------------------------------------
def test_mandatory_wrap_up_needs_a_disposition_from_the_queue_catalogue(cti: httpx.Client) -> None:
    live = connected_call(cti, "maya", "support")
    act(cti, live["id"], "hangup")
    codes = [d["code"] for d in ok(cti.get(f"/api/interactions/{live['id']}/dispositions"))["dispositions"]]
    assert codes == ["RESOLVED", "FOLLOW_UP", "ESCALATED"]
    assert act(cti, live["id"], "wrapup/complete", status=422)["detail"]
    assert act(cti, live["id"], "wrapup/complete", {"disposition": "SALE"}, status=422)
    assert act(cti, live["id"], "wrapup/complete", {"disposition": "WRAPUP_TIMEOUT"}, status=422)
    assert interaction(cti, live["id"])["state"] == "wrapup" and agent(cti, "maya")["state"] == "ACW"
    done = act(cti, live["id"], "wrapup/complete", {"disposition": "RESOLVED", "notes": "Reset the router"})
    assert (done["state"], done["disposition"], done["notes"]) == ("completed", "RESOLVED", "Reset the router")
    assert agent(cti, "maya")["state"] == "AVAILABLE"
    assert act(cti, live["id"], "wrapup/complete", {"disposition": "RESOLVED"}, status=409)


def test_optional_wrap_up_completes_without_a_disposition(cti: httpx.Client) -> None:
    live = connected_call(cti, "maya", "sales")
    act(cti, live["id"], "hangup")
    advance(cti, 4)
    done = act(cti, live["id"], "wrapup/complete")
    assert (done["state"], done["disposition"]) == ("completed", None) and about(done["wrapup_seconds"], 4)


def test_wrap_up_draft_is_kept_server_side(cti: httpx.Client) -> None:
    live = connected_call(cti, "maya", "support")
    act(cti, live["id"], "hangup")
    url = f"/api/interactions/{live['id']}/wrapup"
    assert ok(cti.put(url, json={"disposition": "FOLLOW_UP"}))["wrapup_draft"] == {"disposition": "FOLLOW_UP", "notes": ""}
    assert ok(cti.put(url, json={"notes": "Call back Tuesday"}))["wrapup_draft"] == {
        "disposition": "FOLLOW_UP", "notes": "Call back Tuesday"}
    assert ok(cti.put(url, json={"disposition": "SALE", "notes": "lost"}), 422)
    assert interaction(cti, live["id"])["wrapup_draft"] == {"disposition": "FOLLOW_UP", "notes": "Call back Tuesday"}
    done = act(cti, live["id"], "wrapup/complete")  # the draft is what gets logged
    assert (done["disposition"], done["notes"]) == ("FOLLOW_UP", "Call back Tuesday")


def test_timeboxed_wrap_up_times_out_with_wrapup_timeout(cti: httpx.Client, crm: httpx.Client, eventually) -> None:
    live = connected_call(cti, "maya", "billing")
    ended = act(cti, live["id"], "hangup")
    assert ended["wrapup_mode"] == "timeboxed" and ended["wrapup_deadline"]
    ok(cti.put(f"/api/interactions/{live['id']}/wrapup", json={"notes": "Half-written note"}))
    advance(cti, 29)
    assert interaction(cti, live["id"])["state"] == "wrapup"
    advance(cti, 2)
    done = interaction(cti, live["id"])
    assert (done["state"], done["disposition"], done["notes"], done["wrapup_seconds"]) == (
        "completed", "WRAPUP_TIMEOUT", "Half-written note", 30)
    assert agent(cti, "maya")["state"] == "AVAILABLE"
    log = eventually(lambda: ok(crm.get("/api/activities", params={"interaction_id": live["id"]}))["activities"][0]
                     if ok(crm.get("/api/activities", params={"interaction_id": live["id"]}))["activities"][0]["status"] == "completed" else None)
    assert (log["disposition"], log["notes"]) == ("WRAPUP_TIMEOUT", "Half-written note")
    assert events(cti, "interaction.completed", correlation_id=live["correlation_id"])[0]["data"]["timed_out"] is True


def test_call_log_lands_in_crm_exactly_once(cti: httpx.Client, crm: httpx.Client, eventually) -> None:
    live = connected_call(cti, "maya", "support")

    def crm_log(status: str) -> dict[str, Any] | None:
        found = ok(crm.get("/api/activities", params={"interaction_id": live["id"]}))["activities"]
        assert len(found) <= 1, found
        return found[0] if found and found[0]["status"] == status else None

    in_progress = eventually(lambda: crm_log("in_progress"))
    assert (in_progress["agent"], in_progress["queue"], in_progress["from_number"]) == ("maya", "support", NUMBER)
    act(cti, live["id"], "hold")
    advance(cti, 9)
    act(cti, live["id"], "resume")
    act(cti, live["id"], "dtmf", {"digits": "42"})
    act(cti, live["id"], "hangup")
    ok(cti.put(f"/api/interactions/{live['id']}/wrapup", json={"disposition": "ESCALATED", "notes": "To tier 2"}))
    advance(cti, 12)
    done = act(cti, live["id"], "wrapup/complete")
    log = eventually(lambda: crm_log("completed"))
    assert (log["disposition"], log["notes"], log["wrapup_seconds"], log["hold_seconds"], log["dtmf"]) == (
        done["disposition"], done["notes"], done["wrapup_seconds"], done["hold_seconds"], "42")
    assert about(done["wrapup_seconds"], 12) and log["log_writes"] == 1
    assert log["correlation_id"] == live["correlation_id"]
    assert act(cti, live["id"], "wrapup/complete", status=409)
    assert ok(crm.get("/api/activities", params={"interaction_id": live["id"]}))["activities"][0]["log_writes"] == 1


# ---- presence sync ----------------------------------------------------------------------------------
def test_presence_sync_both_ways_with_a_deferred_crm_change(cti: httpx.Client, crm: httpx.Client, eventually) -> None:
    def crm_status(username: str) -> str:
        return ok(crm.get(f"/api/presence/{username}"))["status"]

    available(cti, "maya")
    eventually(lambda: crm_status("maya") == "Online")
    ok(cti.post("/api/agents/maya/state", json={"state": "NOT_READY", "reason": "Training"}))
    eventually(lambda: crm_status("maya") == "Busy")
    assert ok(crm.get("/api/presence/maya"))["reason"] == "Training"

    ok(crm.put("/api/presence/maya", json={"status": "Online"}))  # a change made in the crm console
    eventually(lambda: agent(cti, "maya")["state"] == "AVAILABLE")
    change = events(cti, "agent.state_changed")[-1]["data"]
    assert (change["state"], change["source"]) == ("AVAILABLE", "crm")

    live = act(cti, call(cti)["id"], "answer")
    eventually(lambda: crm_status("maya") == "Busy")
    ok(crm.put("/api/presence/maya", json={"status": "Offline"}))  # during the call: deferred, not lost
    eventually(lambda: agent(cti, "maya")["next_state"] == "OFFLINE")
    assert agent(cti, "maya")["state"] == "ON_INTERACTION"
    eventually(lambda: crm_status("maya") == "Busy")  # cti tells crm the agent is still busy
    act(cti, live["id"], "hangup")
    act(cti, live["id"], "wrapup/complete", {"disposition": "RESOLVED"})
    assert agent(cti, "maya")["state"] == "OFFLINE"
    eventually(lambda: crm_status("maya") == "Offline")
    applied = events(cti, "agent.state_changed")[-1]["data"]
    assert (applied["previous_state"], applied["state"], applied["source"]) == ("ACW", "OFFLINE", "crm")


def test_presence_endpoint_maps_crm_statuses(cti: httpx.Client) -> None:
    busy = ok(cti.post("/api/agents/leo/presence", json={"status": "Busy", "reason": "Meeting"}))
    assert (busy["state"], busy["reason"], busy["queued"]) == ("NOT_READY", "Meeting", False)
    assert ok(cti.post("/api/agents/leo/presence", json={"status": "Busy"}))["reason"] == "Busy"
    assert ok(cti.post("/api/agents/leo/presence", json={"status": "Online"}))["state"] == "AVAILABLE"
    assert ok(cti.post("/api/agents/leo/presence", json={"status": "Away"}), 422)
    assert agent(cti, "leo")["state"] == "AVAILABLE"


# ---- the board ----------------------------------------------------------------------------------------
def test_supervisor_board_rows(sandbox_urls: dict[str, Any], cti: httpx.Client) -> None:
    connected_call(cti, "leo")
    rows = {r["username"]: r for r in ok(cti.get("/api/supervisor/board"))["agents"]}
    assert set(rows) == {"maya", "leo", "tia"}
    assert rows["leo"]["state_label"] == "On call" and rows["leo"]["interaction"]["summary"] == f"{NUMBER} · support · connected"
    assert rows["maya"]["interaction"] is None
    code = ok(cti.post("/api/sso/codes", json={"username": "maya"}), 201)["code"]
    agent_browser = httpx.Client(base_url=sandbox_urls["cti"])
    assert agent_browser.get("/supervisor", params={"code": code}).status_code == 303
    assert agent_browser.get("/supervisor").status_code == 403  # the board is for supervisors


# ---- the softphone in a browser -------------------------------------------------------------------
def test_softphone_answer_hold_hang_up_and_wrap_up(sandbox_urls: dict[str, Any], cti: httpx.Client,
                                                      crm: httpx.Client, eventually, sandbox_playwright) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    code = ok(cti.post("/api/sso/codes", json={"username": "maya"}), 201)["code"]
    with sandbox_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("DESKCHECK_CHROMIUM", "/usr/bin/chromium"), headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 440, "height": 900})
            expect = sync_api.expect
            page.goto(f"{sandbox_urls['cti']}/softphone?code={code}")
            expect(page.get_by_role("heading", name="Softphone")).to_be_visible()
            expect(page.get_by_text("Maya Patel")).to_be_visible()
            state = page.get_by_role("status", name="Agent state")
            expect(state).to_have_text("Offline")
            page.get_by_label("Presence").select_option(label="Available")
            expect(state).to_have_text("Available")

            offered = call(cti, "support")
            incoming = page.get_by_role("region", name="Incoming call")
            expect(incoming).to_be_visible()
            expect(incoming.get_by_text(NUMBER)).to_be_visible()
            expect(incoming.get_by_text("Queue: support")).to_be_visible()
            expect(state).to_have_text("Ringing")
            page.screenshot(path=str(SCREENSHOTS / "1-ringing.png"))
            incoming.get_by_role("button", name="Answer").click()

            active = page.get_by_role("region", name="Active call")
            expect(active.get_by_text("Connected")).to_be_visible()
            expect(state).to_have_text("On call")
            active.get_by_role("button", name="Hold").click()
            expect(active.get_by_text("On hold")).to_be_visible()
            expect(active.get_by_role("button", name="Resume")).to_be_visible()
            active.get_by_role("button", name="Resume").click()
            expect(active.get_by_text("Connected")).to_be_visible()
            active.get_by_role("button", name="Keypad").click()
            keypad = active.get_by_role("group", name="Keypad")
            for key in ("1", "2", "#"):
                keypad.get_by_role("button", name=key, exact=True).click()
            expect(active.get_by_text("Sent: 12#")).to_be_visible()
            active.get_by_role("button", name="Transfer", exact=True).click()
            expect(page.get_by_label("Transfer to")).to_contain_text("Agent: Leo Park")
            page.screenshot(path=str(SCREENSHOTS / "2-active.png"))
            page.get_by_role("button", name="Back").click()
            active.get_by_role("button", name="Hang up").click()

            wrapup = page.get_by_role("form", name="Wrap-up")
            expect(wrapup).to_be_visible()
            expect(state).to_have_text("After call work")
            done = wrapup.get_by_role("button", name="Done")
            expect(done).to_be_disabled()
            expect(wrapup.get_by_text("Disposition required")).to_be_visible()
            wrapup.get_by_label("Disposition").select_option(label="FOLLOW_UP - Follow-up needed")
            wrapup.get_by_label("Notes").fill("Customer will call back")
            eventually(lambda: interaction(cti, offered["id"])["wrapup_draft"] == {
                "disposition": "FOLLOW_UP", "notes": "Customer will call back"})
            page.reload()  # the draft survives a reload
            expect(page.get_by_label("Disposition")).to_have_value("FOLLOW_UP")
            expect(page.get_by_label("Notes")).to_have_value("Customer will call back")
            expect(done).to_be_enabled()
            page.screenshot(path=str(SCREENSHOTS / "3-wrapup.png"))
            done.click()
            expect(state).to_have_text("Available")
            expect(wrapup).to_be_hidden()

            billing = act(cti, call(cti, "billing", "+15550100009")["id"], "answer")
            expect(active.get_by_text("+15550100009")).to_be_visible()
            ok(cti.post(f"/api/simulator/calls/{billing['id']}/hangup"))
            expect(wrapup.get_by_text("Customer hung up")).to_be_visible()
            timer = page.get_by_role("timer", name="Wrap-up time left")
            expect(timer).to_have_text(re.compile(r"^(2[5-9]|30) s$"))
            advance(cti, 12)
            expect(timer).to_have_text(re.compile(r"^1[0-8] s$"))
            page.screenshot(path=str(SCREENSHOTS / "4-timeboxed.png"))
            advance(cti, 19)
            expect(state).to_have_text("Available")
            page.screenshot(path=str(SCREENSHOTS / "5-after-timeout.png"))
        finally:
            browser.close()
    log = eventually(lambda: ok(crm.get("/api/activities", params={"interaction_id": offered["id"]}))["activities"][0]
                     if ok(crm.get("/api/activities", params={"interaction_id": offered["id"]}))["activities"][0]["status"] == "completed" else None)
    assert (log["disposition"], log["notes"], log["dtmf"]) == ("FOLLOW_UP", "Customer will call back", "12#")
