"""Call controls: the softphone drives the call; the CTI and the CRM record what happened."""
from __future__ import annotations

from pytest_bdd import parsers, then, when

from fixtures.eventually import eventually

def _call(cti_api, journey) -> dict:
    return cti_api.interaction(journey.require_call())


def _expect_call(cti_api, journey, description, until):
    return eventually(lambda: _call(cti_api, journey), until=until, description=description)


@when(parsers.parse("{agent} rejects the call"))
def agent_rejects(agent, desktop):
    desktop.console(agent).softphone.reject()


@when(parsers.parse("{agent} puts the call on hold"))
def agent_holds(agent, desktop):
    desktop.console(agent).softphone.put_on_hold()


@when(parsers.parse("{agent} resumes the call"))
def agent_resumes(agent, desktop):
    desktop.console(agent).softphone.resume()


@when(parsers.parse("{agent} mutes the call"))
def agent_mutes(agent, desktop):
    desktop.console(agent).softphone.mute()


@when(parsers.parse("{agent} unmutes the call"))
def agent_unmutes(agent, desktop):
    desktop.console(agent).softphone.unmute()


@when(parsers.parse('{agent} presses "{digits}" on the keypad'))
def agent_presses_keys(agent, digits, desktop):
    desktop.console(agent).softphone.press_keys(digits)


@when(parsers.re(r'(?P<agent>\w+) (?P<kind>cold|warm) transfers the call to '
                 r'(?:the "(?P<queue>\w+)" queue|(?P<colleague>\w+)) with the note "(?P<note>[^"]*)"'))
def agent_transfers(agent, kind, queue, colleague, note, desktop, actors):
    target = f"Queue: {queue}" if queue else f"Agent: {actors.user(colleague).name}"
    desktop.console(agent).softphone.transfer(kind, target, note)


@when(parsers.parse("{agent} completes the transfer"))
def agent_completes_transfer(agent, desktop):
    desktop.console(agent).softphone.complete_transfer()


@when(parsers.parse("{agent} cancels the consult"))
def agent_cancels_consult(agent, desktop):
    desktop.console(agent).softphone.cancel_consult()


@when(parsers.parse("{caller} hangs up before anyone answers"))
def caller_abandons(caller, cti_api, journey):
    cti_api.customer_hangup(journey.require_call())


@then(parsers.parse("{agent}'s softphone shows the call with {caller} connected"))
def softphone_connected(agent, caller, desktop, personas):
    desktop.console(agent).softphone.expect_connected(personas[caller].phone)


@then(parsers.parse("the CTI has {caller}'s call connected to {agent}, who is on the call"))
def cti_call_connected(caller, agent, cti_api, actors, personas, journey):
    username = actors.user(agent).username
    call = _expect_call(cti_api, journey, f"{caller}'s call connected to {agent}",
                        lambda i: i["state"] == "connected" and i["agent"] == username)
    assert call["from_number"] == personas[caller].phone, call
    eventually(lambda: cti_api.agent(username), until=lambda a: a["state"] == "ON_INTERACTION"
               and a["current_interaction_id"] == call["id"], description=f"{agent} ON_INTERACTION")


@then(parsers.re(r'the CTI has the call (?P<outcome>rejected|missed) and (?P<agent>\w+) Not ready because "(?P<reason>[^"]+)"'))
def cti_call_not_taken(outcome, agent, reason, cti_api, actors, journey):
    _expect_call(cti_api, journey, f"the call {outcome}", lambda i: i["state"] == outcome)
    username = actors.user(agent).username
    eventually(lambda: cti_api.agent(username), until=lambda a: a["state"] == "NOT_READY" and a["reason"] == reason,
               description=f"{agent} NOT_READY ({reason})")


@then(parsers.parse("{agent}'s softphone shows the call on hold"))
def softphone_on_hold(agent, desktop):
    desktop.console(agent).softphone.expect_on_hold()


@then("the CTI has the call held")
def cti_call_held(cti_api, journey):
    _expect_call(cti_api, journey, "the call held", lambda i: i["state"] == "held" and i["on_hold"])


@then(parsers.parse("the CTI has recorded {seconds:d} seconds on hold"))
def cti_hold_time(seconds, cti_api, journey):
    call = _expect_call(cti_api, journey, "the call connected again", lambda i: i["state"] == "connected")
    assert call["hold_seconds"] == seconds, call["hold_seconds"]


@then(parsers.re(r"(?P<agent>\w+)'s softphone shows the call (?P<muted>muted|not muted)$"))
def softphone_muted(agent, muted, desktop):
    desktop.console(agent).softphone.expect_muted(muted == "muted")


@then(parsers.re(r"the CTI has the call (?P<muted>muted|not muted)$"))
def cti_call_muted(muted, cti_api, journey):
    _expect_call(cti_api, journey, f"the call {muted}", lambda i: i["muted"] is (muted == "muted"))


@then(parsers.parse('{agent}\'s softphone shows "{digits}" sent'))
def softphone_digits(agent, digits, desktop):
    desktop.console(agent).softphone.expect_digits_sent(digits)


@then(parsers.parse('the CTI has recorded the digits "{digits}" on the call'))
def cti_digits(digits, cti_api, journey):
    _expect_call(cti_api, journey, f"digits {digits} on the call", lambda i: i["dtmf"] == digits)


@then(parsers.re(r'the CTI records a (?P<kind>cold|warm) transfer from (?P<sender>\w+) to '
                 r'(?:the "(?P<queue>\w+)" queue|(?P<colleague>\w+)) with the note "(?P<note>[^"]*)"'))
def cti_records_transfer(kind, sender, queue, colleague, note, cti_api, actors, journey):
    sender_name = actors.user(sender).username
    target = {"to_queue": queue} if queue else {"to_agent": actors.user(colleague).username}

    def recorded(call):
        return any(t["type"] == kind and t["from_agent"] == sender_name and t["note"] == note
                   and all(t.get(k) == v for k, v in target.items()) for t in call["transfers"])
    _expect_call(cti_api, journey, f"a {kind} transfer from {sender} with the note", recorded)


@then(parsers.parse('{agent}\'s softphone offers a consult from {sender} with the note "{note}"'))
def softphone_offers_consult(agent, sender, note, desktop, actors):
    desktop.console(agent).softphone.expect_offer_from("Consult", actors.user(sender).name, note)


@then(parsers.parse("the CTI has the call held while {agent} consults"))
def cti_held_for_consult(agent, cti_api, actors, journey):
    username = actors.user(agent).username
    _expect_call(cti_api, journey, "the customer held during the consult",
                 lambda i: i["on_hold"] and i["consult"] and i["agent"] == username)


@then(parsers.re(r'the CTI has (?P<agent>\w+) "(?P<state>[A-Z_]+)"$'))
def cti_agent_state(agent, state, cti_api, actors):
    username = actors.user(agent).username
    eventually(lambda: cti_api.agent(username), until=lambda a: a["state"] == state, description=f"{agent} {state}")


@then(parsers.parse("{agent}'s softphone says the customer hung up and opens the wrap-up form"))
def softphone_customer_hung_up(agent, desktop):
    softphone = desktop.console(agent).softphone
    softphone.expect_customer_hung_up()
    softphone.wrap_up.expect_open()


@then(parsers.parse("{agent}'s softphone opens the wrap-up form"))
def softphone_wrap_up_opens(agent, desktop):
    desktop.console(agent).softphone.wrap_up.expect_open()


@then(parsers.re(r"the CTI has the call in wrap-up, ended by the (?P<party>customer|agent), "
                 r"and (?P<agent>\w+) in after call work"))
def cti_call_in_wrap_up(party, agent, cti_api, actors, journey):
    _expect_call(cti_api, journey, f"the call in wrap-up, ended by the {party}",
                 lambda i: i["state"] == "wrapup" and i["ended_by"] == party)
    username = actors.user(agent).username
    eventually(lambda: cti_api.agent(username), until=lambda a: a["state"] == "ACW", description=f"{agent} in ACW")


@then(parsers.parse('{agent}\'s softphone stops ringing and shows the state "{state}"'))
def softphone_stops_ringing(agent, state, desktop):
    softphone = desktop.console(agent).softphone
    softphone.expect_not_ringing()
    softphone.expect_state(state)


@then("the CTI has the call abandoned")
def cti_call_abandoned(cti_api, journey):
    _expect_call(cti_api, journey, "the call abandoned", lambda i: i["state"] == "abandoned")
