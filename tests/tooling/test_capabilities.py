"""A profile whose adapters lack a capability skips exactly the scenarios that need it, with the capability
named in the terminal and in Allure, and runs the rest; a check a step makes only where a capability is
offered is reported as not made (an Allure sub-step marked skipped, a terminal section), never passed."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from pytest_bdd.scenario import make_python_name

from deskcheck.applicability import scenario_applicability
from deskcheck.stepdefs import find_definition, load_step_definitions
from fixtures.profile import load_profile
from tests.tooling.helpers import ROOT, run_pytest, shown

COUNTS_WRITES = "the CRM has exactly one call log for the call, written once"  # write count: a check if offered
KEEPS_DRAFT = 'the CTI keeps the draft "FOLLOW_UP" with the note "Send the return label"'  # needs wrapup_draft


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


def _skipped_steps(steps: list[dict]) -> list[dict]:
    """Allure steps marked skipped, at any depth."""
    return [s for step in steps for s in ([step] if step.get("status") == "skipped" else []) + _skipped_steps(
        step.get("steps") or [])]


def test_the_limited_profile_skips_what_needs_the_draft_and_runs_what_only_also_counts_writes(tmp_path):
    defs = load_step_definitions()
    draft = find_definition(defs, "then", KEEPS_DRAFT)
    assert draft is not None and "wrapup_draft" in draft.needs, "the draft-reading step no longer needs wrapup_draft"
    counting = find_definition(defs, "then", COUNTS_WRITES)
    assert counting is not None and counting.checks_if_offered == {"write_audit"} and not counting.needs, \
        "the write-counting step no longer counts writes only where write_audit is offered"
    offered = load_profile("tests/profiles/limited.toml").capabilities()
    assert {"wrapup_draft", "write_audit"}.isdisjoint(offered), offered
    lint_view = scenario_applicability([ROOT / "features/wrap_up"], defs, offered)
    expected_skipped = {r.scenario for r in lint_view if r.missing}
    assert "Reloading the console keeps the wrap-up draft" in expected_skipped, expected_skipped
    counts_writes = set().union(*(_scenarios_with_step(feature.read_text(), COUNTS_WRITES)
                                  for feature in sorted((ROOT / "features/wrap_up").glob("*.feature"))))
    assert counts_writes and counts_writes.isdisjoint(expected_skipped), (counts_writes, expected_skipped)

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
    assert len(outcomes) - len(skipped) >= 8, outcomes  # the other wrap-up scenarios ran
    for test_id in skipped:
        assert "not applicable on profile limited: needs wrapup_draft" in outcomes[test_id][1], outcomes[test_id]

    assert f"{len(skipped)} skipped" in run.stdout and "not applicable on profile limited: needs wrapup_draft" in run.stdout, \
        shown(run)
    assert f"{len(skipped)} scenario(s) need 'wrapup_draft', which its adapters do not offer" in run.stdout, shown(run)
    assert "checks not made on profile limited" in run.stdout, shown(run)
    assert f"{len(counts_writes)} check(s) need 'write_audit', which its adapters do not offer" in run.stdout, shown(run)

    allure = [json.loads(p.read_text()) for p in results.glob("*-result.json")]
    not_applicable = [r for r in allure if r["status"] == "skipped"]
    assert {r["name"] for r in not_applicable} == expected_skipped, [(r["name"], r["status"]) for r in allure]
    for result in not_applicable:
        assert "wrapup_draft" in result["statusDetails"]["message"], result["statusDetails"]
        assert {"name": "tag", "value": "not-applicable"} in result["labels"], result["labels"]
    assert all(r["status"] == "passed" for r in allure if r not in not_applicable), \
        [(r["name"], r["status"]) for r in allure]
    # the scenarios that count writes ran and passed; the write count is a skipped sub-step naming write_audit
    for result in (r for r in allure if r["name"] in counts_writes):
        checks = [s for s in _skipped_steps(result["steps"]) if "write_audit" in s["statusDetails"]["message"]]
        assert len(checks) == 1 and checks[0]["name"].startswith("not applicable: the CRM call log of call "), \
            (result["name"], _skipped_steps(result["steps"]))
        assert "check not made on profile limited" in checks[0]["statusDetails"]["message"], checks[0]
        assert {"name": "tag", "value": "check-not-made"} in result["labels"], result["labels"]


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
