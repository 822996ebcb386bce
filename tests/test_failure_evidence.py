"""A failing scenario must leave evidence in Allure: screenshot, trace, browser console, events.

Reads the Allure result of one deliberately failing scenario, run in a subprocess with its own
sandbox and results directory (the `deliberately_failing_run` fixture in tests/conftest.py).
"""
from __future__ import annotations

import json


def test_failing_scenario_attaches_screenshot_trace_console_and_events(deliberately_failing_run):
    results = deliberately_failing_run.results
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
