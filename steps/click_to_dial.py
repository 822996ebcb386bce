"""Click-to-dial, outbound calls and callbacks: the agent dials from the console or the softphone; the
CTI dials in E.164 (or refuses), the CRM logs every attempt and the next action, WFM gets the outcome."""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from fixtures.eventually import eventually
from fixtures.personas import PHONE_FORMATS, fresh_number

CALLBACK_REASONS = {"after a missed call": "missed call", "after an abandoned call": "abandoned call",
                    "after hours": "after hours"}


def _track_outbound(cti_api, actors, agent: str, journey, number: str) -> dict:
    """The outbound call the agent just placed, once the CTI has it."""
    username = actors.user(agent).username
    known = set(journey.calls)
    call = eventually(lambda: [i for i in cti_api.interactions(agent=username)
                               if i["direction"] == "outbound" and i["from_number"] == number and i["id"] not in known],
                      until=lambda found: found, description=f"{agent}'s outbound call to {number} in the CTI")[0]
    return journey.track_call(call)


# --- given ----------------------------------------------------------------------------------------

@given(parsers.parse('a customer "{name}" on the do-not-call list'))
def customer_do_not_call(name, personas):
    personas.customer(name, do_not_call=True)


@given(parsers.parse('a customer "{name}" whose phone is never answered'))
def customer_never_answers(name, personas):
    personas.customer(name, phone=fresh_number()[:-4] + "0000")  # the sandbox's network never answers these


# --- the agent dials ----------------------------------------------------------------------------------

@when(parsers.parse("{agent} opens {customer}'s record in the console and clicks Call"))
def agent_clicks_call(agent, customer, desktop, personas, cti_api, actors, journey):
    desktop.console(agent).open_contact(personas[customer].full_name, personas[customer].phone).call()
    _track_outbound(cti_api, actors, agent, journey, personas[customer].phone)


@when(parsers.parse("{agent} opens {customer}'s record in the console"))
def agent_opens_record(agent, customer, desktop, personas, journey):
    desktop.console(agent).open_contact(personas[customer].full_name, personas[customer].phone)
    journey.desk_agent = journey.desk_agent or agent


@when(parsers.parse('{agent} dials {customer}\'s number typed as "{phone_format}" in the softphone'))
def agent_dials_typed(agent, customer, phone_format, desktop, personas, cti_api, actors, journey):
    typed = PHONE_FORMATS[phone_format](personas[customer].phone)
    desktop.console(agent).softphone.dialer.dial(typed)
    journey.notes["typed"] = typed
    _track_outbound(cti_api, actors, agent, journey, personas[customer].phone)


@when(parsers.parse("{agent} dials {customer}'s number in the softphone"))
def agent_dials(agent, customer, desktop, personas):
    desktop.console(agent).softphone.dialer.dial(personas[customer].phone)


@when(parsers.parse("{agent} becomes Available"))
def agent_becomes_available(agent, desktop, cti_api, actors):
    desktop.console(agent).softphone.presence.choose("Available")
    username = actors.user(agent).username
    eventually(lambda: cti_api.agent(username), until=lambda a: a["state"] == "AVAILABLE",
               description=f"{agent} AVAILABLE in the CTI")


@when(parsers.parse("{agent} calls {customer} back from the softphone"))
def agent_calls_back(agent, customer, desktop, personas, cti_api, actors, journey):
    phone = personas[customer].phone
    desktop.console(agent).softphone.dialer.call_back(phone)
    username = actors.user(agent).username
    eventually(lambda: [i for i in cti_api.interactions(agent=username)
                        if i["from_number"] == phone and i["attributes"].get("callback_id")],
               until=lambda found: found, description="the callback's outbound call in the CTI")
    callback = cti_api.callbacks(number=phone)[0]
    journey.track_call(cti_api.interaction(callback["attempts"][-1]["interaction_id"]))
    journey.notes["callback"] = callback["id"]


# --- what the desktop shows, what the CTI and CRM hold -------------------------------------------------

@then(parsers.parse("{agent}'s softphone is connected to {customer}'s number"))
def softphone_connected_to(agent, customer, desktop, personas, cti_api, journey):
    desktop.console(agent).softphone.expect_connected(personas[customer].phone)
    call = cti_api.interaction(journey.require_call())
    assert (call["state"], call["direction"], call["from_number"]) == ("connected", "outbound", personas[customer].phone), call


@then(parsers.parse("the CTI has an outbound call from {agent} to {customer}'s number, dialled from {owner}'s record"))
def cti_outbound_from_record(agent, customer, owner, cti_api, journey, actors, personas):
    call = cti_api.interaction(journey.require_call())
    assert call["agent"] == actors.user(agent).username and call["from_number"] == personas[customer].phone, call
    assert call["attributes"]["record_id"] == str(personas[owner].id), call["attributes"]


@then(parsers.parse("the CTI dialled {customer}'s number in E.164"))
def cti_dialled_e164(customer, cti_api, journey, personas):
    call = cti_api.interaction(journey.require_call())
    assert journey.notes["typed"] != personas[customer].phone, "the number was typed in E.164 already"
    assert call["from_number"] == personas[customer].phone, call


@then(parsers.parse("the CRM has logged an outbound call for {customer} in progress"))
def crm_outbound_in_progress(customer, crm_api, journey, personas):
    eventually(lambda: crm_api.activity(journey.require_call()),
               until=lambda a: a["direction"] == "outbound" and a["status"] == "in_progress"
               and a["from_number"] == personas[customer].phone and a["contact_id"] == personas[customer].id,
               description=f"an outbound call log for {customer} in progress in the CRM")


@then(parsers.parse('{customer}\'s timeline in {agent}\'s console shows "{text}"'))
def timeline_shows(customer, agent, text, desktop, personas, crm_api):
    record = desktop.console(agent).contact_record
    record.expect_contact(personas[customer].full_name)
    record.expect_timeline_entry(text)
    direction, _, rest = text.partition(" call · ")
    statuses = {"in progress": "in_progress", "completed": "completed"}
    logs = crm_api.activities(contact_id=personas[customer].id)
    assert any(a["direction"] == direction.lower() and a["status"] == statuses[rest.split(" · ")[0]] for a in logs), logs


@then(parsers.parse("the record shows that calls to {customer} are blocked"))
def record_blocks_calls(customer, desktop, journey, crm_api, personas):
    desktop.console(journey.desk_agent).contact_record.expect_call_blocked()
    assert crm_api.contact(personas[customer].id)["do_not_call"] is True


@then(parsers.parse('the softphone refuses with "{reason}"'))
def softphone_refuses(reason, desktop, journey):
    desktop.console(journey.desk_agent).softphone.dialer.expect_refused(reason)


@then(parsers.parse("the CTI placed no call to {customer} and reported the blocked attempt"))
def cti_blocked(customer, cti_api, personas, actors, journey, events):
    phone = personas[customer].phone
    event = events.wait_for("interaction.blocked", to_number=phone, reason="do_not_call")
    assert event["data"]["agent"] == actors.user(journey.desk_agent).username, event
    assert [i for i in cti_api.interactions(agent=actors.user(journey.desk_agent).username) if i["from_number"] == phone] == []


@then(parsers.parse("the CRM has no call logged for {customer}"))
def crm_no_call(customer, crm_api, personas):
    assert crm_api.activities(contact_id=personas[customer].id) == []


@then(parsers.parse('the CRM has {customer}\'s outbound call completed with "{code}"'))
def crm_outbound_completed(customer, code, crm_api, journey, personas):
    eventually(lambda: crm_api.activity(journey.require_call()),
               until=lambda a: (a["direction"], a["status"], a["disposition"], a["contact_id"])
               == ("outbound", "completed", code, personas[customer].id),
               description=f"{customer}'s outbound call completed with {code} in the CRM")


@then(parsers.re(r'workforce management received the disposition "(?P<code>\w+)" for (?P<agent>\w+)\'s '
                 r'(?P<what>outbound call|callback to \w+)$'))
def wfm_received(code, agent, what, events, journey, actors):
    event = events.wait_for("wfm.disposition", interaction_id=journey.require_call(), disposition=code,
                            agent=actors.user(agent).username)
    data = event["data"]
    assert data["direction"] == "outbound" and data["handle_seconds"] >= data["wrapup_seconds"] >= 0, data
    assert (data["callback_id"] is not None) == what.startswith("callback"), data


@then(parsers.re(r"(?P<agent>\w+)'s softphone shows a callback due for (?P<customer>\w+) "
                 r"(?P<why>after a missed call|after an abandoned call|after hours)$"))
def softphone_shows_callback(agent, customer, why, desktop, personas, cti_api):
    phone = personas[customer].phone
    desktop.console(agent).softphone.dialer.expect_callback_due(phone, CALLBACK_REASONS[why])
    due = [c for c in cti_api.callbacks(number=phone) if c["due"]]
    assert due, cti_api.callbacks(number=phone)


@then(parsers.parse("the softphone says the call to {customer} failed with no answer"))
def softphone_call_failed(customer, desktop, journey, personas, cti_api):
    desktop.console(journey.desk_agent).softphone.dialer.expect_call_failed(personas[customer].phone)
    assert cti_api.interaction(journey.require_call())["state"] == "failed"


@then(parsers.re(r'the CRM logged attempt (?P<n>\d+) for (?P<customer>\w+) (?:with (?P<outcome>no answer)|as connected)'
                 r'(?: and the next action "(?P<action>[^"]+)")?$'))
def crm_logged_attempt(n, customer, outcome, action, crm_api, personas):
    wanted = "no_answer" if outcome else "connected"

    def logged(followups):
        return followups and len(followups[0]["attempts"]) >= int(n) \
            and followups[0]["attempts"][int(n) - 1]["outcome"] == wanted \
            and (action is None or followups[0]["next_action"] == action)

    eventually(lambda: crm_api.followups(contact_id=personas[customer].id), until=logged,
               description=f"attempt {n} ({wanted}) on {customer}'s follow-up in the CRM")


@then(parsers.parse('the CRM shows the next action "{action}" for {customer}'))
def crm_next_action(action, customer, crm_api, personas, desktop, journey):
    eventually(lambda: crm_api.followups(contact_id=personas[customer].id),
               until=lambda found: found and found[0]["next_action"] == action,
               description=f"the next action {action!r} for {customer} in the CRM")
    # the console may have closed the record when the call ended unanswered: the agent looks it up
    record = desktop.console(journey.desk_agent).open_contact(personas[customer].full_name, personas[customer].phone)
    record.expect_follow_up(f"Next action: {action}")


@then(parsers.parse('{customer}\'s record in {agent}\'s console shows the next action "{action}"'))
def record_shows_next_action(customer, agent, action, desktop, personas, crm_api):
    record = desktop.console(agent).open_contact(personas[customer].full_name, personas[customer].phone)
    record.expect_follow_up(f"Next action: {action}")
    assert action in [f["next_action"] for f in crm_api.followups(contact_id=personas[customer].id)]
