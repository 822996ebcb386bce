"""Backend checks read as sub-steps in domain words, with the API exchanges attached under them."""
from __future__ import annotations

from typing import Iterator

import pytest
from allure_commons import model2
from allure_commons.lifecycle import AllureLifecycle

from fixtures import report_checks
from fixtures.agreement import expect_agreement, expect_value
from fixtures.eventually import eventually
from fixtures.report_checks import EXCHANGES, attach_pending, group_pending


@pytest.fixture
def scenario(quiet_timings) -> Iterator[model2.TestResult]:
    """An Allure test case open on a lifecycle of its own, as allure-pytest-bdd keeps one during a scenario."""
    lifecycle = AllureLifecycle()
    saved, report_checks._LIFECYCLE = report_checks._LIFECYCLE, lifecycle
    EXCHANGES.take()
    with lifecycle.schedule_test_case() as test:
        test.name = "a scenario"
    try:
        yield test
    finally:
        report_checks._LIFECYCLE = saved
        EXCHANGES.take()


@pytest.fixture
def quiet_timings() -> Iterator[None]:
    """These made-up exchanges stay out of the run's API figures."""
    kept = len(EXCHANGES.timings)
    yield
    del EXCHANGES.timings[kept:]


def exchange(system: str, name: str) -> None:
    """What the sandbox HTTP client does for one request: time it and hand over its text."""
    with EXCHANGES.step(f"{system}: {name}"):
        EXCHANGES.attach(f"{name}\n(request and response)", f"{name} -> 200")


def names(node) -> list[str]:
    return [a.name for a in node.attachments]


def test_a_polled_check_is_one_sub_step_with_what_it_saw_and_its_last_attempt(scenario):
    attempts = iter([None, None, "RESOLVED"])

    def disposition():
        exchange("crm", "GET /api/activities")
        return next(attempts)

    exchange("cti", "GET /api/interactions/int-1")  # read just before the check: part of it
    eventually(disposition, until=lambda value: value == "RESOLVED", interval=0.001,
               description="the CRM call log for Dana's call: disposition RESOLVED")

    [step] = scenario.steps
    assert step.name == "the CRM call log for Dana's call: disposition RESOLVED"
    assert step.status == "passed"
    assert {p.name: p.value for p in step.parameters} == {"seen": "'RESOLVED'", "attempts": "3"}
    assert names(step) == ["cti GET /api/interactions/int-1 -> 200", "crm GET /api/activities -> 200"], \
        "the earlier attempts' exchanges are dropped, the last one's kept"
    assert not scenario.attachments and not EXCHANGES.pending


def test_a_check_that_does_not_hold_is_a_failed_sub_step_in_domain_words(scenario):
    with pytest.raises(AssertionError, match="did not hold"):
        eventually(lambda: 1, until=lambda v: v == 2, timeout=0.01, interval=0.001,
                   description="the number of CRM writes for Dana's call: 1")
    [step] = scenario.steps
    assert step.status == "failed" and "did not hold" in step.statusDetails.message
    assert {p.name: p.value for p in step.parameters}["seen"] == "1"


def test_agreement_is_a_sub_step_naming_the_systems(scenario):
    exchange("crm", "GET /api/activities")
    expect_agreement("the disposition of Dana's call", "RESOLVED", {"the CRM call log": "RESOLVED", "the CTI": "RESOLVED"})
    with pytest.raises(AssertionError, match="the CTI has None"):
        expect_value("the hold time of Dana's call", 12, "the CTI", None)

    agreed, disagreed = scenario.steps
    assert agreed.name == "the disposition of Dana's call: 'RESOLVED' in the CRM call log and the CTI"
    assert agreed.status == "passed" and names(agreed) == ["crm GET /api/activities -> 200"]
    assert disagreed.name == "the hold time of Dana's call: 12 in the CTI" and disagreed.status == "failed"


def test_a_check_inside_a_polled_check_adds_no_step_of_its_own(scenario):
    values = iter([3, 2])

    def open_cases():
        expect_value("the open cases of Dana", 2, "the CRM", next(values))

    eventually(open_cases, interval=0.001, description="Dana's open cases in the CRM: 2")
    [step] = scenario.steps
    assert step.name == "Dana's open cases in the CRM: 2" and not step.steps, "no failed attempts shown"


def test_exchanges_outside_checks_wait_for_the_step_they_belong_to(scenario):
    exchange("cti", "POST /api/simulator/calls")
    assert not scenario.attachments, "no step per HTTP call, and no attachment before the step ends"
    attach_pending()
    assert names(scenario) == ["cti POST /api/simulator/calls -> 200"]


def test_set_up_and_tear_down_calls_are_grouped_by_system(scenario):
    exchange("cti", "GET /api/interactions")
    exchange("cti", "POST /api/agents/maya/state")
    exchange("crm", "DELETE /api/users/maya")
    group_pending("Clean-up through the backends")
    [step] = scenario.steps
    assert step.name == "Clean-up through the backends: crm ×1, cti ×2" and len(step.attachments) == 3


def test_every_exchange_is_timed_per_system(scenario):
    before = len(EXCHANGES.timings)
    exchange("helpdesk", "GET /api/tickets")
    assert EXCHANGES.timings[before][0] == "helpdesk" and EXCHANGES.timings[before][1] >= 0


def test_nothing_is_reported_or_kept_without_a_scenario(quiet_timings):
    saved, report_checks._LIFECYCLE = report_checks._LIFECYCLE, None
    try:
        exchange("crm", "GET /api/contacts/1")
        assert eventually(lambda: 5, description="anything") == 5
        assert not EXCHANGES.pending
    finally:
        report_checks._LIFECYCLE = saved
