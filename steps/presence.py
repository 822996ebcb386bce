"""Presence: the softphone, the CRM and the supervisor board agree, whoever made the change."""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from fixtures.eventually import eventually


@when(parsers.parse('{agent} chooses "{choice}" in the softphone presence menu'))
def agent_chooses_presence(agent, choice, desktop):
    desktop.console(agent).softphone.presence.choose(choice)


@when(parsers.parse('{agent} sets her CRM presence to "{status}"'))
def agent_sets_crm_presence(agent, status, desktop):
    desktop.console(agent).set_crm_presence(status)


@when(parsers.parse("{agent} signs out of the console"))
def agent_signs_out(agent, desktop):
    desktop.console(agent).sign_out()


@given(parsers.parse("{agent} has the console open in a second tab"))
def second_tab(agent, desktop):
    desktop.console(agent, tab=1)


@then(parsers.parse('the console shows {agent}\'s CRM presence as "{status}"'))
def console_shows_crm_presence(agent, status, desktop, crm_api, actors):
    desktop.console(agent).expect_crm_presence(status)
    username = actors.user(agent).username
    eventually(lambda: crm_api.presence(username), until=lambda p: p["status"] == status,
               description=f"{agent}'s CRM presence {status}")


@then(parsers.re(r'the CRM has (?P<agent>\w+)\'s presence as "(?P<status>\w+)" set from the (?P<source>CTI|CRM)$'))
def crm_presence_from(agent, status, source, crm_api, actors):
    username = actors.user(agent).username
    eventually(lambda: crm_api.presence(username),
               until=lambda p: p["status"] == status and p["source"] == source.lower(),
               description=f"{agent}'s CRM presence {status} from the {source}")


@then(parsers.parse('the supervisor board shows {agent} as "{state}"'))
def board_shows_state(agent, state, board, actors, cti_api):
    user = actors.user(agent)
    board.expect_agent_state(user.name, state)
    eventually(lambda: cti_api.agent(user.username), until=lambda a: a["state"] != "RESERVED",
               description=f"{agent} settled in the CTI")


@then(parsers.parse('the supervisor board shows {agent} as "{state}" with {caller}\'s number on "{queue}"'))
def board_shows_call(agent, state, caller, queue, board, actors, personas, cti_api, journey):
    user = actors.user(agent)
    board.expect_agent_state(user.name, state)
    board.expect_agent_interaction(user.name, f"{personas[caller].phone} · {queue}")
    eventually(lambda: cti_api.agent(user.username),
               until=lambda a: a["current_interaction_id"] == journey.require_call(),
               description=f"{agent} on the call in the CTI")


@then(parsers.re(r'the CTI has (?P<agent>\w+) "(?P<state>[A-Z_]+)" changed from the (?P<source>CTI|CRM)$'))
def cti_state_from(agent, state, source, cti_api, actors, events):
    username = actors.user(agent).username
    eventually(lambda: cti_api.agent(username), until=lambda a: a["state"] == state, description=f"{agent} {state}")
    events.wait_for("agent.state_changed", system="cti", username=username, state=state, source=source.lower())


@then(parsers.parse('{agent}\'s softphone shows the state "{state}" with "{next_state}" next'))
def softphone_shows_queued(agent, state, next_state, desktop):
    softphone = desktop.console(agent).softphone
    softphone.expect_state(state)
    softphone.expect_next_state(next_state)


@then(parsers.parse('the CTI has {agent} "{state}" with "{next_state}" queued next'))
def cti_next_state(agent, state, next_state, cti_api, actors):
    username = actors.user(agent).username
    eventually(lambda: cti_api.agent(username), until=lambda a: a["state"] == state and a["next_state"] == next_state,
               description=f"{agent} {state} with {next_state} queued")


@then(parsers.parse('both of {agent}\'s tabs show the state "{state}" and the CRM presence "{status}"'))
def both_tabs_in_step(agent, state, status, desktop, crm_api, actors):
    for tab in (0, 1):
        console = desktop.console(agent, tab=tab)
        console.softphone.expect_state(state)
        console.expect_crm_presence(status)
    username = actors.user(agent).username
    eventually(lambda: crm_api.presence(username), until=lambda p: p["status"] == status,
               description=f"{agent}'s CRM presence {status}")


@then(parsers.parse('the CTI emitted {agent}\'s state changes "{first}" from "{first_source}" '
                    'then "{second}" from "{second_source}"'))
def cti_emitted_state_changes(agent, first, first_source, second, second_source, events, actors):
    username = actors.user(agent).username
    events.wait_for("agent.state_changed", system="cti", username=username, state=second, source=second_source)
    events.assert_in_order(["agent.state_changed", "agent.state_changed"], username=username)
    changes = [(e["data"]["state"], e["data"]["source"]) for e in
               events.of_type("agent.state_changed", where=lambda e: e["data"].get("username") == username)]
    assert _in_order(changes, [(first, first_source), (second, second_source)]), changes


@then(parsers.parse('the CRM emitted {agent}\'s presence changes "{first}" from "{first_source}" '
                    'then "{second}" from "{second_source}"'))
def crm_emitted_presence_changes(agent, first, first_source, second, second_source, events, actors):
    username = actors.user(agent).username
    events.wait_for("presence.changed", system="crm", username=username, status=second, source=second_source)
    changes = [(e["data"]["status"], e["data"]["source"]) for e in
               events.of_type("presence.changed", where=lambda e: e["data"].get("username") == username)]
    assert _in_order(changes, [(first, first_source), (second, second_source)]), changes


def _in_order(seen: list, wanted: list) -> bool:
    position = 0
    for item in seen:
        if position < len(wanted) and item == wanted[position]:
            position += 1
    return position == len(wanted)
