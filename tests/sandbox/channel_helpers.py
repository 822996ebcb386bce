"""Small helpers shared by the sandbox API tests of ivr, chat, helpdesk and the cti channel additions."""
from __future__ import annotations

from typing import Any

import httpx


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, \
        f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
    return response.json() if response.content else None


def next_monday(clock_client: httpx.Client, hhmm: str = "09:00") -> str:
    """Sets the sandbox clock forward to the next Monday at hhmm (UTC) and answers that time."""
    from datetime import datetime, timedelta

    now = datetime.fromisoformat(ok(clock_client.get("/_sandbox/clock"))["now"])
    hour, minute = map(int, hhmm.split(":"))
    moment = (now + timedelta(days=(7 - now.weekday()) or 7)).replace(hour=hour, minute=minute, second=0, microsecond=0)
    ok(clock_client.post("/_sandbox/clock", json={"set": moment.isoformat()}))
    return moment.isoformat(timespec="milliseconds")


class RenewingToken(httpx.Auth):
    """A suite-client bearer token renewed on a 401 (these tests move the clock days ahead)."""

    def __init__(self, base_url: str) -> None:
        self.base_url, self.token = base_url, None

    def _fetch(self) -> str:
        response = httpx.post(f"{self.base_url}/oauth/token", data={
            "grant_type": "client_credentials", "client_id": "deskcheck-suite", "client_secret": "suite-secret"})
        response.raise_for_status()
        return response.json()["access_token"]

    def auth_flow(self, request: httpx.Request):
        self.token = self.token or self._fetch()
        request.headers["authorization"] = f"Bearer {self.token}"
        response = yield request
        if response.status_code == 401:
            self.token = self._fetch()
            request.headers["authorization"] = f"Bearer {self.token}"
            yield request


def client(base_url: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, timeout=10.0, auth=RenewingToken(base_url))
