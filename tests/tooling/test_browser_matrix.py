"""Browser matrix: chromium always; firefox and webkit when Playwright's own builds are installed,
else skipped with a reason that says how to get them."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from fixtures.browser import missing_browser_reason, remote_label
from tests.tooling.helpers import run_pytest, shown

SCENARIO = "tests/test_screen_pop.py::test_known_caller_pops_their_contact_record_with_the_360_view"


def test_missing_browser_reason(tmp_path):
    installed = tmp_path / "firefox"
    installed.write_text("#!/bin/sh\n")
    installed.chmod(0o755)
    fake = SimpleNamespace(firefox=SimpleNamespace(executable_path=str(installed)),
                           webkit=SimpleNamespace(executable_path=str(tmp_path / "missing" / "pw_run.sh")))
    assert missing_browser_reason("firefox", fake) is None
    reason = missing_browser_reason("webkit", fake)
    assert "webkit is not installed for Playwright" in reason and "playwright install webkit" in reason
    assert "not available through Playwright" in missing_browser_reason("opera", fake)


def test_remote_label_hides_the_endpoint_path_and_credentials():
    assert remote_label("ws://user:pw@grid.local:3000/abc123token") == "remote Playwright server ws://grid.local:3000"


@pytest.mark.parametrize("other_browser", ["firefox"])  # webkit: same path, unit-tested above
def test_a_browser_without_playwrights_build_is_skipped_with_a_reason(other_browser, playwright):
    # pytest-playwright's own Playwright: a second sync_playwright() cannot start in a worker that has one
    browser = other_browser
    reason = missing_browser_reason(browser, playwright)
    run = run_pytest([SCENARIO, "-p", "no:xdist", "--browser", browser, "-rs", "-o", "addopts=-p no:allure_pytest"],
                     timeout=240)
    if reason is None:  # Playwright's own build is installed here: the scenario runs in it
        assert run.returncode == 0 and "1 passed" in run.stdout, shown(run)
        return
    assert run.returncode == 0 and "1 skipped" in run.stdout, shown(run)
    assert f"{browser} is not installed for Playwright" in run.stdout, shown(run)
