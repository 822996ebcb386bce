"""fixtures.optional_checks: a check made only where the target offers its capability, and said when it is not."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from pytest_bdd import parsers

from deskcheck.capabilities import UnknownCapability, checks_if_offered, needs, optionally_checked_by
from deskcheck.stepdefs import StepDef
from fixtures.optional_checks import PROPERTY, OptionalChecks


def test_an_offered_check_runs_and_its_answer_comes_back():
    node = SimpleNamespace(user_properties=[])
    checks = OptionalChecks(frozenset({"write_audit"}), "sandbox", node)
    assert checks.check("write_audit", "the log written once", lambda: 1) == 1
    assert checks.not_made == [] and node.user_properties == []


def test_a_check_the_target_cannot_make_is_not_run_and_is_reported_with_the_capability():
    node = SimpleNamespace(user_properties=[])
    checks = OptionalChecks(frozenset(), "service-cloud-voice", node)
    made = []
    assert checks.check("write_audit", "the log written once", lambda: made.append(1)) is None
    assert made == []
    assert checks.not_made == ["check not made on profile service-cloud-voice: the log written once - needs "
                               "write_audit (the CRM tells how many times a call log was written (proves "
                               "exactly-once delivery))"]
    assert node.user_properties == [(PROPERTY, "write_audit: " + checks.not_made[0])]


def test_a_failing_offered_check_fails_the_step():
    checks = OptionalChecks(frozenset({"write_audit"}), "sandbox")

    def wrong() -> None:
        raise AssertionError("written twice")
    with pytest.raises(AssertionError, match="written twice"):
        checks.check("write_audit", "the log written once", wrong)


def test_an_unknown_capability_is_refused_by_name():
    with pytest.raises(UnknownCapability):
        OptionalChecks(frozenset(), "sandbox").offered("write_audits")
    with pytest.raises(UnknownCapability):
        checks_if_offered("write_audits")


def test_a_step_declares_its_checks_if_offered_apart_from_what_it_needs():
    @needs("event_stream")
    @checks_if_offered("screen_pop_audit")
    def step() -> None:
        """A step of the test."""

    definition = StepDef("then", parsers.parse("the CRM recorded one screen pop"), step)
    assert definition.needs == {"event_stream"}
    assert definition.checks_if_offered == optionally_checked_by(step) == {"screen_pop_audit"}
