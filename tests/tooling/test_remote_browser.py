"""DESKCHECK_BROWSER_WS: the suite connects to a Playwright server instead of launching a browser.

Starts a browser server from npm playwright-core (scripts/browser-server.mjs) with the Chromium the
suite would use, then runs a real scenario through it in a separate pytest run whose local Chromium
setting points nowhere: it can only pass by connecting.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import threading

from fixtures.browser import bundled_chromium_path, find_chromium
from tests.tooling.helpers import ROOT, run_pytest, shown

SERVER = ROOT / "scripts" / "browser-server.mjs"
SCENARIO = "tests/test_screen_pop.py::test_known_caller_pops_their_contact_record_with_the_360_view"


def start_browser_server() -> tuple[subprocess.Popen, str]:
    node = shutil.which("node")
    assert node, "node is needed for the Playwright browser server (make test installs the npm packages)"
    assert (ROOT / "node_modules" / "playwright-core").is_dir(), "run `npm ci` (make test does) for playwright-core"
    executable = find_chromium(bundled=bundled_chromium_path()) or bundled_chromium_path()
    proc = subprocess.Popen([node, str(SERVER), "--executable", executable], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(30)
    if not first or not first[0].strip():
        proc.kill()
        raise AssertionError(f"the browser server printed no endpoint; stderr: {proc.stderr.read()[-2000:]}")
    return proc, json.loads(first[0])["wsEndpoint"]


def stop(proc: subprocess.Popen) -> None:
    try:
        proc.stdin.close()  # the server stops when its input closes
        proc.wait(timeout=15)
    except (OSError, subprocess.TimeoutExpired):
        proc.terminate()
        proc.wait(timeout=10)


def test_a_scenario_runs_through_a_remote_playwright_server(tmp_path):
    proc, ws = start_browser_server()
    try:
        assert ws.startswith("ws://127.0.0.1:"), ws
        results = tmp_path / "allure-results"
        run = run_pytest([SCENARIO, "-p", "no:xdist", f"--alluredir={results}", "-q"],
                         env={"DESKCHECK_BROWSER_WS": ws, "DESKCHECK_CHROMIUM": str(tmp_path / "no-local-chromium")},
                         timeout=240)
    finally:
        stop(proc)
    assert run.returncode == 0 and "1 passed" in run.stdout, shown(run)
    environment = (results / "environment.properties").read_text()
    assert "browser_connection=remote Playwright server ws://127.0.0.1:" in environment, environment
    assert ws.rsplit("/", 1)[1] not in environment  # the endpoint's path is a secret of sorts: not shown
