"""The cti's Amazon Connect door: SigV4 refusals, Connect's error shapes, botocore's shapes, one domain.

Every boto3 call here is checked against botocore's service model (tests/sandbox/connect_helpers.py):
the request's members and types, the answer's shape, a refusal's error type among those the model lists.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

import httpx
import pytest
from botocore.exceptions import ClientError

from tests.sandbox.connect_helpers import ModelCheck, connect_client, signed_request
from tests.sandbox.test_cti_api import act, agent, available, call, interaction, ok

NUMBER = "+15550109001"


@pytest.fixture(autouse=True)
def fresh_sandbox(cti: httpx.Client, crm: httpx.Client) -> None:
    for client in (cti, crm):
        assert client.post("/_sandbox/reset").status_code == 200


@pytest.fixture(scope="module")
def door(sandbox_urls: dict[str, Any]) -> Any:
    client = connect_client(sandbox_urls)
    client.check = ModelCheck(client)
    client.instance = sandbox_urls["connect_instance_id"]
    return client


@pytest.fixture(autouse=True)
def shapes_kept(door: Any) -> Iterator[None]:
    door.check.problems.clear()
    door.check.operations.clear()
    yield
    assert not door.check.problems, "the door broke botocore's model:\n" + "\n".join(door.check.problems)


def refusal(call: Any) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as caught:
        call()
    response = caught.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["Error"]["Message"]


def user_id(door: Any, username: str) -> str:
    criteria = {"StringCondition": {"FieldName": "username", "Value": username, "ComparisonType": "EXACT"}}
    return door.search_users(InstanceId=door.instance, SearchCriteria=criteria)["Users"][0]["Id"]


def queue_id(door: Any, name: str) -> str:
    queues = door.list_queues(InstanceId=door.instance, QueueTypes=["STANDARD"])["QueueSummaryList"]
    return next(q["Id"] for q in queues if q["Name"] == name)


def status_id(door: Any, name: str) -> str:
    statuses = door.list_agent_statuses(InstanceId=door.instance)["AgentStatusSummaryList"]
    return next(s["Id"] for s in statuses if s["Name"] == name)


def flow_id(door: Any, name: str) -> str:
    flows = door.list_contact_flows(InstanceId=door.instance)["ContactFlowSummaryList"]
    return next(f["Id"] for f in flows if f["Name"] == name)


# ---- what a client needs, and who may call ----------------------------------------------------------

def test_the_json_line_gives_the_door_and_fresh_keys(sandbox_urls, another_sandbox):
    assert sandbox_urls["connect"].startswith("http://127.0.0.1:")
    assert len(sandbox_urls["connect_access_key_id"]) == 20 and sandbox_urls["connect_access_key_id"].startswith("AKIA")
    assert len(sandbox_urls["connect_secret_access_key"]) >= 40 and sandbox_urls["connect_region"]
    with another_sandbox() as other:
        assert {other[k] for k in ("connect_instance_id", "connect_access_key_id", "connect_secret_access_key")} \
            .isdisjoint({sandbox_urls[k] for k in ("connect_instance_id", "connect_access_key_id",
                                                   "connect_secret_access_key")}), "keys must be new every run"


def test_a_request_without_a_signature_is_refused(sandbox_urls):
    answer = httpx.get(f"{sandbox_urls['connect']}/users-summary/{sandbox_urls['connect_instance_id']}")
    assert answer.status_code == 403
    assert answer.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
    assert answer.json() == {"message": "Missing Authentication Token"}


@pytest.mark.parametrize("key, secret, expected", [
    (None, "not-the-secret", "InvalidSignatureException"),
    ("AKIAIOSFODNN7EXAMPLE", None, "UnrecognizedClientException"),
])
def test_a_wrong_key_or_secret_is_refused(sandbox_urls, key, secret, expected):
    client = connect_client(sandbox_urls, secret=secret, key=key)
    ModelCheck(client)
    status, code, message = refusal(lambda: client.list_users(InstanceId=sandbox_urls["connect_instance_id"]))
    assert (status, code) == (403, expected), message


def test_a_body_changed_after_signing_or_an_old_signature_is_refused(sandbox_urls):
    instance = sandbox_urls["connect_instance_id"]
    body = json.dumps({"InstanceId": instance, "InitialContactId": "int-x", "Attributes": {"a": "1"}}).encode()
    request = signed_request(sandbox_urls, "POST", "/contact/attributes", body)
    tampered = httpx.Request("POST", request.url, headers=request.headers, content=body.replace(b'"1"', b'"2"'))
    with httpx.Client() as http:
        answer = http.send(tampered)
        assert (answer.status_code, answer.headers["x-amzn-ErrorType"]) == (403, "InvalidSignatureException")
        assert "signature we calculated does not match" in answer.json()["message"]
        old = signed_request(sandbox_urls, "GET", f"/users-summary/{instance}",
                             when=datetime.now(timezone.utc) - timedelta(minutes=20))
        answer = http.send(old)
        assert (answer.status_code, answer.headers["x-amzn-ErrorType"]) == (403, "InvalidSignatureException")
        assert answer.json()["message"].startswith("Signature expired")
        fresh = http.send(signed_request(sandbox_urls, "GET", f"/users-summary/{instance}"))
        assert fresh.status_code == 200, fresh.text


def test_an_unknown_operation_is_refused(sandbox_urls, door):
    with httpx.Client() as http:
        answer = http.send(signed_request(sandbox_urls, "GET", "/no-such-operation"))
    assert (answer.status_code, answer.headers["x-amzn-ErrorType"]) == (400, "UnknownOperationException")
    assert "message" in answer.json()
    status, code, message = refusal(lambda: door.list_phone_numbers(InstanceId=door.instance))
    assert (status, code) == (400, "UnknownOperationException") and "ListPhoneNumbers" in message


@pytest.mark.parametrize("path, query, body, error, words", [
    ("/contact/attributes", "", {"InitialContactId": "int-x", "Attributes": {}, "Colour": "red"},
     "InvalidParameterException", "Colour"),
    ("/contact/attributes", "", {"InitialContactId": "int-x"}, "InvalidParameterException", "Attributes"),
    ("/contact/attributes", "", {"InitialContactId": 7, "Attributes": {}}, "InvalidParameterException",
     "InitialContactId"),
    ("/agent-status/{instance}", "AgentStatusTypes=SLEEPING", None, "InvalidParameterException", "SLEEPING"),
    ("/contact/attributes", "", "not json", "SerializationException", "JSON"),
])
def test_unknown_missing_or_ill_typed_fields_are_refused(sandbox_urls, path, query, body, error, words):
    instance = sandbox_urls["connect_instance_id"]
    raw = body.encode() if isinstance(body, str) else b"" if body is None else json.dumps(
        {"InstanceId": instance, **body}).encode()
    with httpx.Client() as http:
        answer = http.send(signed_request(sandbox_urls, "GET" if body is None else "POST",
                                          path.format(instance=instance), raw, query))
    assert (answer.status_code, answer.headers["x-amzn-ErrorType"]) == (400, error), answer.text
    assert words in answer.json()["message"]


def test_another_instance_is_not_found(door):
    status, code, _ = refusal(lambda: door.list_users(InstanceId="00000000-0000-4000-8000-000000000000"))
    assert (status, code) == (404, "ResourceNotFoundException")


# ---- agents: users and agent statuses -------------------------------------------------------------

def test_agent_statuses_are_the_cti_states_both_ways(door, cti):
    statuses = {s["Name"]: s["Type"] for s in door.list_agent_statuses(InstanceId=door.instance)["AgentStatusSummaryList"]}
    assert {"Available": "ROUTABLE", "Offline": "OFFLINE", "Lunch": "CUSTOM", "Busy": "CUSTOM"}.items() <= statuses.items()
    maya = user_id(door, "maya")
    assert door.describe_user(InstanceId=door.instance, UserId=maya)["User"]["Username"] == "maya"
    door.put_user_status(InstanceId=door.instance, UserId=maya, AgentStatusId=status_id(door, "Lunch"))
    assert (agent(cti, "maya")["state"], agent(cti, "maya")["reason"]) == ("NOT_READY", "Lunch")
    available(cti, "maya")
    data = door.get_current_user_data(InstanceId=door.instance, Filters={"Agents": [maya]})["UserDataList"]
    assert [d["Status"]["StatusName"] for d in data] == ["Available"] and data[0]["Contacts"] == []
    status, code, _ = refusal(lambda: door.put_user_status(InstanceId=door.instance, UserId=maya,
                                                           AgentStatusId="not-a-status"))
    assert (status, code) == (404, "ResourceNotFoundException")


def test_a_busy_agent_s_status_change_is_queued_next(door, cti):
    available(cti, "maya")
    offered = call(cti, "sales", NUMBER)
    maya = user_id(door, "maya")
    door.put_user_status(InstanceId=door.instance, UserId=maya, AgentStatusId=status_id(door, "Break"))
    data = door.get_current_user_data(InstanceId=door.instance, Filters={"Agents": [maya]})["UserDataList"][0]
    assert data["NextStatus"] == "Break"
    assert [(c["ContactId"], c["AgentContactState"]) for c in data["Contacts"]] == [(offered["id"], "INCOMING")]
    act(cti, offered["id"], "answer")
    act(cti, offered["id"], "hold")
    data = door.get_current_user_data(InstanceId=door.instance, Filters={"Agents": [maya]})["UserDataList"][0]
    assert data["Contacts"][0]["AgentContactState"] == "CONNECTED_ONHOLD"
    assert agent(cti, "maya")["next_state"] == "NOT_READY"


# ---- contacts ------------------------------------------------------------------------------------------

def test_a_call_reads_as_a_contact_with_its_ivr_context(door, cti):
    placed = call(cti, "support", NUMBER, attributes={"account_number": "AC-1001", "verified": True,
                                                       "ivr_path": ["Account verified", "Chose: Billing"]})
    contact = door.describe_contact(InstanceId=door.instance, ContactId=placed["id"])["Contact"]
    assert (contact["Id"], contact["Channel"], contact["InitiationMethod"]) == (placed["id"], "VOICE", "INBOUND")
    assert contact["QueueInfo"]["Id"] == queue_id(door, "support") and "AgentInfo" not in contact
    assert contact["CustomerEndpoint"] == {"Type": "TELEPHONE_NUMBER", "Address": NUMBER}
    attributes = door.get_contact_attributes(InstanceId=door.instance, InitialContactId=placed["id"])["Attributes"]
    assert attributes["verified"] == "true" and json.loads(attributes["ivr_path"]) == ["Account verified", "Chose: Billing"]
    assert attributes["correlation_id"] == placed["correlation_id"]
    door.update_contact_attributes(InstanceId=door.instance, InitialContactId=placed["id"],
                                   Attributes={"segment": "gold"})
    assert interaction(cti, placed["id"])["attributes"]["segment"] == "gold"
    now = datetime.now(timezone.utc)
    found = door.search_contacts(InstanceId=door.instance, SearchCriteria={"QueueIds": [queue_id(door, "support")]},
                                 TimeRange={"Type": "INITIATION_TIMESTAMP", "StartTime": now - timedelta(hours=1),
                                            "EndTime": now + timedelta(hours=1)})
    assert [c["Id"] for c in found["Contacts"]] == [placed["id"]] and found["TotalCount"] == 1
    status, code, _ = refusal(lambda: door.describe_contact(InstanceId=door.instance, ContactId="int-none"))
    assert (status, code) == (404, "ResourceNotFoundException")


def test_stop_then_dismiss_is_hang_up_then_wrap_up(door, cti):
    available(cti, "maya")
    placed = call(cti, "support", NUMBER)
    status, code, _ = refusal(lambda: door.stop_contact(InstanceId=door.instance, ContactId=placed["id"]))
    assert (status, code) == (400, "InvalidRequestException")  # ringing: not connected to the agent yet
    act(cti, placed["id"], "answer")
    door.stop_contact(InstanceId=door.instance, ContactId=placed["id"])
    ended = interaction(cti, placed["id"])
    assert (ended["state"], ended["ended_by"]) == ("wrapup", "agent")
    maya = user_id(door, "maya")
    status, code, message = refusal(lambda: door.dismiss_user_contact(InstanceId=door.instance, UserId=maya,
                                                                      ContactId=placed["id"]))
    assert (status, code) == (400, "InvalidRequestException") and "disposition" in message  # support: mandatory
    door.update_contact_attributes(InstanceId=door.instance, InitialContactId=placed["id"],
                                   Attributes={"disposition": "RESOLVED", "wrapup_notes": "sorted"})
    assert interaction(cti, placed["id"])["wrapup_draft"] == {"disposition": "RESOLVED", "notes": "sorted"}
    door.dismiss_user_contact(InstanceId=door.instance, UserId=maya, ContactId=placed["id"])
    done = interaction(cti, placed["id"])
    assert (done["state"], done["disposition"], done["notes"]) == ("completed", "RESOLVED", "sorted")
    contact = door.describe_contact(InstanceId=door.instance, ContactId=placed["id"])["Contact"]
    assert contact["AgentInfo"]["AfterContactWorkEndTimestamp"] and contact["DisconnectReason"] == "AGENT_DISCONNECT"
    status, code, _ = refusal(lambda: door.stop_contact(InstanceId=door.instance, ContactId=placed["id"]))
    assert (status, code) == (410, "ContactNotFoundException")
    assert {"StopContact", "UpdateContactAttributes", "DismissUserContact", "DescribeContact"} <= set(
        door.check.operations), "the model check saw every call"


def test_an_outbound_call_to_the_agent_s_queue_dials_for_the_agent(door, cti, crm):
    available(cti, "maya")
    maya, flow = user_id(door, "maya"), flow_id(door, "deskcheck outbound")
    started = door.start_outbound_voice_contact(InstanceId=door.instance, DestinationPhoneNumber="+15550109002",
                                                ContactFlowId=flow, QueueId=maya, Attributes={"record_id": "1"})
    dialled = interaction(cti, started["ContactId"])
    assert (dialled["direction"], dialled["state"], dialled["agent"]) == ("outbound", "connected", "maya")
    assert dialled["attributes"]["record_id"] == "1"
    blocked = ok(crm.post("/api/contacts", json={"first_name": "Do", "last_name": "Not", "phone": "+15550109003",
                                                 "do_not_call": True}), 201)
    status, code, message = refusal(lambda: door.start_outbound_voice_contact(
        InstanceId=door.instance, DestinationPhoneNumber=blocked["phone"], ContactFlowId=flow, QueueId=user_id(door, "leo")))
    assert (status, code) == (403, "DestinationNotAllowedException") and "do-not-call" in message
    status, code, _ = refusal(lambda: door.start_outbound_voice_contact(
        InstanceId=door.instance, DestinationPhoneNumber="+15550109004", ContactFlowId=flow,
        QueueId=queue_id(door, "sales")))
    assert (status, code) == (400, "InvalidParameterException")


def test_transfer_contact_moves_only_tasks_and_emails_as_in_connect(door, cti):
    placed = call(cti, "support", NUMBER)
    status, code, message = refusal(lambda: door.transfer_contact(
        InstanceId=door.instance, ContactId=placed["id"], QueueId=queue_id(door, "sales"),
        ContactFlowId=flow_id(door, "Default queue transfer")))
    assert (status, code) == (400, "InvalidRequestException") and "TASK and EMAIL" in message
    assert interaction(cti, placed["id"])["queue"] == "support"


# ---- queues: hours, tags, metrics ------------------------------------------------------------------------

def test_queue_hours_and_wrap_up_rules(door, cti):
    billing = door.describe_queue(InstanceId=door.instance, QueueId=queue_id(door, "billing"))["Queue"]
    assert billing["Tags"]["deskcheck:wrapup_mode"] == "timeboxed" and billing["Tags"]["deskcheck:acw_seconds"] == "30"
    hours_id = billing["HoursOfOperationId"]
    weekdays = [{"Day": day, "StartTime": {"Hours": 9, "Minutes": 0}, "EndTime": {"Hours": 17, "Minutes": 30}}
                for day in ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY")]
    door.update_hours_of_operation(InstanceId=door.instance, HoursOfOperationId=hours_id, TimeZone="UTC",
                                   Config=weekdays)
    assert ok(cti.get("/api/queues/billing"))["hours"] == {"days": [0, 1, 2, 3, 4], "open": "09:00", "close": "17:30"}
    described = door.describe_hours_of_operation(InstanceId=door.instance, HoursOfOperationId=hours_id)
    assert described["HoursOfOperation"]["Config"] == weekdays
    around = [{"Day": d["Day"], "StartTime": {"Hours": 0, "Minutes": 0}, "EndTime": {"Hours": 0, "Minutes": 0}}
              for d in weekdays] + [{"Day": day, "StartTime": {"Hours": 0, "Minutes": 0},
                                     "EndTime": {"Hours": 0, "Minutes": 0}} for day in ("SATURDAY", "SUNDAY")]
    door.update_hours_of_operation(InstanceId=door.instance, HoursOfOperationId=hours_id, Config=around)
    assert ok(cti.get("/api/queues/billing"))["hours"] is None
    status, code, _ = refusal(lambda: door.update_hours_of_operation(
        InstanceId=door.instance, HoursOfOperationId=hours_id, TimeZone="Europe/Paris", Config=weekdays))
    assert (status, code) == (400, "InvalidParameterException")


def test_queue_metrics_count_waiting_contacts_and_available_agents(door, cti):
    available(cti, "leo")
    call(cti, "billing", NUMBER)  # offered to leo
    call(cti, "billing", "+15550109005")  # waits
    metrics = door.get_current_metric_data(
        InstanceId=door.instance, Filters={"Queues": [queue_id(door, "billing")], "Channels": ["VOICE"]},
        Groupings=["QUEUE"], CurrentMetrics=[{"Name": "CONTACTS_IN_QUEUE", "Unit": "COUNT"},
                                             {"Name": "AGENTS_AVAILABLE", "Unit": "COUNT"}])
    values = {c["Metric"]["Name"]: c["Value"] for c in metrics["MetricResults"][0]["Collections"]}
    assert values == {"CONTACTS_IN_QUEUE": 1.0, "AGENTS_AVAILABLE": 0.0}
