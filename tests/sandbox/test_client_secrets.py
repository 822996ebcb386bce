"""No guessable client secrets: the systems' own service clients get new random secrets every run, and the
suite's client takes the secret it is started with (DESKCHECK_SANDBOX_CLIENT_SECRET), the demo one otherwise."""
from __future__ import annotations

import secrets

import httpx

from channel_helpers import ok

SYSTEMS = ("crm", "cti", "ivr", "chat", "helpdesk", "marketing")
# what the sandbox's own clients used before their secrets were made per run: anyone who read the repo knew them
FORMER_SERVICE_SECRETS = {f"{name}-service": f"{name}-secret" for name in SYSTEMS}
SUITE_CLIENT, DEMO_SECRET = "deskcheck-suite", "suite-secret"


def token_status(base_url: str, client_id: str, client_secret: str) -> int:
    return httpx.post(f"{base_url}/oauth/token", timeout=10.0, data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}).status_code


def suite_headers(base_url: str, client_secret: str) -> dict[str, str]:
    token = ok(httpx.post(f"{base_url}/oauth/token", data={
        "grant_type": "client_credentials", "client_id": SUITE_CLIENT, "client_secret": client_secret}))["access_token"]
    return {"authorization": f"Bearer {token}"}


def test_the_systems_own_clients_take_no_secret_known_outside_the_run(sandbox_urls) -> None:
    for system in SYSTEMS:
        refused = {client: token_status(sandbox_urls[system], client, secret)
                   for client, secret in FORMER_SERVICE_SECRETS.items()}
        assert set(refused.values()) == {401}, (system, refused)
        # started without DESKCHECK_SANDBOX_CLIENT_SECRET: the demo secret, for people clicking around
        assert token_status(sandbox_urls[system], SUITE_CLIENT, DEMO_SECRET) == 200, system


def test_the_suites_client_takes_the_secret_the_sandbox_was_started_with(another_sandbox, monkeypatch) -> None:
    run_secret = secrets.token_urlsafe(24)
    monkeypatch.setenv("DESKCHECK_SANDBOX_CLIENT_SECRET", run_secret)
    with another_sandbox() as urls:
        for system in SYSTEMS:
            assert token_status(urls[system], SUITE_CLIENT, DEMO_SECRET) == 401, system
            assert token_status(urls[system], SUITE_CLIENT, run_secret) == 200, system
        # the systems still reach each other with their per-run secrets: crm makes the user's cti agent
        ok(httpx.post(f"{urls['crm']}/api/users", headers=suite_headers(urls["crm"], run_secret), json={
            "username": "rita", "password": secrets.token_urlsafe(12), "name": "Rita Okoye", "role": "agent"}), 201)
        agent = ok(httpx.get(f"{urls['cti']}/api/agents/rita", headers=suite_headers(urls["cti"], run_secret)))
        assert agent["name"] == "Rita Okoye"
