"""API checks against the target (the sandbox, or your own systems' URLs): one httpx client per system,
with a token from /oauth/token, every call timed for the response-time report."""
from __future__ import annotations

from typing import Any, Iterator

import httpx
import pytest

from deskcheck.adapters.sandbox.http import ApiClient
from fixtures.response_times import ResponseTimes
from fixtures.settings import Settings
from fixtures.target import Target

SYSTEMS = ("crm", "cti", "ivr", "chat", "helpdesk", "marketing")


def system_url(target: Target, system: str) -> str:
    known = dict(target.urls) or {"crm": target.crm_url, "cti": target.cti_url}
    if system not in known:
        pytest.skip(f"the target has no {system} system (set DESKCHECK_{system.upper()}_URL to check yours)")
    return known[system]


class SystemApi:
    """One system's API: its OpenAPI document, an authenticated client and an anonymous one."""

    def __init__(self, name: str, url: str, settings: Settings, times: ResponseTimes) -> None:
        self.name, self.url = name, url
        self.client = ApiClient(url, settings.client_id, settings.client_secret)
        self.client.system = name
        times.watch(self.client.http, name)
        self.anonymous = times.watch(httpx.Client(base_url=url, timeout=10.0), name)
        self._openapi: dict[str, Any] | None = None

    @property
    def openapi(self) -> dict[str, Any]:
        if self._openapi is None:
            response = self.anonymous.get("/openapi.json")
            assert response.status_code == 200, f"{self.name}: no OpenAPI document at /openapi.json"
            self._openapi = response.json()
        return self._openapi

    def operations(self, prefix: str = "/api/") -> list[tuple[str, str, dict[str, Any]]]:
        """(METHOD, path template, operation) for every documented operation under ``prefix``."""
        return [(method.upper(), path, op) for path, item in self.openapi["paths"].items()
                for method, op in item.items()
                if method in ("get", "post", "put", "patch", "delete") and path.startswith(prefix)]

    def events_with(self, correlation_id: str) -> list[dict[str, Any]]:
        return self.client.get("/api/events", params={"correlation_id": correlation_id})["events"]

    def close(self) -> None:
        self.client.close()
        self.anonymous.close()


@pytest.fixture(scope="session")
def system_apis(target: Target, settings: Settings, response_times: ResponseTimes) -> Iterator[dict[str, SystemApi]]:
    opened: dict[str, SystemApi] = {}

    class Lazy(dict):
        def __missing__(self, name: str) -> SystemApi:
            opened[name] = SystemApi(name, system_url(target, name), settings, response_times)
            self[name] = opened[name]
            return opened[name]

    yield Lazy()
    for api in opened.values():
        api.close()


@pytest.fixture(params=SYSTEMS)
def system_api(request: pytest.FixtureRequest, system_apis: dict[str, SystemApi]) -> SystemApi:
    return system_apis[request.param]


def pytest_terminal_summary(terminalreporter) -> None:
    """The contract test's random seed, so a failure found by chance can be replayed (xdist workers share it)."""
    found: dict[str, set] = {"contract_seed": set(), "contract_requests": set()}
    for reports in terminalreporter.stats.values():
        for name, value in (item for report in reports for item in getattr(report, "user_properties", ())):
            found.get(name, set()).add(value)
    for seed in sorted(found["contract_seed"]):
        terminalreporter.write_line(f"schemathesis contract test: seed {seed} (replay: DESKCHECK_CONTRACT_SEED={seed}); "
                                    + "; ".join(sorted(found["contract_requests"])))
