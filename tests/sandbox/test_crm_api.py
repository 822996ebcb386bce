"""The sandbox crm over HTTP: auth, contacts, role visibility, screen pops, call logs, presence sync with
cti, users, and the console (form login with httpx, then a real browser)."""
from __future__ import annotations

import itertools
import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest

# Numbers from the fictional 555-01xx range, one per test, never in the seed.
_fresh_numbers = itertools.count(100)


def fresh_number() -> str:
    return f"+1555777{next(_fresh_numbers):04d}"


_fresh_ids = itertools.count(1)


def fresh_interaction() -> str:
    return f"test-call-{next(_fresh_ids):04d}"


def last_seq(client: httpx.Client) -> int:
    return client.get("/api/events", params={"limit": 1}).json()["last_seq"]


def events_since(client: httpx.Client, after: int, type: str | None = None) -> list[dict[str, Any]]:
    params: dict[str, Any] = {"after": after}
    if type:
        params["type"] = type
    return client.get("/api/events", params=params).json()["events"]


def contact_count(client: httpx.Client) -> int:
    return len(client.get("/api/contacts").json()["contacts"])


def new_contact(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    body = {"first_name": "Test", "last_name": "Caller", "phone": fresh_number(), **fields}
    response = client.post("/api/contacts", json=body)
    assert response.status_code == 201, response.text
    return response.json()


# -- auth ----------------------------------------------------------------------------------------
class TestAuth:
    def test_api_without_token_is_401_with_bearer_challenge(self, sandbox_urls):
        response = httpx.get(f"{sandbox_urls['crm']}/api/contacts")
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert "detail" in response.json()

    def test_unknown_token_is_401(self, sandbox_urls):
        response = httpx.get(f"{sandbox_urls['crm']}/api/contacts", headers={"authorization": "Bearer nonsense"})
        assert response.status_code == 401

    def test_wrong_password_grant_is_refused(self, sandbox_urls):
        response = httpx.post(f"{sandbox_urls['crm']}/oauth/token",
                              data={"grant_type": "password", "username": "maya", "password": "wrong"})
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_grant"

    def test_users_me_for_a_password_grant(self, sandbox_urls, api):
        me = api(sandbox_urls["crm"], "tia", "tia-pass").get("/api/users/me").json()
        assert (me["username"], me["name"], me["role"]) == ("tia", "Tia Novak", "trainee")
        assert sorted(me["hidden_fields"]) == ["billing.balance", "date_of_birth", "tax_id"]


# -- contacts ------------------------------------------------------------------------------------
class TestContacts:
    @pytest.mark.parametrize("typed", ["(555) 777-0001", "555-777-0001", "+1 555 777 0001", "1-555-777-0001",
                                       "555.777.0001", "5557770001"])
    def test_phone_is_normalised_to_e164(self, crm, typed):
        contact = new_contact(crm, phone=typed)
        assert contact["phone"] == "+15557770001"
        assert crm.get("/api/contacts", params={"phone": typed}).json()["contacts"]

    def test_international_number_is_kept(self, crm):
        assert new_contact(crm, phone="+44 20 7946 0999")["phone"] == "+442079460999"

    @pytest.mark.parametrize("bad", ["12345", "call me", "+1 555 123", "555-123-0001 ext 12", ""])
    def test_unusable_phone_is_422_and_nothing_is_stored(self, crm, bad):
        before_count, before_seq = contact_count(crm), last_seq(crm)
        response = crm.post("/api/contacts", json={"first_name": "No", "last_name": "Phone", "phone": bad})
        assert response.status_code == 422
        assert "phone" in response.json()["detail"]
        assert contact_count(crm) == before_count
        assert events_since(crm, before_seq, "contact.created") == []

    def test_missing_name_and_bad_email_are_422(self, crm):
        before = contact_count(crm)
        assert crm.post("/api/contacts", json={"last_name": "X", "phone": fresh_number()}).status_code == 422
        assert crm.post("/api/contacts", json={"first_name": "A", "last_name": "X", "phone": fresh_number(),
                                               "email": "not-an-email"}).status_code == 422
        assert contact_count(crm) == before

    def test_create_emits_event_and_get_has_360(self, crm):
        after = last_seq(crm)
        contact = new_contact(crm, first_name="Zoë", last_name="Brontë-Łukasik Test", email="zoe.t@example.com")
        assert contact["full_name"] == "Zoë Brontë-Łukasik Test"
        fetched = crm.get(f"/api/contacts/{contact['id']}").json()
        assert fetched["three_sixty"] == {"open_cases": [], "recent_orders": [],
                                          "billing": {"status": "current", "balance": 0.0}}
        created = events_since(crm, after, "contact.created")
        assert [e["data"]["id"] for e in created] == [contact["id"]]

    def test_account_number_is_unique(self, crm):
        first = new_contact(crm, account_number="ACC-UNIQ-1")
        before = contact_count(crm)
        response = crm.post("/api/contacts", json={"first_name": "B", "last_name": "C", "phone": fresh_number(),
                                                   "account_number": "ACC-UNIQ-1"})
        assert response.status_code == 409
        assert contact_count(crm) == before
        other = new_contact(crm)
        assert crm.patch(f"/api/contacts/{other['id']}", json={"account_number": "ACC-UNIQ-1"}).status_code == 409
        assert crm.get(f"/api/contacts/{other['id']}").json()["account_number"] is None
        assert crm.get(f"/api/contacts/{first['id']}").json()["account_number"] == "ACC-UNIQ-1"

    def test_patch_normalises_and_rejects_bad_phone(self, crm):
        contact = new_contact(crm)
        patched = crm.patch(f"/api/contacts/{contact['id']}", json={"phone": "(555) 777-0999", "do_not_call": True})
        assert patched.status_code == 200
        assert (patched.json()["phone"], patched.json()["do_not_call"]) == ("+15557770999", True)
        assert crm.patch(f"/api/contacts/{contact['id']}", json={"phone": "nope"}).status_code == 422
        assert crm.get(f"/api/contacts/{contact['id']}").json()["phone"] == "+15557770999"

    def test_unknown_contact_is_404(self, crm):
        assert crm.get("/api/contacts/999999").status_code == 404
        assert crm.patch("/api/contacts/999999", json={"first_name": "X"}).status_code == 404

    def test_search_ignores_case_and_accents_and_reads_other_scripts(self, crm):
        def names(q: str) -> list[str]:
            return [c["full_name"] for c in crm.get("/api/contacts", params={"q": q}).json()["contacts"]]
        assert "Zoë Brontë-Łukasik" in names("zoe bronte")
        assert "Siobhán O'Connor" in names("o'connor")
        assert "山田 花子" in names("山田")
        assert "Дмитрий Орлов" in names("орлов")
        assert names("5551230002")[:2] == ["Dan Whitfield", "Dana Whitfield"]

    def test_seed_has_the_personas(self, crm):
        by_phone = crm.get("/api/contacts", params={"phone": "+15551230002"}).json()["contacts"]
        assert sorted(c["full_name"] for c in by_phone) == ["Dan Whitfield", "Dana Whitfield"]
        contacts = crm.get("/api/contacts").json()["contacts"]
        assert any(c["do_not_call"] for c in contacts)
        pending = [c for c in contacts
                   if crm.get(f"/api/contacts/{c['id']}").json()["three_sixty"]["billing"]["status"] == "pending_payment"]
        assert pending

    def test_cases_orders_and_billing_feed_the_360(self, crm):
        contact = new_contact(crm)
        cid = contact["id"]
        assert crm.post("/api/cases", json={"contact_id": cid, "subject": "Broken handset"}).status_code == 201
        assert crm.post("/api/cases", json={"contact_id": cid, "subject": "Old", "status": "closed"}).status_code == 201
        assert crm.post("/api/orders", json={"contact_id": cid, "number": f"ORD-T{cid}", "total": 12.5,
                                             "status": "shipped"}).status_code == 201
        assert crm.put(f"/api/contacts/{cid}/billing", json={"status": "overdue", "balance": 99.9}).status_code == 200
        three = crm.get(f"/api/contacts/{cid}").json()["three_sixty"]
        assert [c["subject"] for c in three["open_cases"]] == ["Broken handset"]
        assert [o["number"] for o in three["recent_orders"]] == [f"ORD-T{cid}"]
        assert three["billing"] == {"status": "overdue", "balance": 99.9}
        assert crm.post("/api/cases", json={"contact_id": 999999, "subject": "x"}).status_code == 422
        assert crm.put(f"/api/contacts/{cid}/billing", json={"status": "late", "balance": 1}).status_code == 422


# -- field visibility by role --------------------------------------------------------------------
class TestVisibility:
    SENSITIVE = {"date_of_birth", "tax_id"}

    def contact_as(self, api, sandbox_urls, user: str | None, contact_id: int = 2) -> dict[str, Any]:
        client = api(sandbox_urls["crm"], user, f"{user}-pass") if user else api(sandbox_urls["crm"])
        response = client.get(f"/api/contacts/{contact_id}")
        assert response.status_code == 200
        return response.json()

    def test_trainee_cannot_see_dob_tax_id_or_balance(self, api, sandbox_urls):
        contact = self.contact_as(api, sandbox_urls, "tia")
        assert not self.SENSITIVE & contact.keys()
        assert "balance" not in contact["three_sixty"]["billing"]
        assert contact["three_sixty"]["billing"]["status"] == "current"
        assert sorted(contact["hidden_fields"]) == ["billing.balance", "date_of_birth", "tax_id"]
        listed = api(sandbox_urls["crm"], "tia", "tia-pass").get("/api/contacts").json()["contacts"]
        assert all(not self.SENSITIVE & c.keys() for c in listed)

    def test_agent_cannot_see_tax_id_only(self, api, sandbox_urls):
        contact = self.contact_as(api, sandbox_urls, "maya")
        assert "tax_id" not in contact
        assert contact["date_of_birth"] == "1985-04-12"
        assert contact["three_sixty"]["billing"]["balance"] == 0.0
        assert contact["hidden_fields"] == ["tax_id"]

    def test_supervisor_and_service_clients_see_everything(self, api, sandbox_urls):
        for who in ("sam", None):
            contact = self.contact_as(api, sandbox_urls, who)
            assert contact["tax_id"] == "900-00-0002"
            assert contact["hidden_fields"] == []

    def test_trainee_cannot_write_hidden_fields(self, api, sandbox_urls, crm):
        trainee = api(sandbox_urls["crm"], "tia", "tia-pass")
        assert trainee.patch("/api/contacts/2", json={"tax_id": "900-99-9999"}).status_code == 403
        assert crm.get("/api/contacts/2").json()["tax_id"] == "900-00-0002"

    def test_screen_pop_contacts_obey_the_role(self, api, sandbox_urls):
        trainee = api(sandbox_urls["crm"], "tia", "tia-pass")
        pop = trainee.post("/api/screenpops", json={"interaction_id": fresh_interaction(), "phone": "+15551230001",
                                                    "queue": "support"}).json()
        assert pop["match"] == "single"
        assert not self.SENSITIVE & pop["contacts"][0].keys()


# -- screen pop ----------------------------------------------------------------------------------
class TestScreenPop:
    def pop(self, client: httpx.Client, **body: Any) -> dict[str, Any]:
        body.setdefault("interaction_id", fresh_interaction())
        body.setdefault("queue", "support")
        response = client.post("/api/screenpops", json=body)
        assert response.status_code == 200, response.text
        return response.json()

    def test_single_match_on_the_number_links_the_call(self, crm):
        pop = self.pop(crm, phone="(555) 123-0001", agent="maya")
        assert (pop["match"], pop["matched_by"], pop["contact_ids"]) == ("single", "phone", [1])
        assert pop["normalized_phone"] == "+15551230001"
        activity = crm.get(f"/api/activities/{pop['interaction_id']}").json()
        assert (activity["status"], activity["contact_id"], activity["agent"]) == ("in_progress", 1, "maya")
        assert activity["id"] == pop["activity_id"]

    def test_multiple_match_leaves_the_call_unlinked_until_the_agent_chooses(self, crm):
        after = last_seq(crm)
        pop = self.pop(crm, phone="+15551230002", agent="maya")
        assert (pop["match"], pop["matched_by"]) == ("multiple", "phone")
        assert sorted(c["full_name"] for c in pop["contacts"]) == ["Dan Whitfield", "Dana Whitfield"]
        iid = pop["interaction_id"]
        assert crm.get(f"/api/activities/{iid}").json()["contact_id"] is None
        chosen = crm.post(f"/api/activities/{iid}/contact", json={"contact_id": 2})
        assert chosen.status_code == 200
        assert (chosen.json()["contact_id"], chosen.json()["contact_chosen_by"]) == (2, "agent")
        events = events_since(crm, after, "activity.contact_chosen")
        assert [(e["data"]["interaction_id"], e["data"]["contact_id"]) for e in events] == [(iid, 2)]

    def test_choice_for_unknown_call_or_contact_changes_nothing(self, crm):
        pop = self.pop(crm, phone="+15551230002", agent="maya")
        assert crm.post("/api/activities/no-such-call/contact", json={"contact_id": 2}).status_code == 404
        assert crm.post(f"/api/activities/{pop['interaction_id']}/contact", json={"contact_id": 999999}).status_code == 422
        assert crm.get(f"/api/activities/{pop['interaction_id']}").json()["contact_id"] is None

    def test_no_match_offers_nothing(self, crm):
        number = fresh_number()
        pop = self.pop(crm, phone=number, agent="maya")
        assert (pop["match"], pop["matched_by"], pop["contacts"]) == ("none", "none", [])
        assert pop["normalized_phone"] == number

    def test_ivr_verified_account_wins_over_the_number(self, crm):
        pop = self.pop(crm, phone="+15551230001", account_number="40010004", agent="maya")  # Alex's phone, Priya's account
        assert (pop["match"], pop["matched_by"], pop["contact_ids"]) == ("single", "account", [4])
        assert crm.get(f"/api/activities/{pop['interaction_id']}").json()["contact_id"] == 4

    def test_unknown_account_falls_back_to_the_number(self, crm):
        pop = self.pop(crm, phone="+15551230001", account_number="00000000", agent="maya")
        assert (pop["match"], pop["matched_by"], pop["contact_ids"]) == ("single", "phone", [1])

    def test_transferred_call_pops_the_contact_already_linked(self, crm):
        first = self.pop(crm, phone="+15551230002", agent="maya")
        iid = first["interaction_id"]
        crm.post(f"/api/activities/{iid}/contact", json={"contact_id": 3})
        second = self.pop(crm, interaction_id=iid, phone="+15551230002", agent="leo",
                          transfer_note="Wants a refund", transferred_by="maya")
        assert (second["match"], second["matched_by"], second["contact_ids"]) == ("single", "interaction", [3])
        assert second["transfer_note"] == "Wants a refund"
        assert second["transferred_by_name"] == "Maya Patel"
        activity = crm.get(f"/api/activities/{iid}").json()
        assert (activity["contact_id"], activity["agent"], activity["transfer_note"]) == (3, "leo", "Wants a refund")
        assert [p["agent"] for p in crm.get("/api/screenpops", params={"interaction_id": iid}).json()["screenpops"]] \
            == ["maya", "leo"]

    def test_pop_is_idempotent_per_call_and_agent(self, crm):
        iid = fresh_interaction()
        after = last_seq(crm)
        first = self.pop(crm, interaction_id=iid, phone="+15551230001", agent="maya")
        again = self.pop(crm, interaction_id=iid, phone="+15551230001", agent="maya", restore=True)
        assert (first["repeated"], again["repeated"]) == (False, True)
        assert {k: again[k] for k in ("match", "matched_by", "contact_ids", "activity_id", "performed_at")} == \
               {k: first[k] for k in ("match", "matched_by", "contact_ids", "activity_id", "performed_at")}
        performed = events_since(crm, after, "screenpop.performed")
        assert [e["data"] for e in performed] == [{"interaction_id": iid, "agent": "maya", "match": "single",
                                                   "matched_by": "phone", "contact_ids": [1]}]
        assert len(crm.get("/api/activities", params={"interaction_id": iid}).json()["activities"]) == 1

    def test_pop_by_a_user_is_for_that_user_and_carries_the_correlation_id(self, api, sandbox_urls, crm):
        maya = api(sandbox_urls["crm"], "maya", "maya-pass")
        iid = fresh_interaction()
        response = maya.post("/api/screenpops", json={"interaction_id": iid, "phone": "+15551230003", "queue": "billing",
                                                      "agent": "somebody-else"}, headers={"x-correlation-id": "corr-pop-1"})
        assert response.json()["agent"] == "maya"
        events = crm.get("/api/events", params={"correlation_id": "corr-pop-1"}).json()["events"]
        assert {"activity.created", "screenpop.performed"} <= {e["type"] for e in events}
        assert crm.get(f"/api/activities/{iid}").json()["correlation_id"] == "corr-pop-1"

    def test_invalid_pop_is_422_and_changes_nothing(self, crm):
        after = last_seq(crm)
        assert crm.post("/api/screenpops", json={"phone": "+15551230001"}).status_code == 422
        assert crm.post("/api/screenpops", json={"interaction_id": "x", "direction": "sideways"}).status_code == 422
        assert events_since(crm, after) == []


# -- activities (call logs) ----------------------------------------------------------------------
class TestActivities:
    COMPLETED = {"status": "completed", "disposition": "RESOLVED", "notes": "Reset the router", "wrapup_seconds": 12.5,
                 "hold_seconds": 3.0, "dtmf": "12#", "transfers": [], "agent": "maya"}

    def test_answer_then_wrapup_is_one_activity_logged_once(self, crm):
        iid = fresh_interaction()
        after = last_seq(crm)
        start = crm.put(f"/api/activities/{iid}", json={"status": "in_progress", "direction": "inbound",
                                                         "from_number": "555-123-0001", "queue": "support",
                                                         "agent": "maya", "correlation_id": "corr-act-1"})
        assert start.status_code == 200
        assert (start.json()["status"], start.json()["log_writes"], start.json()["from_number"]) == \
               ("in_progress", 0, "+15551230001")
        done = crm.put(f"/api/activities/{iid}", json=self.COMPLETED).json()
        repeat = crm.put(f"/api/activities/{iid}", json=self.COMPLETED).json()
        assert (done["status"], done["log_writes"], done["disposition"], done["wrapup_seconds"]) == \
               ("completed", 1, "RESOLVED", 12.5)
        assert repeat == done
        assert len(crm.get("/api/activities", params={"interaction_id": iid}).json()["activities"]) == 1
        types = [e["type"] for e in events_since(crm, after) if e["data"].get("interaction_id") == iid]
        assert types == ["activity.created", "activity.completed"]
        assert crm.get("/api/events", params={"correlation_id": "corr-act-1"}).json()["events"]

    def test_a_changed_completed_write_counts_as_a_second_log_write(self, crm):
        iid = fresh_interaction()
        crm.put(f"/api/activities/{iid}", json=self.COMPLETED)
        changed = crm.put(f"/api/activities/{iid}", json={**self.COMPLETED, "notes": "Different"}).json()
        assert changed["log_writes"] == 2

    def test_writes_merge_and_never_unlink_the_contact(self, crm):
        pop = crm.post("/api/screenpops", json={"interaction_id": fresh_interaction(), "phone": "+15551230001",
                                                "queue": "support", "agent": "maya"}).json()
        iid = pop["interaction_id"]
        crm.put(f"/api/activities/{iid}", json={"status": "in_progress", "direction": "inbound",
                                                 "from_number": "+15551230001", "queue": "support", "agent": "maya"})
        done = crm.put(f"/api/activities/{iid}", json={**self.COMPLETED, "contact_id": None}).json()
        assert (done["contact_id"], done["queue"], done["status"]) == (1, "support", "completed")
        late = crm.put(f"/api/activities/{iid}", json={"status": "in_progress", "agent": "maya"}).json()
        assert late["status"] == "completed"  # a late start never reopens a logged call

    def test_invalid_write_is_rejected_without_a_trace(self, crm):
        iid = fresh_interaction()
        assert crm.put(f"/api/activities/{iid}", json={"status": "finished"}).status_code == 422
        assert crm.put(f"/api/activities/{iid}", json={"status": "completed", "contact_id": 999999}).status_code == 422
        assert crm.put(f"/api/activities/{iid}", json={"status": "completed", "wrapup_seconds": -1}).status_code == 422
        assert crm.get(f"/api/activities/{iid}").status_code == 404

    def test_activities_by_contact(self, crm):
        seeded = crm.get("/api/activities", params={"contact_id": 2}).json()["activities"]
        assert any(a["interaction_id"] == "seed-call-0001" and a["disposition"] == "RESOLVED" for a in seeded)


# -- dispositions --------------------------------------------------------------------------------
def test_disposition_catalogue_per_queue(crm):
    support = crm.get("/api/dispositions", params={"queue": "support"}).json()["dispositions"]
    assert [(d["code"], d["label"]) for d in support] == [
        ("RESOLVED", "Resolved"), ("FOLLOW_UP", "Follow-up needed"), ("ESCALATED", "Escalated")]
    billing = crm.get("/api/dispositions", params={"queue": "billing", "include_system": True}).json()["dispositions"]
    assert [d["code"] for d in billing] == ["PAYMENT_TAKEN", "PLAN_AGREED", "DISPUTE", "WRAPUP_TIMEOUT"]
    assert crm.get("/api/dispositions", params={"queue": "nope"}).status_code == 404


# -- users and presence (integration with cti) ---------------------------------------------------
def outbox_rows(sandbox_urls: dict[str, Any], path: str) -> list[dict[str, Any]]:
    """crm's own outbox table: proof a push to cti was queued, whatever cti did with it."""
    with sqlite3.connect(f"file:{Path(sandbox_urls['data_dir']) / 'crm.sqlite3'}?mode=ro", uri=True) as db:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute("SELECT * FROM outbox WHERE path=? ORDER BY id", (path,))]


class TestUsersAndPresence:
    def test_creating_a_user_creates_the_cti_agent(self, crm, cti, api, sandbox_urls):
        response = crm.post("/api/users", json={"username": "nina", "password": "nina-pass", "name": "Nina Okafor",
                                                "role": "agent", "queues": ["support"]})
        assert response.status_code == 201, response.text
        assert response.json()["role"] == "agent"
        agent = cti.get("/api/agents/nina")
        assert agent.status_code == 200, agent.text
        assert agent.json()["queues"] == ["support"]
        assert api(sandbox_urls["crm"], "nina", "nina-pass").get("/api/users/me").json()["name"] == "Nina Okafor"
        assert crm.get("/api/presence/nina").json()["status"] == "Offline"

    def test_bad_or_duplicate_users_are_refused(self, crm, api, sandbox_urls):
        before = len(crm.get("/api/users").json()["users"])
        assert crm.post("/api/users", json={"username": "maya", "password": "x1234", "name": "Again",
                                            "role": "agent"}).status_code == 409
        assert crm.post("/api/users", json={"username": "zed", "password": "x1234", "name": "Zed",
                                            "role": "admin"}).status_code == 422
        agent = api(sandbox_urls["crm"], "maya", "maya-pass")
        assert agent.post("/api/users", json={"username": "zed", "password": "x1234", "name": "Zed",
                                              "role": "agent"}).status_code == 403
        assert len(crm.get("/api/users").json()["users"]) == before

    def test_a_removed_user_signs_in_no_more_and_only_supervisors_and_services_remove(self, crm, api, sandbox_urls):
        crm_url = sandbox_urls["crm"]
        assert crm.post("/api/users", json={"username": "olga", "password": "olga-pass-1", "name": "Olga Berg",
                                            "role": "agent"}).status_code == 201
        with httpx.Client(base_url=crm_url) as browser:
            assert browser.post("/login", data={"username": "olga", "password": "olga-pass-1"}).status_code == 303
            assert browser.get("/console").status_code == 200
            for username, password in (("tia", "tia-pass"), ("maya", "maya-pass")):
                assert api(crm_url, username, password).delete("/api/users/olga").status_code == 403
            assert api(crm_url, "sam", "sam-pass").delete("/api/users/sam").status_code == 409
            after = last_seq(crm)
            removed = crm.delete("/api/users/olga")
            assert removed.status_code == 200 and removed.json() == {"username": "olga", "deleted": True}
            assert browser.get("/console").headers["location"] == "/login"  # the open session ended too
        refused = httpx.post(f"{crm_url}/oauth/token",
                             data={"grant_type": "password", "username": "olga", "password": "olga-pass-1"})
        assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
        assert crm.get("/api/users/olga").status_code == 404
        assert crm.delete("/api/users/olga").status_code == 404
        assert [e["data"] for e in events_since(crm, after, "user.deleted")] == [{"username": "olga"}]

    def test_crm_presence_change_is_pushed_to_cti(self, crm, cti, sandbox_urls, eventually):
        after = last_seq(crm)
        response = crm.put("/api/presence/leo", json={"status": "Online"})
        assert response.status_code == 200
        assert (response.json()["status"], response.json()["source"]) == ("Online", "crm")
        rows = outbox_rows(sandbox_urls, "/api/agents/leo/presence")
        assert rows and '"status": "Online"' in rows[-1]["body"]
        eventually(lambda: cti.get("/api/agents/leo").json()["state"] == "AVAILABLE", timeout=10)
        changes = events_since(crm, after, "presence.changed")
        assert changes[0]["data"] == {"username": "leo", "status": "Online", "reason": None, "source": "crm",
                                      "previous_status": "Offline"}

    def test_presence_push_is_retried_until_cti_takes_it(self, crm, cti, sandbox_urls, eventually):
        assert crm.post("/api/users", json={"username": "rita", "password": "rita-pass", "name": "Rita Gomez",
                                            "role": "agent"}).status_code == 201
        crm.post("/_sandbox/faults", json={"target": "crm->cti.presence", "mode": "http_500", "count": 2})
        assert crm.put("/api/presence/rita", json={"status": "Busy", "reason": "Training"}).status_code == 200
        eventually(lambda: cti.get("/api/agents/rita").json()["state"] == "NOT_READY", timeout=10)
        assert cti.get("/api/agents/rita").json()["reason"] == "Training"
        row = eventually(lambda: [r for r in outbox_rows(sandbox_urls, "/api/agents/rita/presence")
                                  if r["delivered_at"] is not None])[-1]
        assert row["attempts"] == 3 and "HTTP 500" in row["last_error"]

    def test_cti_sourced_presence_is_stored_but_not_pushed_back(self, crm, sandbox_urls):
        pushed_before = len(outbox_rows(sandbox_urls, "/api/agents/sam/presence"))
        after = last_seq(crm)
        assert crm.put("/api/presence/sam", json={"status": "Busy", "reason": "Lunch", "source": "cti"}).status_code == 200
        assert crm.put("/api/presence/sam", json={"status": "Busy", "reason": "Lunch", "source": "cti"}).status_code == 200
        assert crm.get("/api/presence/sam").json() | {"updated_at": None} == {
            "username": "sam", "status": "Busy", "reason": "Lunch", "source": "cti", "updated_at": None}
        assert len(outbox_rows(sandbox_urls, "/api/agents/sam/presence")) == pushed_before
        assert len(events_since(crm, after, "presence.changed")) == 1  # only real changes

    def test_invalid_presence_is_refused(self, crm, api, sandbox_urls):
        assert crm.put("/api/presence/leo", json={"status": "Away"}).status_code == 422
        assert crm.put("/api/presence/nobody", json={"status": "Online"}).status_code == 404
        maya = api(sandbox_urls["crm"], "maya", "maya-pass")
        assert maya.put("/api/presence/leo", json={"status": "Offline"}).status_code == 403


# -- console -------------------------------------------------------------------------------------
class TestConsoleHttp:
    def test_login_failure_shows_an_alert(self, sandbox_urls):
        with httpx.Client(base_url=sandbox_urls["crm"]) as browser:
            response = browser.post("/login", data={"username": "maya", "password": "nope"})
            assert response.status_code == 401
            assert 'role="alert"' in response.text
            assert "crm_session" not in response.cookies
            assert browser.get("/console").headers["location"] == "/login"

    def test_login_console_and_logout(self, sandbox_urls, crm, eventually):
        with httpx.Client(base_url=sandbox_urls["crm"]) as browser:
            login = browser.post("/login", data={"username": "tia", "password": "tia-pass"})
            assert (login.status_code, login.headers["location"]) == (303, "/console")
            cookie = login.headers["set-cookie"].lower()
            assert "crm_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
            page = browser.get("/console")
            assert page.status_code == 200
            assert "Signed in as Tia Novak" in page.text
            assert re.search(r'<iframe title="Softphone"[^>]*src="' + re.escape(sandbox_urls["cti"])
                             + r'/softphone\?code=[^"]+"', page.text), page.text
            assert "Supervisor board" not in page.text
            # the session cookie authenticates the API with the trainee's visibility
            contact = browser.get("/api/contacts/2").json()
            assert "date_of_birth" not in contact
            browser.put("/api/presence/tia", json={"status": "Online"})
            logout = browser.post("/logout")
            assert (logout.status_code, logout.headers["location"]) == (303, "/login")
            assert browser.get("/api/users/me").status_code == 401
        assert crm.get("/api/presence/tia").json()["status"] == "Offline"
        assert '"status": "Offline"' in outbox_rows(sandbox_urls, "/api/agents/tia/presence")[-1]["body"]

    def test_supervisor_gets_the_board_link_and_an_sso_redirect(self, sandbox_urls):
        with httpx.Client(base_url=sandbox_urls["crm"]) as browser:
            browser.post("/login", data={"username": "sam", "password": "sam-pass"})
            assert "Supervisor board" in browser.get("/console").text
            board = browser.get("/console/supervisor")
            assert board.status_code == 303
            assert re.match(re.escape(sandbox_urls["cti"]) + r"/supervisor\?code=.+", board.headers["location"])
        with httpx.Client(base_url=sandbox_urls["crm"]) as browser:
            browser.post("/login", data={"username": "maya", "password": "maya-pass"})
            assert browser.get("/console/supervisor").status_code == 403


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-gpu"]


@pytest.mark.skipif(not shutil.which(CHROMIUM), reason="needs the system chromium")
def test_console_in_a_browser(sandbox_urls, crm, tmp_path, sandbox_playwright):
    """Logs in, pops a shared-number call through the bridge, chooses the caller, sees the record live."""
    from playwright.sync_api import expect

    crm_url, cti_url = sandbox_urls["crm"], sandbox_urls["cti"]
    iid = fresh_interaction()
    # a household of our own sharing one number, so other tests' calls stay off this timeline
    shared = fresh_number()
    renee = new_contact(crm, first_name="Renée", last_name="D'Arcy", phone=shared, tax_id="900-12-3456")
    new_contact(crm, first_name="René", last_name="D'Arcy", phone=shared)
    crm.post("/api/cases", json={"contact_id": renee["id"], "subject": "Billing question"})
    with sandbox_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{crm_url}/login")
            expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
            page.get_by_label("Username").fill("leo")
            page.get_by_label("Password").fill("wrong")
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("alert")).to_contain_text("Wrong username or password")
            page.get_by_label("Password").fill("leo-pass")
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_text("Signed in as Leo Park")).to_be_visible()
            expect(page.get_by_label("CRM presence")).to_have_value(crm.get("/api/presence/leo").json()["status"])
            expect(page.locator('iframe[title="Softphone"]')).to_have_attribute("src", re.compile(re.escape(cti_url)))

            # a message from the console's own origin is not the softphone: ignored
            page.evaluate("""([iid]) => window.postMessage({deskcheck: 1, type: 'screenPop',
                payload: {interaction_id: iid, phone: '+15551230001', queue: 'support'}}, '*')""", [iid + "-forged"])
            # the softphone's origin is: post from inside the iframe, as the softphone does
            softphone = next(f for f in page.frames if f.url.startswith(cti_url))
            softphone.evaluate("""([crm, iid, phone]) => parent.postMessage({deskcheck: 1, type: 'screenPop',
                payload: {interaction_id: iid, phone: phone, queue: 'support', direction: 'inbound'}}, crm)""",
                               [crm_url, iid, shared])
            pop = page.get_by_role("region", name="Screen pop")
            expect(pop.get_by_role("heading", name=f"Incoming call from {shared}")).to_be_visible()
            expect(pop.get_by_text("2 contacts match this number")).to_be_visible()
            pop.get_by_role("button", name="Choose Renée D'Arcy").click()
            record = page.get_by_role("region", name="Contact record")
            expect(record.get_by_role("heading", name="Renée D'Arcy", level=2)).to_be_visible()
            expect(record.get_by_role("region", name="Customer 360").get_by_role("heading", name="Open cases (1)")).to_be_visible()
            expect(record.get_by_text("Balance: $0.00")).to_be_visible()
            expect(record.get_by_text("Tax ID")).to_have_count(0)  # agents never see it
            timeline = record.get_by_role("region", name="Timeline")
            expect(timeline.get_by_role("listitem").filter(has_text="Inbound call · in progress")).to_be_visible()

            # the call log lands (as cti writes it) and the timeline follows live, without a reload
            crm.put(f"/api/activities/{iid}", json={"status": "completed", "disposition": "RESOLVED",
                                                     "notes": "Sorted", "wrapup_seconds": 7, "agent": "leo"})
            expect(timeline.get_by_role("listitem").filter(has_text="Inbound call · completed · RESOLVED")
                   .filter(has_text="Wrap-up 7 s")).to_be_visible()
            page.screenshot(path=str(tmp_path / "console.png"), full_page=True)
            activity = crm.get(f"/api/activities/{iid}").json()
            assert (activity["contact_id"], activity["contact_chosen_by"]) == (renee["id"], "agent")
            assert crm.get(f"/api/activities/{iid}-forged").status_code == 404

            page.get_by_role("button", name="Sign out").click()
            expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        finally:
            browser.close()


@pytest.mark.skipif(not shutil.which(CHROMIUM), reason="needs the system chromium")
def test_console_for_a_trainee_with_a_failed_pop_and_a_new_caller(sandbox_urls, crm, api, tmp_path,
                                                                  sandbox_playwright):
    """The trainee sees no sensitive fields; a failed pop offers a retry; an unknown caller becomes a contact."""
    from playwright.sync_api import expect

    crm_url, cti_url = sandbox_urls["crm"], sandbox_urls["cti"]
    iid, number = fresh_interaction(), fresh_number()
    with sandbox_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{crm_url}/login")
            page.get_by_label("Username").fill("tia")
            page.get_by_label("Password").fill("tia-pass")
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_text("Signed in as Tia Novak")).to_be_visible()
            expect(page.get_by_role("link", name="Supervisor board")).to_have_count(0)

            page.get_by_label("Search contacts").fill("whitfield")
            page.get_by_role("button", name="Search").click()
            results = page.get_by_role("list", name="Search results")
            expect(results.get_by_role("link")).to_have_count(2)
            results.get_by_role("link", name="Dan Whitfield").click()
            record = page.get_by_role("region", name="Contact record")
            expect(record.get_by_role("heading", name="Dan Whitfield", level=2)).to_be_visible()
            expect(record.get_by_text("Billing status: Overdue")).to_be_visible()
            for hidden in ("Date of birth", "Tax ID", "Balance"):
                expect(record.get_by_text(hidden)).to_have_count(0)

            crm.post("/_sandbox/faults", json={"target": "crm.screenpop", "mode": "http_500", "count": 1})
            softphone = next(f for f in page.frames if f.url.startswith(cti_url))
            softphone.evaluate("""([crm, iid, phone]) => parent.postMessage({deskcheck: 1, type: 'screenPop',
                payload: {interaction_id: iid, phone: phone, queue: 'sales', direction: 'inbound'}}, crm)""",
                               [crm_url, iid, number])
            pop = page.get_by_role("region", name="Screen pop")
            expect(pop.get_by_role("alert")).to_contain_text("Screen pop failed")
            assert crm.get(f"/api/activities/{iid}").status_code == 404  # the failed pop left nothing behind
            pop.get_by_role("button", name="Retry screen pop").click()

            form = pop.get_by_role("form", name="New contact")
            expect(form.get_by_label("Phone")).to_have_value(number)
            form.get_by_label("First name").fill("Siobhán")
            form.get_by_label("Last name").fill("Ní Bhriain")
            form.get_by_role("button", name="Create contact").click()
            expect(record.get_by_role("heading", name="Siobhán Ní Bhriain", level=2)).to_be_visible()
            expect(record.get_by_role("region", name="Timeline").get_by_role("listitem")
                   .filter(has_text="Inbound call · in progress")).to_be_visible()
            page.screenshot(path=str(tmp_path / "trainee.png"), full_page=True)
            activity = crm.get(f"/api/activities/{iid}").json()
            created = crm.get("/api/contacts", params={"phone": number}).json()["contacts"]
            assert [c["full_name"] for c in created] == ["Siobhán Ní Bhriain"]
            assert (activity["contact_id"], activity["contact_chosen_by"]) == (created[0]["id"], "agent")
        finally:
            browser.close()
