"""crm: a call log written with no contact (a call handled on a desk phone, no console to pop the record)
is linked by the CRM itself to its one caller, by the screen-pop rule (issue 16, the CTI -> CRM edge)."""
from __future__ import annotations

from typing import Any

import httpx

from tests.sandbox.test_crm_api import fresh_interaction, new_contact


def log_call(crm: httpx.Client, number: str, **fields: Any) -> dict[str, Any]:
    iid = fresh_interaction()
    response = crm.put(f"/api/activities/{iid}", json={"status": "in_progress", "direction": "inbound",
                                                        "from_number": number, "queue": "support", **fields})
    assert response.status_code == 200, response.text
    return response.json()


def test_a_call_log_from_a_number_with_one_contact_is_linked_to_that_contact(crm: httpx.Client) -> None:
    dana = new_contact(crm, first_name="Dana", last_name="Desk")
    logged = log_call(crm, dana["phone"])
    assert (logged["contact_id"], logged["contact_chosen_by"]) == (dana["id"], "phone")
    timeline = crm.get("/api/activities", params={"contact_id": dana["id"]}).json()["activities"]
    assert [a["interaction_id"] for a in timeline] == [logged["interaction_id"]]


def test_a_call_log_from_a_shared_or_unknown_number_stays_unlinked(crm: httpx.Client) -> None:
    assert log_call(crm, "+15551230002")["contact_id"] is None  # two contacts share this seeded number
    assert log_call(crm, "+15557779999")["contact_id"] is None  # nobody has it


def test_an_ivr_verified_account_wins_over_the_number_and_a_given_contact_is_kept(crm: httpx.Client) -> None:
    owner = new_contact(crm, first_name="Ines", last_name="Owner", account_number="88001234")
    phone_holder = new_contact(crm, first_name="Pat", last_name="Phone")
    verified = log_call(crm, phone_holder["phone"], attributes={"account_number": "88001234", "verified": True})
    assert (verified["contact_id"], verified["contact_chosen_by"]) == (owner["id"], "account")
    unverified = log_call(crm, phone_holder["phone"], attributes={"account_number": "88001234", "verified": False})
    assert unverified["contact_id"] == phone_holder["id"]
    given = log_call(crm, phone_holder["phone"], contact_id=owner["id"])
    assert (given["contact_id"], given["contact_chosen_by"]) == (owner["id"], "api")
