"""The nightly's quality gate: the pass rate and the flaky count against the settings' thresholds decide the
exit code, with retries on, and the summary says which rule failed. And its lint, inside the same run."""
from __future__ import annotations

from tests.tooling.helpers import generated_suite, run_pytest, shown
from tests.tooling.test_report_exports import run_exports_suite


def gate_section(run) -> str:
    return run.stdout.split("deskcheck quality gate", 1)[1].split("=====", 2)[-1] if "deskcheck quality gate" in \
        run.stdout else ""


def test_the_default_gate_fails_a_nightly_with_a_failed_scenario_and_says_why(tmp_path):
    run, _ = run_exports_suite(tmp_path, "-n", "2", "--reruns", "1", "--quality-gate")
    assert run.returncode == 1, shown(run)
    assert "deskcheck quality gate: FAILED (pass rate)" in run.stdout, shown(run)
    assert "FAILED pass rate: 80.0% (4 of 5 scenarios passed, retries included), at least 100.0%" in run.stdout
    assert "ok     flaky scenarios: 1 passed only on a retry, at most 2" in run.stdout, shown(run)


def test_within_the_thresholds_the_nightly_passes_even_with_a_failure(tmp_path):
    run, _ = run_exports_suite(tmp_path, "-p", "no:xdist", "--reruns", "1", "--quality-gate",
                               env={"DESKCHECK_GATE_MIN_PASS_RATE": "0.75", "DESKCHECK_GATE_MAX_FLAKY": "1"})
    assert run.returncode == 0, shown(run)
    assert "1 failed" in run.stdout and "deskcheck quality gate: passed" in run.stdout, shown(run)


def test_too_many_flaky_scenarios_fail_the_gate(tmp_path):
    run, _ = run_exports_suite(tmp_path, "-p", "no:xdist", "--reruns", "1", "--quality-gate",
                               env={"DESKCHECK_GATE_MIN_PASS_RATE": "0.75", "DESKCHECK_GATE_MAX_FLAKY": "0"})
    assert run.returncode == 1, shown(run)
    assert "deskcheck quality gate: FAILED (flaky scenarios)" in run.stdout, shown(run)
    assert "FAILED flaky scenarios: 1 passed only on a retry, at most 0" in run.stdout


def test_a_pass_rate_above_one_is_a_usage_error(tmp_path):
    run, _ = run_exports_suite(tmp_path, "-p", "no:xdist", "--quality-gate", env={"DESKCHECK_GATE_MIN_PASS_RATE": "95"})
    assert run.returncode == 4, shown(run)
    assert "gate_min_pass_rate is a share between 0 and 1" in run.stderr + run.stdout, shown(run)


def test_lint_features_stops_the_run_before_any_scenario():
    """`make nightly` lints the features inside the pytest run (--lint-features): an error is a usage error,
    raised before any scenario (or sandbox, or browser) starts."""
    feature = ("Feature: Linted first\n\n  @severity:urgent\n  Scenario: Has a tag no run accepts\n"
               "    Given the agent \"Maya\" is logged in and Available\n")
    files = {"linted.feature": feature,
             "test_linted.py": "from pytest_bdd import scenarios\n\nscenarios('linted.feature')\n"}
    with generated_suite(files) as folder:
        run = run_pytest([str(folder), "-p", "no:xdist", "--lint-features", "-o", f"bdd_features_base_dir={folder}"])
    assert run.returncode == 4, shown(run)
    assert "unknown severity @severity:urgent" in run.stderr and "1 error(s)" in run.stderr, shown(run)
    assert "passed" not in run.stdout and "failed" not in run.stdout, shown(run)
