"""Integration edges one at a time: the change is made where only one edge can carry it (a system's own
API, the agent's desk phone, a closed console), and the far side is checked, on screen and in its system."""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from deskcheck.capabilities import needs
from fixtures.eventually import eventually
from steps._agents import expect_agent


@given(parsers.parse('the agent "{name}" is Available in the CTI with no console open'))
def agent_available_without_console(name, actors, cti, journey):
    """Set-up in the CTI only: the agent (Maya, or Leo) is made Available through the CTI's API and no
    console or softphone is opened for them, so nothing in a browser can relay a change. Waits until the
    CTI has them AVAILABLE."""
    cti.set_agent_state(actors.user(name).username, "AVAILABLE")
    expect_agent(cti, actors, name, "AVAILABLE", lambda a: a.state == "AVAILABLE")
    journey.desk_agent = journey.desk_agent or name


@when(parsers.parse('the CRM\'s API sets {agent}\'s presence to "{status}"'))
@needs("crm_presence_set")
def crm_api_sets_presence(agent, status, crm, actors):
    """In the CRM, through its API and no screen: sets the agent's CRM presence to "Online", "Busy" or
    "Offline" (as an integration or an admin would). Only the CRM's push to the CTI can carry it on."""
    crm.set_presence(actors.user(agent).username, status)


@when(parsers.parse('the CTI\'s API sets {agent} Not ready because "{reason}"'))
def cti_api_sets_not_ready(agent, reason, cti, actors):
    """In the CTI, through its API and no screen: sets the agent Not ready with the reason ("Break",
    "Lunch", "Training", ...). Only the CTI's push to the CRM can carry it on."""
    cti.set_agent_state(actors.user(agent).username, "NOT_READY", reason)


@when(parsers.parse("{agent} opens the console"))
def agent_opens_console(agent, desktop):
    """Opens the agent's CRM console (with the softphone) for the first time in the scenario, after the
    change was made elsewhere."""
    desktop.console(agent)


@when(parsers.re(r'(?P<agent>\w+) answers on (?:her|his|their) desk phone, hangs up and completes the wrap-up '
                 r'with "(?P<code>[A-Z_]+)"$'))
@needs("call_simulator", "call_control_api")
def desk_phone_call(agent, code, cti, actors, journey):
    """The agent handles the scenario's call on a second device (the CTI's own API, no console open): waits
    until the call rings at the agent's, answers it, hangs up and completes the wrap-up with the disposition
    code (e.g. RESOLVED) given in the completion itself."""
    call_id, username = journey.require_call(), actors.user(agent).username
    eventually(lambda: cti.interaction(call_id), until=lambda c: (c.state, c.agent) == ("offered", username),
               description=f"call {call_id} ringing at {agent}'s", describe=lambda c: c.describe("state", "agent"))
    cti.answer(call_id)
    cti.hang_up(call_id)
    cti.complete_wrapup(call_id, disposition=code)


@when(parsers.parse("{agent} opens {who}'s contact record in the console"))
def open_contact_record(agent, who, desktop, personas, journey):
    """In the agent's CRM console: searches for the customer by their phone number (names can repeat) and
    opens their contact record."""
    journey.desk_agent = agent
    desktop.console(agent).open_contact(personas[who].full_name, search_for=personas[who].phone)


@then(parsers.parse('the contact record\'s timeline shows "{entry}"'))
def timeline_entry(entry, desktop, journey, crm, personas):
    """On the open contact record in the console: the timeline shows the entry as written (e.g.
    "Inbound call · completed · RESOLVED"); the CRM has the scenario's call log on that contact, completed."""
    desktop.console(journey.desk_agent).contact_record.expect_timeline_entry(entry)
    call_id = journey.require_call()
    eventually(lambda: crm.call_log(call_id),
               until=lambda log: log is not None and log.status == "completed" and log.contact_id is not None,
               description=f"the CRM call log of call {call_id} completed on a contact",
               describe=lambda log: log.describe("status", "contact_id") if log else "no call log")
