"""The Amazon Connect CTI adapter against the sandbox's Connect door: the same records as the sandbox's own
CTI adapter for the same calls and agents, only real Connect operations, every request and answer in
botocore's shapes.

Calls are driven through the sandbox's own API (the call generator, the sandbox adapter's answer) and
read through both adapters. Fields Connect's API has no home for (mute, DTMF sent, transfers, consult
legs, offers nobody took, the CRM presence the CTI synced) are compared as their defaults.
"""
from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path
from typing import Any, Iterator

import pytest

from deskcheck.adapters import Connection
from deskcheck.adapters.amazon_connect import AmazonConnectCti
from deskcheck.adapters.sandbox import SandboxAdapters
from deskcheck.ports import CtiPort, NotSupported, Refused, port_methods
from deskcheck.records import OpeningHours, WrapUpDraft
from tests.sandbox.conftest import SUITE_CLIENT, api_client, running_sandbox
from tests.sandbox.connect_helpers import ModelCheck

SYSTEMS = ("crm", "cti", "ivr", "chat", "helpdesk", "marketing")
IVR_CONTEXT = {"account_number": "AC-2002", "verified": True, "ivr_path": ["Account verified", "Chose: Sales"],
               "ivr_session_id": "ivr-42", "reason": "upgrade"}
#: what Connect's API does not tell, as the record's defaults
NO_CONNECT_API = {"muted": False, "muted_seconds": 0.0, "digits": "", "transfers": (), "consult": None,
                  "offer_outcomes": (), "crm_status": None}
ADAPTER_DIR = Path(__file__).resolve().parents[2] / "deskcheck" / "adapters" / "amazon_connect"


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with running_sandbox(tmp_path_factory.mktemp("connect-adapter"), "--frozen-clock") as urls:
        yield urls


@pytest.fixture(scope="module")
def sandbox(target: dict[str, Any]) -> Iterator[SandboxAdapters]:
    adapters = SandboxAdapters(Connection({k: target[k] for k in SYSTEMS}, *SUITE_CLIENT))
    yield adapters
    adapters.close()


@pytest.fixture(scope="module")
def connect(target: dict[str, Any], sandbox: SandboxAdapters) -> Iterator[AmazonConnectCti]:
    adapter = AmazonConnectCti(target["connect_instance_id"], target["connect_region"], endpoint_url=target["connect"],
                               aws_access_key_id=target["connect_access_key_id"],
                               aws_secret_access_key=target["connect_secret_access_key"],
                               dispositions=sandbox.port("crm").dispositions, clock=sandbox.port("controls").now)
    adapter.check = ModelCheck(adapter.api.client)
    yield adapter
    adapter.close()


@pytest.fixture(autouse=True)
def fresh(target: dict[str, Any], connect: AmazonConnectCti) -> Iterator[None]:
    for system in ("cti", "crm"):
        with api_client(target[system]) as client:
            assert client.post("/_sandbox/reset").status_code == 200
    connect.check.problems.clear()
    connect.check.operations.clear()
    yield
    assert not connect.check.problems, "a request or answer broke botocore's model:\n" + "\n".join(connect.check.problems)


@pytest.fixture
def cti(sandbox: SandboxAdapters) -> Any:
    return sandbox.port("cti")


def comparable(record: Any) -> Any:
    return dataclasses.replace(record, **{k: v for k, v in NO_CONNECT_API.items() if hasattr(record, k)})


def same_call(cti: Any, connect: AmazonConnectCti, call_id: str, **expected: Any) -> Any:
    mine, theirs = comparable(cti.interaction(call_id)), connect.interaction(call_id)
    assert theirs == mine, f"Connect: {theirs}\nsandbox: {mine}"
    assert theirs.attributes == {k: v for k, v in mine.attributes.items() if v is not None}
    assert {k: getattr(theirs, k) for k in expected} == expected
    return theirs


def same_agent(cti: Any, connect: AmazonConnectCti, username: str, **expected: Any) -> Any:
    mine, theirs = comparable(cti.agent(username)), connect.agent(username)
    assert theirs == mine, f"Connect: {theirs}\nsandbox: {mine}"
    assert {k: getattr(theirs, k) for k in expected} == expected
    return theirs


def test_an_inbound_call_reads_the_same_through_both_adapters_at_every_step(cti, connect, sandbox):
    telephony, controls = sandbox.port("telephony"), sandbox.port("controls")
    connect.set_agent_state("maya", "AVAILABLE")
    same_agent(cti, connect, "maya", state="AVAILABLE", label="Available")
    placed = telephony.place_call("+15550108001", "sales", attributes=IVR_CONTEXT)
    same_call(cti, connect, placed.id, state="offered", agent="maya", queue="sales", from_number="+15550108001")
    same_agent(cti, connect, "maya", state="RESERVED", current_call_id=placed.id)
    cti.answer(placed.id)  # Connect leaves answering to the CCP
    call = same_call(cti, connect, placed.id, state="connected")
    assert call.ivr is not None and call.ivr.path == ("Account verified", "Chose: Sales") and call.ivr.verified
    sandbox.api("cti").hold(placed.id)
    controls.advance_clock(7)
    same_call(cti, connect, placed.id, state="held", on_hold=True, hold_seconds=7.0)
    sandbox.api("cti").resume(placed.id)
    ended = connect.hang_up(placed.id)
    assert ended == comparable(cti.interaction(placed.id)) and (ended.state, ended.ended_by) == ("wrapup", "agent")
    same_agent(cti, connect, "maya", state="ACW", label="After call work")
    assert connect.dispositions_for(placed.id) == cti.dispositions_for(placed.id) != []
    connect.save_wrapup(placed.id, disposition="SALE", notes="upgraded")
    assert cti.wrapup_draft(placed.id) == WrapUpDraft("SALE", "upgraded")
    controls.advance_clock(12)
    done = connect.complete_wrapup(placed.id)
    assert done == comparable(cti.interaction(placed.id))
    assert (done.state, done.disposition, done.notes, done.wrapup_seconds) == ("completed", "SALE", "upgraded", 12)
    same_agent(cti, connect, "maya", state="AVAILABLE", current_call_id=None)
    for agent, state in (("maya", None), (None, "completed"), ("leo", None)):
        assert connect.interactions(agent=agent, state=state) == [comparable(i) for i in cti.interactions(agent, state)]
    assert {"SearchUsers", "GetCurrentUserData", "ListRoutingProfileQueues", "ListAgentStatuses", "PutUserStatus",
            "DescribeContact", "GetContactAttributes", "DescribeQueue", "StopContact",
            "UpdateContactAttributes", "DismissUserContact", "SearchContacts"} <= set(connect.check.operations), \
        "every call the adapter made went through the model check"


def test_agent_states_are_agent_statuses(cti, connect, sandbox):
    connect.set_agent_state("leo", "NOT_READY", "Lunch")
    same_agent(cti, connect, "leo", state="NOT_READY", reason="Lunch", label="Not ready (Lunch)")
    cti.set_agent_state("leo", "NOT_READY", "Coffee")  # a reason the instance had no status for yet
    same_agent(cti, connect, "leo", reason="Coffee")
    connect.set_agent_state("leo", "AVAILABLE")
    placed = sandbox.port("telephony").place_call("+15550108002", "support")
    connect.set_agent_state("leo", "NOT_READY", "Break")  # on a call: Connect's next status
    same_agent(cti, connect, "leo", state="RESERVED", next_state="NOT_READY", next_reason="Break")
    sandbox.port("telephony").customer_hangs_up(placed.id)
    same_call(cti, connect, placed.id, state="abandoned", ended_by="customer")
    same_agent(cti, connect, "leo", state="NOT_READY", reason="Break", next_state=None)
    connect.set_agent_state("leo", "OFFLINE")
    same_agent(cti, connect, "leo", state="OFFLINE")
    with pytest.raises(Refused, match="no CUSTOM agent status named 'Gardening'"):
        connect.set_agent_state("leo", "NOT_READY", "Gardening")
    with pytest.raises(Refused, match="set by routing"):
        connect.set_agent_state("leo", "ON_INTERACTION")


def test_queues_and_their_opening_hours_read_the_same(cti, connect, sandbox):
    sandbox.port("controls").set_clock("2031-03-08T10:00:00.000+00:00")  # a Saturday
    for name in ("support", "sales", "billing"):
        assert connect.queue(name) == cti.queue(name)
    weekdays = OpeningHours((0, 1, 2, 3, 4), "09:00", "17:00")
    opened = connect.set_queue_hours("sales", weekdays)
    assert opened == cti.queue("sales")
    assert (opened.hours, opened.open_now, opened.opens_at) == (weekdays, False, "2031-03-10T09:00:00.000+00:00")
    sandbox.port("controls").set_clock("2031-03-10T09:30:00.000+00:00")
    assert connect.queue("sales") == cti.queue("sales") and connect.queue("sales").open_now
    assert connect.set_queue_hours("sales", None) == cti.queue("sales")
    assert cti.queue("sales").hours is None


def test_a_timeboxed_wrap_up_and_a_customer_hang_up_read_the_same(cti, connect, sandbox):
    telephony = sandbox.port("telephony")
    cti.set_agent_state("tia", "AVAILABLE")
    placed = telephony.place_call("+15550108003", "billing")
    cti.answer(placed.id)
    telephony.customer_hangs_up(placed.id)
    call = same_call(cti, connect, placed.id, state="wrapup", ended_by="customer", wrapup_mode="timeboxed")
    assert call.wrapup_deadline is not None
    sandbox.port("controls").advance_clock(31)
    same_call(cti, connect, placed.id, state="completed", disposition="WRAPUP_TIMEOUT", wrapup_seconds=30)


def test_outbound_calls_read_the_same_and_refusals_are_domain_refusals(cti, connect, sandbox):
    crm = sandbox.port("crm")
    connect.set_agent_state("maya", "AVAILABLE")
    dialled = connect.dial("maya", "+15550108004", record_id=17)
    assert dialled == comparable(cti.interaction(dialled.id))
    assert (dialled.direction, dialled.state, dialled.record_id) == ("outbound", "connected", "17")
    connect.hang_up(dialled.id)
    connect.complete_wrapup(dialled.id, disposition="RESOLVED")  # the agent's first queue: support
    same_call(cti, connect, dialled.id, state="completed", disposition="RESOLVED")
    unanswered = connect.dial("maya", sandbox.port("telephony").never_answering_number("+15550108005"))
    same_call(cti, connect, unanswered.id, state="failed", ended_by="network")
    blocked = crm.create_contact("Do", "Notcall", "+15550108006", do_not_call=True)
    with pytest.raises(Refused, match="do-not-call"):
        connect.dial("maya", blocked.phone)
    connect.set_agent_state("maya", "OFFLINE")
    waiting = sandbox.port("telephony").place_call("+15550108007", "support")
    with pytest.raises(Refused, match="has not reached an agent"):
        connect.complete_wrapup(waiting.id)
    cti.set_agent_state("leo", "AVAILABLE")
    cti.answer(waiting.id)
    connect.hang_up(waiting.id)
    with pytest.raises(Refused, match="disposition is required"):
        connect.complete_wrapup(waiting.id)  # support's wrap-up is mandatory
    connect.complete_wrapup(waiting.id, disposition="RESOLVED")
    with pytest.raises(Refused, match="already completed") as again:  # Connect: 400; the port: a conflict
        connect.complete_wrapup(waiting.id, disposition="RESOLVED")
    assert again.value.status == 409, again.value


def test_what_connect_leaves_to_the_ccp_is_not_supported_with_the_capability_named(connect):
    calls = {"answer": ("int-1",), "cancel_consult": ("int-1",), "wrapup_draft": ("int-1",), "callbacks": (),
             "api_session": (), "accepts_session": (None,)}
    named = {}
    for method, args in calls.items():
        with pytest.raises(NotSupported) as refused:
            getattr(connect, method)(*args)
        named[method] = refused.value.capability
    assert named == {"answer": "call_control_api", "cancel_consult": "call_control_api", "wrapup_draft": "wrapup_draft",
                     "callbacks": "callbacks", "api_session": "token_audit", "accepts_session": "token_audit"}
    assert connect.capabilities.isdisjoint(set(named.values()))


def test_the_adapter_implements_the_cti_port_with_sdk_calls_only():
    missing = [m for m in port_methods(CtiPort) if not callable(getattr(AmazonConnectCti, m, None))]
    assert not missing, f"AmazonConnectCti lacks {missing}"
    for source in ADAPTER_DIR.glob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                      and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
        paths = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
                 and id(node) not in docstrings and re.search(r"^/|https?://|127\.0\.0\.1|localhost", node.value)]
        assert not paths, f"{source.name} names URLs or paths {paths}: only boto3 calls belong in the adapter"


def test_the_glossary_names_the_instance_s_queues_statuses_and_wrap_up_modes(cti, connect):
    assert [q.name for q in connect.queues()] == [q.name for q in cti.queues()]
    states = connect.agent_states()
    assert [(c.label, c.state, c.reason) for c in states.presence_menu][:3] == [
        ("Available", "AVAILABLE", None), ("Offline", "OFFLINE", None), ("Busy", "NOT_READY", "Busy")]
    assert {s.label for s in states.states} >= {"Available", "Not ready (Lunch)", "Ringing", "On call", "After call work"}
    assert [m.mode for m in connect.wrapup_rules().modes] == ["optional", "mandatory", "timeboxed"]
    assert "idle the longest" in connect.routing() and "routing profile" in connect.routing()
