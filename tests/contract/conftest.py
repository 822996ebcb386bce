"""The contract kit: one set of checks every adapter set must pass, whatever the target.

It runs against the adapters of the current target profile (DESKCHECK_PROFILE; the sandbox's by
default), through the ports only, so a team proves its own adapters with it before trusting a green
nightly:  DESKCHECK_PROFILE=my_profile.toml pytest tests/contract
"""
from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest

from fixtures.eventually import eventually
from fixtures.personas import fresh_number


def expect_port(call: str, expectation: str, ok: Callable[[Any], bool], get: Callable[[], Any],
                timeout: float | None = None) -> Any:
    """Poll ``get`` (a port call) until ``ok``; else fail naming the port method and the expectation."""
    try:
        return eventually(get, until=ok, timeout=timeout, description=f"{call} should {expectation}")
    except AssertionError as exc:
        raise AssertionError(f"contract broken: {call} should {expectation}\n{exc}") from None


@pytest.fixture
def contract_agent(identities, cti, telephony) -> Iterator[str]:
    """The configured agent's username, back Offline (and its calls finished) after the check."""
    username = identities.user("agent").username
    placed_before = len(getattr(telephony, "placed_calls", []))
    yield username
    for call_id in list(getattr(telephony, "placed_calls", []))[placed_before:]:
        call = cti.interaction(call_id)
        if call.state in ("queued", "offered"):
            telephony.customer_hangs_up(call_id)
        elif call.state in ("connected", "held"):
            cti.hang_up(call_id)
        if cti.interaction(call_id).state == "wrapup":
            codes = [d.code for d in cti.dispositions_for(call_id)]
            cti.save_wrapup(call_id, disposition=codes[0] if codes else None)
            cti.complete_wrapup(call_id)
    cti.set_agent_state(username, "OFFLINE")


@pytest.fixture
def new_number() -> str:
    return fresh_number()
