"""Shared fixtures for the sandbox's own API tests: a running sandbox process and API clients.

The sandbox is started exactly as the suite would start it (`python -m sandbox --json`), on free
ports with its own data dir, and spoken to only over HTTP.
"""
from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SUITE_CLIENT = ("deskcheck-suite", "suite-secret")
STARTUP_SECONDS = 30.0


def _read_first_line(process: subprocess.Popen, deadline: float) -> str:
    """The first stdout line of the process, or a failure with its stderr once the deadline passes."""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    buffer = b""
    while b"\n" not in buffer:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or process.poll() is not None:
            break
        if selector.select(timeout=min(remaining, 0.5)):
            chunk = os.read(process.stdout.fileno(), 4096)
            if not chunk:
                break
            buffer += chunk
    selector.close()
    if b"\n" not in buffer:
        raise RuntimeError(f"sandbox did not print its URLs (exit code {process.poll()}), stdout: {buffer!r}")
    return buffer.split(b"\n", 1)[0].decode()


def _wait_healthy(urls: dict[str, Any], deadline: float) -> None:
    for name in ("crm", "cti"):
        last_error = None
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{urls[name]}/healthz", timeout=2.0).status_code == 200:
                    break
            except httpx.HTTPError as exc:
                last_error = exc
        else:
            raise RuntimeError(f"{name} never became healthy: {last_error!r}")


@pytest.fixture(scope="module")
def sandbox_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Starts one sandbox per test module; yields its JSON line: {crm, cti, data_dir, sandbox_mode}."""
    with running_sandbox(tmp_path_factory.mktemp("sandbox-data")) as urls:
        yield urls


@pytest.fixture
def another_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Any]:
    """``with another_sandbox("--no-sandbox-mode") as urls:`` a sandbox of the test's own, started with those args."""
    return lambda *args: running_sandbox(tmp_path_factory.mktemp("another-sandbox"), *args)


@contextmanager
def running_sandbox(data_dir: Path, *args: str) -> Iterator[dict[str, Any]]:
    """``python -m sandbox --json`` with ``args`` (e.g. ``--no-sandbox-mode``) until the block ends; its JSON line."""
    stderr_log = open(data_dir / "sandbox.stderr.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--json", "--data-dir", str(data_dir), *args],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=stderr_log)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        try:
            urls = json.loads(_read_first_line(process, deadline))
            _wait_healthy(urls, deadline)
        except Exception:
            stderr_log.flush()
            raise RuntimeError((data_dir / "sandbox.stderr.log").read_text(errors="replace")[-4000:])
        yield urls
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        stderr_log.close()


def token_for(base_url: str, username: str | None = None, password: str | None = None) -> str:
    """A bearer token: client credentials for the suite client, or a password grant for a user."""
    if username is None:
        form = {"grant_type": "client_credentials", "client_id": SUITE_CLIENT[0], "client_secret": SUITE_CLIENT[1]}
    else:
        form = {"grant_type": "password", "username": username, "password": password or ""}
    response = httpx.post(f"{base_url}/oauth/token", data=form, timeout=10.0)
    response.raise_for_status()
    return response.json()["access_token"]


def api_client(base_url: str, username: str | None = None, password: str | None = None) -> httpx.Client:
    """An httpx client for base_url with a bearer token (the suite client unless a user is given)."""
    token = token_for(base_url, username, password)
    return httpx.Client(base_url=base_url, timeout=10.0, headers={"authorization": f"Bearer {token}"})


def wait_until(check: Callable[[], Any], timeout: float = 10.0, interval: float = 0.05) -> Any:
    """Polls check() until it returns a truthy value or stops raising; fails with the last outcome."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        try:
            last = check()
            if last:
                return last
        except AssertionError as exc:
            last = exc
        if time.monotonic() >= deadline:
            raise AssertionError(f"not true within {timeout} s; last seen: {last!r}")
        # a short pause between polls of a live HTTP service (not a fixed test wait)
        time.sleep(interval)


@pytest.fixture(scope="module")
def api() -> Iterator[Callable[..., httpx.Client]]:
    """`api(base_url)` -> httpx client with a suite token; `api(base_url, "tia", "tia-pass")` for a user."""
    opened: list[httpx.Client] = []

    def make(base_url: str, username: str | None = None, password: str | None = None) -> httpx.Client:
        client = api_client(base_url, username, password)
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.close()


@pytest.fixture(scope="session")
def eventually() -> Callable[..., Any]:
    """`eventually(check, timeout)`: polls until check() is truthy / stops failing an assert."""
    return wait_until


@pytest.fixture(scope="module")
def crm(sandbox_urls: dict[str, Any], api: Callable[..., httpx.Client]) -> httpx.Client:
    """The crm API as the suite client (full access)."""
    return api(sandbox_urls["crm"])


@pytest.fixture(scope="module")
def cti(sandbox_urls: dict[str, Any], api: Callable[..., httpx.Client]) -> httpx.Client:
    """The cti API as the suite client (full access)."""
    return api(sandbox_urls["cti"])


class _IsolatedBrowser:
    """The run's browser seen as a browser of one's own: pages open in fresh contexts; close()
    closes only those contexts, never the browser other tests share."""

    def __init__(self, browser) -> None:
        self.browser, self.contexts = browser, []

    def new_page(self, **context_args):
        context = self.browser.new_context(**context_args)
        self.contexts.append(context)
        return context.new_page()

    def new_context(self, **context_args):
        context = self.browser.new_context(**context_args)
        self.contexts.append(context)
        return context

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        self.contexts.clear()


@pytest.fixture
def sandbox_playwright(browser):
    """Stands in for `sync_playwright()` in browser tests: a second Playwright instance cannot start in
    a worker where pytest-playwright's is running, so `.chromium.launch()` hands out the shared browser."""
    from contextlib import contextmanager
    from types import SimpleNamespace

    @contextmanager
    def start():
        isolated = _IsolatedBrowser(browser)
        try:
            yield SimpleNamespace(chromium=SimpleNamespace(launch=lambda **_ignored: isolated))
        finally:
            isolated.close()

    return start
