"""The agents' clean-up does not depend on the behaviour under test (issue 16, "one defect, no cascade").

The product defect that once cost 95 failures: wrap-up drafts refused. The old clean-up saved a draft
before completing, so it was refused too and the agent stayed in After call work for every later
scenario of the worker. These tests seed that defect (and a worse one) with the sandbox's faults.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from fixtures.actors import ActorSessions, Actors
from fixtures.agent_cleanup import reset_agents
from fixtures.eventually import eventually

DRAFTS = "cti.interactions.wrapup_draft"
COMPLETION = "cti.interactions.wrapup_complete"


@pytest.fixture
def sessions(identities, settings, target, tmp_path) -> Iterator[ActorSessions]:
    """The worker's users in actor sessions without a browser (the clean-up and the replacement need none).
    The worker's users are put back afterwards: a Leo retired here must not stay retired for the scenarios,
    whose logged-in softphone is still the old Leo's (the fresh user is removed with the others at the end)."""
    for role in ("agent", "second_agent"):
        identities.user(role)  # made now if not yet, so the worker's Maya and Leo come first on the board
    with identities.choices_kept():
        yield ActorSessions(identities, None, target.crm_url, {}, None, tmp_path, settings.ui_timeout_ms)


def in_wrap_up(cti, telephony, username: str, number: str) -> str:
    """The agent answered a support call and the customer hung up: the agent is in After call work. The call
    is answered through the CTI's API (no browser here): skipped, capability named, on a CTI without it."""
    if "call_control_api" not in cti.capabilities:
        pytest.skip(f"not applicable: {type(cti).__name__} lacks call_control_api (answering a call through the "
                    "CTI's API; with it the defects are seeded in the sandbox CTI's own routes)")
    cti.set_agent_state(username, "AVAILABLE")
    call = telephony.place_call(from_number=number, queue="support")
    eventually(lambda: cti.interaction(call.id), until=lambda c: c.agent == username, description="the call offered")
    cti.answer(call.id)
    telephony.customer_hangs_up(call.id)
    eventually(lambda: cti.agent(username), until=lambda a: a.state == "ACW", description="the agent in ACW")
    return call.id


def test_clean_up_completes_a_wrap_up_when_the_product_refuses_drafts(sessions, cti, telephony, controls, settings,
                                                                      target):
    crew = Actors(sessions, settings, target, cti, telephony)
    username = crew.user("agent").username
    call_id = in_wrap_up(cti, telephony, username, "+15550188001")
    controls.add_fault(DRAFTS, "http_500")  # the seeded product defect: every draft save fails
    try:
        report = crew.reset_agents([call_id])
    finally:
        controls.clear_faults()
    assert report.clean, report.describe()
    assert cti.interaction(call_id).state == "completed"
    assert (cti.agent(username).state, cti.agent(username).current_call_id) == ("OFFLINE", None)


def test_an_agent_the_clean_up_cannot_put_back_is_reported_and_replaced(sessions, cti, telephony, controls, settings,
                                                                        target):
    crew = Actors(sessions, settings, target, cti, telephony)
    stuck_user = crew.user("second_agent")
    call_id = in_wrap_up(cti, telephony, stuck_user.username, "+15550188002")
    controls.add_fault(COMPLETION, "http_500")  # a worse defect: nothing completes a wrap-up
    try:
        report = crew.reset_agents([call_id])
    finally:
        controls.clear_faults()
    try:
        assert [s.username for s in report.stuck] == [stuck_user.username]
        said = report.stuck[0].describe()
        assert said.startswith(f"clean-up failed: Leo (second_agent) ({stuck_user.username}) stays busy"), said
        assert "ACW" in said and "complete the wrap-up" in said and "500" in said, said
        note = sessions.retire(report.stuck[0], "the scenario under test")
        fresh = sessions.user("second_agent")
        assert fresh.username != stuck_user.username and fresh.username in note
        # the next scenario starts clean with the fresh user, whatever the old one is left in
        after = reset_agents(cti, telephony, {fresh.username: ("second_agent", "Leo (second_agent)")}, [])
        assert after.clean, after.describe()
        assert cti.set_agent_state(fresh.username, "AVAILABLE").state == "AVAILABLE"
        cti.set_agent_state(fresh.username, "OFFLINE")
    finally:
        cti.complete_wrapup(call_id, disposition=[d.code for d in cti.dispositions_for(call_id)][0])
        cti.set_agent_state(stuck_user.username, "OFFLINE")
