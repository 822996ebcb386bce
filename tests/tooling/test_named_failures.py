"""Every failure named: bad settings, an unreachable target or browser, a sandbox that dies mid-run,
and no sandbox left running when pytest or `deskcheck sandbox` is terminated or killed.

Each case is a separate pytest (or deskcheck) process, bounded by a timeout.
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from tests.tooling.helpers import ROOT, generated_suite, outside_xdist, run_pytest, shown

FAST = ["-p", "no:randomly", "-p", "no:hypothesispytest", "-p", "no:schemathesis"]
ANY_TEST = "tests/unit/test_eventually.py"
USES_TARGET = """
def test_one(target):
    pass


def test_two(target):
    pass
"""


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gone(pid: int) -> bool:
    """The process has ended (a zombie waiting for a reaper counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return True
    return state in ("Z", "X")


def wait_until_gone(pid: int, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if gone(pid):
            return True
        time.sleep(0.1)  # polling another process's end: nothing to wait on
    return gone(pid)


def wait_for_file(path: Path, process: subprocess.Popen, timeout: float = 120.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if path.is_file() and path.read_text().strip():
            return path.read_text().strip()
        time.sleep(0.1)
    raise AssertionError(f"{path} never written (exit {process.poll()})")


@contextmanager
def ended_afterwards(process: subprocess.Popen) -> Iterator[subprocess.Popen]:
    """The process, killed at the end of the block if it still runs (its pipes drained)."""
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)


def children_of(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with_children = task / "children"
        if with_children.exists():
            found += [int(c) for c in with_children.read_text().split()]
    return found


# --- settings, target, browser: one line, exit code 4, before any test --------------------------------

@pytest.mark.parametrize(("environ", "named"), [
    ({"DESKCHECK_UI_TIMEOUT_MS": "soon"}, "DESKCHECK_UI_TIMEOUT_MS"),
    ({"DESKCHECK_TOKEN_TTL": "0"}, "between 5 and 28800 seconds"),
])
@pytest.mark.parametrize("workers", ["0", "2"])
def test_a_bad_setting_is_one_usage_error_line(environ, named, workers):
    run = run_pytest([*FAST, "-n", workers, ANY_TEST], env=environ, timeout=120)
    assert run.returncode == 4, shown(run)
    assert "INTERNALERROR" not in run.stdout + run.stderr, shown(run)
    errors = [line for line in (run.stdout + run.stderr).splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 1 and named in errors[0] and "deskcheck settings" in errors[0], shown(run)


@pytest.mark.parametrize("workers", ["0", "2"])
def test_an_unreachable_target_is_one_error_before_any_test(workers):
    crm, cti = f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"
    with generated_suite({"test_uses_target.py": USES_TARGET}) as folder:
        run = run_pytest([*FAST, "-n", workers, str(folder)], env={"DESKCHECK_CRM_URL": crm, "DESKCHECK_CTI_URL": cti},
                         timeout=120)
    output = run.stdout + run.stderr
    assert run.returncode == 4, shown(run)
    assert output.count(f"DESKCHECK_CRM_URL={crm}: connection refused") == 1, shown(run)
    assert f"DESKCHECK_CTI_URL={cti}: connection refused" in output, shown(run)
    assert "ConnectError" not in output and "passed" not in output and "failed" not in output, shown(run)


@pytest.mark.parametrize(("environ", "named"), [
    ({"DESKCHECK_CHROMIUM": "/nonexistent/chromium"}, "DESKCHECK_CHROMIUM='/nonexistent/chromium' is not an executable"),
    ({"DESKCHECK_BROWSER_WS": "ws://127.0.0.1:{port}/token-in-path"}, "DESKCHECK_BROWSER_WS=ws://127.0.0.1:{port}/...: "
                                                                      "connection refused"),
])
def test_a_bad_browser_setting_is_a_usage_error_before_the_sandbox_starts(tmp_path, environ, named):
    port = free_port()
    environ = {key: value.format(port=port) for key, value in environ.items()}
    with generated_suite({"test_uses_target.py": USES_TARGET}) as folder:
        run = run_pytest([*FAST, "-n", "0", f"--basetemp={tmp_path / 'run'}", str(folder)], env=environ, timeout=120)
    output = run.stdout + run.stderr
    assert run.returncode == 4, shown(run)
    assert named.format(port=port) in output, shown(run)
    assert "token-in-path" not in output, shown(run)
    assert not list((tmp_path / "run").glob("sandbox-*")), "a sandbox was started"


# --- the sandbox dies mid-run ---------------------------------------------------------------------------

DIES_FEATURE = """Feature: A sandbox that dies
  Scenario: A scenario in flight when the sandbox dies
    Given the sandbox goes down in the middle of the scenario
    Then Maya's softphone rings with Dana's number

  Scenario: The next scenario
    Then Maya's softphone rings with Dana's number
"""
DIES_STEPS = """
import os
import signal

from pytest_bdd import given, scenarios, then

from fixtures.target import running_sandbox

scenarios("dies.feature")


@given("the sandbox goes down in the middle of the scenario")
def _sandbox_goes_down(target, request):
    \"\"\"Kills the run's sandbox (SIGKILL), as a crash would.\"\"\"
    sandbox = running_sandbox(request.config)
    os.kill(sandbox.proc.pid, signal.SIGKILL)
    sandbox.proc.wait(timeout=30)


@then("Maya's softphone rings with Dana's number")
def _softphone_rings(target):
    \"\"\"Fails the way a UI check does when nothing answers any more.\"\"\"
    raise AssertionError("Maya's softphone should ring with Dana's number")
"""


def test_a_sandbox_that_dies_mid_run_is_named_with_its_exit_code_and_log(tmp_path):
    results = tmp_path / "allure-results"
    with generated_suite({"dies.feature": DIES_FEATURE, "test_dies.py": DIES_STEPS}) as folder:
        run = run_pytest([*FAST, "-n", "0", f"--alluredir={results}", "-o", f"bdd_features_base_dir={folder}",
                          str(folder)], timeout=240, env={"COLUMNS": "400"})  # summary lines not cut short
    output = run.stdout
    assert run.returncode == 1, shown(run)
    # the next scenario is not run against a dead sandbox (warnings may sit between the two counts)
    assert re.search(r"\b1 failed, (\d+ warnings?, )?1 error\b", output), shown(run)
    named = "SandboxExited: Environment: the sandbox exited with code -9 (killed by SIGKILL); its log ("
    summary = [line for line in output.splitlines() if line.startswith(("FAILED ", "ERROR "))]
    assert any(line.startswith("FAILED ") and "in_flight" in line and named in line for line in summary), shown(run)
    assert any(line.startswith("ERROR ") and "the_next_scenario" in line and named in line for line in summary), \
        shown(run)  # the next one is not run against the dead sandbox
    assert "sandbox.stderr.log" in output, shown(run)
    assert "(the test then failed with AssertionError: Maya's softphone should ring" in output, shown(run)
    # the report's category is the environment's, not a product defect's
    results_of = {r["name"]: r for r in (json.loads(p.read_text()) for p in results.glob("*-result.json"))}
    in_flight = results_of["A scenario in flight when the sandbox dies"]
    assert in_flight["status"] == "broken", in_flight
    assert "Environment: the sandbox exited with code -9" in in_flight["statusDetails"]["message"], in_flight


# --- orphans ---------------------------------------------------------------------------------------------

WAITS_WITH_A_SANDBOX = """
import os
import threading
from pathlib import Path

from fixtures.target import running_sandbox


def test_waits_with_a_sandbox(target, request):
    sandbox = running_sandbox(request.config)
    Path(os.environ["SANDBOX_PID_FILE"]).write_text(f"{sandbox.proc.pid} {target.crm_url}")
    threading.Event().wait(300)
"""


@pytest.mark.parametrize(("workers", "sig"), [
    ("0", signal.SIGTERM),
    ("0", signal.SIGKILL),
    ("1", signal.SIGKILL),  # the xdist controller killed: its worker, and the worker's sandbox, follow
])
def test_terminating_or_killing_pytest_leaves_no_sandbox_running(tmp_path, workers, sig):
    pid_file = tmp_path / "sandbox.pid"
    with generated_suite({"test_waits.py": WAITS_WITH_A_SANDBOX}) as folder:
        with ended_afterwards(subprocess.Popen(
                [sys.executable, "-m", "pytest", *FAST, "-p", "no:cacheprovider", "-n", workers, str(folder)],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                env={**outside_xdist(dict(os.environ)), "SANDBOX_PID_FILE": str(pid_file)})) as pytest_run:
            sandbox_pid, crm_url = wait_for_file(pid_file, pytest_run).split()
            pytest_run.send_signal(sig)
            pytest_run.wait(timeout=60)
        assert wait_until_gone(int(sandbox_pid)), f"the sandbox (pid {sandbox_pid}) outlived pytest after {sig.name}"
        port = int(crm_url.rsplit(":", 1)[1])
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=5).close()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_stopping_deskcheck_sandbox_stops_the_sandbox(tmp_path, sig):
    with ended_afterwards(subprocess.Popen(
            [sys.executable, "-m", "deskcheck", "sandbox", "--json", "--data-dir", str(tmp_path / "data")],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=outside_xdist(dict(os.environ)))) as command:  # `deskcheck sandbox`
        first_line = command.stdout.readline()  # printed once every system listens
        assert first_line.startswith("{"), first_line
        sandboxes = children_of(command.pid)
        assert len(sandboxes) == 1, sandboxes
        command.send_signal(sig)
        command.wait(timeout=30)
    assert wait_until_gone(sandboxes[0]), f"python -m sandbox (pid {sandboxes[0]}) outlived deskcheck after {sig.name}"
    if sig == signal.SIGTERM:  # passed on to the sandbox, which stopped on it: 128 + SIGTERM, like a shell says
        assert command.returncode == 128 + signal.SIGTERM, command.returncode
