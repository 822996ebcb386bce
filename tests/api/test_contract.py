"""Contract checks with schemathesis: every operation of every API, fed generated requests, must not
answer a server error (5xx) nor a response that breaks its own OpenAPI document.

Against the sandbox this starts a sandbox of its own (random requests create users, webhooks and
calls, which the scenarios' sandbox must not see). Against your own API, give the base URLs:

    DESKCHECK_CONTRACT_URLS="crm=https://crm.example.com,tickets=https://help.example.com" \\
    DESKCHECK_CLIENT_SECRET=... .venv/bin/python -m pytest tests/api/test_contract.py

Each base URL must serve ``/openapi.json``; the token comes from ``DESKCHECK_CONTRACT_TOKEN`` or a
client-credentials grant at ``BASE/oauth/token`` with the suite's client id and secret.

Every operation gets requests that fit its document (positive) and requests that break it (negative:
wrong types, values past a documented maximum, bodies that are not objects, headers that are not
text), ``DESKCHECK_CONTRACT_EXAMPLES`` of each (default 20; ``make fuzz`` sends 150). The generator
is seeded at random each run; the seed is printed at the end of the run and in every failure, and
``DESKCHECK_CONTRACT_SEED=<seed>`` replays the same requests.
"""
from __future__ import annotations

import os
import uuid

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, settings as hypothesis_settings
from schemathesis.generation import derive_operation_seed
from schemathesis.generation.hypothesis.builder import HypothesisTestConfig, HypothesisTestMode, create_test
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from deskcheck.masking import register_secret
from fixtures.target import own_sandbox

NEVER_CALLED = r"^/(_sandbox/|api/events/stream)"  # the test API resets data; the stream never ends
EXAMPLES = int(os.environ.get("DESKCHECK_CONTRACT_EXAMPLES", "20"))
SEED_VARIABLE = "DESKCHECK_CONTRACT_SEED"


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
    return {"name": name, "base_url": base_url, "token": bearer_token(base_url, settings)}


@pytest.fixture(scope="session")
def contract_seed(request) -> int:
    """DESKCHECK_CONTRACT_SEED, else one random seed per run, the same in every xdist worker."""
    given_seed = os.environ.get(SEED_VARIABLE, "").strip()
    if given_seed:
        return int(given_seed)
    run_id = getattr(request.config, "workerinput", {}).get("testrunuid") or uuid.uuid4().hex
    return int(run_id[:8], 16)


def _operation_test(operation, schema, seed: int, check):
    """schemathesis's own test for one operation: its coverage phase (each documented bound, type and
    required field, just inside and just outside), then fuzzing in both modes (EXAMPLES requests that fit
    the document, EXAMPLES that break it)."""
    return create_test(operation=operation, test_func=check, config=HypothesisTestConfig(
        project=schema.config, modes=[HypothesisTestMode.COVERAGE, HypothesisTestMode.FUZZING],
        explicit_settings=hypothesis_settings(
            max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate]),  # no shrinking: the seed replays a failure
        seed=derive_operation_seed(seed, operation.label)))


def test_api_honours_its_openapi_contract(contract_api, contract_seed, record_property):
    """One test per API; every operation gets its generated requests, and every failure is listed."""
    record_property("contract_seed", contract_seed)  # tests/api/conftest.py prints it at the end of the run
    schema = schemathesis.openapi.from_url(f"{contract_api['base_url']}/openapi.json").exclude(path_regex=NEVER_CALLED)
    failures, checked, sent = [], 0, []
    with requests.Session() as session:  # one kept-alive connection, not one per request
        def check(case) -> None:
            sent.append(case.operation.label)
            case.call_and_validate(base_url=contract_api["base_url"], session=session, timeout=20,
                                   headers={"Authorization": f"Bearer {contract_api['token']}"},
                                   checks=[not_a_server_error, response_schema_conformance])

        for result in schema.get_all_operations():
            operation = result.ok()
            checked += 1
            try:
                _operation_test(operation, schema, contract_seed, check)()
            except (AssertionError, Exception, BaseExceptionGroup) as exc:  # a failure group per operation
                failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    record_property("contract_requests", f"{contract_api['name']}: {len(sent)} requests to {checked} operations")
    assert checked, f"{contract_api['name']}: the OpenAPI document lists no operations"
    assert not failures, f"{contract_api['name']}: {len(failures)} of {checked} operations break the contract " \
        f"(replay: {SEED_VARIABLE}={contract_seed} DESKCHECK_CONTRACT_EXAMPLES={EXAMPLES}):\n" + "\n\n".join(failures)
