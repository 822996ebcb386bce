"""Steps every area shares: who is logged in, who the customers are, calls, and the clock."""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from deskcheck.capabilities import needs
from deskcheck.names import ACTOR, ORDINAL, PERSON, PERSONA, ordinal, phrase
from fixtures.agreement import expect_value
from fixtures.eventually import eventually
from deskcheck.records.cti import state_label
from steps._agents import expect_agent

CUSTOMER = r'a customer "(?P<name>[^"]+)"'


# --- actors ---------------------------------------------------------------------------------------

ROLE = r'the (?P<role>agent|trainee|second agent|supervisor) "(?P<name>[^"]+)"'


@given(parsers.re(ROLE + r" is logged in and Available$"))
@when(parsers.re(ROLE + r" logs in and becomes Available$"))
def agent_logged_in_available(role, name, actors, desktop, journey, cti):
    """The named actor (the agent Maya, the second agent Leo, the supervisor Sam, the trainee Tia) is made
    Available in the CTI, then their CRM console opens with the softphone showing "Available"; waits until
    the CTI has them AVAILABLE. As a Given it is the set-up; as a When ("... logs in and becomes Available")
    the same happens mid-scenario. The first actor logged in is the one whose console "the console" means in
    later steps. The name must be the actor of that role (docs/glossary.md#actors)."""
    user = actors.user(name)
    assert actors.role_of(name) == role.replace(" ", "_") or role == "agent" and actors.role_of(name) == "second_agent", \
        f"{name} is the {actors.role_of(name)}, not the {role}"
    cti.set_agent_state(user.username, "AVAILABLE")  # before the console opens: it then loads showing the state
    desktop.console(name).softphone.expect_state("Available")
    expect_agent(cti, actors, name, "AVAILABLE", lambda a: a.state == "AVAILABLE")
    journey.desk_agent = journey.desk_agent or name


@given(parsers.parse('the supervisor "{name}" is watching the supervisor board'), target_fixture="board")
@when(parsers.parse('the supervisor "{name}" opens the supervisor board'), target_fixture="board")
def supervisor_watching(name, desktop):
    """The supervisor (Sam) opens the supervisor board from their CRM console (as a Given, before the
    scenario's events; as a When, mid-scenario); later steps read agents' states from it."""
    return desktop.supervisor_board(name)


# --- customers ------------------------------------------------------------------------------------

@given(parsers.re(CUSTOMER + r" with (?P<cases>\d+) open cases?$"))
def customer_with_cases(name, cases, personas):
    """Set-up in the CRM: creates the customer (first and last name) with a fresh phone number, an
    email address, an account number and the given number of open cases (0 or more)."""
    personas.customer(name, open_cases=int(cases))


@given(parsers.re(CUSTOMER + r' with (?P<cases>\d+) open cases?, (?P<orders>\d+) recent orders? '
                              r'and billing status "(?P<billing>[^"]+)"'))
def customer_with_360(name, cases, orders, billing, personas):
    """Set-up in the CRM: creates the customer with a fresh phone number, the given numbers of open
    cases and recent orders, and a billing status: "Current", "Overdue" or "Pending payment"."""
    personas.customer(name, open_cases=int(cases), recent_orders=int(orders), billing_status=billing)


# --- calls ----------------------------------------------------------------------------------------

@when(parsers.re(rf'(?P<caller>{PERSONA}) calls the (?P<queue>support|sales|billing) line$'))
@needs("call_simulator")
def customer_calls(caller, queue, personas, telephony, journey):
    """The customer (a persona of the scenario, e.g. Dana or "the unknown caller") calls the support,
    sales or billing line from their phone, through the target's call simulator: the call goes straight to
    the queue, without the IVR (for the IVR, see "calls the support line and enters ... account number").
    A line that is closed (its opening hours) refuses the call and the step fails saying so. The call is
    "the call" of the later steps; the queue decides its wrap-up (docs/glossary.md#queues)."""
    journey.track_call(telephony.place_call(from_number=personas[caller].phone, queue=queue))


@when(parsers.re(rf'(?P<caller>{PERSONA}) calls the (?P<queue>support|sales|billing) line for the (?P<nth>{ORDINAL}) time$'))
@needs("call_simulator")
def customer_calls_again(caller, queue, nth, personas, telephony, journey, cti):
    """The customer calls the support, sales or billing line again, and the line says which time it is (the
    2nd time, the third time, ...). Checks first, in the CTI, that the scenario has placed exactly one call
    fewer from the customer's number, so the count is true; the new call is "the call" of the later steps."""
    phone, n = personas[caller].phone, ordinal(nth)
    earlier = [call_id for call_id in journey.calls if cti.interaction(call_id).from_number == phone]
    expect_value(f"the calls from {caller} ({phone}) this scenario placed before the {nth} one", n - 1, "the CTI",
                 len(earlier))
    journey.track_call(telephony.place_call(from_number=phone, queue=queue))


@given(parsers.re(rf'(?P<agent>{ACTOR}) is on a call with (?P<caller>{PERSONA})$'))
@when(parsers.re(rf'(?P<agent>{ACTOR}) answers a call from (?P<caller>{PERSONA})$'))
@needs("call_simulator")
def agent_on_call(agent, caller, personas, telephony, desktop, journey):
    """The customer calls the support line, the agent's softphone rings with their number, the agent
    answers and the softphone shows the call connected (as a Given: the set-up; as a When, "Maya answers
    a call from Dana", the same mid-scenario). The call becomes "the call" of later steps."""
    journey.track_call(telephony.place_call(from_number=personas[caller].phone, queue="support"))
    softphone = desktop.console(agent).softphone
    softphone.expect_ringing(personas[caller].phone)
    softphone.answer()
    softphone.expect_connected(personas[caller].phone)


@when(phrase("{agent:Actor} answers the call"))
def agent_answers(agent, desktop):
    """In the agent's softphone: presses Answer on the ringing call (or chat)."""
    desktop.console(agent).softphone.answer()


@when(parsers.re(rf"(?P<who>{PERSON}) hangs up$"))
def someone_hangs_up(who, desktop, actors, telephony, journey):
    """An agent (Maya, Leo, ...) presses Hang up in their softphone; anyone else is the customer, who
    leaves the call from their phone (that needs the target's call simulator)."""
    try:
        actors.role_of(who)
    except KeyError:  # not one of the agents: the customer leaves the call
        telephony.customer_hangs_up(journey.require_call())
    else:
        desktop.console(who).softphone.hang_up()


def _expect_offered(cti, journey, agent: str, username: str, queue: str | None = None):
    """Waits until the CTI offers the scenario's call to the agent (on the queue, when given)."""
    call_id = journey.require_call()
    where = f" on the {queue!r} queue" if queue else ""
    return eventually(lambda: cti.interaction(call_id),
                      until=lambda i: (i.state, i.agent) == ("offered", username) and queue in (None, i.queue),
                      description=f"call {call_id} offered to {agent} ({username}){where} in the CTI",
                      describe=lambda i: i.describe("state", "agent", "queue"))


@then(phrase("{agent:Actor}'s softphone rings with {caller:Persona}'s number"))
def softphone_rings(agent, caller, personas, desktop, cti, actors, journey):
    """In the agent's softphone: the call rings showing the caller's phone number; the CTI has the
    call offered to that agent."""
    desktop.console(agent).softphone.expect_ringing(personas[caller].phone)
    _expect_offered(cti, journey, agent, actors.user(agent).username)


@then(phrase("{agent:Actor}'s softphone rings with {caller:Persona}'s number on the \"{queue}\" queue"))
def softphone_rings_on_queue(agent, caller, queue, personas, desktop, cti, actors, journey):
    """In the agent's softphone: the call rings showing the caller's number and the queue name
    (support, sales or billing); the CTI has the call offered to that agent on that queue."""
    desktop.console(agent).softphone.expect_ringing(personas[caller].phone, queue=queue)
    _expect_offered(cti, journey, agent, actors.user(agent).username, queue)


@then(phrase('{agent:Actor}\'s softphone shows the state "{state}"'))
def softphone_shows_state(agent, state, desktop, cti, actors):
    """In the agent's softphone: the state reads as given ("Available", "Offline", "On call",
    "Not ready (Missed)", "Not ready (Lunch)", ...); the CTI has the agent in the same state."""
    desktop.console(agent).softphone.expect_state(state)
    expect_agent(cti, actors, agent, repr(state), lambda a: state_label(a.state, a.reason) == state)


@then(phrase('the CRM has logged an inbound call for {caller:Persona} in progress'))
def crm_logged_call_in_progress(caller, personas, crm, journey):
    """Checks the CRM has a call log for the call: inbound, in progress, linked to the caller's contact."""
    call_id = journey.require_call()
    contact_id = personas[caller].id
    eventually(lambda: crm.call_log(call_id),
               until=lambda log: log is not None and (log.contact_id, log.status, log.direction)
               == (contact_id, "in_progress", "inbound"),
               description=f"an in-progress inbound call log of call {call_id} linked to {caller} "
                           f"(contact {contact_id}) in the CRM",
               describe=lambda log: "no call log yet" if log is None
               else log.describe("status", "direction", "contact_id"))


@then(phrase('the CRM shows {agent:Actor} as "{status}"'))
@needs("crm_presence")
def crm_presence_is(agent, status, crm, actors):
    """Checks the agent's presence in the CRM reads as given: "Online", "Busy" or "Offline"."""
    username = actors.user(agent).username
    eventually(lambda: crm.presence(username), until=lambda p: p.status == status,
               description=f"{agent}'s CRM presence {status}", describe=lambda p: p.describe())


# --- the clock ------------------------------------------------------------------------------------

@when(parsers.re(r"(?P<seconds>\d+) seconds pass(?: (?P<context>.+))?$"))
@needs("clock")
def time_passes(seconds, controls):
    """Moves the target's clock forward by the given whole seconds (the words after "pass", e.g.
    "in wrap-up" or "on hold", are for the reader). Ring timeouts, wrap-up limits and hold time follow
    the clock; nothing waits in real time."""
    controls.advance_clock(int(seconds))
