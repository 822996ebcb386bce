"""Shared by everything under tests/: API response times per endpoint (p95 in the Allure report), and
one real run of a deliberately failing scenario whose allure-results the evidence tests read.

(Plugins are registered in the root conftest; these hooks live here so that only runs of tests/
write the response-time result.)
"""
import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.tooling.helpers import outside_xdist
from fixtures.response_times import (  # noqa: F401 (pytest hooks and fixtures, found by name)
    pytest_configure,
    pytest_sessionfinish,
    pytest_sessionstart,
    pytest_terminal_summary,
    response_times,
)

ROOT = Path(__file__).resolve().parents[1]
FAILING_FEATURE = ROOT / "tests" / "evidence" / "deliberately_failing.feature.txt"


@dataclass(frozen=True)
class FailingRun:
    results: Path                      # its allure-results directory
    process: subprocess.CompletedProcess
    passwords: tuple[str, ...]         # the actors' passwords it used (a secrets scan looks for them)


@pytest.fixture(scope="session")
def deliberately_failing_run(tmp_path_factory: pytest.TempPathFactory) -> FailingRun:
    """Runs tests/evidence/deliberately_failing.feature.txt once, in a subprocess with its own sandbox."""
    results = tmp_path_factory.mktemp("failing-run") / "allure-results"
    agent_password = secrets.token_urlsafe(18)  # configured, so this run knows the password to look for
    generated = ROOT / "tests" / "evidence" / f"_generated_{os.getpid()}"
    generated.mkdir(exist_ok=True)
    try:
        shutil.copy(FAILING_FEATURE, generated / "deliberately_failing.feature")
        (generated / "test_deliberately_failing.py").write_text(
            "from pytest_bdd import scenarios\n\nscenarios('deliberately_failing.feature')\n")
        process = subprocess.run(
            [sys.executable, "-m", "pytest", str(generated), "-p", "no:cacheprovider", "-p", "no:xdist",
             f"--alluredir={results}", "-o", "bdd_features_base_dir=" + str(generated), "-q"],
            cwd=ROOT, capture_output=True, text=True, timeout=240,
            env={**outside_xdist(dict(os.environ)), "DESKCHECK_UI_TIMEOUT_MS": "2000",
                 "DESKCHECK_AGENT_USERNAME": "evidence.maya", "DESKCHECK_AGENT_PASSWORD": agent_password})
    finally:
        shutil.rmtree(generated, ignore_errors=True)
    assert process.returncode == 1, \
        f"the scenario should fail, exit {process.returncode}\n{process.stdout[-3000:]}\n{process.stderr[-3000:]}"
    return FailingRun(results, process, (agent_password,))
