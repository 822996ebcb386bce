"""The contract kit: one set of checks every adapter set must pass, whatever the target.

It runs against the adapters of the current target profile (DESKCHECK_PROFILE; the sandbox's by
default), through the ports only, so a team proves its own adapters with it before trusting a green
nightly:  DESKCHECK_PROFILE=my_profile.toml pytest tests/contract
"""
from __future__ import annotations

import warnings
from typing import Any, Callable, Iterator

import pytest

from fixtures.agent_cleanup import reset_agents
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
    placed_before = len(telephony.placed_calls)
    yield username
    report = reset_agents(cti, telephony, {username: ("agent", "the contract agent")},
                          telephony.placed_calls[placed_before:])
    if not report.clean:
        warnings.warn(f"contract kit clean-up: {report.describe()}", stacklevel=1)


@pytest.fixture
def new_number() -> str:
    return fresh_number()
