"""Hardening of the sandbox: the console cannot be framed, refresh tokens expire, the test API's clock
moves only forward and not past 2100, and the webhook allow-list comes from the command line.

Tests here move this module's sandbox clock by hours, so each takes fresh tokens (``api(url)``)
instead of the module's ``crm``/``cti`` clients, whose tokens would have expired.
"""
from __future__ import annotations

import httpx
import pytest

from channel_helpers import ok

REFRESH_TTL = 8 * 3600  # the sandbox default (--refresh-token-ttl)


def advance(base_url: str, seconds: float) -> None:
    ok(httpx.post(f"{base_url}/_sandbox/clock", json={"advance_seconds": seconds}))


def grant(base_url: str, **form: str) -> httpx.Response:
    return httpx.post(f"{base_url}/oauth/token", data=form, timeout=10.0)


# ---- anti-framing ------------------------------------------------------------------------------------
def test_the_console_pages_forbid_framing(sandbox_urls) -> None:
    with httpx.Client(base_url=sandbox_urls["crm"], timeout=10.0) as browser:
        pages = [browser.get("/login"), browser.post("/login", data={"username": "maya", "password": "wrong"})]
        assert browser.post("/login", data={"username": "maya", "password": "maya-pass"}).status_code == 303
        pages += [browser.get("/console"), browser.get("/console/supervisor")]  # the last: 403 for an agent
        for page in pages:
            assert page.headers["content-type"].startswith("text/html"), page.request.url
            assert page.headers.get("content-security-policy") == "frame-ancestors 'none'", page.request.url
            assert page.headers.get("x-frame-options") == "DENY", page.request.url
        assert "x-frame-options" not in browser.get("/api/users/me").headers  # JSON is not a page


def test_the_softphone_keeps_its_own_framing_policy(sandbox_urls, api) -> None:
    code = ok(api(sandbox_urls["cti"]).post("/api/sso/codes", json={"username": "maya"}), 201)["code"]
    with httpx.Client(base_url=sandbox_urls["cti"], timeout=10.0) as browser:
        assert browser.get("/softphone", params={"code": code}).status_code == 303
        policy = browser.get("/softphone").headers["content-security-policy"]
    assert policy == f"frame-ancestors 'self' {sandbox_urls['crm']}"  # the console may frame it


# ---- refresh tokens ----------------------------------------------------------------------------------
@pytest.mark.parametrize("form", [
    {"grant_type": "client_credentials", "client_id": "deskcheck-suite", "client_secret": "suite-secret"},
    {"grant_type": "password", "username": "tia", "password": "tia-pass"},
], ids=["client credentials", "password"])
def test_a_refresh_token_expires(sandbox_urls, form) -> None:
    crm = sandbox_urls["crm"]
    first = ok(grant(crm, **form))
    assert first["refresh_expires_in"] == REFRESH_TTL
    advance(crm, REFRESH_TTL - 60)
    second = ok(grant(crm, grant_type="refresh_token", refresh_token=first["refresh_token"]))  # still valid
    advance(crm, REFRESH_TTL + 1)
    expired = grant(crm, grant_type="refresh_token", refresh_token=second["refresh_token"])
    assert expired.status_code == 400 and expired.json()["error"] == "invalid_grant", expired.text
    assert "expired" in expired.json()["error_description"]
    assert ok(grant(crm, **form))["access_token"]  # signing in again works


# ---- the test API's clock ----------------------------------------------------------------------------
@pytest.mark.parametrize("move, reason", [
    ({"set": "2001-01-01T00:00:00Z"}, "only moves forward"),
    ({"set": "9999-12-31T23:59:59Z"}, "stops at 2100"),
    ({"set": "2100-01-01T00:00:01Z"}, "stops at 2100"),
    ({"advance_seconds": -1}, "greater than or equal to 0"),
])
def test_the_clock_refuses_to_go_back_or_past_2100(sandbox_urls, move, reason) -> None:
    before = ok(httpx.get(f"{sandbox_urls['crm']}/_sandbox/clock"))["offset_seconds"]
    refused = httpx.post(f"{sandbox_urls['crm']}/_sandbox/clock", json=move)
    assert refused.status_code == 422 and reason in refused.json()["detail"], refused.text
    assert ok(httpx.get(f"{sandbox_urls['crm']}/_sandbox/clock"))["offset_seconds"] == pytest.approx(before, abs=1e-6)
    for system in ("crm", "cti", "ivr", "chat", "helpdesk", "marketing"):  # the vendor doors have no /healthz
        assert ok(httpx.get(f"{sandbox_urls[system]}/healthz"))["status"] == "ok", system


def test_advancing_stops_at_2100(another_sandbox) -> None:
    with another_sandbox("--frozen-clock") as urls:
        ok(httpx.post(f"{urls['cti']}/_sandbox/clock", json={"set": "2099-12-31T23:00:00Z"}))
        refused = httpx.post(f"{urls['cti']}/_sandbox/clock", json={"advance_seconds": 3601})
        assert refused.status_code == 422 and "stops at 2100" in refused.json()["detail"], refused.text
        assert ok(httpx.get(f"{urls['cti']}/healthz"))["now"] == "2099-12-31T23:00:00.000+00:00"
        ok(httpx.post(f"{urls['cti']}/_sandbox/clock", json={"advance_seconds": 3600}))
        assert ok(httpx.get(f"{urls['crm']}/healthz"))["now"] == "2100-01-01T00:00:00.000+00:00"


# ---- the webhook allow-list from the command line ----------------------------------------------------
def test_without_sandbox_mode_webhooks_go_only_where_the_allow_list_says(another_sandbox) -> None:
    allowed = "http://127.0.0.1:9/partner"
    with another_sandbox("--no-sandbox-mode", "--webhook-allow", allowed) as urls:
        token = ok(grant(urls["crm"], grant_type="client_credentials", client_id="deskcheck-suite",
                         client_secret="suite-secret"))["access_token"]
        with httpx.Client(base_url=urls["crm"], headers={"authorization": f"Bearer {token}"}, timeout=10.0) as crm:
            hook = {"secret": "s3cret-for-tests", "types": ["never.emitted"]}
            for outside in ("http://127.0.0.1:9/other", "http://127.0.0.1:10/partner", "http://localhost:9/partner",
                            "http://127.0.0.1:9/partnerx", "https://127.0.0.1:9/partner"):
                refused = ok(crm.post("/api/webhooks", json={"url": outside, **hook}), 422)
                assert "not on the webhook allow-list (http://127.0.0.1:9/partner)" in refused["detail"], refused
            assert ok(crm.get("/api/webhooks"))["webhooks"] == []
            ok(crm.post("/api/webhooks", json={"url": f"{allowed}/hooks", **hook}), 201)


def test_a_bad_allow_list_entry_stops_the_sandbox_with_a_reason(another_sandbox) -> None:
    with pytest.raises(RuntimeError, match="--webhook-allow: 'ftp://partner.example' is not an http"):
        with another_sandbox("--webhook-allow", "ftp://partner.example"):
            pass
