"""Steps every area shares: who is logged in, who the customers are, calls, and the clock."""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from fixtures.eventually import eventually
from pages.softphone import state_label

CUSTOMER = r'a customer "(?P<name>[^"]+)"'


# --- actors ---------------------------------------------------------------------------------------

@given(parsers.re(r'the (?P<role>agent|trainee|second agent|supervisor) "(?P<name>[^"]+)" is logged in and Available'))
def agent_logged_in_available(role, name, actors, desktop, journey, cti_api):
    user = actors.user(name)
    assert actors.role_of(name) == role.replace(" ", "_") or role == "agent" and actors.role_of(name) == "second_agent", \
        f"{name} is the {actors.role_of(name)}, not the {role}"
    cti_api.set_state(user.username, "AVAILABLE")  # before the console opens: it then loads showing the state
    desktop.console(name).softphone.expect_state("Available")
    eventually(lambda: cti_api.agent(user.username), until=lambda a: a["state"] == "AVAILABLE",
               description=f"{name} AVAILABLE in the CTI")
    journey.desk_agent = journey.desk_agent or name


@given(parsers.parse('the supervisor "{name}" is watching the supervisor board'), target_fixture="board")
def supervisor_watching(name, desktop):
    return desktop.supervisor_board(name)


# --- customers ------------------------------------------------------------------------------------

@given(parsers.re(CUSTOMER + r" with (?P<cases>\d+) open cases?$"))
def customer_with_cases(name, cases, personas):
    personas.customer(name, open_cases=int(cases))


@given(parsers.re(CUSTOMER + r' with (?P<cases>\d+) open cases?, (?P<orders>\d+) recent orders? '
                              r'and billing status "(?P<billing>[^"]+)"'))
def customer_with_360(name, cases, orders, billing, personas):
    personas.customer(name, open_cases=int(cases), recent_orders=int(orders), billing_status=billing)


# --- calls ----------------------------------------------------------------------------------------

@when(parsers.re(r'(?P<caller>.+?) calls the (?P<queue>support|sales|billing) line$'))
def customer_calls(caller, queue, personas, cti_api, journey):
    journey.track_call(cti_api.simulate_call(from_number=personas[caller].phone, queue=queue))


@given(parsers.re(r'(?P<agent>\w+) is on a call with (?P<caller>\w+)$'))
def agent_on_call(agent, caller, personas, cti_api, desktop, journey):
    journey.track_call(cti_api.simulate_call(from_number=personas[caller].phone, queue="support"))
    softphone = desktop.console(agent).softphone
    softphone.expect_ringing(personas[caller].phone)
    softphone.answer()
    softphone.expect_connected(personas[caller].phone)


@when(parsers.parse("{agent} answers the call"))
def agent_answers(agent, desktop):
    desktop.console(agent).softphone.answer()


@when(parsers.re(r"(?P<who>\w+) hangs up$"))
def someone_hangs_up(who, desktop, actors, cti_api, journey):
    try:
        actors.role_of(who)
    except KeyError:  # not one of the agents: the customer leaves the call
        cti_api.customer_hangup(journey.require_call())
    else:
        desktop.console(who).softphone.hang_up()


@then(parsers.parse("{agent}'s softphone rings with {caller}'s number"))
def softphone_rings(agent, caller, personas, desktop, cti_api, actors, journey):
    desktop.console(agent).softphone.expect_ringing(personas[caller].phone)
    username = actors.user(agent).username
    eventually(lambda: cti_api.interaction(journey.require_call()),
               until=lambda i: i["state"] == "offered" and i["agent"] == username,
               description=f"the call offered to {agent} in the CTI")


@then(parsers.parse("{agent}'s softphone rings with {caller}'s number on the \"{queue}\" queue"))
def softphone_rings_on_queue(agent, caller, queue, personas, desktop, cti_api, actors, journey):
    desktop.console(agent).softphone.expect_ringing(personas[caller].phone, queue=queue)
    username = actors.user(agent).username
    eventually(lambda: cti_api.interaction(journey.require_call()),
               until=lambda i: i["state"] == "offered" and i["agent"] == username and i["queue"] == queue,
               description=f"the call offered to {agent} on {queue} in the CTI")


@then(parsers.parse('{agent}\'s softphone shows the state "{state}"'))
def softphone_shows_state(agent, state, desktop, cti_api, actors):
    desktop.console(agent).softphone.expect_state(state)
    username = actors.user(agent).username
    eventually(lambda: cti_api.agent(username), until=lambda a: state_label(a["state"], a.get("reason")) == state,
               description=f"{agent} {state!r} in the CTI")


@then(parsers.parse('the CRM has logged an inbound call for {caller} in progress'))
def crm_logged_call_in_progress(caller, personas, crm_api, journey):
    eventually(lambda: crm_api.activity(journey.require_call()),
               until=lambda a: a["contact_id"] == personas[caller].id and a["status"] == "in_progress"
               and a["direction"] == "inbound",
               description=f"an in-progress inbound call log for {caller} in the CRM")


@then(parsers.parse('the CRM shows {agent} as "{status}"'))
def crm_presence_is(agent, status, crm_api, actors):
    username = actors.user(agent).username
    eventually(lambda: crm_api.presence(username), until=lambda p: p["status"] == status,
               description=f"{agent}'s CRM presence {status}")


# --- the clock ------------------------------------------------------------------------------------

@when(parsers.re(r"(?P<seconds>\d+) seconds pass(?: (?P<context>.+))?$"))
def time_passes(seconds, sandbox_admin_api):
    sandbox_admin_api.advance_clock(int(seconds))
