"""Helpers for steps that check an agent in the CTI (not a steps module: no step definitions here)."""
from __future__ import annotations

from deskcheck.records.cti import in_state_words
from fixtures.eventually import eventually


def expect_agent(cti, actors, agent: str, description: str, until):
    """Waits until the CTI's state of the agent (first name) satisfies ``until``; fails in domain words."""
    username = actors.user(agent).username
    return eventually(lambda: cti.agent(username), until=until, description=f"{agent} {in_state_words(description)} in the CTI",
                      describe=lambda a: a.describe() + (f", on call {a.current_call_id}" if a.current_call_id else ""))
