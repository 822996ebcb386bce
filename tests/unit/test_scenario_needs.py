"""fixtures.capability_check.scenario_needs: the capabilities a collected scenario's steps declared."""
from __future__ import annotations

from types import SimpleNamespace

from pytest_bdd import parsers, scenario

from deskcheck.capabilities import needs
from deskcheck.stepdefs import StepDef, load_step_definitions
from fixtures.capability_check import scenario_needs

FEATURE = """\
Feature: Capabilities of scenarios
  Background:
    Given a customer is on file

  Scenario: The call log is counted
    When the customer calls
    And 5 seconds pass
    Then the call log is written once
    And a step nobody defined

  Scenario: Nothing special
    When the customer calls

  Scenario Outline: Per queue
    When the customer calls the <queue> line

    Examples:
      | queue   |
      | support |
      | sales   |
"""


def _step(type_: str, phrase: str, *capabilities: str, regex: bool = False) -> StepDef:
    def definition() -> None:
        """A step of the test."""

    func = needs(*capabilities)(definition) if capabilities else definition
    return StepDef(type_, parsers.re(phrase) if regex else parsers.parse(phrase), func)


DEFS = [
    _step("given", "a customer is on file", "agent_admin"),
    _step("when", "the customer calls", "call_simulator"),
    _step("when", r"\d+ seconds pass", "clock", regex=True),
    _step("then", "the call log is written once", "write_audit"),
    _step("when", "the customer calls the support line", "call_simulator"),
    _step("when", "the customer calls the sales line", "marketing"),
]


def _item(tmp_path, name: str, example: dict[str, str] | None = None):
    """A collected scenario as pytest-bdd makes one: its function, and the Examples row for an outline."""
    (tmp_path / "capabilities.feature").write_text(FEATURE, encoding="utf-8")

    def test_scenario() -> None:
        pass

    item = SimpleNamespace(function=scenario("capabilities.feature", name, features_base_dir=str(tmp_path))(test_scenario))
    if example is not None:
        item.callspec = SimpleNamespace(params={"_pytest_bdd_example": example})
    return item


def test_the_capabilities_of_every_step_with_the_background_and_none_for_unknown_steps(tmp_path):
    assert scenario_needs(_item(tmp_path, "The call log is counted"), DEFS) == {
        "agent_admin", "call_simulator", "clock", "write_audit"}


def test_a_scenario_needs_only_what_its_own_steps_declared(tmp_path):
    assert scenario_needs(_item(tmp_path, "Nothing special"), DEFS) == {"agent_admin", "call_simulator"}


def test_each_examples_row_of_an_outline_needs_what_its_rendered_steps_declared(tmp_path):
    assert scenario_needs(_item(tmp_path, "Per queue", {"queue": "support"}), DEFS) == {"agent_admin", "call_simulator"}
    assert scenario_needs(_item(tmp_path, "Per queue", {"queue": "sales"}), DEFS) == {"agent_admin", "marketing"}


def test_a_plain_test_needs_nothing():
    def test_plain() -> None:
        pass

    assert scenario_needs(SimpleNamespace(function=test_plain), DEFS) == frozenset()


def test_the_wrap_up_scenarios_that_read_the_draft_need_wrapup_draft_and_counting_writes_needs_nothing():
    defs = load_step_definitions()
    reloaded = _wrap_up_item("Reloading the console keeps the wrap-up draft")
    written_once = _wrap_up_item("The call log lands once in the CRM and once in the CTI, with the wrap-up time")
    optional = _wrap_up_item("Optional mode lets the agent finish without a disposition")
    assert "wrapup_draft" in scenario_needs(reloaded, defs)
    # the write count and the draft while typing are checks made only where offered: the scenario runs anyway
    assert {"write_audit", "wrapup_draft"}.isdisjoint(scenario_needs(written_once, defs))
    assert "wrapup_draft" not in scenario_needs(optional, defs)


def _wrap_up_item(name: str):
    def test_scenario() -> None:
        pass

    return SimpleNamespace(function=scenario("wrap_up/wrap_up.feature", name)(test_scenario))
