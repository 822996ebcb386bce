"""cti timers on both sides of the line, to the second (issue 16): a ring timeout or a wrap-up limit that
fires a second early or a second late fails here (the mutation catalogue, bench/mutants.toml, relies on it)."""
from __future__ import annotations

import httpx
import pytest

from tests.sandbox.test_cti_api import act, advance, agent, available, call, connected_call, interaction


@pytest.fixture(autouse=True)
def fresh_sandbox(cti: httpx.Client, crm: httpx.Client) -> None:
    for client in (cti, crm):
        assert client.post("/_sandbox/reset").status_code == 200


def test_an_offer_rings_19_seconds_and_is_missed_at_20(cti: httpx.Client) -> None:
    available(cti, "maya")
    ringing = call(cti)
    advance(cti, 19)
    assert (interaction(cti, ringing["id"])["state"], agent(cti, "maya")["state"]) == ("offered", "RESERVED")
    advance(cti, 1)
    assert (interaction(cti, ringing["id"])["state"], agent(cti, "maya")["reason"]) == ("missed", "Missed")


def test_a_timeboxed_wrap_up_lasts_29_seconds_and_times_out_at_30(cti: httpx.Client) -> None:
    live = connected_call(cti, "maya", "billing")
    act(cti, live["id"], "hangup")
    advance(cti, 29)
    assert (interaction(cti, live["id"])["state"], agent(cti, "maya")["state"]) == ("wrapup", "ACW")
    advance(cti, 1)
    done = interaction(cti, live["id"])
    assert (done["state"], done["disposition"], done["wrapup_seconds"]) == ("completed", "WRAPUP_TIMEOUT", 30)
