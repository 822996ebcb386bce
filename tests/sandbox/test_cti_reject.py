"""cti: a rejected call goes back to its queue and is offered to the next available agent (issue 16).

Amazon Connect, Genesys Cloud and Twilio TaskRouter all do this: the rejecting agent is set to a
missed state and the contact keeps waiting, at its place in the queue, for the next agent.
"""
from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.test_cti_api import act, advance, agent, available, call, interaction, ok, session_client


@pytest.fixture(autouse=True)
def fresh_sandbox(cti: httpx.Client, crm: httpx.Client) -> None:
    for client in (cti, crm):
        assert client.post("/_sandbox/reset").status_code == 200


def test_a_rejected_call_is_offered_to_the_next_available_agent(cti: httpx.Client, crm: httpx.Client) -> None:
    available(cti, "maya")
    ringing = call(cti)
    assert ringing["agent"] == "maya"
    available(cti, "leo")  # free now, but the call already rings at maya's
    reoffered = act(cti, ringing["id"], "reject")
    assert (reoffered["state"], reoffered["agent"]) == ("offered", "leo")
    assert reoffered["offer"]["kind"] == "call" and reoffered["offer"]["id"] == f"{ringing['id']}-2"
    assert [(o["agent"], o["outcome"]) for o in reoffered["offer_outcomes"]] == [("maya", "rejected")]
    maya = agent(cti, "maya")
    assert (maya["state"], maya["reason"], maya["current_interaction_id"]) == ("NOT_READY", "Missed", None)
    assert agent(cti, "leo")["state"] == "RESERVED"
    assert ok(crm.get("/api/presence/maya"))["status"] == "Busy"
    journey = [(e["type"], e["data"]["agent"], e["data"]["state"])
               for e in ok(cti.get("/api/events", params={"correlation_id": ringing["correlation_id"]}))["events"]
               if e["type"].startswith("interaction.")]
    assert journey == [("interaction.queued", None, "queued"), ("interaction.offered", "maya", "offered"),
                       ("interaction.rejected", "maya", "rejected"), ("interaction.queued", None, "queued"),
                       ("interaction.offered", "leo", "offered")]
    answered = act(cti, ringing["id"], "answer")
    assert (answered["state"], answered["agent"]) == ("connected", "leo")
    assert act(cti, ringing["id"], "answer", status=409)  # maya's offer is gone: she cannot take it back


def test_a_rejected_call_waits_at_the_head_of_the_queue_when_nobody_is_free(cti: httpx.Client) -> None:
    available(cti, "maya")
    first = call(cti)
    second = call(cti, number="+15550100002")
    assert second["state"] == "queued"
    waiting = act(cti, first["id"], "reject")
    assert (waiting["state"], waiting["agent"], waiting["offer"]) == ("queued", None, None)
    advance(cti, 60)  # no ring timer runs on a waiting call
    assert interaction(cti, first["id"])["state"] == "queued"
    available(cti, "leo")
    assert interaction(cti, first["id"])["agent"] == "leo"  # it kept its place ahead of the newer call
    assert interaction(cti, second["id"])["state"] == "queued"


def test_the_rejecting_agent_sees_the_rejected_call_as_their_last_and_a_waiting_caller_can_hang_up(
        cti: httpx.Client, sandbox_urls: dict[str, Any]) -> None:
    available(cti, "maya")
    ringing = call(cti)
    available(cti, "leo")
    act(cti, ringing["id"], "reject")
    softphone = session_client(cti, sandbox_urls["cti"], "maya")
    try:
        mine = ok(softphone.get("/api/me"))
    finally:
        softphone.close()
    assert mine["interaction"] is None  # it rings at leo's now, not in maya's softphone
    assert (mine["last_interaction"]["state"], mine["last_interaction"]["agent"]) == ("rejected", "maya")
    act(cti, ringing["id"], "reject")  # leo rejects too: nobody is left, the caller waits
    ended = ok(cti.post(f"/api/simulator/calls/{ringing['id']}/hangup"))
    assert ended["state"] == "abandoned"  # lost while waiting again: a callback is scheduled as for any abandon
    callbacks = ok(cti.get("/api/callbacks", params={"number": ringing["from_number"]}))["callbacks"]
    assert [c["origin_interaction_id"] for c in callbacks] == [ringing["id"]]


def test_a_call_rejected_twice_is_recorded_per_agent_and_offered_to_the_third(cti: httpx.Client) -> None:
    available(cti, "maya")
    ringing = call(cti)
    available(cti, "leo", "tia")
    act(cti, ringing["id"], "reject")
    assert interaction(cti, ringing["id"])["agent"] == "leo"  # leo has been idle longer than tia
    third = act(cti, ringing["id"], "reject")
    assert (third["state"], third["agent"]) == ("offered", "tia")
    assert [(o["agent"], o["outcome"]) for o in third["offer_outcomes"]] == [("maya", "rejected"), ("leo", "rejected")]
    assert [agent(cti, u)["reason"] for u in ("maya", "leo")] == ["Missed", "Missed"]


def test_a_rejected_transfer_goes_back_to_the_queue_still_marked_a_transfer(cti: httpx.Client) -> None:
    available(cti, "maya")
    live = act(cti, call(cti)["id"], "answer")
    available(cti, "tia")
    advance(cti, 5)
    available(cti, "leo")
    offered = act(cti, live["id"], "transfer", {"type": "cold", "agent": "leo", "note": "refund"})
    assert (offered["agent"], offered["offer"]["kind"]) == ("leo", "transfer")
    again = act(cti, live["id"], "reject")  # tia has been idle longest (maya only since the transfer)
    assert (again["agent"], again["offer"]["kind"], again["offer"]["note"], again["offer"]["from_agent"]) == \
        ("tia", "transfer", "refund", "maya")


def test_only_the_offered_agent_may_reject(cti: httpx.Client) -> None:
    available(cti, "maya")
    ringing = call(cti)
    assert act(cti, ringing["id"], "hold", status=409)
    act(cti, ringing["id"], "reject")
    assert act(cti, ringing["id"], "reject", status=409)  # queued again: nothing to reject
