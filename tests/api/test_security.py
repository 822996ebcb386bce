"""Security: the test API only in sandbox mode, field visibility enforced by the server, signed webhooks that only
an integration admin manages, to allowed URLs."""
from __future__ import annotations

import httpx
import pytest

from fixtures.identities import new_user
from fixtures.webhooks import WebhookReceiver
from fixtures.target import own_sandbox

TEST_API = [("GET", "/_sandbox/clock"), ("POST", "/_sandbox/clock"), ("POST", "/_sandbox/reset"),
            ("POST", "/_sandbox/seed"), ("GET", "/_sandbox/faults"), ("POST", "/_sandbox/faults"),
            ("DELETE", "/_sandbox/faults")]


@pytest.fixture(scope="module")
def sandbox_without_test_api(settings):
    """A second sandbox, started the way a shared staging would run it: without --sandbox-mode."""
    with own_sandbox(settings, "no-sandbox-mode", "--no-sandbox-mode") as urls:
        yield urls


def test_the_test_api_is_off_without_sandbox_mode(sandbox_without_test_api):
    assert len(sandbox_without_test_api) >= 2, sandbox_without_test_api
    for system, url in sandbox_without_test_api.items():
        for method, path in TEST_API:
            response = httpx.request(method, f"{url}{path}", json={"advance_seconds": 3600} if method == "POST" else None)
            assert response.status_code == 404, f"{system} {method} {path} -> {response.status_code}"
        assert "/_sandbox/" not in httpx.get(f"{url}/openapi.json").text, f"{system} documents its test API"
        assert httpx.get(f"{url}/healthz").json()["now"], f"{system} is not up"


def test_the_test_api_is_on_in_sandbox_mode(target):
    if not target.is_sandbox:
        pytest.skip("the target is not the sandbox: its test API must not exist (see the test above)")
    for system, url in target.urls:
        assert httpx.get(f"{url}/_sandbox/clock").status_code == 200, system


@pytest.fixture(scope="module")
def as_trainee_and_agent(crm_api, actor_sessions):
    """Password-grant clients for the restricted roles (the suite's own trainee and agent users)."""
    trainee, agent = actor_sessions.user("trainee"), actor_sessions.user("agent")
    clients = {"trainee": crm_api.as_user(trainee.username, trainee.password),
               "agent": crm_api.as_user(agent.username, agent.password)}
    yield clients
    for client in clients.values():
        client.close()


def test_the_server_hides_fields_the_role_may_not_see(crm_api, as_trainee_and_agent):
    contact = crm_api.create_contact("Ines", "Okafor", "+15550102020", date_of_birth="1984-03-12", tax_id="TX-00-9",
                                 account_number=f"ACC-SEC-{id(crm_api) % 100000}")
    crm_api.set_billing(contact["id"], "current", 310.25)
    seen_by_trainee = as_trainee_and_agent["trainee"].contact(contact["id"])
    for hidden in ("date_of_birth", "tax_id"):
        assert hidden not in seen_by_trainee and hidden in seen_by_trainee["hidden_fields"], seen_by_trainee
    assert "balance" not in seen_by_trainee["three_sixty"]["billing"]
    listed = as_trainee_and_agent["trainee"].contacts(q="Okafor")
    assert listed and all("tax_id" not in c and "date_of_birth" not in c for c in listed), listed
    seen_by_agent = as_trainee_and_agent["agent"].contact(contact["id"])
    assert "tax_id" not in seen_by_agent and seen_by_agent["date_of_birth"] == "1984-03-12"
    assert crm_api.contact(contact["id"])["tax_id"] == "TX-00-9"  # a service client sees all


def test_a_restricted_role_cannot_write_what_it_cannot_see(crm_api, as_trainee_and_agent):
    contact = crm_api.create_contact("Ines", "Okafor", "+15550103030", tax_id="TX-11-1")
    refused = as_trainee_and_agent["agent"].request("PATCH", f"/api/contacts/{contact['id']}", json={"tax_id": "TX-EVIL"})
    assert refused.status_code == 403, refused.text
    refused = as_trainee_and_agent["trainee"].request("PUT", f"/api/contacts/{contact['id']}/billing",
                                                      json={"status": "current", "balance": 0})
    assert refused.status_code == 403, refused.text
    assert crm_api.contact(contact["id"])["tax_id"] == "TX-11-1"


def test_the_receiver_accepts_only_deliveries_signed_with_the_shared_secret():
    receiver = WebhookReceiver().start()
    try:
        for problem in ("unsigned", "signed with the wrong secret", "altered after signing"):
            assert receiver.send_forged(problem) == 401, problem
        assert receiver.processed == {}
        assert [d.verdict for d in receiver.deliveries] == \
            ["rejected: unsigned", "rejected: wrong signature", "rejected: wrong signature"]
    finally:
        receiver.stop()


def test_sandbox_webhooks_are_signed_with_the_shared_secret(crm_api, event_source, webhook_receiver, webhook_subscriptions):
    webhook_subscriptions.subscribe(event_source, webhook_receiver, ["contact.created"], system="crm")
    contact = crm_api.create_contact("Pia", "Webhook", "+15550104040")
    processed = webhook_receiver.wait_for(
        lambda ds: [d for d in ds if d.verdict == "processed" and d.event.has(id=contact["id"])],
        description="the signed contact.created delivery")
    assert processed[0].event.type == "contact.created"


def test_a_trainee_cannot_register_list_or_delete_webhooks(crm_api, as_trainee_and_agent, event_source, webhook_receiver,
                                                          webhook_subscriptions):
    partner = webhook_subscriptions.subscribe(event_source, webhook_receiver, ["contact.created"], system="crm")  # the suite may
    trainee = as_trainee_and_agent["trainee"]
    attempts = {"register": trainee.request("POST", "/api/webhooks", json={
                    "url": webhook_receiver.url, "secret": "trainee-secret", "types": ["contact.created"]}),
                "list": trainee.request("GET", "/api/webhooks"),
                "delete": trainee.request("DELETE", f"/api/webhooks/{partner.id}")}
    assert {what: answer.status_code for what, answer in attempts.items()} == \
        {"register": 403, "list": 403, "delete": 403}, {what: answer.text for what, answer in attempts.items()}
    assert [hook.id for hook in event_source.webhooks("crm")].count(partner.id) == 1


def test_without_sandbox_mode_webhooks_go_nowhere_off_the_allow_list(sandbox_without_test_api, settings):
    """Run like a shared staging (no --webhook-allow given): not even the suite's client may make a system
    POST to loopback, where its own test API or an internal service would answer."""
    for system, url in sandbox_without_test_api.items():
        token = httpx.post(f"{url}/oauth/token", data={"grant_type": "client_credentials", "client_id": settings.client_id,
                                                      "client_secret": settings.client_secret}).json()["access_token"]
        headers = {"authorization": f"Bearer {token}"}
        refused = httpx.post(f"{url}/api/webhooks", headers=headers, json={
            "url": "http://127.0.0.1:9/hooks", "secret": "s3cret-for-tests"})
        assert refused.status_code == 422 and "allow-list" in refused.json()["detail"], f"{system}: {refused.text}"
        assert httpx.get(f"{url}/api/webhooks", headers=headers).json()["webhooks"] == [], system


def test_actor_passwords_are_not_printable():
    user = new_user("agent", "gw0")
    assert user.password not in repr(user) and user.password not in str(user)

