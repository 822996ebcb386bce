"""The Salesforce door's Service Cloud objects: Omni-Channel presence (read only, as in Salesforce), the
helpdesk's tickets as its integration keeps them in the org, and the contact center id other systems
know a contact by. One store whichever door: what the sandbox's own APIs change, these read."""
from __future__ import annotations

import uuid

import pytest

from sandbox.crm import salesforce_schema
from tests.sandbox.conftest import api_client
from tests.sandbox.test_salesforce_door import DATA, create, door, fresh_phone, refusal, sf, soql  # noqa: F401

pytestmark = pytest.mark.sandbox
PRESENCE = ("SELECT Id, ServicePresenceStatusId, IsCurrentState, IsAway, StatusStartDate, StatusEndDate, CreatedById, "
            "LastModifiedById FROM UserServicePresence WHERE UserId = '{}'")


def user_id(door, sf, username: str) -> str:
    return soql(door, sf, f"SELECT Id FROM User WHERE Username = '{username}'")["records"][0]["Id"]


def statuses(door, sf) -> dict[str, dict]:
    return {r["Id"]: r for r in soql(door, sf, "SELECT Id, DeveloperName, MasterLabel FROM ServicePresenceStatus")["records"]}


def test_a_contact_carries_the_id_the_other_systems_know_it_by(door, sf, sandbox_urls):
    contact_id = create(door, sf, "Contact", {"FirstName": "Cai", "LastName": "Rowe", "Phone": fresh_phone()})
    [row] = soql(door, sf, f"SELECT ContactCenterId__c FROM Contact WHERE Id = '{contact_id}'")["records"]
    number = row["ContactCenterId__c"]
    assert number == str(salesforce_schema.parse_id(contact_id)[1])
    crm = api_client(sandbox_urls["crm"])
    assert crm.get(f"/api/contacts/{number}").json()["last_name"] == "Rowe"  # the sandbox's own id
    crm.close()
    found = soql(door, sf, f"SELECT Id FROM Contact WHERE ContactCenterId__c = '{number}'")["records"]
    assert [r["Id"] for r in found] == [contact_id]
    described = {f["name"]: f for f in door.get(f"{DATA}/sobjects/Contact/describe", headers=sf).json()["fields"]}
    spec = described["ContactCenterId__c"]
    assert (spec["autoNumber"], spec["externalId"], spec["unique"], spec["createable"], spec["updateable"]) == \
        (True, True, True, False, False)
    refusal(door.patch(f"{DATA}/sobjects/Contact/{contact_id}", json={"ContactCenterId__c": "7"}, headers=sf),
            400, "INVALID_FIELD_FOR_INSERT_UPDATE")


def test_presence_reads_as_omni_channel_keeps_it_and_takes_no_writes(door, sf, sandbox_urls, eventually):
    username = f"pres{uuid.uuid4().hex[:6]}"
    crm, cti = api_client(sandbox_urls["crm"]), api_client(sandbox_urls["cti"])
    assert crm.post("/api/users", json={"username": username, "password": f"{username}-pass", "name": "Pia Rao",
                                        "role": "agent"}).status_code == 201
    user = user_id(door, sf, username)
    assert crm.put(f"/api/presence/{username}", json={"status": "Busy", "reason": "Lunch"}).status_code == 200
    [busy] = soql(door, sf, PRESENCE.format(user))["records"]
    assert (busy["IsCurrentState"], busy["IsAway"], busy["StatusEndDate"], busy["CreatedById"]) == (True, True, None, user)
    assert statuses(door, sf)[busy["ServicePresenceStatusId"]]["MasterLabel"] == "Lunch"

    assert crm.put(f"/api/presence/{username}", json={"status": "Online"}).status_code == 200
    eventually(lambda: cti.get(f"/api/agents/{username}").json()["state"] == "AVAILABLE", timeout=10)
    [online] = soql(door, sf, PRESENCE.format(user))["records"]
    assert (online["IsCurrentState"], online["IsAway"]) == (True, False)
    assert statuses(door, sf)[online["ServicePresenceStatusId"]]["DeveloperName"] == "Online"

    # the CTI's presence sync writes as the CTI client's integration user
    assert cti.post(f"/api/agents/{username}/state", json={"state": "NOT_READY", "reason": "Training"}).status_code == 200
    eventually(lambda: soql(door, sf, PRESENCE.format(user))["records"][0]["IsAway"] is True, timeout=10)
    [synced] = soql(door, sf, PRESENCE.format(user))["records"]
    assert synced["CreatedById"] == user_id(door, sf, "cti-service") != user
    assert statuses(door, sf)[synced["ServicePresenceStatusId"]]["MasterLabel"] == "Training"

    assert cti.post(f"/api/agents/{username}/state", json={"state": "OFFLINE"}).status_code == 200
    eventually(lambda: soql(door, sf, PRESENCE.format(user))["records"][0]["IsCurrentState"] is False, timeout=10)
    [ended] = soql(door, sf, PRESENCE.format(user))["records"]
    assert (ended["ServicePresenceStatusId"], ended["StatusEndDate"] is not None) == (None, True)

    refusal(door.post(f"{DATA}/sobjects/UserServicePresence/", headers=sf,
                      json={"UserId": user, "ServicePresenceStatusId": online["ServicePresenceStatusId"]}),
            403, "INSUFFICIENT_ACCESS_OR_READONLY")
    refusal(door.patch(f"{DATA}/sobjects/UserServicePresence/{ended['Id']}", headers=sf, json={"IsAway": False}),
            403, "INSUFFICIENT_ACCESS_OR_READONLY")
    crm.close()
    cti.close()


def test_a_contacts_helpdesk_tickets_are_in_the_org(door, sf, sandbox_urls):
    contact_id = create(door, sf, "Contact", {"FirstName": "Tom", "LastName": "Ito", "Phone": fresh_phone()})
    number = salesforce_schema.parse_id(contact_id)[1]
    helpdesk = api_client(sandbox_urls["helpdesk"])
    answer = helpdesk.post("/api/tickets", json={"subject": "Router keeps dropping", "channel": "phone",
                                                 "priority": "high", "contact_id": number})
    assert answer.status_code in (200, 201), answer.text
    ticket = answer.json()
    helpdesk.close()
    rows = soql(door, sf, "SELECT Name, Contact__c, Subject__c, Status__c, Priority__c, Channel__c, Escalated__c "
                          f"FROM HelpdeskTicket__c WHERE Contact__c = '{contact_id}'")["records"]
    assert [{k: v for k, v in r.items() if k != "attributes"} for r in rows] == [{
        "Name": ticket["id"], "Contact__c": contact_id, "Subject__c": "Router keeps dropping",
        "Status__c": ticket["status"], "Priority__c": "high", "Channel__c": "phone", "Escalated__c": False}]
    refusal(door.post(f"{DATA}/sobjects/HelpdeskTicket__c/", headers=sf, json={"Subject__c": "x"}),
            403, "INSUFFICIENT_ACCESS_OR_READONLY")
