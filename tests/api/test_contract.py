"""Contract checks with schemathesis: every operation of every API, fed generated requests, must not
answer a server error (5xx) nor a response that breaks its own OpenAPI document.

Against the sandbox this starts a sandbox of its own (random requests create users, webhooks and
calls, which the scenarios' sandbox must not see). Against your own API, give the base URLs:

    DESKCHECK_CONTRACT_URLS="crm=https://crm.example.com,tickets=https://help.example.com" \\
    DESKCHECK_CLIENT_SECRET=... .venv/bin/python -m pytest tests/api/test_contract.py

Each base URL must serve ``/openapi.json``; the token comes from ``DESKCHECK_CONTRACT_TOKEN`` or a
client-credentials grant at ``BASE/oauth/token`` with the suite's client id and secret.
``DESKCHECK_CONTRACT_EXAMPLES`` (default 8) sets the generated requests per operation.
"""
from __future__ import annotations

import os

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from deskcheck.masking import register_secret
from fixtures.target import own_sandbox

NEVER_CALLED = r"^/(_sandbox/|api/events/stream)"  # the test API resets data; the stream never ends
EXAMPLES = int(os.environ.get("DESKCHECK_CONTRACT_EXAMPLES", "8"))


def given_urls() -> dict[str, str]:
    raw = os.environ.get("DESKCHECK_CONTRACT_URLS", "").strip()
    urls = {}
    for index, item in enumerate(part.strip() for part in raw.split(",") if part.strip()):
        name, _, url = item.rpartition("=")
        urls[name or f"api{index + 1}"] = url.rstrip("/")
    return urls


@pytest.fixture(scope="session")
def contract_urls(settings):
    urls = given_urls()
    if urls:
        yield urls
        return
    with own_sandbox(settings, "contract-sandbox", token_ttl=3600) as sandbox_urls:
        yield sandbox_urls


def bearer_token(base_url: str, settings) -> str:
    token = os.environ.get("DESKCHECK_CONTRACT_TOKEN")
    if not token:
        response = httpx.post(f"{base_url}/oauth/token", data={
            "grant_type": "client_credentials", "client_id": settings.client_id,
            "client_secret": settings.client_secret}, timeout=10)
        assert response.status_code == 200, f"no token from {base_url}/oauth/token: {response.status_code}"
        token = response.json()["access_token"]
    register_secret(token)
    return token


def _system_names() -> list[str]:
    return list(given_urls()) or ["crm", "cti", "ivr", "chat", "helpdesk", "marketing"]


@pytest.fixture(scope="session", params=_system_names())
def contract_api(request, contract_urls, settings):
    name = request.param
    if name not in contract_urls:
        pytest.skip(f"no {name} API to check (given: {', '.join(contract_urls)})")
    base_url = contract_urls[name]
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json").exclude(path_regex=NEVER_CALLED)
    return {"name": name, "schema": schema, "base_url": base_url, "token": bearer_token(base_url, settings)}


def _check_operation(operation, base_url: str, token: str) -> None:
    @given(case=operation.as_strategy())
    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                         suppress_health_check=list(HealthCheck))
    def generated(case) -> None:
        case.call_and_validate(base_url=base_url, headers={"Authorization": f"Bearer {token}"},
                               checks=[not_a_server_error, response_schema_conformance], timeout=20)

    generated()


def test_api_honours_its_openapi_contract(contract_api):
    """One test per API; every operation gets its generated requests, and every failure is listed."""
    failures, checked = [], 0
    for result in contract_api["schema"].get_all_operations():
        operation = result.ok()
        checked += 1
        try:
            _check_operation(operation, contract_api["base_url"], contract_api["token"])
        except (AssertionError, Exception, BaseExceptionGroup) as exc:  # a failure group per operation
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    assert checked, f"{contract_api['name']}: the OpenAPI document lists no operations"
    assert not failures, f"{contract_api['name']}: {len(failures)} of {checked} operations break the contract:\n" \
        + "\n\n".join(failures)
