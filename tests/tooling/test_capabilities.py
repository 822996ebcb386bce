"""A profile whose adapters lack a capability skips exactly the scenarios that need it, with the capability
named in the terminal and in Allure, and runs the rest."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from pytest_bdd.scenario import make_python_name

from deskcheck.stepdefs import find_definition, load_step_definitions
from tests.tooling.helpers import ROOT, run_pytest, shown

COUNTS_WRITES = "the CRM has exactly one call log for the call, written once"  # the wrap-up step that needs write_audit


def _scenarios_with_step(feature_text: str, step: str) -> set[str]:
    """The names of the feature's scenarios with a step reading ``step`` (the feature read as plain text)."""
    found: set[str] = set()
    name = None
    for line in feature_text.splitlines():
        text = line.strip()
        if text.startswith(("Scenario:", "Scenario Outline:")):
            name = text.split(":", 1)[1].strip()
        elif name and text.split(" ", 1)[-1] == step:
            found.add(name)
    return found


def test_the_limited_profile_skips_exactly_the_wrap_up_scenarios_that_count_call_log_writes(tmp_path):
    definition = find_definition(load_step_definitions(), "then", COUNTS_WRITES)
    assert definition is not None and "write_audit" in definition.needs, "the write-counting step no longer needs write_audit"
    expected_skipped = set().union(*(_scenarios_with_step(feature.read_text(), COUNTS_WRITES)
                                     for feature in sorted((ROOT / "features/wrap_up").glob("*.feature"))))
    assert expected_skipped, f"no wrap-up scenario has the step {COUNTS_WRITES!r}"

    results, junit = tmp_path / "allure-results", tmp_path / "junit.xml"
    run = run_pytest(["tests/test_wrap_up.py", "-p", "no:xdist", "-p", "no:randomly", "-rs",
                      f"--alluredir={results}", f"--junitxml={junit}"],
                     env={"DESKCHECK_PROFILE": "tests/profiles/limited.toml"}, timeout=600)
    assert run.returncode == 0, shown(run)

    outcomes = _junit_outcomes(junit)  # test id -> (outcome, message)
    skipped = {test_id for test_id, (outcome, _) in outcomes.items() if outcome == "skipped"}
    assert {test_id.split("[", 1)[0] for test_id in skipped} == {f"test_{make_python_name(s)}" for s in expected_skipped}, \
        (expected_skipped, outcomes)
    assert all(outcomes[test_id][0] == "passed" for test_id in outcomes.keys() - skipped), outcomes
    assert len(outcomes) - len(skipped) >= 10, outcomes  # the other wrap-up scenarios ran
    for test_id in skipped:
        assert "not applicable on profile limited: needs write_audit" in outcomes[test_id][1], outcomes[test_id]

    assert f"{len(skipped)} skipped" in run.stdout and "not applicable on profile limited: needs write_audit" in run.stdout, \
        shown(run)
    assert f"{len(skipped)} scenario(s) need 'write_audit', which its adapters do not offer" in run.stdout, shown(run)

    allure = [json.loads(p.read_text()) for p in results.glob("*-result.json")]
    not_applicable = [r for r in allure if r["status"] == "skipped"]
    assert {r["name"] for r in not_applicable} == expected_skipped, [(r["name"], r["status"]) for r in allure]
    for result in not_applicable:
        assert "write_audit" in result["statusDetails"]["message"], result["statusDetails"]
        assert {"name": "tag", "value": "not-applicable"} in result["labels"], result["labels"]
    assert all(r["status"] == "passed" for r in allure if r not in not_applicable), \
        [(r["name"], r["status"]) for r in allure]


def _junit_outcomes(path) -> dict[str, tuple[str, str]]:
    """test id (``test_name[example]``) -> (passed | skipped | failed, the skip or failure message)."""
    outcomes: dict[str, tuple[str, str]] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        outcome, message = "passed", ""
        for kind in ("skipped", "failure", "error"):
            found = case.find(kind)
            if found is not None:
                outcome, message = ("skipped" if kind == "skipped" else "failed"), found.get("message", "")
        outcomes[case.get("name", "")] = (outcome, message)
    return outcomes
