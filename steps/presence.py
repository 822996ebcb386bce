"""Presence: the softphone, the CRM and the supervisor board agree, whoever made the change."""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from deskcheck.capabilities import needs
from deskcheck.names import ACTOR, phrase
from fixtures.eventually import eventually
from deskcheck.records.cti import state_label
from steps._agents import expect_agent

SOURCES = {"CTI": "cti", "CRM": "crm"}  # who made a change, in the events' and the CRM presence's words


def _expect_crm_presence(crm, actors, agent: str, status: str, source: str | None = None):
    """Waits until the CRM shows the agent's presence as ``status`` (set from ``source``, when given)."""
    username = actors.user(agent).username
    origin = f" set from the {source.upper()}" if source else ""
    return eventually(lambda: crm.presence(username),
                      until=lambda p: p.status == status and source in (None, p.source),
                      description=f"{agent}'s CRM presence {status}{origin}",
                      describe=lambda p: p.describe() + (f", set from the {p.source.upper()}" if p.source else ""))


@when(phrase('{agent:Actor} chooses "{choice}" in the softphone presence menu'))
def agent_chooses_presence(agent, choice, desktop):
    """In the agent's softphone presence menu: picks a state ("Available", "Break", "Lunch", "Training",
    "Offline", ...). During a call the choice is queued for after the wrap-up."""
    desktop.console(agent).softphone.presence.choose(choice)


@when(phrase('{agent:Actor} sets her CRM presence to "{status}"'))
def agent_sets_crm_presence(agent, status, desktop):
    """In the agent's CRM console (outside the softphone): sets the CRM presence to "Online", "Busy" or
    "Offline"."""
    desktop.console(agent).set_crm_presence(status)


@when(phrase("{agent:Actor} signs out of the console"))
def agent_signs_out(agent, desktop):
    """In the agent's CRM console: signs out (the CRM sets the agent Offline)."""
    desktop.console(agent).sign_out()


@given(phrase("{agent:Actor} has the console open in a second tab"))
@when(phrase("{agent:Actor} opens the console in a second tab"))
def second_tab(agent, desktop):
    """Opens the agent's CRM console in a second browser tab, signed in as the same user (as a Given before
    the scenario's events, as a When mid-scenario); "both tabs" in later steps means these two."""
    desktop.console(agent, tab=1)


@then(phrase('the console shows {agent:Actor}\'s CRM presence as "{status}"'))
@needs("crm_presence")
def console_shows_crm_presence(agent, status, desktop, crm, actors):
    """On the agent's CRM console: the CRM presence reads as given ("Online", "Busy", "Offline"); the
    CRM has the same presence for the agent."""
    desktop.console(agent).expect_crm_presence(status)
    _expect_crm_presence(crm, actors, agent, status)


@then(parsers.re(rf'the CRM has (?P<agent>{ACTOR})\'s presence as "(?P<status>\w+)" set from the (?P<source>CTI|CRM)$'))
@needs("crm_presence")
def crm_presence_from(agent, status, source, crm, actors):
    """Checks the CRM has the agent's presence as given ("Online", "Busy", "Offline"), and that the
    change came from the CTI (the softphone) or from the CRM itself, as given."""
    _expect_crm_presence(crm, actors, agent, status, SOURCES[source])


@then(phrase('the supervisor board shows {agent:Actor} as "{state:Quoted}"'))
def board_shows_state(agent, state, board, actors, cti):
    """On the supervisor board: the agent's row shows the state as the softphone words it ("Offline",
    "Not ready (Break)", ...); the CTI has the agent in that state."""
    user = actors.user(agent)
    board.expect_agent_state(user.name, state)
    expect_agent(cti, actors, agent, repr(state), lambda a: state_label(a.state, a.reason) == state)


@then(phrase('the supervisor board shows {agent:Actor} as "{state}" with {caller:Persona}\'s number on "{queue}"'))
def board_shows_call(agent, state, caller, queue, board, actors, personas, cti, journey):
    """On the supervisor board: the agent's row shows the state (e.g. "On call") and the call, as the
    caller's number and the queue. The CTI has the agent in that state, on the scenario's call."""
    user = actors.user(agent)
    board.expect_agent_state(user.name, state)
    board.expect_agent_interaction(user.name, f"{personas[caller].phone} · {queue}")
    call_id = journey.require_call()
    expect_agent(cti, actors, agent, f"{state!r} on call {call_id}",
                  lambda a: state_label(a.state, a.reason) == state and a.current_call_id == call_id)


@then(parsers.re(rf'the CTI has (?P<agent>{ACTOR}) "(?P<state>[A-Z_]+)" changed from the (?P<source>CTI|CRM)$'))
@needs("event_stream")
def cti_state_from(agent, state, source, cti, actors, events):
    """Checks the CTI has the agent in the given state (AVAILABLE, NOT_READY, OFFLINE, ...) and that it
    announced the change as coming from the CTI (the softphone) or from the CRM, as given."""
    expect_agent(cti, actors, agent, state, lambda a: a.state == state)
    events.wait_for("agent.state_changed", system="cti", username=actors.user(agent).username, state=state,
                    source=SOURCES[source])


@then(phrase('{agent:Actor}\'s softphone shows the state "{state}" with "{next_state}" next'))
def softphone_shows_queued(agent, state, next_state, desktop, cti, actors):
    """In the agent's softphone: the current state (e.g. "On call") and the state queued for after the
    call (e.g. "Lunch", "Offline"). The CTI has the agent with a state queued next."""
    softphone = desktop.console(agent).softphone
    softphone.expect_state(state)
    softphone.expect_next_state(next_state)
    expect_agent(cti, actors, agent, f"{state!r} with a state queued next",
                  lambda a: state_label(a.state, a.reason) == state and a.next_state is not None)


@then(phrase('the CTI has {agent:Actor} "{state}" with "{next_state}" queued next'))
def cti_next_state(agent, state, next_state, cti, actors):
    """Checks the CTI has the agent in the state (e.g. ON_INTERACTION) with the next state queued (e.g.
    NOT_READY), in the CTI's state names."""
    expect_agent(cti, actors, agent, f"{state} with {next_state} queued next",
                  lambda a: (a.state, a.next_state) == (state, next_state))


@then(phrase('both of {agent:Actor}\'s tabs show the state "{state}" and the CRM presence "{status}"'))
@needs("crm_presence")
def both_tabs_in_step(agent, state, status, desktop, crm, actors):
    """In both of the agent's console tabs: the softphone state and the CRM presence read as given; the
    CRM has the agent's presence as given."""
    for tab in (0, 1):
        console = desktop.console(agent, tab=tab)
        console.softphone.expect_state(state)
        console.expect_crm_presence(status)
    _expect_crm_presence(crm, actors, agent, status)


def _changes_in_order(events, type: str, system: str, fields: tuple[str, str], username: str,
                      wanted: list[tuple[str, str]]) -> None:
    changes = [(e.value(fields[0]), e.value(fields[1])) for e in events.of_type(type, system=system, username=username)]
    if not _in_order(changes, wanted):
        said = " then ".join(f"{value} from {source}" for value, source in wanted)
        seen = ", ".join(f"{value} from {source}" for value, source in changes) or "none"
        raise AssertionError(f"the {system.upper()} should have announced {username}'s changes {said}, in that order; "
                             f"it announced: {seen}")


@then(phrase('the CTI emitted {agent:Actor}\'s state changes "{first}" from "{first_source}" '
                    'then "{second}" from "{second_source}"'))
@needs("event_stream")
def cti_emitted_state_changes(agent, first, first_source, second, second_source, events, actors):
    """Checks the CTI announced the agent's state changes in this order (other changes may come
    between), each naming the system it came from: CTI state names (NOT_READY, AVAILABLE, ...) and
    sources "cti" or "crm"."""
    username = actors.user(agent).username
    events.wait_for("agent.state_changed", system="cti", username=username, state=second, source=second_source)
    _changes_in_order(events, "agent.state_changed", "cti", ("state", "source"), username,
                      [(first, first_source), (second, second_source)])


@then(phrase('the CRM emitted {agent:Actor}\'s presence changes "{first}" from "{first_source}" '
                    'then "{second}" from "{second_source}"'))
@needs("event_stream")
def crm_emitted_presence_changes(agent, first, first_source, second, second_source, events, actors):
    """Checks the CRM announced the agent's presence changes in this order (others may come between),
    each naming the system it came from: CRM statuses (Online, Busy, Offline) and sources "cti" or "crm"."""
    username = actors.user(agent).username
    events.wait_for("presence.changed", system="crm", username=username, status=second, source=second_source)
    _changes_in_order(events, "presence.changed", "crm", ("status", "source"), username,
                      [(first, first_source), (second, second_source)])


def _in_order(seen: list, wanted: list) -> bool:
    position = 0
    for item in seen:
        if position < len(wanted) and item == wanted[position]:
            position += 1
    return position == len(wanted)
