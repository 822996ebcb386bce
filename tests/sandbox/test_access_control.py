"""Least privilege in every sandbox API, checked by the server for each role (not only by the pages):
webhooks only for the integration-admin client and only to allowed URLs; the cti's board and calls;
the crm's contact deletion, call logs (linking a call to a contact too) and follow-ups.

Demo logins: maya and leo (agents), tia (trainee), sam (supervisor).
"""
from __future__ import annotations

from typing import Any

import httpx
import pytest

from access_helpers import as_client, call_of, cti_session, fresh_number, system_in_process
from channel_helpers import ok

SYSTEMS = ("crm", "cti", "ivr", "chat", "helpdesk", "marketing")
INTEGRATION_ADMIN = "integration-admin"
QUIET_HOOK = {"secret": "s3cret-for-tests", "types": ["never.emitted"]}  # nothing is ever delivered to it


@pytest.fixture(autouse=True)
def fresh_sandbox(crm: httpx.Client, cti: httpx.Client) -> None:
    for client in (crm, cti):
        ok(client.post("/_sandbox/reset"))


def hook_ids(client: httpx.Client) -> set[str]:
    return {hook["id"] for hook in ok(client.get("/api/webhooks"))["webhooks"]}


# ---- webhooks -------------------------------------------------------------------------------------
def test_the_integration_admin_manages_webhooks_on_every_system(sandbox_urls, api) -> None:
    for system in SYSTEMS:
        admin = api(sandbox_urls[system])
        hook = ok(admin.post("/api/webhooks", json={"url": "http://127.0.0.1:9/hooks", **QUIET_HOOK}), 201)
        assert hook_ids(admin) == {hook["id"]}, system
        assert admin.delete(f"/api/webhooks/{hook['id']}").status_code == 204, system
        assert hook_ids(admin) == set(), system


def test_a_plain_service_client_does_not_manage_webhooks(tmp_path) -> None:
    """The systems' own clients read and write every record but administer no integration. Their secrets are
    made per run inside the sandbox, so this is checked on a system built in process (the same router)."""
    with system_in_process(tmp_path) as (system, http):
        admin, service = as_client(system, "deskcheck-suite", INTEGRATION_ADMIN), as_client(system, "crm-service")
        hook = ok(http.post("/api/webhooks", json={"url": "http://127.0.0.1:9/a", **QUIET_HOOK}, headers=admin), 201)
        assert ok(http.post("/api/webhooks", json={"url": "http://127.0.0.1:9/b", **QUIET_HOOK}, headers=service), 403)
        assert ok(http.get("/api/webhooks", headers=service), 403)["detail"].startswith(
            "listing webhooks needs the integration-admin")
        assert ok(http.delete(f"/api/webhooks/{hook['id']}", headers=service), 403)
        assert [h["id"] for h in ok(http.get("/api/webhooks", headers=admin))["webhooks"]] == [hook["id"]]


@pytest.mark.parametrize("username", ["tia", "maya", "sam"])
def test_crm_users_of_every_role_get_403_on_webhooks(sandbox_urls, api, username: str) -> None:
    admin = api(sandbox_urls["crm"])
    partner = ok(admin.post("/api/webhooks", json={"url": "http://127.0.0.1:9/partner", **QUIET_HOOK}), 201)
    user = api(sandbox_urls["crm"], username, f"{username}-pass")  # a password grant
    assert ok(user.post("/api/webhooks", json={"url": f"{sandbox_urls['crm']}/_sandbox/reset", **QUIET_HOOK}), 403)
    assert ok(user.post("/api/webhooks", json={"url": "http://127.0.0.1:9/mine", **QUIET_HOOK}), 403)
    assert ok(user.get("/api/webhooks"), 403)
    assert ok(user.delete(f"/api/webhooks/{partner['id']}"), 403)
    assert hook_ids(admin) == {partner["id"]}


def test_a_trainee_session_gets_403_on_cti_webhooks(sandbox_urls, cti) -> None:
    partner = ok(cti.post("/api/webhooks", json={"url": "http://127.0.0.1:9/partner", **QUIET_HOOK}), 201)
    with cti_session(cti, sandbox_urls["cti"], "tia") as tia:
        assert ok(tia.post("/api/webhooks", json={"url": "http://127.0.0.1:9/mine", **QUIET_HOOK}), 403)
        assert ok(tia.get("/api/webhooks"), 403)
        assert ok(tia.delete(f"/api/webhooks/{partner['id']}"), 403)
    assert hook_ids(cti) == {partner["id"]}


def test_webhook_urls_outside_the_allow_list_are_refused_with_a_reason(sandbox_urls, crm) -> None:
    crm_port = httpx.URL(sandbox_urls["crm"]).port
    refused = {
        "https://hooks.partner.example/deskcheck": "not on the webhook allow-list",
        "http://10.0.0.5/internal": "not on the webhook allow-list",
        f"{sandbox_urls['crm']}/_sandbox/reset": "is a sandbox system itself",
        f"http://localhost:{crm_port}/_sandbox/reset": "is a sandbox system itself",
        f"{sandbox_urls['cti']}/_sandbox/reset": "is a sandbox system itself",
        "http://user:pw@127.0.0.1:9/hooks": "carries credentials",
    }
    for url, reason in refused.items():
        answer = ok(crm.post("/api/webhooks", json={"url": url, **QUIET_HOOK}), 422)
        assert reason in answer["detail"], (url, answer)
    assert hook_ids(crm) == set()
    for loopback in ("http://127.0.0.1:9/hooks", "http://localhost:9/hooks", "http://[::1]:9/hooks"):
        hook = ok(crm.post("/api/webhooks", json={"url": loopback, **QUIET_HOOK}), 201)  # sandbox mode
        assert crm.delete(f"/api/webhooks/{hook['id']}").status_code == 204


# ---- cti: the board and the calls -------------------------------------------------------------------
@pytest.mark.parametrize("username, status", [("tia", 403), ("maya", 403), ("sam", 200)])
def test_the_supervisor_board_api_checks_the_role(sandbox_urls, cti, username: str, status: int) -> None:
    with cti_session(cti, sandbox_urls["cti"], username) as session:
        answer = ok(session.get("/api/supervisor/board"), status)
    assert ("agents" in answer) == (status == 200), answer
    assert ok(cti.get("/api/supervisor/board"))["agents"]  # a service token sees it


def test_an_agent_reads_only_their_own_calls_a_supervisor_all(sandbox_urls, cti) -> None:
    mayas = call_of(cti, "maya")
    with cti_session(cti, sandbox_urls["cti"], "tia") as tia:
        assert ok(tia.get(f"/api/interactions/{mayas['id']}"), 403)["detail"]
        assert ok(tia.get("/api/interactions"), 403)["detail"]
        assert ok(tia.get("/api/interactions", params={"agent": "maya"}), 403)
        assert ok(tia.get("/api/interactions", params={"agent": "tia"}))["interactions"] == []
    with cti_session(cti, sandbox_urls["cti"], "maya") as maya:
        assert ok(maya.get(f"/api/interactions/{mayas['id']}"))["agent"] == "maya"
        assert [c["id"] for c in ok(maya.get("/api/interactions", params={"agent": "maya"}))["interactions"]] == [mayas["id"]]
    with cti_session(cti, sandbox_urls["cti"], "sam") as sam:
        assert ok(sam.get(f"/api/interactions/{mayas['id']}"))["id"] == mayas["id"]
        assert mayas["id"] in [c["id"] for c in ok(sam.get("/api/interactions"))["interactions"]]
    assert ok(cti.get(f"/api/interactions/{mayas['id']}"))["state"] == "connected"


def test_an_agent_transferred_a_call_still_reads_it(sandbox_urls, cti) -> None:
    mayas = call_of(cti, "maya")
    ok(cti.post("/api/agents/leo/state", json={"state": "AVAILABLE"}))
    ok(cti.post(f"/api/interactions/{mayas['id']}/transfer", json={"type": "cold", "agent": "leo"}))
    with cti_session(cti, sandbox_urls["cti"], "maya") as maya, cti_session(cti, sandbox_urls["cti"], "leo") as leo:
        assert ok(leo.get(f"/api/interactions/{mayas['id']}"))["agent"] == "leo"
        assert ok(maya.get(f"/api/interactions/{mayas['id']}"))["transfers"][0]["from_agent"] == "maya"


# ---- cti: callbacks ----------------------------------------------------------------------------------
def test_callbacks_are_read_and_dialled_by_their_queues_agents_and_cancelled_by_supervisors(sandbox_urls, cti) -> None:
    ok(cti.post("/api/agents", json={"username": "tia", "name": "Tia Novak", "role": "trainee", "queues": ["sales"]}))
    billing = ok(cti.post("/api/callbacks", json={"number": fresh_number(), "queue": "billing"}), 201)
    sales = ok(cti.post("/api/callbacks", json={"number": fresh_number(), "queue": "sales"}), 201)
    with cti_session(cti, sandbox_urls["cti"], "tia") as tia:
        assert "not one of tia's queues" in ok(tia.get(f"/api/callbacks/{billing['id']}"), 403)["detail"]
        assert [c["id"] for c in ok(tia.get("/api/callbacks"))["callbacks"]] == [sales["id"]]
        assert ok(tia.post(f"/api/callbacks/{billing['id']}/dial", json={}), 403)
        assert ok(tia.get(f"/api/callbacks/{sales['id']}"))["id"] == sales["id"]
        assert "for supervisors" in ok(tia.delete(f"/api/callbacks/{sales['id']}"), 403)["detail"]
    with cti_session(cti, sandbox_urls["cti"], "maya") as maya:  # in every queue, still an agent
        assert ok(maya.delete(f"/api/callbacks/{billing['id']}"), 403)
    assert {c["id"] for c in ok(cti.get("/api/callbacks"))["callbacks"]} >= {billing["id"], sales["id"]}
    assert ok(cti.get(f"/api/callbacks/{billing['id']}"))["status"] == "scheduled"  # nothing changed
    with cti_session(cti, sandbox_urls["cti"], "sam") as sam:
        assert ok(sam.delete(f"/api/callbacks/{billing['id']}"))["status"] == "cancelled"


# ---- crm: deleting contacts and writing call logs -------------------------------------------------
def a_contact(crm: httpx.Client) -> dict[str, Any]:
    return ok(crm.post("/api/contacts", json={"first_name": "Rosa", "last_name": "Delgado",
                                             "phone": fresh_number("+1555881")}), 201)


@pytest.mark.parametrize("username, status", [("tia", 403), ("maya", 403), ("sam", 200)])
def test_only_supervisors_and_integrations_delete_contacts(sandbox_urls, api, crm, username: str, status: int) -> None:
    contact = a_contact(crm)
    user = api(sandbox_urls["crm"], username, f"{username}-pass")
    ok(user.delete(f"/api/contacts/{contact['id']}"), status)
    assert bool(ok(crm.get(f"/api/contacts/{contact['id']}")).get("deleted_at")) == (status == 200)
    other = a_contact(crm)
    assert ok(crm.delete(f"/api/contacts/{other['id']}"))["deleted"] is True  # the suite's service client


COMPLETED = {"status": "completed", "direction": "inbound", "from_number": "+15550100001", "queue": "support",
             "agent": "maya", "disposition": "RESOLVED", "notes": "Refund approved", "wrapup_seconds": 12}


def log_of(crm: httpx.Client, fields: dict[str, Any]) -> str:
    interaction_id = f"acl-call-{fresh_number('')}"
    ok(crm.put(f"/api/activities/{interaction_id}", json=fields))  # the telephony integration writes it
    return interaction_id


@pytest.mark.parametrize("username", ["tia", "maya", "sam"])
def test_nobody_overwrites_a_completed_call_log_but_the_integration(sandbox_urls, api, crm, username: str) -> None:
    interaction_id = log_of(crm, COMPLETED)
    user = api(sandbox_urls["crm"], username, f"{username}-pass")
    refused = ok(user.put(f"/api/activities/{interaction_id}", json={"disposition": "SALE", "notes": "Overwritten"}), 403)
    assert "completed call log" in refused["detail"]
    log = ok(crm.get(f"/api/activities/{interaction_id}"))
    assert (log["disposition"], log["notes"], log["log_writes"]) == ("RESOLVED", "Refund approved", 1)
    assert ok(crm.put(f"/api/activities/{interaction_id}", json={**COMPLETED, "notes": "Corrected"}))["notes"] == "Corrected"


def test_agents_write_only_their_own_in_progress_call_logs(sandbox_urls, api, crm) -> None:
    in_progress = {"status": "in_progress", "direction": "inbound", "queue": "support", "agent": "maya"}
    interaction_id = log_of(crm, in_progress)
    maya, tia, sam = (api(sandbox_urls["crm"], name, f"{name}-pass") for name in ("maya", "tia", "sam"))
    assert ok(maya.put(f"/api/activities/{interaction_id}", json={"notes": "Asked about a refund"}))["agent"] == "maya"
    assert ok(tia.put(f"/api/activities/{interaction_id}", json={"notes": "Not my call"}), 403)
    assert ok(maya.put(f"/api/activities/{interaction_id}", json={"agent": "leo"}), 403)
    assert ok(maya.put(f"/api/activities/{interaction_id}", json={**COMPLETED, "notes": "Done"}), 403)
    assert ok(sam.put(f"/api/activities/{interaction_id}", json={"notes": "Coached"}))["notes"] == "Coached"
    log = ok(crm.get(f"/api/activities/{interaction_id}"))
    assert (log["status"], log["agent"], log["notes"]) == ("in_progress", "maya", "Coached")
    own = ok(tia.put(f"/api/activities/acl-own-{fresh_number('')}", json={"status": "in_progress", "notes": "Mine"}))
    assert own["agent"] == "tia"  # a log a user starts is theirs
    batch = {"activities": [{"interaction_id": interaction_id, "status": "completed", "disposition": "SALE"}]}
    assert ok(tia.post("/api/activities/bulk", json=batch), 403)
    assert ok(crm.get(f"/api/activities/{interaction_id}"))["status"] == "in_progress"


def test_users_link_only_their_own_in_progress_call_to_a_contact(sandbox_urls, api, crm) -> None:
    mayas = log_of(crm, {"status": "in_progress", "direction": "inbound", "queue": "support", "agent": "maya"})
    completed = log_of(crm, COMPLETED)
    rosa, other = a_contact(crm), a_contact(crm)
    maya, tia, sam = (api(sandbox_urls["crm"], name, f"{name}-pass") for name in ("maya", "tia", "sam"))
    link = f"/api/activities/{mayas}/contact"
    assert "belongs to maya" in ok(tia.post(link, json={"contact_id": other["id"]}), 403)["detail"]
    assert ok(maya.post(link, json={"contact_id": other["id"]}))["contact_id"] == other["id"]
    assert ok(sam.post(link, json={"contact_id": rosa["id"]}))["contact_id"] == rosa["id"]
    for user in (maya, sam):
        assert "completed call log" in ok(user.post(f"/api/activities/{completed}/contact",
                                                    json={"contact_id": other["id"]}), 403)["detail"]
    assert ok(crm.get(f"/api/activities/{completed}"))["contact_id"] is None
    linked = ok(crm.post(f"/api/activities/{completed}/contact", json={"contact_id": rosa["id"]}))  # the integration
    assert (linked["contact_id"], linked["status"]) == (rosa["id"], "completed")
    assert ok(tia.post("/api/activities/acl-no-such-call/contact", json={"contact_id": rosa["id"]}), 404)


FOLLOW_UP = {"phone": "+15550100002", "queue": "support", "reason": "Requested", "status": "in_progress",
             "next_action": "Wrap up the callback",
             "attempts": [{"n": 1, "interaction_id": "acl-callback-call", "agent": "maya", "outcome": "connected"}]}


def follow_up(crm: httpx.Client, followup_id: str) -> dict[str, Any]:
    return next(f for f in ok(crm.get("/api/followups", params={"phone": FOLLOW_UP["phone"]}))["followups"]
                if f["id"] == followup_id)


def test_users_update_only_the_follow_up_of_their_own_callback_in_progress(sandbox_urls, api, crm) -> None:
    mayas, scheduled = f"acl-cb-{fresh_number('')}", f"acl-cb-{fresh_number('')}"
    ok(crm.put(f"/api/followups/{mayas}", json=FOLLOW_UP))  # the telephony integration writes them
    ok(crm.put(f"/api/followups/{scheduled}", json={**FOLLOW_UP, "status": "scheduled", "attempts": []}))
    maya, tia, sam = (api(sandbox_urls["crm"], name, f"{name}-pass") for name in ("maya", "tia", "sam"))
    assert "belongs to maya" in ok(tia.put(f"/api/followups/{mayas}", json={**FOLLOW_UP, "notes": "x"}), 403)["detail"]
    assert ok(maya.put(f"/api/followups/{mayas}", json={**FOLLOW_UP, "next_action": "Email the label"}))
    assert ok(sam.put(f"/api/followups/{mayas}", json={**FOLLOW_UP, "next_action": "Coach Maya"}))
    assert ok(maya.put(f"/api/followups/{mayas}", json={**FOLLOW_UP, "status": "completed"}), 403)
    assert ok(maya.put(f"/api/followups/{mayas}", json={**FOLLOW_UP, "attempts": []}), 403)  # the call history stays
    assert ok(sam.put(f"/api/followups/{scheduled}", json={**FOLLOW_UP, "status": "scheduled", "attempts": []}), 403)
    assert ok(maya.put(f"/api/followups/acl-cb-{fresh_number('')}", json=FOLLOW_UP), 403)  # users never start one
    kept = follow_up(crm, mayas)
    assert (kept["status"], kept["next_action"], len(kept["attempts"])) == ("in_progress", "Coach Maya", 1)
    assert follow_up(crm, scheduled)["status"] == "scheduled"
    assert ok(crm.put(f"/api/followups/{mayas}", json={**FOLLOW_UP, "status": "completed"}))["status"] == "completed"
