"""helpdesk: the SLA warning comes when 75% of the target is used, not minutes later (issue 16; the
mutation catalogue, bench/mutants.toml, relies on it). The test sandbox's clock also runs in real time
between requests, so the checks stand a minute either side of the line."""
from __future__ import annotations

import httpx

from channel_helpers import next_monday, ok
from test_helpdesk_api import HOUR, helpdesk, ticket  # noqa: F401 (helpdesk is a fixture)


def resolution(helpdesk: httpx.Client, key: str) -> dict:
    return ok(helpdesk.get(f"/api/tickets/{key}"))["sla"]["resolution"]


def test_the_resolution_warning_comes_at_three_quarters_of_the_target(helpdesk: httpx.Client) -> None:
    next_monday(helpdesk, "09:00")
    key = ticket(helpdesk, priority="high")["id"]  # resolution target: 8 business hours
    ok(helpdesk.post("/_sandbox/clock", json={"advance_seconds": 6 * HOUR - 60}))
    assert resolution(helpdesk, key)["state"] == "running"
    ok(helpdesk.post("/_sandbox/clock", json={"advance_seconds": 120}))
    assert resolution(helpdesk, key)["state"] == "warning"
