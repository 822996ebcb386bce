"""A failing scenario must leave evidence in Allure: screenshot, trace, browser console, events.

Runs one deliberately failing scenario in a subprocess (its own sandbox, its own results
directory) and reads the Allure result it wrote.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FEATURE = ROOT / "tests" / "evidence" / "deliberately_failing.feature.txt"


def test_failing_scenario_attaches_screenshot_trace_console_and_events(tmp_path):
    generated = ROOT / "tests" / "evidence" / f"_generated_{os.getpid()}"
    generated.mkdir(exist_ok=True)
    try:
        shutil.copy(FEATURE, generated / "deliberately_failing.feature")
        (generated / "test_deliberately_failing.py").write_text(
            "from pytest_bdd import scenarios\n\nscenarios('deliberately_failing.feature')\n")
        results = tmp_path / "allure-results"
        run = subprocess.run(
            [sys.executable, "-m", "pytest", str(generated), "-p", "no:cacheprovider", "-p", "no:xdist",
             f"--alluredir={results}", "-o", "bdd_features_base_dir=" + str(generated), "-q"],
            cwd=ROOT, capture_output=True, text=True, timeout=240,
            env={**os.environ, "DESKCHECK_UI_TIMEOUT_MS": "2000"})
    finally:
        shutil.rmtree(generated, ignore_errors=True)
    assert run.returncode == 1, f"the scenario should fail, exit {run.returncode}\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"

    result_files = list(results.glob("*-result.json"))
    assert len(result_files) == 1, [p.name for p in results.iterdir()]
    result = json.loads(result_files[0].read_text())
    assert result["status"] in ("failed", "broken"), result["status"]

    def all_attachments(node):
        found = list(node.get("attachments", []))
        for step in node.get("steps", []):
            found += all_attachments(step)
        return found

    attachments = all_attachments(result)
    names = [a["name"] for a in attachments]
    by_type = {a["type"] for a in attachments}
    assert "image/png" in by_type, names
    assert any("trace" in n.lower() for n in names), names
    assert any("browser console" in n for n in names), names
    assert any("journey events" in n for n in names), names
    for attachment in attachments:
        assert (results / attachment["source"]).stat().st_size > 0, attachment
    events = next(a for a in attachments if "journey events" in a["name"])
    journey = json.loads((results / events["source"]).read_text())
    assert any(e["type"] == "interaction.offered" for e in journey["events"]), journey["events"][:5]
