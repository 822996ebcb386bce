"""A second target profile swaps page objects and backend adapters; features and steps stay as they are."""
from __future__ import annotations

import json

from tests.tooling.helpers import run_pytest, shown

SCENARIO = "tests/test_screen_pop.py::test_known_caller_pops_their_contact_record_with_the_360_view"


def test_a_scenario_runs_with_the_recording_profiles_pages_and_client(tmp_path):
    log = tmp_path / "recording.jsonl"
    results = tmp_path / "allure-results"
    run = run_pytest([SCENARIO, "-p", "no:xdist", f"--alluredir={results}", "-q"],
                     env={"DESKCHECK_PROFILE": "tests/profiles/recording.toml", "DESKCHECK_RECORDING_LOG": str(log)},
                     timeout=240)
    assert run.returncode == 0 and "1 passed" in run.stdout, shown(run)
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    pages = {c["what"] for c in calls if c["kind"] == "page"}
    ports = [c["what"] for c in calls if c["kind"] == "port"]
    assert {"Console.ready", "Console.softphone"} <= pages, pages
    assert "cti.agent" in ports or "cti.interaction" in ports, ports  # the scenario's checks went through it
    environment = (results / "environment.properties").read_text()
    assert "profile=recording (tests/profiles/recording.toml)" in environment, environment
