"""What the measurements share: a sandbox process, API helpers, a browser, statistics, results."""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results.json"
CHANGE_FLAG = 0.20  # a figure that moved more than this since the previous results is flagged
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-gpu"]
SUITE_CLIENT = {"client_id": "deskcheck-suite", "client_secret": "suite-secret"}


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 50 samples is the 48th smallest)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def poll(check: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:
    """Polls a backend until check() answers truthy (bench code, not the suite's `eventually`)."""
    deadline = time.monotonic() + timeout
    pause = 0.02
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not hold within {timeout} s (last: {value!r})")
        time.sleep(pause)


class Sandbox:
    """`python -m sandbox --json --frozen-clock` as a child process, plus authorised API clients."""

    def __init__(self) -> None:
        self.data_dir = Path(tempfile.mkdtemp(prefix="deskcheck-bench-"))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sandbox", "--json", "--frozen-clock", "--data-dir", str(self.data_dir)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.urls: dict[str, str] = json.loads(self.proc.stdout.readline())
        self.http: dict[str, httpx.Client] = {}
        for name in ("crm", "cti", "marketing"):
            if name in self.urls:
                self.http[name] = self._client(self.urls[name])
        poll(lambda: self.http["crm"].get("/healthz").status_code == 200, what="sandbox health")

    def _client(self, base: str) -> httpx.Client:
        token = httpx.post(f"{base}/oauth/token", data={"grant_type": "client_credentials", **SUITE_CLIENT}).json()
        return httpx.Client(base_url=base, headers={"authorization": f"Bearer {token['access_token']}"}, timeout=30)

    def __getattr__(self, name: str) -> httpx.Client:
        try:
            return self.__dict__["http"][name]
        except KeyError:
            raise AttributeError(name) from None

    def stop(self) -> None:
        for client in self.http.values():
            client.close()
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.data_dir, ignore_errors=True)


@contextmanager
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    try:
        yield box
    finally:
        box.stop()


def chromium_path(playwright) -> str | None:
    """The Chromium the suite would launch headless (fixtures/browser.py decides), so both sides of a
    comparison run the same browser; None lets Playwright use its own."""
    from fixtures.browser import bundled_chromium_path, find_chromium

    return find_chromium(os.environ.get("DESKCHECK_CHROMIUM", ""), bundled=bundled_chromium_path(playwright))


def load_previous() -> dict[str, Any]:
    try:
        return json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        return {}


def compare(name: str, value: float, previous: dict[str, Any]) -> str:
    old = previous.get("figures", {}).get(name, {}).get("value")
    if not isinstance(old, (int, float)) or value != value:
        return "new"
    if not old:  # a count that should stay zero (errors, lost records): a percentage means nothing
        return "same" if not value else f"was 0, now {value:g} FLAGGED"
    change = (value - old) / old
    flag = " FLAGGED" if abs(change) > CHANGE_FLAG else ""
    return f"{change:+.0%}{flag}"
