"""Every system's API needs a token: 401 with a Bearer challenge without one, or with a bad one."""
from __future__ import annotations

import re

import pytest

DEMO_SECRET = "suite-secret"  # the sandbox's default for people clicking around; it is in the repository
STREAMING = re.compile(r"/stream$")


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "no-such-id", path)


def test_every_api_operation_needs_a_token(system_api):
    operations = [(m, p) for m, p, _ in system_api.operations() if not STREAMING.search(p)]
    assert operations, f"{system_api.name} documents no /api operations"
    wrong = []
    for method, path in operations:
        body = {} if method in ("POST", "PUT", "PATCH") else None
        response = system_api.anonymous.request(method, concrete(path), json=body)
        if response.status_code != 401 or not response.headers.get("www-authenticate", "").startswith("Bearer"):
            wrong.append(f"{method} {path} -> {response.status_code}")
    assert not wrong, f"{system_api.name}: answered without a token: {wrong}"


def test_a_made_up_token_is_refused(system_api):
    method, path = next((m, p) for m, p, _ in system_api.operations() if m == "GET" and "{" not in p
                        and not STREAMING.search(p))
    response = system_api.anonymous.get(path, headers={"Authorization": "Bearer made-up-token"})
    assert response.status_code == 401, response.text
    assert "invalid_token" in response.headers.get("www-authenticate", "")


def test_the_event_stream_needs_a_token_too(system_api):
    response = system_api.anonymous.get("/api/events/stream", params={"after": 0})
    assert response.status_code == 401


def test_the_suites_own_sandbox_takes_only_a_secret_made_for_this_run(system_api, target, settings):
    if not target.is_sandbox:
        pytest.skip("your own environment: its client secret is yours (DESKCHECK_CLIENT_SECRET)")
    assert settings.client_secret != DEMO_SECRET
    refused = system_api.anonymous.post("/oauth/token", data={
        "grant_type": "client_credentials", "client_id": settings.client_id, "client_secret": DEMO_SECRET})
    assert refused.status_code == 401, refused.text
    assert "events" in system_api.client.get("/api/events", params={"limit": 1})  # the run's secret works
