"""IVR: the caller walks the menus (through the IVR's simulator); the agent's desktop and the CTI and
CRM show the context the IVR gathered."""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from fixtures.eventually import eventually

FAULT_MODES = {"times out": "timeout", "fails with a 500": "http_500", "returns nothing": "null_body"}
LOOKUP_EDGE = "ivr->crm.lookup"


def _session(ivr_api, journey) -> dict:
    return ivr_api.session(journey.notes["ivr_session"])


def _track_transfer(session: dict, journey) -> dict:
    """Once the IVR hands the call over, the scenario follows the CTI call it made."""
    if session.get("interaction_id"):
        journey.track_call({"id": session["interaction_id"], "correlation_id": session["correlation_id"]})
    return session


def _cti_call(cti_api, journey) -> dict:
    return eventually(lambda: cti_api.interaction(journey.require_call()), description="the IVR's call in the CTI")


# --- given ----------------------------------------------------------------------------------------

@given(parsers.parse('a customer "{name}" with a pending payment of ${amount:f}'))
def customer_with_pending_payment(name, amount, personas):
    personas.customer(name, billing_status="Pending payment", balance=amount)


@given(parsers.re(r"the CRM account lookup from the IVR (?P<failure>times out|fails with a 500|returns nothing)"
                  r" (?P<how_often>every time|once)$"))
def lookup_fails(failure, how_often, sandbox_admin_api):
    sandbox_admin_api.add_fault(LOOKUP_EDGE, FAULT_MODES[failure], count=1 if how_often == "once" else None)


# --- the caller in the IVR -------------------------------------------------------------------------

@when(parsers.re(r"(?P<caller>\w+) calls the support line and enters (?:her|his|their) account number$"))
def caller_enters_account(caller, personas, ivr_api, journey):
    session = ivr_api.start_call(personas[caller].phone)
    journey.notes["ivr_session"] = session["id"]
    journey.correlation_id = session["correlation_id"]
    _track_transfer(ivr_api.press(session["id"], f"{personas[caller].account_number}#"), journey)


@when(parsers.re(r'(?P<caller>\w+) calls the support line and enters the account number "(?P<digits>\d+)" twice$'))
def caller_enters_wrong_account(caller, digits, personas, ivr_api, journey):
    session = ivr_api.start_call(personas[caller].phone)
    journey.notes["ivr_session"] = session["id"]
    journey.correlation_id = session["correlation_id"]
    ivr_api.press(session["id"], f"{digits}#")
    ivr_api.press(session["id"], f"{digits}#")


@when(parsers.re(r'(?P<caller>\w+) presses (?P<key>\d) for "(?P<option>[^"]+)"$'))
def caller_presses(caller, key, option, ivr_api, journey):
    session = ivr_api.press(journey.notes["ivr_session"], key)
    assert f"Chose: {option}" in session["path"], f"the IVR did not take {key} as {option!r}: {session['path']}"
    _track_transfer(session, journey)


@when(parsers.re(r'(?P<caller>\w+) says "(?P<words>[^"]+)" with (?P<confidence>\d+)% confidence$'))
def caller_says(caller, words, confidence, ivr_api, journey):
    _track_transfer(ivr_api.say(journey.notes["ivr_session"], words, int(confidence) / 100), journey)


@when(parsers.re(r"(?P<caller>\w+) presses 1 to accept the callback$"))
def caller_accepts_callback(caller, ivr_api, journey):
    session = ivr_api.press(journey.notes["ivr_session"], "1")
    assert session["state"] == "callback_scheduled", session
    journey.notes["callback"] = session["callback"]


# --- what the IVR did -------------------------------------------------------------------------------

@then(parsers.parse("the IVR offers {caller} to pay her pending payment of ${amount}"))
def ivr_offers_payment(caller, amount, ivr_api, journey, crm_api, personas):
    session = _session(ivr_api, journey)
    assert f"pending payment of ${amount}" in session["prompt"], session["prompt"]
    assert session["path"][-1] == "Pending payment menu", session["path"]
    assert crm_api.contact(personas[caller].id)["three_sixty"]["billing"]["status"] == "pending_payment"


@then(parsers.parse("the IVR looked the account up in the CRM {times:d} times without a match"))
def ivr_lookups_unmatched(times, ivr_api, journey, crm_api):
    session = _session(ivr_api, journey)
    assert [lookup["outcome"] for lookup in session["lookups"]] == ["not_found"] * times, session["lookups"]
    assert crm_api.contacts(account_number=session["account_number"]) == []


@then(parsers.parse("the IVR looked the account up in the CRM {times:d} times, the second time with a match"))
def ivr_lookup_retried(times, ivr_api, journey):
    lookups = _session(ivr_api, journey)["lookups"]
    assert [lookup["outcome"] for lookup in lookups] == ["failed"] * (times - 1) + ["found"], lookups


@then(parsers.parse("the IVR tried the CRM lookup {times:d} times and played its fallback prompt"))
def ivr_fell_back(times, ivr_api, journey, events):
    session = _session(ivr_api, journey)
    assert [lookup["outcome"] for lookup in session["lookups"]] == ["failed"] * times, session["lookups"]
    assert session["prompt"].startswith("We can't check your account right now"), session["prompt"]
    events.wait_for("ivr.lookup.fallback", correlation_id=session["correlation_id"])


@then("the IVR asks Nadia again and no call reaches the agents yet")
def ivr_asks_again(ivr_api, journey, cti_api):
    session = _session(ivr_api, journey)
    assert session["prompt"].startswith("Sorry, I didn't catch that"), session["prompt"]
    assert session["state"] == "in_ivr" and session["interaction_id"] is None, session


@then(parsers.parse('the IVR read {caller} the update of "{subject}"'))
def ivr_read_ticket_update(caller, subject, ivr_api, journey, helpdesk_api, events):
    session = _session(ivr_api, journey)
    assert any(subject in prompt for prompt in session["prompts"]), session["prompts"]
    ticket = journey.notes["ticket"]
    events.wait_for("ticket.status_read", correlation_id=session["correlation_id"], ticket=ticket, via="phone")


@then(parsers.re(r"the IVR says the (?P<queue>\w+) team is closed and offers a callback at (?P<time>\d\d:\d\d) "
                 r"on (?P<day>\w+)$"))
def ivr_offers_callback(queue, time, day, ivr_api, journey, cti_api, business_time):
    session = _session(ivr_api, journey)
    assert f"Our {queue} team is closed" in session["prompt"], session["prompt"]
    opens = business_time.iso(day, time)
    assert session["opens"] == opens, (session["opens"], opens)
    assert cti_api.queue(queue)["open_now"] is False


# --- what the agent and the other systems see -------------------------------------------------------

@then(parsers.parse("{agent}'s softphone shows {caller}'s verified account and the IVR steps \"{steps}\""))
def softphone_shows_verified(agent, caller, steps, desktop, personas):
    journey_panel = desktop.console(agent).softphone.ivr
    journey_panel.expect_verified(personas[caller].account_number)
    journey_panel.expect_steps([s.strip() for s in steps.split(",")])


@then(parsers.re(r"(?P<agent>\w+)'s softphone shows the caller as unverified"
                 r"(?P<unavailable> because the account check was unavailable)?$"))
def softphone_shows_unverified(agent, unavailable, desktop, cti_api, journey):
    desktop.console(agent).softphone.ivr.expect_unverified()
    call = _cti_call(cti_api, journey)
    assert call["attributes"]["lookup"] == ("unavailable" if unavailable else "not_found"), call["attributes"]


@then(parsers.parse('{agent}\'s softphone shows the reason "{reason}"'))
def softphone_shows_reason(agent, reason, desktop, cti_api, journey):
    desktop.console(agent).softphone.ivr.expect_reason(reason)
    assert _cti_call(cti_api, journey)["attributes"]["reason"] == reason


@then(parsers.parse('{agent}\'s softphone shows that the caller said "{words}"'))
def softphone_shows_speech(agent, words, desktop, cti_api, journey):
    desktop.console(agent).softphone.ivr.expect_caller_said(words)
    assert _cti_call(cti_api, journey)["attributes"]["transcript"] == words


@then(parsers.parse('the CTI call carries {caller}\'s verified account, the IVR path and the reason "{reason}"'))
def cti_call_verified(caller, reason, cti_api, journey, personas):
    attributes = _cti_call(cti_api, journey)["attributes"]
    assert attributes["verified"] is True and attributes["account_number"] == personas[caller].account_number, attributes
    assert attributes["reason"] == reason and "Account verified" in attributes["ivr_path"], attributes


@then("the CTI call carries an unverified account")
def cti_call_unverified(cti_api, journey):
    attributes = _cti_call(cti_api, journey)["attributes"]
    assert attributes["verified"] is False, attributes
    assert "Account verified" not in attributes["ivr_path"], attributes


@then(parsers.parse('the CRM call log for {caller} keeps the transcript "{words}" and the IVR path'))
def crm_keeps_transcript(caller, words, crm_api, journey, personas):
    log = eventually(lambda: crm_api.activity(journey.require_call()), until=lambda a: a["status"] == "completed",
                     description="the completed call log in the CRM")
    assert log["contact_id"] == personas[caller].id, log
    assert log["attributes"]["transcript"] == words and log["attributes"]["ivr_path"], log["attributes"]


@then(parsers.parse('{caller}\'s timeline in the console shows that the caller said "{words}"'))
def timeline_shows_speech(caller, words, desktop, journey, crm_api, personas):
    desktop.console(journey.desk_agent).contact_record.expect_timeline_entry(f"Caller said: “{words}”")
    assert any((a.get("attributes") or {}).get("transcript") == words for a in crm_api.activities(contact_id=personas[caller].id))


@then(parsers.re(r"the CTI has a callback for (?P<caller>\w+) on the (?P<queue>\w+) queue due at (?P<time>\d\d:\d\d) "
                 r"on (?P<day>\w+)$"))
def cti_has_callback(caller, queue, time, day, cti_api, journey, personas, business_time):
    callback = cti_api.callback(journey.notes["callback"])
    assert callback["number"] == personas[caller].phone and callback["queue"] == queue, callback
    assert callback["due_at"] == business_time.iso(day, time) and callback["status"] == "scheduled", callback
