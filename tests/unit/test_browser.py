import socket
from pathlib import Path

import pytest

from fixtures.browser import LAUNCH_FLAGS, NoChromium, find_chromium, launch_args
from fixtures.settings import Settings


def executables(*paths):
    return lambda p: p in paths


def test_playwrights_own_chromium_wins():
    assert find_chromium("/opt/chrome", bundled="/ms-playwright/chrome",
                         is_executable=executables("/ms-playwright/chrome", "/opt/chrome", "/usr/bin/chromium")) is None


def test_configured_chromium_next():
    assert find_chromium("/opt/chrome", bundled=None, is_executable=executables("/opt/chrome", "/usr/bin/chromium")) \
        == "/opt/chrome"


def test_configured_but_missing_is_an_error_that_says_how():
    with pytest.raises(NoChromium, match="DESKCHECK_CHROMIUM.*not an executable"):
        find_chromium("/nope/chrome", bundled=None, is_executable=executables("/usr/bin/chromium"))


def test_system_chromium_then():
    assert find_chromium("", bundled=None, is_executable=executables("/usr/bin/chromium")) == "/usr/bin/chromium"


def test_headless_runs_prefer_the_headless_shell():
    found = executables("/usr/bin/chromium", "/usr/bin/chromium-headless-shell")
    assert find_chromium("", bundled=None, is_executable=found) == "/usr/bin/chromium-headless-shell"
    assert find_chromium("", bundled=None, is_executable=found, headless=False) == "/usr/bin/chromium"
    assert find_chromium("/opt/chrome", bundled=None, is_executable=executables("/opt/chrome", *(
        "/usr/bin/chromium", "/usr/bin/chromium-headless-shell"))) == "/opt/chrome"  # a configured one still wins


def test_headed_launch_args_take_the_full_browser(monkeypatch):
    monkeypatch.setattr("fixtures.browser._is_executable",
                        lambda p: p in ("/usr/bin/chromium", "/usr/bin/chromium-headless-shell"))
    assert launch_args(Settings(), headed=True)["executable_path"] == "/usr/bin/chromium"
    assert launch_args(Settings(), headed=False)["executable_path"] == "/usr/bin/chromium-headless-shell"


def test_nothing_found_tells_how_to_get_one():
    with pytest.raises(NoChromium) as info:
        find_chromium("", bundled=None, is_executable=executables())
    assert "playwright install chromium" in str(info.value)
    assert "apt-get install -y chromium chromium-headless-shell" in str(info.value)
    assert isinstance(info.value, pytest.UsageError)


def test_bundled_path_that_does_not_exist_is_ignored():
    assert find_chromium("", bundled="/ms-playwright/gone", is_executable=executables("/usr/bin/chromium")) \
        == "/usr/bin/chromium"


def test_launch_args_add_offline_flags_and_keep_existing_ones(monkeypatch):
    monkeypatch.setattr("fixtures.browser._is_executable", lambda p: p == "/usr/bin/chromium")
    args = launch_args(Settings(), headed=False, base={"args": ["--lang=de"], "slow_mo": 10})
    assert args["executable_path"] == "/usr/bin/chromium"
    assert args["args"][0] == "--lang=de" and all(f in args["args"] for f in LAUNCH_FLAGS)
    assert args["slow_mo"] == 10 and args["headless"] is True


def test_launch_args_for_a_remote_browser_need_no_executable():
    args = launch_args(Settings(browser_ws="ws://grid:3000/pw"), headed=True)
    assert "executable_path" not in args and "headless" not in args


def test_connect_options_fixture_uses_endpoint_key(pytester, monkeypatch):
    root = Path(__file__).resolve().parents[2]
    listener = socket.create_server(("127.0.0.1", 0))  # something listens there: the run's check passes
    endpoint = f"ws://127.0.0.1:{listener.getsockname()[1]}/pw"
    monkeypatch.setenv("PYTHONPATH", str(root))
    monkeypatch.setenv("DESKCHECK_BROWSER_WS", endpoint)
    pytester.makeconftest("""
pytest_plugins = ["fixtures.settings", "fixtures.browser"]
""")
    pytester.makepyfile(f"""
def test_it(connect_options):
    assert connect_options == {{"endpoint": "{endpoint}"}}
""")
    with listener:
        result = pytester.runpytest_subprocess("-p", "no:allure_pytest", "-p", "no:cacheprovider",
                                               "--rootdir", str(pytester.path))
    result.assert_outcomes(passed=1)
