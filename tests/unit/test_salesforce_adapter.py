"""The Salesforce CRM adapter against the sandbox's Salesforce door: the same records as the sandbox's own
CRM adapter for the same contact and call log, whichever door wrote them; refusals in domain words;
NotSupported naming the capability; an expired session renewed; no sandbox paths in the adapter."""
from __future__ import annotations

import dataclasses
import os
import re
import tempfile
import uuid
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from deskcheck.adapters.salesforce import SalesforceCrm
from deskcheck.adapters.sandbox.api_channels import HelpdeskClient
from deskcheck.adapters.sandbox.api_voice import CrmClient, CtiClient
from deskcheck.adapters.sandbox.crm import SandboxCrm
from deskcheck.ports import CrmPort, NotSupported, Refused, port_methods
from fixtures.target import SandboxProcess

# the suite client's secret as the sandbox takes it: from the environment, else the demo secret
CLIENT = ("deskcheck-suite", os.environ.get("DESKCHECK_SANDBOX_CLIENT_SECRET", "suite-secret"))
ADAPTER_DIR = Path(__file__).resolve().parents[2] / "deskcheck" / "adapters" / "salesforce"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[dict[str, Any]]:
    process = SandboxProcess(Path(tempfile.mkdtemp(prefix="salesforce-adapter-")), token_ttl=300, start_timeout=30)
    info = process.start()
    try:
        process.wait_healthy(30)
        yield info
    finally:
        process.stop()


@pytest.fixture(scope="module")
def salesforce(sandbox) -> Iterator[SalesforceCrm]:
    crm = SalesforceCrm(sandbox["salesforce"], *CLIENT, ca_bundle=sandbox["ca_bundle"])
    yield crm
    crm.close()


@pytest.fixture(scope="module")
def own(sandbox) -> Iterator[SandboxCrm]:
    client = CrmClient(sandbox["crm"], *CLIENT)
    yield SandboxCrm(client)
    client.close()


def fresh_phone() -> str:
    return f"+1555{uuid.uuid4().int % 8000000 + 2000000}"


def without_ids(record: Any) -> Any:
    """The record with the ids each door names differently (Salesforce's 18-character ids, the sandbox's numbers)."""
    changes = {name: None for name in ("id", "contact_id") if hasattr(record, name)}
    return dataclasses.replace(record, **changes)


def test_the_adapter_implements_the_crm_port_and_names_what_it_lacks(salesforce):
    assert isinstance(salesforce, CrmPort)
    assert all(callable(getattr(SalesforceCrm, name, None)) for name in port_methods(CrmPort))
    assert salesforce.capabilities == {"token_audit", "crm_presence", "helpdesk"}
    for call, capability in ((lambda: salesforce.set_presence("maya", "Online"), "crm_presence_set"),
                             (lambda: salesforce.call_log_writes("int-1"), "write_audit"),
                             (lambda: salesforce.screen_pops("int-1"), "screen_pop_audit"),
                             (lambda: salesforce.follow_ups(phone="+15551230001"), "callbacks"),
                             (salesforce.roles, "role_visibility")):
        with pytest.raises(NotSupported) as lacking:
            call()
        assert lacking.value.capability == capability


def test_a_contact_written_through_either_door_reads_the_same_through_both(salesforce, own):
    phone = fresh_phone()
    made = salesforce.create_contact("Ines", "Duarte", phone, email="ines@example.test", date_of_birth="1984-03-12",
                                     tax_id="TX-1", account_number=f"7{uuid.uuid4().int % 10**7}", industry="Retail",
                                     lead_score=40)
    salesforce.add_case(made.id, "Router keeps dropping")
    salesforce.add_case(made.id, "Refund", "pending")
    salesforce.add_case(made.id, "Old move", "closed")
    salesforce.add_order(made.id, f"ORD-{uuid.uuid4().hex[:6]}", 49.9, "shipped")
    salesforce.set_billing(made.id, "overdue", 310.25)
    [found] = own.find_contacts(phone=phone)
    assert without_ids(salesforce.contact(made.id)) == without_ids(own.contact(found.id))
    assert salesforce.contact(made.id).three_sixty.open_cases[1].status == "pending"

    other_phone = fresh_phone()
    theirs = own.create_contact("Ana", "Lima", other_phone, email="ana@example.test", do_not_call=True)
    own.add_case(theirs.id, "Billing question")
    own.set_billing(theirs.id, "pending_payment", 20.0)
    own.update_contact(theirs.id, email_opt_out=True)
    [mine] = salesforce.find_contacts(phone=other_phone)
    assert without_ids(salesforce.contact(mine.id)) == without_ids(own.contact(theirs.id))
    assert [c.id for c in salesforce.find_contacts(account_number=made.account_number)] == [made.id]

    for user, password in (("tia", "tia-pass"), ("maya", "maya-pass")):
        seen_here = salesforce.as_user(user, password).contact(made.id)
        seen_there = own.as_user(user, password).contact(found.id)
        assert without_ids(seen_here) == without_ids(seen_there), user
    assert salesforce.as_user("tia", "tia-pass").contact(made.id).hidden_fields == ("date_of_birth", "tax_id", "balance")


def test_a_call_log_written_through_either_door_reads_the_same_through_both(salesforce, own):
    phone = fresh_phone()
    contact = salesforce.create_contact("Cal", "Logger", phone, email="cal@example.test")
    [theirs] = own.find_contacts(phone=phone)
    dialled = f"dial-{uuid.uuid4().hex[:8]}"
    logged = salesforce.log_call(dialled, contact.id, queue="sales", agent="maya", disposition="SALE", notes="sold")
    assert (logged.status, logged.agent, logged.contact_id, logged.kind) == ("completed", "maya", contact.id, "call")
    assert without_ids(logged) == without_ids(own.call_log(dialled))

    answered = f"int-{uuid.uuid4().hex[:8]}"
    own.api.put_activity(answered, status="completed", type="call", contact_id=theirs.id, direction="inbound",
                         from_number=phone, queue="support", agent="leo", disposition="RESOLVED", notes="fixed",
                         wrapup_seconds=12, hold_seconds=3.5, muted_seconds=1.0, dtmf="12#",
                         attributes={"ivr_path": ["Support", "Verified"], "ivr_session_id": "ivr-1", "verified": True,
                                     "account_number": "7000001"})
    mine = salesforce.call_log(answered)
    assert without_ids(mine) == without_ids(own.call_log(answered))
    assert mine.ivr is not None and mine.ivr.verified and mine.contact_id == contact.id

    emailed = salesforce.email_contact(contact.id, "Checking in", "Hello")
    assert (emailed.kind, emailed.subject, emailed.notes) == ("email", "Checking in", "Hello")
    here, there = salesforce.call_logs(contact_id=contact.id), own.call_logs(contact_id=theirs.id)
    assert [without_ids(log) for log in here] == [without_ids(log) for log in there]
    assert {log.call_id for log in here} == {dialled, answered, emailed.call_id}


def test_a_call_log_the_same_delivery_created_meanwhile_is_updated_not_refused(salesforce, monkeypatch):
    contact = salesforce.create_contact("Twice", "Delivered", fresh_phone())
    call_id = f"dial-{uuid.uuid4().hex[:8]}"
    salesforce.log_call(call_id, contact.id, queue="sales", disposition="SALE")  # the other delivery, first
    real, asked = salesforce._query, []

    def not_there_yet(action: str, soql: str, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        asked.append(action)  # this delivery looked before the other one's Task existed
        return [] if len(asked) == 1 else real(action, soql, *args, **kwargs)
    monkeypatch.setattr(salesforce, "_query", not_there_yet)
    logged = salesforce.log_call(call_id, contact.id, queue="sales", disposition="NO_SALE", notes="again")
    monkeypatch.undo()
    assert (logged.disposition, logged.notes) == ("NO_SALE", "again")
    assert len(salesforce.call_logs(call_id=call_id)) == 1


def test_dispositions_and_refusals_read_as_the_crms_words(salesforce, own):
    assert salesforce.dispositions("billing") == own.dispositions("billing")
    contact = salesforce.create_contact("Opt", "Out", fresh_phone(), email="opt@example.test", email_opt_out=True)
    with pytest.raises(Refused, match="unsubscribed from email"):
        salesforce.email_contact(contact.id, "Offer")
    with pytest.raises(Refused, match="INVALID_EMAIL_ADDRESS") as refused:
        salesforce.update_contact(contact.id, email="not-an-address")
    assert refused.value.status == 400 and salesforce.contact(contact.id).email == "opt@example.test"
    with pytest.raises(Refused, match="INSUFFICIENT_ACCESS"):
        salesforce.as_user("maya", "maya-pass").delete_contact(contact.id)
    salesforce.delete_contact(contact.id)
    assert salesforce.contacts([contact.id])[0].deleted
    with pytest.raises(TypeError, match="shoe_size"):
        salesforce.create_contact("No", "Such", fresh_phone(), shoe_size=42)


def test_an_expired_session_is_renewed_and_the_old_token_refused(sandbox):
    crm = SalesforceCrm(sandbox["salesforce"], *CLIENT, ca_bundle=sandbox["ca_bundle"])
    first = crm.api_session()
    assert crm.accepts_session(first) and first.tokens_fetched == 1
    moved = httpx.post(f"{sandbox['crm']}/_sandbox/clock", json={"advance_seconds": 301}, timeout=10.0)
    assert moved.status_code == 200, moved.text
    assert crm.find_contacts(phone="+15551230001")[0].last_name == "Morgan"  # renewed on the way
    second = crm.api_session()
    assert second.tokens_fetched == 2 and second.token_fingerprint != first.token_fingerprint
    assert not crm.accepts_session(first) and crm.accepts_session(second)
    crm.close()


def test_the_adapter_names_no_sandbox_paths_only_salesforces_oauth_endpoint():
    sources = {source.name: source.read_text() for source in ADAPTER_DIR.glob("*.py")}
    for name, text in sources.items():
        found = re.findall(r"/(?:api|_sandbox|oauth|services/data|services/apexrest)\b[\w/.{}-]*", text)
        assert not found, f"{name} names API paths {found}: the adapter calls Salesforce only through simple-salesforce"
    assert [name for name, text in sources.items() if "/services/oauth2/token" in text] == ["session.py"]


@pytest.fixture(scope="module")
def keyed(sandbox) -> Iterator[SalesforceCrm]:
    """The adapter with contacts known by the org's external id, as the sandbox's other systems know them."""
    crm = SalesforceCrm(sandbox["salesforce"], *CLIENT, ca_bundle=sandbox["ca_bundle"], contact_key="ContactCenterId__c")
    yield crm
    crm.close()


def test_contacts_go_by_the_id_the_other_systems_know_them_by(keyed, own):
    phone = fresh_phone()
    made = keyed.create_contact("Kim", "Sato", phone, email="kim@example.test")
    [theirs] = own.find_contacts(phone=phone)
    assert made.id == theirs.id and isinstance(made.id, int)
    keyed.add_case(made.id, "Modem")
    keyed.set_billing(made.id, "overdue", 12.0)
    assert keyed.contact(made.id) == own.contact(theirs.id)  # ids and all
    logged = keyed.log_call(f"dial-{uuid.uuid4().hex[:8]}", made.id, agent="maya", disposition="SALE")
    assert logged.contact_id == theirs.id and keyed.call_logs(contact_id=made.id) == own.call_logs(contact_id=theirs.id)
    batch = keyed.create_contacts([{"first_name": "Ed", "last_name": "One", "phone": fresh_phone()},
                                   {"first_name": "Flo", "last_name": "Two", "phone": fresh_phone()}])
    assert [c.id for c in batch] == [c.id for c in own.contacts([c.id for c in batch])]
    keyed.delete_contact(made.id)
    assert keyed.contacts([made.id]) == own.contacts([theirs.id]) and own.contact(theirs.id).deleted
    with pytest.raises(Refused, match="no contact 999999999"):
        keyed.update_contact(999999999, email="x@example.test")


def test_presence_is_omni_channels_read_only_and_says_who_set_it(keyed, own, sandbox):
    username = f"omni{uuid.uuid4().hex[:6]}"
    own.api.post("/api/users", {"username": username, "password": f"{username}-pass", "name": "Omi Ni", "role": "agent"})
    assert keyed.presence(username) == own.presence(username) == own.presence(username).__class__(
        username, "Offline", None, "crm")
    for status, reason in (("Busy", "Lunch"), ("Online", None), ("Busy", None), ("Offline", None)):
        own.set_presence(username, status, reason)
        assert keyed.presence(username) == own.presence(username), (status, reason)
    cti = CtiClient(sandbox["cti"], *CLIENT)
    cti.set_state(username, "NOT_READY", "Training")  # the CTI's presence sync
    cti.close()
    synced = own.presence(username)
    assert (synced.status, synced.reason, synced.source) == ("Busy", "Training", "cti")
    assert keyed.presence(username) == synced
    with pytest.raises(LookupError, match="no user"):
        keyed.presence("nobody-here")


def test_a_contacts_helpdesk_tickets_read_as_the_crm_lists_them(keyed, own, sandbox):
    contact = keyed.create_contact("Tia", "Kett", fresh_phone())
    helpdesk = HelpdeskClient(sandbox["helpdesk"], *CLIENT)
    helpdesk.create_ticket("Router keeps dropping", "phone", priority="high", contact_id=contact.id)
    helpdesk.create_ticket("Bill is wrong", "email", contact_id=contact.id)
    helpdesk.close()
    by_id = lambda tickets: sorted((dataclasses.replace(t, contact_id=None) for t in tickets), key=lambda t: t.id)  # noqa: E731
    assert by_id(keyed.linked_tickets(contact.id)) == by_id(own.linked_tickets(contact.id))
    assert {t.contact_id for t in keyed.linked_tickets(contact.id)} == {contact.id}
    assert sorted(t.subject for t in keyed.linked_tickets(contact.id)) == ["Bill is wrong", "Router keeps dropping"]


def test_a_write_of_a_field_the_users_security_hides_is_refused_as_forbidden(keyed, own):
    contact = keyed.create_contact("Fay", "Lock", fresh_phone(), tax_id="TX-1", date_of_birth="1980-01-01")
    keyed.set_billing(contact.id, "current", 10.0)
    for user, password, write in (("tia", "tia-pass", lambda crm: crm.update_contact(contact.id, date_of_birth="1990-01-01")),
                                  ("tia", "tia-pass", lambda crm: crm.set_billing(contact.id, "current", 0.0)),
                                  ("maya", "maya-pass", lambda crm: crm.update_contact(contact.id, tax_id="TX-2"))):
        with pytest.raises(Refused, match="field-level security hides") as refused:
            write(keyed.as_user(user, password))
        assert refused.value.status == 403, refused.value
    assert own.contact(contact.id) == keyed.contact(contact.id) and keyed.contact(contact.id).tax_id == "TX-1"
    with pytest.raises(Refused) as bad_input:  # a bad value of a field the user sees stays bad input
        keyed.as_user("maya", "maya-pass").update_contact(contact.id, email="not-an-address")
    assert bad_input.value.status == 400
