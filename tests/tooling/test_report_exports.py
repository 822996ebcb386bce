"""`make nightly` also writes Cucumber JSON and JUnit XML for Jira Xray, Zephyr and CI test tabs: the JSON
holds up against Cucumber's published schema with workers and retries on, and tags pass through."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from jsonschema import Draft7Validator

from tests.tooling.helpers import ROOT, generated_suite, run_pytest, shown

NIGHTLY = ROOT / "tests" / "nightly"
SCHEMA = ROOT / "schemas" / "cucumber" / "cucumber-ruby.json"
SCENARIOS = ["Passes at once", "Fails on the first attempt only", "Always fails", "One per example",
             "One per example"]


def run_exports_suite(tmp_path, *extra, env=None):
    attempts = tmp_path / "attempts"
    attempts.mkdir()
    out = {"cucumber": tmp_path / "cucumber.json", "junit": tmp_path / "junit.xml", "allure": tmp_path / "allure-results"}
    files = {"exports.feature": (NIGHTLY / "exports.feature.txt").read_text(),
             "test_exports.py": (NIGHTLY / "steps_for_exports.py.txt").read_text()}
    with generated_suite(files) as folder:
        run = run_pytest([str(folder), f"--alluredir={out['allure']}", "-o", f"bdd_features_base_dir={folder}",
                          "--cucumberjson", str(out["cucumber"]), "--junitxml", str(out["junit"]), *extra],
                         env={"DESKCHECK_ATTEMPTS_DIR": str(attempts), **(env or {})}, timeout=180)
    return run, out


def test_cucumber_json_fits_cucumbers_schema_with_workers_and_retries(tmp_path):
    run, out = run_exports_suite(tmp_path, "-n", "2", "--reruns", "1")
    assert run.returncode == 1, shown(run)  # "Always fails" fails after its retry
    document = json.loads(out["cucumber"].read_text())
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                for e in Draft7Validator(json.loads(SCHEMA.read_text())).iter_errors(document)]
    assert not problems, problems

    [feature] = document
    elements = {e["name"]: e for e in feature["elements"]}
    assert sorted(e["name"] for e in feature["elements"]) == sorted(SCENARIOS), "one element per scenario and " \
        "example, whichever worker ran it, and a retried scenario once"
    assert {t["name"] for t in feature["tags"]} >= {"@TEST_ABC-123", "@owner:softphone-team", "@nightly"}
    assert {t["name"] for t in elements["Passes at once"]["tags"]} >= {"@TEST_ABC-124", "@severity:critical"}
    assert {t["name"] for t in elements["Fails on the first attempt only"]["tags"]} >= {"@TestCaseKey=ABC-T7"}

    flaky = [s["result"]["status"] for s in elements["Fails on the first attempt only"]["steps"]]
    assert flaky == ["passed", "passed"], "the final attempt is the one written"
    failed = elements["Always fails"]["steps"]
    assert [s["result"]["status"] for s in failed] == ["passed", "failed", "skipped"]
    assert "the product is broken" in failed[1]["result"]["error_message"]


def test_junit_xml_has_each_scenario_once_with_its_final_outcome(tmp_path):
    run, out = run_exports_suite(tmp_path, "-p", "no:xdist", "--reruns", "1")
    assert run.returncode == 1, shown(run)
    cases = list(ET.parse(out["junit"]).getroot().iter("testcase"))
    failed = [c.get("name") for c in cases if c.find("failure") is not None]
    assert len(cases) == len(SCENARIOS), [c.get("name") for c in cases]
    assert failed == ["test_always_fails"], failed
