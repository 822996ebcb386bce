"""The crm's Salesforce door: HTTPS with the run's test CA, OAuth like Salesforce, records with the
documented field names and types, Salesforce's error shape, field-level security by role, and the
same store as the sandbox's own API (what one door writes, the other reads)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import ssl
import uuid
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from sandbox.crm import salesforce_schema
from tests.sandbox.conftest import SUITE_CLIENT, api_client
from tests.sandbox.salesforce_reference import DOCUMENTED, PICKLISTS, record_problems

pytestmark = pytest.mark.sandbox
VERSION = "59.0"
DATA = f"/services/data/v{VERSION}"


@pytest.fixture(scope="module")
def door(sandbox_urls) -> Iterator[httpx.Client]:
    """An anonymous client of the door that trusts only the run's test CA."""
    trust = ssl.create_default_context(cafile=sandbox_urls["ca_bundle"])
    with httpx.Client(base_url=sandbox_urls["salesforce"], verify=trust, timeout=10.0) as client:
        yield client


def token(door: httpx.Client, username: str | None = None, password: str | None = None) -> dict[str, Any]:
    form = {"grant_type": "password" if username else "client_credentials", "client_id": SUITE_CLIENT[0],
            "client_secret": SUITE_CLIENT[1]}
    if username:
        form.update(username=username, password=password or "")
    answer = door.post("/services/oauth2/token", data=form)
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.fixture
def sf(door) -> dict[str, str]:
    """Headers of the suite client's Salesforce session (a fresh token per test)."""
    return {"Authorization": f"Bearer {token(door)['access_token']}"}


def create(door, sf, kind: str, body: dict[str, Any]) -> str:
    answer = door.post(f"{DATA}/sobjects/{kind}/", json=body, headers=sf)
    assert answer.status_code == 201, answer.text
    assert answer.json()["success"] is True and answer.json()["errors"] == []
    return answer.json()["id"]


def soql(door, sf, query: str, everything: bool = False) -> dict[str, Any]:
    answer = door.get(f"{DATA}/{'queryAll' if everything else 'query'}/", params={"q": query}, headers=sf)
    assert answer.status_code == 200, answer.text
    return answer.json()


def refusal(answer: httpx.Response, status: int, code: str) -> str:
    """The message of a refusal in Salesforce's shape: [{"message", "errorCode", "fields"}]."""
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert isinstance(body, list) and len(body) == 1, body
    assert set(body[0]) == {"message", "errorCode", "fields"} and body[0]["errorCode"] == code, body
    assert body[0]["message"], body
    return body[0]["message"]


def fresh_phone() -> str:
    return f"+1555{uuid.uuid4().int % 8000000 + 2000000}"


def test_the_json_line_names_the_door_and_its_ca_and_only_that_ca_is_trusted(sandbox_urls):
    assert sandbox_urls["salesforce"].startswith("https://127.0.0.1:")
    assert Path(sandbox_urls["ca_bundle"]).read_text().startswith("-----BEGIN CERTIFICATE-----")
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(f"{sandbox_urls['salesforce']}/services/data/", verify=ssl.create_default_context())


def test_a_token_is_answered_like_salesforce(door):
    answer = token(door)
    assert set(answer) >= {"access_token", "instance_url", "id", "token_type", "issued_at", "signature"}
    assert answer["token_type"] == "Bearer" and answer["instance_url"] == str(door.base_url).rstrip("/")
    assert answer["issued_at"].isdigit()
    expected = hmac.new(SUITE_CLIENT[1].encode(), (answer["id"] + answer["issued_at"]).encode(), hashlib.sha256)
    assert answer["signature"] == base64.b64encode(expected.digest()).decode()
    maya = token(door, "maya", "maya-pass")
    users = soql(door, {"Authorization": f"Bearer {maya['access_token']}"},
                 "SELECT Id, Username FROM User WHERE Username = 'maya'")["records"]
    assert maya["id"].endswith("/" + users[0]["Id"]), "the identity URL names the signed-in user"


@pytest.mark.parametrize("form, error", [
    ({"grant_type": "client_credentials", "client_id": SUITE_CLIENT[0], "client_secret": "wrong"}, "invalid_client"),
    ({"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"}, "invalid_client_id"),
    ({"grant_type": "password", "client_id": SUITE_CLIENT[0], "client_secret": SUITE_CLIENT[1],
      "username": "maya", "password": "wrong"}, "invalid_grant"),
    ({"grant_type": "authorization_code", "client_id": SUITE_CLIENT[0]}, "unsupported_grant_type"),
])
def test_a_wrong_sign_in_is_refused_with_oauths_error(door, form, error):
    answer = door.post("/services/oauth2/token", data=form)
    assert answer.status_code == 400 and answer.json()["error"] == error, answer.text
    assert "access_token" not in answer.json()


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic eDp5"}])
def test_without_a_valid_token_every_call_is_refused(door, headers):
    for method, path in (("GET", f"{DATA}/query/?q=SELECT+Id+FROM+Contact"), ("GET", f"{DATA}/sobjects/Contact/describe"),
                         ("POST", f"{DATA}/sobjects/Contact/")):
        answer = door.request(method, path, headers=headers, json={"LastName": "X"} if method == "POST" else None)
        assert refusal(answer, 401, "INVALID_SESSION_ID") == "Session expired or invalid"


def test_describe_has_the_documented_fields_and_documents_every_custom_one(door, sf):
    listed = door.get(f"{DATA}/sobjects", headers=sf).json()["sobjects"]
    assert {o["name"] for o in listed} == set(DOCUMENTED)
    for kind, documented in DOCUMENTED.items():
        described = door.get(f"{DATA}/sobjects/{kind}/describe", headers=sf).json()
        fields = {f["name"]: f for f in described["fields"]}
        assert {name: fields[name]["type"] for name in documented} == documented, kind
        for name, spec in fields.items():
            if name not in documented:
                assert name.endswith("__c") and spec["custom"] and spec["inlineHelpText"], f"{kind}.{name}"
                assert name in salesforce_schema.__doc__, f"{kind}.{name} is not in the module docstring"
            for value in (p["value"] for p in spec["picklistValues"]):
                assert value in PICKLISTS.get((kind, name), {value}), f"{kind}.{name}: {value}"


def test_every_record_has_the_documented_names_and_types(door, sf, sandbox_urls):
    contact_id = create(door, sf, "Contact", {
        "FirstName": "Ines", "LastName": "Duarte", "Phone": fresh_phone(), "Email": "ines@example.test",
        "Birthdate": "1984-03-12", "TaxId__c": "TX-1", "AccountNumber__c": f"7{uuid.uuid4().int % 10**7}",
        "BillingStatus__c": "overdue", "BillingBalance__c": 12.5, "LeadScore__c": 40})
    case_id = create(door, sf, "Case", {"ContactId": contact_id, "Subject": "Router", "Status": "On Hold"})
    order_id = create(door, sf, "CustomerOrder__c", {"Name": f"ORD-{uuid.uuid4().hex[:6]}", "Contact__c": contact_id,
                                                     "Total__c": 49.9, "Status__c": "shipped"})
    task_id = create(door, sf, "Task", {
        "CallObject": f"int-{uuid.uuid4().hex[:8]}", "WhoId": contact_id, "Status": "Completed",
        "CallType": "Inbound", "CallDisposition": "RESOLVED", "Description": "fixed", "Queue__c": "support",
        "WrapUpSeconds__c": 12, "CallAttributes__c": '{"ivr_path": ["Support"], "verified": true}'})
    records = [door.get(f"{DATA}/sobjects/{kind}/{record_id}", headers=sf).json() for kind, record_id in
               (("Contact", contact_id), ("Case", case_id), ("CustomerOrder__c", order_id), ("Task", task_id))]
    for kind in DOCUMENTED:  # every field of every record of every object, seed data included
        described = door.get(f"{DATA}/sobjects/{kind}/describe", headers=sf).json()
        select = ", ".join(f["name"] for f in described["fields"])
        records += soql(door, sf, f"SELECT {select} FROM {kind}")["records"]
    problems = {}
    for record in records:
        described = door.get(f"{DATA}/sobjects/{record['attributes']['type']}/describe", headers=sf).json()
        found = record_problems(record, described, VERSION)
        if found:
            problems[record["attributes"]["url"]] = found
    assert not problems, problems
    task = records[3]
    assert (task["TaskSubtype"], task["CallObject"][:4], task["WhoId"], task["IsClosed"]) == ("Call", "int-", contact_id, True)


def test_what_one_door_writes_the_other_reads(door, sf, sandbox_urls):
    crm = api_client(sandbox_urls["crm"])
    phone = fresh_phone()
    contact_id = create(door, sf, "Contact", {"FirstName": "Ana", "LastName": "Lima", "Phone": f"({phone[2:5]}) "
                                              f"{phone[5:8]}-{phone[8:]}", "DoNotCall": True})
    [seen] = crm.get("/api/contacts", params={"phone": phone}).json()["contacts"]
    assert (seen["first_name"], seen["last_name"], seen["phone"], seen["do_not_call"]) == ("Ana", "Lima", phone, True)
    crm.patch(f"/api/contacts/{seen['id']}", json={"email": "ana@example.test", "email_opt_out": True})
    record = door.get(f"{DATA}/sobjects/Contact/{contact_id}", headers=sf).json()
    assert (record["Email"], record["HasOptedOutOfEmail"]) == ("ana@example.test", True)
    call_id = f"int-{uuid.uuid4().hex[:8]}"
    crm.put(f"/api/activities/{call_id}", json={"status": "completed", "contact_id": seen["id"], "agent": "maya",
                                                "disposition": "SALE", "notes": "via the sandbox API",
                                                "direction": "outbound", "wrapup_seconds": 7})
    [task] = soql(door, sf, f"SELECT WhoId, OwnerId, CallDisposition, Description, CallType, Status, WrapUpSeconds__c "
                            f"FROM Task WHERE CallObject = '{call_id}'")["records"]
    maya = soql(door, sf, "SELECT Id FROM User WHERE Username = 'maya'")["records"][0]["Id"]
    assert {k: v for k, v in task.items() if k != "attributes"} == {
        "WhoId": contact_id, "OwnerId": maya, "CallDisposition": "SALE", "Description": "via the sandbox API",
        "CallType": "Outbound", "Status": "Completed", "WrapUpSeconds__c": 7.0}
    crm.close()


def test_refusals_have_salesforces_shape_and_change_nothing(door, sf):
    def count() -> int:
        return soql(door, sf, "SELECT Id FROM Contact")["totalSize"]

    before = count()
    person = {"FirstName": "Rui", "LastName": "Sousa", "Phone": fresh_phone()}
    cases = [
        (door.get(f"{DATA}/sobjects/Contacts/describe", headers=sf), 404, "NOT_FOUND"),
        (door.get(f"{DATA}/sobjects/Contact/003Dk0000000zzzzAAA", headers=sf), 404, "NOT_FOUND"),
        (door.get(f"{DATA}/sobjects/Contact/{salesforce_schema.make_id('00T', 1)}", headers=sf), 404, "NOT_FOUND"),
        (door.get(f"{DATA}/sobjects/Contact/{salesforce_schema.make_id('003', 1)}?fields=Id,Shoe", headers=sf),
         400, "INVALID_FIELD"),
        (door.get("/services/data/v12.0/sobjects", headers=sf), 404, "NOT_FOUND"),
        (door.get(f"{DATA}/query/", params={"q": "SELECT Id FROM Contct"}, headers=sf), 400, "INVALID_TYPE"),
        (door.get(f"{DATA}/query/", params={"q": "SELECT Id, Shoe FROM Contact"}, headers=sf), 400, "INVALID_FIELD"),
        (door.get(f"{DATA}/query/", params={"q": "SELECT Id FROM Contact WHERE"}, headers=sf), 400, "MALFORMED_QUERY"),
        (door.post(f"{DATA}/sobjects/Contact/", json={**person, "Shoe": "42"}, headers=sf), 400, "INVALID_FIELD"),
        (door.post(f"{DATA}/sobjects/Contact/", json={**person, "Name": "Rui Sousa"}, headers=sf),
         400, "INVALID_FIELD_FOR_INSERT_UPDATE"),
        (door.post(f"{DATA}/sobjects/Contact/", json={**person, "BillingStatus__c": "late"}, headers=sf),
         400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"),
        (door.post(f"{DATA}/sobjects/Contact/", json={**person, "LastName": None}, headers=sf),
         400, "REQUIRED_FIELD_MISSING"),
        (door.post(f"{DATA}/sobjects/Contact/", json={**person, "Email": "not-an-address"}, headers=sf),
         400, "INVALID_EMAIL_ADDRESS"),
        (door.post(f"{DATA}/sobjects/Contact/", json={**person, "FirstName": "R" * 41}, headers=sf),
         400, "STRING_TOO_LONG"),
        (door.post(f"{DATA}/sobjects/Contact/", json={**person, "DoNotCall": "yes"}, headers=sf),
         400, "JSON_PARSER_ERROR"),
        (door.post(f"{DATA}/sobjects/Contact/", content=b"{not json", headers={**sf, "Content-Type": "application/json"}),
         400, "JSON_PARSER_ERROR"),
        (door.post(f"{DATA}/sobjects/Contact/", json={**person, "Phone": "call me"}, headers=sf),
         400, "FIELD_CUSTOM_VALIDATION_EXCEPTION"),
        (door.post(f"{DATA}/sobjects/Case/", json={"ContactId": salesforce_schema.make_id("005", 1), "Subject": "x"},
                   headers=sf), 400, "MALFORMED_ID"),
        (door.post(f"{DATA}/sobjects/User/", json={"Username": "eve"}, headers=sf), 403, "INSUFFICIENT_ACCESS_OR_READONLY"),
        (door.put(f"{DATA}/sobjects/Contact/{salesforce_schema.make_id('003', 1)}", json={}, headers=sf),
         405, "METHOD_NOT_ALLOWED"),
        (door.get(f"{DATA}/query/01gnotacursor-2000", headers=sf), 400, "INVALID_QUERY_LOCATOR"),
    ]
    for answer, status, code in cases:
        refusal(answer, status, code)
    assert count() == before, "a refused create stored a contact"
    seed_task = soql(door, sf, "SELECT CallObject FROM Task LIMIT 1")["records"][0]["CallObject"]
    refusal(door.post(f"{DATA}/sobjects/Task/", json={"CallObject": seed_task}, headers=sf), 400, "DUPLICATE_VALUE")


def test_a_roles_field_level_security_applies(door, sf):
    trainee = {"Authorization": f"Bearer {token(door, 'tia', 'tia-pass')['access_token']}"}
    agent = {"Authorization": f"Bearer {token(door, 'maya', 'maya-pass')['access_token']}"}
    fields = {who: {f["name"] for f in door.get(f"{DATA}/sobjects/Contact/describe", headers=h).json()["fields"]}
              for who, h in (("trainee", trainee), ("agent", agent), ("client", sf))}
    assert {"Birthdate", "TaxId__c", "BillingBalance__c"} <= fields["client"]
    assert not {"Birthdate", "TaxId__c", "BillingBalance__c"} & fields["trainee"]
    assert "TaxId__c" not in fields["agent"] and {"Birthdate", "BillingBalance__c"} <= fields["agent"]
    refusal(door.get(f"{DATA}/query/", params={"q": "SELECT Id, TaxId__c FROM Contact"}, headers=agent),
            400, "INVALID_FIELD")
    refusal(door.post(f"{DATA}/sobjects/Contact/", json={"FirstName": "A", "LastName": "B", "Phone": fresh_phone(),
                                                         "Birthdate": "1990-01-01"}, headers=trainee), 400, "INVALID_FIELD")
    seen = door.get(f"{DATA}/sobjects/Contact/{salesforce_schema.make_id('003', 1)}", headers=trainee).json()
    assert "Birthdate" not in seen and seen["LastName"] == "Morgan"


def test_a_deleted_contact_is_in_the_recycle_bin(door, sf):
    contact_id = create(door, sf, "Contact", {"FirstName": "Del", "LastName": "Eted", "Phone": fresh_phone()})
    agent = {"Authorization": f"Bearer {token(door, 'maya', 'maya-pass')['access_token']}"}
    refusal(door.delete(f"{DATA}/sobjects/Contact/{contact_id}", headers=agent), 403, "INSUFFICIENT_ACCESS_OR_READONLY")
    assert door.delete(f"{DATA}/sobjects/Contact/{contact_id}", headers=sf).status_code == 204
    refusal(door.get(f"{DATA}/sobjects/Contact/{contact_id}", headers=sf), 404, "ENTITY_IS_DELETED")
    query = f"SELECT Id, IsDeleted FROM Contact WHERE Id = '{contact_id}'"
    assert soql(door, sf, query)["totalSize"] == 0
    assert [r["IsDeleted"] for r in soql(door, sf, query, everything=True)["records"]] == [True]


def test_an_expired_token_is_refused_as_an_invalid_session(door, sf, sandbox_urls):
    admin = httpx.post(f"{sandbox_urls['crm']}/_sandbox/clock", json={"advance_seconds": 301}, timeout=10.0)
    assert admin.status_code == 200, admin.text
    refusal(door.get(f"{DATA}/query/", params={"q": "SELECT Id FROM User"}, headers=sf), 401, "INVALID_SESSION_ID")


def test_a_long_answer_comes_in_pages_followed_by_next_records_url(monkeypatch):
    import threading
    from collections import OrderedDict

    from sandbox.crm import salesforce_door

    monkeypatch.setattr(salesforce_door, "PAGE_SIZE", 2)
    api = object.__new__(salesforce_door.SalesforceApi)
    api.cursors, api._cursor_lock = OrderedDict(), threading.Lock()
    pages = [api.page([{"n": n} for n in range(5)], 5, DATA)]
    while not pages[-1]["done"]:
        cursor = pages[-1]["nextRecordsUrl"].removeprefix(f"{DATA}/query/")
        pages.append(api.next_page(cursor, DATA))
    assert [[r["n"] for r in p["records"]] for p in pages] == [[0, 1], [2, 3], [4]]
    assert pages[0]["totalSize"] == 5 and "nextRecordsUrl" not in pages[-1]
