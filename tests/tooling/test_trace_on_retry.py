"""DESKCHECK_TRACE=auto: with retries on (make nightly), a passing scenario records no Playwright trace, and a
failing one fails again on its retry, which does (issue 17: failure evidence kept, a pass pays nothing)."""
from __future__ import annotations

import json

from tests.tooling.helpers import ROOT, generated_suite, run_pytest, shown

FAILING = (ROOT / "tests" / "evidence" / "deliberately_failing.feature.txt").read_text()
STEPS = "from pytest_bdd import scenarios\n\nscenarios('deliberately_failing.feature')\n"


def attachments(node: dict) -> list[str]:
    names = [a["name"] for a in node.get("attachments", [])]
    for step in node.get("steps", []):
        names += attachments(step)
    return names


def test_only_the_retry_of_a_failing_scenario_is_traced(tmp_path):
    results = tmp_path / "allure-results"
    with generated_suite({"deliberately_failing.feature": FAILING, "test_failing.py": STEPS}) as folder:
        run = run_pytest([str(folder), "-p", "no:xdist", "--reruns", "1", f"--alluredir={results}",
                          "-o", f"bdd_features_base_dir={folder}"], env={"DESKCHECK_UI_TIMEOUT_MS": "2000"},
                         timeout=240)
    assert run.returncode == 1 and "1 rerun" in run.stdout, shown(run)
    first, retry = sorted((json.loads(p.read_text()) for p in results.glob("*-result.json")), key=lambda r: r["stop"])
    assert first["status"] == retry["status"] == "failed", (first["status"], retry["status"])
    assert not [n for n in attachments(first) if "Playwright trace" in n], attachments(first)
    assert "image/png" in {a["type"] for a in first["attachments"]}, "the first run still has its screenshot"
    assert [n for n in attachments(retry) if "Playwright trace" in n], attachments(retry)
