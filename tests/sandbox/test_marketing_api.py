"""The sandbox marketing system and its crm connector over HTTP: the mapping spec, one-way and two-way
fields, conflicts by time, no loops, soft delete, forms, enrolment that waits, score triggers, email
activity and consent, bulk import, outages with retry, reconciliation, and `deskcheck monitor`."""
from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from deskcheck import cli

MAPPING_FILE = Path(__file__).resolve().parents[2] / "sandbox" / "marketing" / "field_mapping.json"
_numbers = itertools.count(1)


def fresh_number() -> str:
    return f"+1555888{next(_numbers):04d}"


@pytest.fixture(scope="module")
def marketing(sandbox_urls, api) -> httpx.Client:
    return api(sandbox_urls["marketing"])


@pytest.fixture(scope="module")
def admin(sandbox_urls) -> httpx.Client:
    return httpx.Client(base_url=sandbox_urls["crm"], timeout=30)


def sync(marketing: httpx.Client) -> dict[str, Any]:
    response = marketing.post("/api/sync/run", timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def crm_contact(crm: httpx.Client, **fields: Any) -> dict[str, Any]:
    body = {"first_name": "Mara", "last_name": "Quinn", "phone": fresh_number(),
            "email": f"mara.{next(_numbers)}@example.test", **fields}
    response = crm.post("/api/contacts", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def synced(crm: httpx.Client, marketing: httpx.Client, **fields: Any) -> tuple[dict, dict]:
    contact = crm_contact(crm, **fields)
    sync(marketing)
    found = marketing.get("/api/contacts", params={"crm_id": contact["id"]}).json()["contacts"]
    assert len(found) == 1, found
    return contact, found[0]


def form(**fields: Any) -> dict[str, Any]:
    n = next(_numbers)
    return {"submission_id": f"sub-{n}", "form": "Contact us", "email": f"lead.{n}@example.test",
            "first_name": "Lee", "last_name": "Form", "phone": fresh_number(), **fields}


class TestMappingAndAuth:
    def test_api_needs_a_token(self, sandbox_urls):
        assert httpx.get(f"{sandbox_urls['marketing']}/api/mapping").status_code == 401

    def test_the_mapping_endpoint_serves_the_spec_file_the_connector_executes(self, marketing):
        served = marketing.get("/api/mapping").json()
        assert served == json.loads(MAPPING_FILE.read_text(encoding="utf-8"))
        directions = {f["name"]: f["direction"] for f in served["fields"]}
        assert [n for n, d in directions.items() if d == "two_way"] == ["email", "email_opt_out", "do_not_call"]
        assert {f["transform"] for f in served["fields"]} >= {"phone_e164", "text_to_picklist", "picklist_case"}

    def test_openapi_document(self, sandbox_urls):
        paths = httpx.get(f"{sandbox_urls['marketing']}/openapi.json").json()["paths"]
        assert {"/api/mapping", "/api/sync/run", "/api/reconciliation", "/api/form-submissions"} <= set(paths)


class TestSync:
    def test_a_crm_contact_arrives_transformed_and_reconciles(self, crm, marketing):
        contact, mine = synced(crm, marketing, phone="(555) 888-7001", custom_fields={"industry": "  RETAIL "})
        assert (mine["phone"], mine["industry"], mine["origin"]) == ("+15558887001", "Retail", "crm")
        report = marketing.post("/api/reconciliation", json={"crm_ids": [contact["id"]]}).json()
        assert report["ok"] and report["counts"]["crm_active"] == report["counts"]["marketing_active"] == 1

    def test_crm_owned_fields_cannot_be_changed_in_marketing(self, crm, marketing):
        _, mine = synced(crm, marketing)
        response = marketing.patch(f"/api/contacts/{mine['id']}", json={"first_name": "Other"})
        assert response.status_code == 409 and "owned by the crm" in response.json()["detail"]
        assert marketing.get(f"/api/contacts/{mine['id']}").json()["first_name"] == "Mara"

    @pytest.mark.parametrize("older, newer", [("crm", "marketing"), ("marketing", "crm")])
    def test_the_newer_email_wins_whichever_side_changed_last(self, crm, marketing, admin, older, newer):
        contact, mine = synced(crm, marketing)
        change = {"crm": lambda email: crm.patch(f"/api/contacts/{contact['id']}", json={"email": email}),
                  "marketing": lambda email: marketing.patch(f"/api/contacts/{mine['id']}", json={"email": email})}
        change[older](f"older.{older}@example.test")
        admin.post("/_sandbox/clock", json={"advance_seconds": 30})
        change[newer](f"newer.{newer}@example.test")
        job = sync(marketing)
        assert job["stats"]["kept_newer_in_marketing"] == (1 if newer == "marketing" else 0), job
        assert crm.get(f"/api/contacts/{contact['id']}").json()["email"] == f"newer.{newer}@example.test"
        assert marketing.get(f"/api/contacts/{mine['id']}").json()["email"] == f"newer.{newer}@example.test"

    def test_a_change_flows_once_and_does_not_echo(self, crm, marketing):
        contact, mine = synced(crm, marketing)
        marketing.patch(f"/api/contacts/{mine['id']}", json={"do_not_call": True})
        first = sync(marketing)
        second = sync(marketing)
        assert first["stats"]["updated_in_crm"] == 1
        assert crm.get(f"/api/contacts/{contact['id']}").json()["do_not_call"] is True
        moved = {k: v for k, v in second["stats"].items() if k not in ("pulled", "unchanged") and v}
        assert not moved, second

    def test_soft_delete_keeps_history_and_leaves_the_nurture(self, crm, marketing):
        contact, mine = synced(crm, marketing)
        nurture = marketing.post("/api/campaigns", json={"name": f"Nurture {next(_numbers)}", "kind": "nurture"}).json()
        assert marketing.post(f"/api/campaigns/{nurture['id']}/enrolments", json={"contact_id": mine["id"]}).status_code == 201
        marketing.post("/api/emails", json={"contact_id": mine["id"], "subject": "Hello"})
        assert crm.delete(f"/api/contacts/{contact['id']}").status_code == 200
        sync(marketing)
        after = marketing.get(f"/api/contacts/{mine['id']}").json()
        assert after["status"] == "inactive" and after["campaigns"][0]["status"] == "removed"
        assert [a["subject"] for a in after["activities"]] == ["Hello"]
        assert marketing.post("/api/emails", json={"contact_id": mine["id"], "subject": "Again"}).status_code == 409

    def test_outage_mid_sync_is_logged_retried_and_loses_nothing(self, crm, marketing, admin):
        sync(marketing)
        batch = marketing.get("/api/mapping").json()["schedule"]["batch_size"]
        made = crm.post("/api/contacts/bulk", json={"contacts": [
            {"first_name": "Bulk", "last_name": f"N{i}", "phone": fresh_number()} for i in range(batch + 10)]}).json()
        ids = [r["id"] for r in made["results"]]
        admin.post("/_sandbox/faults", json={"target": "marketing.sync.ingest", "mode": "http_500", "after": 1})
        failed = sync(marketing)
        assert failed["status"] == "failed" and failed["next_retry_at"]
        errors = marketing.get("/api/sync/errors").json()["errors"]
        assert errors[0]["job_id"] == failed["id"] and "marketing unavailable" in errors[0]["error"]
        stored = [i for i in ids if marketing.get("/api/contacts", params={"crm_id": i}).json()["contacts"]]
        assert len(stored) == batch
        admin.delete("/_sandbox/faults")
        assert sync(marketing)["status"] == "succeeded"
        assert all(len(marketing.get("/api/contacts", params={"crm_id": i}).json()["contacts"]) == 1 for i in ids)

    def test_reconciliation_names_the_field_that_differs(self, crm, marketing):
        contact, _ = synced(crm, marketing)
        crm.patch(f"/api/contacts/{contact['id']}", json={"last_name": "Changed"})
        report = marketing.post("/api/reconciliation", json={"crm_ids": [contact["id"]]}).json()
        assert not report["ok"]
        assert [(d["field"], d["crm"], d["marketing"]) for d in report["differences"]] == [("last_name", "Changed", "Quinn")]
        sync(marketing)
        assert marketing.post("/api/reconciliation", json={"crm_ids": [contact["id"]]}).json()["ok"]

    def test_reconciliation_without_scope_is_refused(self, marketing):
        assert marketing.post("/api/reconciliation", json={}).status_code == 422


class TestFormsAndImport:
    def test_a_repeated_submission_changes_nothing(self, marketing):
        body = form()
        first = marketing.post("/api/form-submissions", json=body)
        again = marketing.post("/api/form-submissions", json=body)
        assert (first.status_code, again.status_code) == (201, 200)
        assert again.json()["duplicate"] is True and again.json()["contact_id"] == first.json()["contact_id"]
        contact = marketing.get(f"/api/contacts/{first.json()['contact_id']}").json()
        assert [a["kind"] for a in contact["activities"]] == ["form_submitted"]

    def test_a_reused_submission_id_with_other_data_is_409(self, marketing):
        body = form()
        marketing.post("/api/form-submissions", json=body)
        response = marketing.post("/api/form-submissions", json={**body, "first_name": "Other"})
        assert response.status_code == 409 and "different submission" in response.json()["detail"]

    @pytest.mark.parametrize("change, reason", [({"email": "not-an-email"}, "email"), ({"phone": "call me"}, "phone"),
                                                ({"campaign": "No such campaign"}, "campaign")])
    def test_invalid_submissions_are_422_and_store_nothing(self, marketing, change, reason):
        body = form(**change)
        response = marketing.post("/api/form-submissions", json=body)
        assert response.status_code == 422 and reason in response.json()["detail"]
        assert marketing.get("/api/contacts", params={"email": body["email"]}).json()["contacts"] == []

    def test_form_leads_reach_the_crm_once_with_their_activity(self, crm, marketing):
        body = form(phone="+44 20 7946 0958")
        contact_id = marketing.post("/api/form-submissions", json=body).json()["contact_id"]
        sync(marketing)
        sync(marketing)
        mine = marketing.get(f"/api/contacts/{contact_id}").json()
        theirs = crm.get(f"/api/contacts/{mine['crm_id']}").json()
        assert (theirs["phone"], theirs["custom_fields"]["lifecycle_stage"]) == ("+442079460958", "Lead")
        activities = crm.get("/api/activities", params={"contact_id": mine["crm_id"]}).json()["activities"]
        assert [(a["type"], a["subject"], a["source"]) for a in activities] == [("web_form", "Contact us", "marketing")]

    def test_import_lists_bad_rows_and_keeps_the_rest(self, marketing):
        rows = [{"first_name": "Ann", "last_name": "Ok", "phone": "+49 30 901820", "email": f"ann.{next(_numbers)}@example.test"},
                {"first_name": "Bad", "last_name": "Phone", "phone": "12", "email": "bad@example.test"},
                {"first_name": "", "last_name": "NoName", "phone": fresh_number(), "email": "noname@example.test"}]
        result = marketing.post("/api/imports", json={"contacts": rows}).json()
        assert (result["created"], [e["row"] for e in result["errors"]]) == (1, [1, 2])


class TestCampaignsAndScore:
    def test_enrolment_waits_for_the_contact_then_enrols(self, crm, marketing):
        nurture = marketing.post("/api/campaigns", json={"name": f"Wait {next(_numbers)}", "kind": "nurture"}).json()
        email = f"waiting.{next(_numbers)}@example.test"
        waiting = marketing.post(f"/api/campaigns/{nurture['id']}/enrolments", json={"email": email})
        assert waiting.status_code == 202 and waiting.json()["status"] == "waiting"
        crm_contact(crm, email=email)
        sync(marketing)
        members = marketing.get(f"/api/campaigns/{nurture['id']}").json()["members"]
        assert [m["status"] for m in members] == ["enrolled"] and members[0]["contact_id"]

    def test_enrolment_in_an_unknown_campaign_is_404(self, marketing):
        assert marketing.post("/api/campaigns/999999/enrolments", json={"email": "x@example.test"}).status_code == 404

    def test_enrolment_needs_exactly_one_way_to_find_the_contact(self, marketing):
        assert marketing.post("/api/campaigns/1/enrolments", json={"email": "a@b.cd", "crm_id": 1}).status_code == 422

    @pytest.mark.parametrize("refire, expected", [(False, 1), (True, 2)])
    def test_trigger_fires_on_upward_crossings_only(self, crm, marketing, refire, expected):
        _, mine = synced(crm, marketing)
        trigger = marketing.post("/api/score-triggers", json={"name": "Hot", "threshold": 50,
                                                              "refire_on_recross": refire}).json()
        for delta in (49, 1, 5, -10, 10):  # 49: no; 50: fires; 55; 45 (dip); 55 (re-cross)
            marketing.post(f"/api/contacts/{mine['id']}/score", json={"delta": delta})
        firings = marketing.get(f"/api/score-triggers/{trigger['id']}").json()["firings"]
        marketing.delete(f"/api/score-triggers/{trigger['id']}")
        assert [(f["contact_id"], f["fired_count"]) for f in firings] == [(mine["id"], expected)]
        assert marketing.get(f"/api/contacts/{mine['id']}").json()["lifecycle_stage"] == "MQL"

    def test_score_needs_delta_or_set(self, marketing):
        assert marketing.post("/api/contacts/1/score", json={"delta": 1, "set": 3}).status_code == 422

    def test_lifecycle_stage_is_a_picklist_with_one_case(self, crm, marketing):
        _, mine = synced(crm, marketing)
        assert marketing.patch(f"/api/contacts/{mine['id']}", json={"lifecycle_stage": "mql"}).json()["lifecycle_stage"] == "MQL"
        bad = marketing.patch(f"/api/contacts/{mine['id']}", json={"lifecycle_stage": "Hot"})
        assert bad.status_code == 422 and "lifecycle_stage" in bad.json()["detail"]


class TestConsentAndActivity:
    def test_unsubscribe_reaches_crm_consent_and_stops_email(self, crm, marketing):
        contact, mine = synced(crm, marketing)
        marketing.post(f"/api/contacts/{mine['id']}/unsubscribe")
        sync(marketing)
        assert crm.get(f"/api/contacts/{contact['id']}").json()["email_opt_out"] is True
        assert marketing.post("/api/emails", json={"contact_id": mine["id"], "subject": "x"}).status_code == 409
        refused = crm.post(f"/api/contacts/{contact['id']}/emails", json={"subject": "Hi"})
        assert refused.status_code == 409 and "Do not email" in refused.json()["detail"]

    def test_marketing_email_lands_on_the_crm_timeline_once_as_an_email(self, crm, marketing):
        contact, mine = synced(crm, marketing)
        marketing.post("/api/emails", json={"contact_id": mine["id"], "subject": "Spring offers"})
        sync(marketing)
        sync(marketing)
        activities = crm.get("/api/activities", params={"contact_id": contact["id"]}).json()["activities"]
        assert [(a["type"], a["subject"], a["source"]) for a in activities] == [("email", "Spring offers", "marketing")]


class TestMonitor:
    def test_monitor_once_reports_a_healthy_sync(self, sandbox_urls, capsys):
        code = cli.main(["monitor", "--once", "--crm-url", sandbox_urls["crm"],
                         "--marketing-url", sandbox_urls["marketing"], "--timeout", "20"])
        report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert code == 0, report
        assert report["status"] == "healthy" and report["differences"] == [] and report["crm_contact_id"]

    def test_monitor_reports_an_unhealthy_sync(self, sandbox_urls, admin, capsys):
        admin.post("/_sandbox/faults", json={"target": "marketing.sync.ingest", "mode": "http_500"})
        try:
            code = cli.main(["monitor", "--once", "--crm-url", sandbox_urls["crm"],
                             "--marketing-url", sandbox_urls["marketing"], "--timeout", "2"])
        finally:
            admin.delete("/_sandbox/faults")
        report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert code == 1 and report["status"] == "unhealthy" and report["problems"], report
