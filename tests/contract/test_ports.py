"""The contract every adapter set must keep: what steps rely on, asked through the ports only."""
from __future__ import annotations

import pytest

from deskcheck.ports import PORTS, port_methods
from tests.contract.conftest import expect_port

QUEUE = "sales"  # optional wrap-up: a call can be completed with any of its dispositions


def needs(adapters, capability: str, why: str) -> None:
    """Skips the check, naming the capability, when the profile's adapters lack it."""
    if capability not in adapters.capabilities:
        pytest.skip(f"not applicable on {adapters.name}: needs {capability} ({why})")


def test_every_adapter_implements_its_port(adapters):
    gaps = []
    for role, adapter_class in adapters.classes.items():
        port = PORTS.get(role)
        missing = [name for name in port_methods(port) if not callable(getattr(adapter_class, name, None))] if port else []
        if missing:
            gaps.append(f"the {role} adapter {adapter_class.__name__} lacks {', '.join(missing)} of {port.__name__}")
    assert not gaps, "contract broken: " + "; ".join(gaps)


def test_a_created_persona_is_found_by_its_number(crm, new_number):
    created = crm.create_contact("Contract", "Persona", new_number, email=f"contract.{new_number[-7:]}@example.test")
    expect_port(f"crm.find_contacts(phone={new_number!r})", "return the contact just created with that number",
                lambda found: [c.id for c in found] == [created.id], lambda: crm.find_contacts(phone=new_number))
    expect_port(f"crm.contact({created.id!r})", "return it with its names and number",
                lambda c: (c.full_name, c.phone) == ("Contract Persona", new_number), lambda: crm.contact(created.id))


def test_a_placed_call_shows_up_as_an_interaction(telephony, cti, new_number):
    placed = telephony.place_call(from_number=new_number, queue=QUEUE)
    expect_port(f"cti.interaction({placed.id!r})", f"show the call placed from {new_number} on the {QUEUE} queue, waiting",
                lambda i: (i.id, i.from_number, i.queue, i.state in ("queued", "offered")) == (placed.id, new_number, QUEUE, True),
                lambda: cti.interaction(placed.id))
    telephony.customer_hangs_up(placed.id)
    expect_port(f"cti.interaction({placed.id!r})", "show the call ended once the customer hangs up",
                lambda i: i.state not in ("queued", "offered", "connected"), lambda: cti.interaction(placed.id))


def test_a_completed_wrap_up_produces_exactly_one_call_log(adapters, crm, cti, telephony, contract_agent, new_number):
    needs(adapters, "call_control_api", "the check answers the call through the CTI's API")
    cti.set_agent_state(contract_agent, "AVAILABLE")
    placed = telephony.place_call(from_number=new_number, queue=QUEUE)
    expect_port(f"cti.interaction({placed.id!r})", f"show the call offered to {contract_agent}",
                lambda i: (i.state, i.agent) == ("offered", contract_agent), lambda: cti.interaction(placed.id))
    cti.answer(placed.id)
    cti.hang_up(placed.id)
    code = cti.dispositions_for(placed.id)[0].code
    cti.save_wrapup(placed.id, disposition=code, notes="contract kit")
    cti.complete_wrapup(placed.id)
    expect_port(f"cti.interaction({placed.id!r})", f"show the call completed with {code}",
                lambda i: (i.state, i.disposition) == ("completed", code), lambda: cti.interaction(placed.id))
    logs = expect_port(f"crm.call_logs(call_id={placed.id!r})", f"return exactly one completed call log with {code}",
                       lambda found: [(log.status, log.disposition) for log in found] == [("completed", code)],
                       lambda: crm.call_logs(call_id=placed.id))
    assert logs[0].notes == "contract kit", f"contract broken: crm.call_logs kept the note as {logs[0].notes!r}"
    if "write_audit" in crm.capabilities:
        expect_port(f"crm.call_log_writes({placed.id!r})", "count exactly one write", lambda n: n == 1,
                    lambda: crm.call_log_writes(placed.id))


def test_a_state_set_in_the_cti_reads_back_as_the_crm_presence(adapters, crm, cti, contract_agent):
    needs(adapters, "crm_presence", "the CRM's presence through its API")
    cti.set_agent_state(contract_agent, "NOT_READY", "Lunch")
    expect_port(f"crm.presence({contract_agent!r})", "read Busy (Lunch) after the CTI set the agent Not ready (Lunch)",
                lambda p: (p.status, p.reason) == ("Busy", "Lunch"), lambda: crm.presence(contract_agent))
    cti.set_agent_state(contract_agent, "AVAILABLE")
    expect_port(f"crm.presence({contract_agent!r})", "read Online after the CTI set the agent Available",
                lambda p: (p.status, p.reason) == ("Online", None), lambda: crm.presence(contract_agent))


def test_a_presence_set_in_the_crm_reads_back_as_the_cti_state(adapters, crm, cti, contract_agent):
    needs(adapters, "crm_presence_set", "the CRM's presence set through its API")
    crm.set_presence(contract_agent, "Online")
    expect_port(f"cti.agent({contract_agent!r})", "read AVAILABLE after the CRM set the user Online",
                lambda a: a.state == "AVAILABLE", lambda: cti.agent(contract_agent))


def test_a_refused_action_is_a_domain_refusal_not_a_crash(cti, telephony, new_number):
    from deskcheck.ports import Refused

    placed = telephony.place_call(from_number=new_number, queue=QUEUE)
    try:
        cti.complete_wrapup(placed.id)  # a waiting call has no wrap-up to complete
    except Refused as refusal:
        assert refusal.system and refusal.reason, f"contract broken: the refusal says nothing: {refusal!r}"
    else:
        raise AssertionError("contract broken: cti.complete_wrapup should refuse a call that is still waiting")
    finally:
        telephony.customer_hangs_up(placed.id)
