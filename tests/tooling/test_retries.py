"""The nightly's single retry: a scenario that fails then passes is reported flaky, not hidden."""
from __future__ import annotations

import json
from collections import defaultdict

from tests.tooling.helpers import ROOT, generated_suite, run_pytest, shown

NIGHTLY = ROOT / "tests" / "nightly"


def run_flaky_suite(tmp_path, *extra):
    attempts = tmp_path / "attempts"
    attempts.mkdir()
    results = tmp_path / "allure-results"
    files = {"flaky_once.feature": (NIGHTLY / "flaky_once.feature.txt").read_text(),
             "test_flaky_once.py": (NIGHTLY / "steps_for_flaky_once.py.txt").read_text()}
    with generated_suite(files) as folder:
        run = run_pytest([str(folder), f"--alluredir={results}", "-o", f"bdd_features_base_dir={folder}", *extra],
                         env={"DESKCHECK_ATTEMPTS_DIR": str(attempts)}, timeout=120)
    return run, results


def test_a_failed_scenario_is_retried_once_and_reported_flaky(tmp_path):
    run, results = run_flaky_suite(tmp_path, "--reruns", "1", "-p", "no:xdist")
    assert run.returncode == 1, shown(run)  # "Always fails" still fails after its retry
    assert "1 failed, 2 passed" in run.stdout and "2 rerun" in run.stdout, shown(run)
    summary = run.stdout.split("deskcheck: flaky and failed scenarios", 1)[1]
    flaky_part, failed_part = summary.split("failed after a retry: 1", 1)
    assert "flaky (failed, then passed on retry): 1" in flaky_part
    assert "Retried scenarios: Fails on the first attempt only" in flaky_part, summary
    assert "Retried scenarios: Always fails" in failed_part.split("=====")[0], summary

    by_name = defaultdict(list)
    for path in results.glob("*-result.json"):
        result = json.loads(path.read_text())
        by_name[result["name"]].append(result)
    assert {name: len(r) for name, r in by_name.items()} == {
        "Fails on the first attempt only": 2, "Always fails": 2, "Always passes": 1}, by_name.keys()
    attempts = sorted(by_name["Fails on the first attempt only"], key=lambda r: r["stop"])
    assert len({r["historyId"] for r in attempts}) == 1  # one scenario: Allure 3 shows the first as a retry
    assert [r["status"] for r in attempts] == ["failed", "passed"]
    assert attempts[-1]["statusDetails"]["flaky"] is True
    assert not any(r.get("statusDetails", {}).get("flaky") for r in by_name["Always fails"] + by_name["Always passes"])


def test_no_retry_without_reruns(tmp_path):
    """`make test` never retries: the flaky scenario fails there."""
    run, results = run_flaky_suite(tmp_path, "-p", "no:xdist")
    assert run.returncode == 1 and "2 failed, 1 passed" in run.stdout, shown(run)
    assert "rerun" not in run.stdout.strip().splitlines()[-1], shown(run)
    assert "flaky and failed scenarios" not in run.stdout, shown(run)
