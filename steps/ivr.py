"""IVR: the caller walks the menus (through the IVR port); the agent's desktop and the CTI and CRM show
the context the IVR gathered (the ``ivr`` part of the CTI's Interaction and of the CRM's CallLog)."""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from deskcheck.capabilities import needs
from deskcheck.names import ACTOR, PERSONA, phrase
from deskcheck.records import IvrContext, IvrSession
from fixtures.agreement import expect_value
from fixtures.eventually import eventually

FAULT_MODES = {"times out": "timeout", "fails with a 500": "http_500", "returns nothing": "null_body"}
LOOKUP_EDGE = "ivr->crm.lookup"  # the IVR's account lookup in the CRM, as the controls port names it
# what the reference IVR says at each turn (a target's own IVR words its prompts in its own way)
FALLBACK_PROMPT = "We can't check your account right now"
ASK_AGAIN_PROMPT = "Sorry, I didn't catch that"


def _session(ivr, journey) -> IvrSession:
    return ivr.session(journey.notes["ivr_session"])


def _follow(session: IvrSession, cti, journey) -> IvrSession:
    """Once the IVR hands the call over, the scenario follows the CTI call it made."""
    if session.call_id:
        journey.track_call(cti.interaction(session.call_id))
    return session


def _start(caller: str, personas, ivr, journey) -> IvrSession:
    session = ivr.start_call(personas[caller].phone)
    journey.notes["ivr_session"] = session.id
    journey.correlation_id = session.correlation_id
    return session


def _lookup_outcomes(session: IvrSession) -> list[str]:
    return [lookup.outcome for lookup in session.lookups]


def _cti_context(cti, journey) -> IvrContext:
    """The IVR context the CTI call carries (set when the IVR hands the call over)."""
    call_id = journey.require_call()
    call = eventually(lambda: cti.interaction(call_id), until=lambda c: c.ivr is not None,
                      description=f"the IVR's context on call {call_id} in the CTI")
    return call.ivr


def _expect_prompt(session: IvrSession, words: str, starts: bool = False) -> None:
    heard = session.prompt.startswith(words) if starts else words in session.prompt
    if not heard:
        raise AssertionError(f"the IVR should say {words!r}: {session.describe('state', 'prompt')}")


# --- given ----------------------------------------------------------------------------------------

@given(parsers.parse('a customer "{name}" with a pending payment of ${amount:f}'))
def customer_with_pending_payment(name, amount, personas):
    """Set-up in the CRM: a new customer with that full name whose billing status is "Pending payment" for
    the amount in dollars (e.g. $249.99), and no open cases."""
    personas.customer(name, billing_status="Pending payment", balance=amount)


@given(parsers.re(r"the CRM account lookup from the IVR (?P<failure>times out|fails with a 500|returns nothing)"
                  r" (?P<how_often>every time|once)$"))
@needs("backend_faults")
def lookup_fails(failure, how_often, controls):
    """Set-up: the IVR's account lookups in the CRM fail in the given way ("times out", "fails with a 500" or
    "returns nothing"), either "every time" for the rest of the scenario or only "once"."""
    controls.add_fault(LOOKUP_EDGE, FAULT_MODES[failure], count=1 if how_often == "once" else None)


# --- the caller in the IVR -------------------------------------------------------------------------

@when(parsers.re(rf"(?P<caller>{PERSONA}) calls the support line and enters (?:her|his|their) account number$"))
@needs("ivr_sessions")
def caller_enters_account(caller, personas, ivr, cti, journey):
    """The customer calls the support line through the IVR and keys their CRM account number followed by #.
    If the IVR already hands the call over, the scenario follows that call in the CTI."""
    session = _start(caller, personas, ivr, journey)
    _follow(ivr.press(session.id, f"{personas[caller].account_number}#"), cti, journey)


@when(parsers.re(rf'(?P<caller>{PERSONA}) calls the support line and enters the account number "(?P<digits>\d+)" twice$'))
@needs("ivr_sessions")
def caller_enters_wrong_account(caller, digits, personas, ivr, journey):
    """The customer calls the support line through the IVR and keys the given account number (digits only)
    followed by #, twice (the IVR asks again when it does not know the number)."""
    session = _start(caller, personas, ivr, journey)
    ivr.press(session.id, f"{digits}#")
    ivr.press(session.id, f"{digits}#")


@when(parsers.re(rf'(?P<caller>{PERSONA}) presses (?P<key>\d) for "(?P<option>[^"]+)"$'))
@needs("ivr_sessions")
def caller_presses(caller, key, option, ivr, cti, journey):
    """The caller presses one key in the current IVR menu; checks the IVR took it as the option named
    (e.g. 2 for "Technical support", 3 for "Sales", 1 for "Pay pending balance"). When the IVR hands the
    call over, the scenario follows that call in the CTI."""
    session = ivr.press(journey.notes["ivr_session"], key)
    if f"Chose: {option}" not in session.path:
        raise AssertionError(f"the IVR should take {key} as {option!r}: {session.describe('state', 'path')}")
    _follow(session, cti, journey)


@when(parsers.re(rf'(?P<caller>{PERSONA}) says "(?P<words>[^"]+)" with (?P<confidence>\d+)% confidence$'))
@needs("ivr_sessions")
def caller_says(caller, words, confidence, ivr, cti, journey):
    """The caller speaks to the IVR; the IVR hears the words with the given speech-recognition confidence
    (0-100 %; below 50 % it asks again). When the IVR hands the call over, the scenario follows that call."""
    _follow(ivr.say(journey.notes["ivr_session"], words, int(confidence) / 100), cti, journey)


@when(parsers.re(rf"(?P<caller>{PERSONA}) presses 1 to accept the callback$"))
@needs("ivr_sessions")
def caller_accepts_callback(caller, ivr, journey):
    """The caller accepts the IVR's after-hours callback offer with 1; checks the IVR booked a callback."""
    session = ivr.press(journey.notes["ivr_session"], "1")
    expect_value(f"the state of the IVR call {session.id} after accepting the callback", "callback_scheduled",
                 "the IVR", session.state)
    journey.notes["callback"] = session.callback_id


# --- what the IVR did -------------------------------------------------------------------------------

@then(phrase("the IVR offers {caller:Persona} to pay her pending payment of ${amount}"))
@needs("ivr_sessions")
def ivr_offers_payment(caller, amount, ivr, journey, crm, personas):
    """Checks the IVR's prompt offers to pay the pending payment of that amount (e.g. $249.99) from its
    "Pending payment menu", and that the CRM has the customer's billing status as pending payment."""
    session = _session(ivr, journey)
    _expect_prompt(session, f"pending payment of ${amount}")
    expect_value(f"the menu the IVR call {session.id} is in", "Pending payment menu", "the IVR",
                 session.path[-1] if session.path else None)
    contact = crm.contact(personas[caller].id)
    expect_value(f"the billing status of {caller}", "pending_payment", "the CRM",
                 contact.three_sixty.billing_status if contact.three_sixty else None)


@then(parsers.parse("the IVR looked the account up in the CRM {times:d} times without a match"))
@needs("ivr_sessions")
def ivr_lookups_unmatched(times, ivr, journey, crm):
    """Checks the IVR tried the CRM account lookup exactly that many times and found nothing each time, and
    that the CRM indeed has no contact with the account number the caller keyed."""
    session = _session(ivr, journey)
    expect_value(f"the CRM lookups of the IVR call {session.id}", ["not_found"] * times, "the IVR",
                 _lookup_outcomes(session))
    expect_value(f"the CRM contacts with account number {session.account_number}", [], "the CRM",
                 [c.full_name for c in crm.find_contacts(account_number=session.account_number)])


@then(parsers.parse("the IVR looked the account up in the CRM {times:d} times, the second time with a match"))
@needs("ivr_sessions")
def ivr_lookup_retried(times, ivr, journey):
    """Checks the IVR tried the CRM account lookup exactly that many times: every try failed but the last,
    which found the account."""
    session = _session(ivr, journey)
    expect_value(f"the CRM lookups of the IVR call {session.id}", ["failed"] * (times - 1) + ["found"], "the IVR",
                 _lookup_outcomes(session))


@then(parsers.parse("the IVR tried the CRM lookup {times:d} times and played its fallback prompt"))
@needs("ivr_sessions", "event_stream")
def ivr_fell_back(times, ivr, journey, events):
    """Checks the IVR tried the CRM account lookup that many times, every try failed, it now says it cannot
    check the account ("We can't check your account right now..."), and it announced the fallback as an event."""
    session = _session(ivr, journey)
    expect_value(f"the CRM lookups of the IVR call {session.id}", ["failed"] * times, "the IVR",
                 _lookup_outcomes(session))
    expect_value(f"the account lookup outcome of the IVR call {session.id}", "unavailable", "the IVR", session.lookup)
    _expect_prompt(session, FALLBACK_PROMPT, starts=True)
    events.wait_for("ivr.lookup.fallback", correlation_id=session.correlation_id)


@then(phrase("the IVR asks {caller:Persona} again and no call reaches the agents yet"))
@needs("ivr_sessions")
def ivr_asks_again(caller, ivr, journey, cti, personas):
    """Checks the IVR asks the caller again ("Sorry, I didn't catch that..."), keeps the caller in its
    menus without handing the call over, and the CTI has no call from the caller's number."""
    session = _session(ivr, journey)
    _expect_prompt(session, ASK_AGAIN_PROMPT, starts=True)
    expect_value(f"the IVR call {session.id} (state, call handed over)", ("in_ivr", None), "the IVR",
                 (session.state, session.call_id))
    phone = personas[caller].phone
    expect_value(f"the calls from {caller}'s number {phone}", [], "the CTI",
                 [c.describe() for c in cti.interactions() if c.from_number == phone])


@then(phrase('the IVR read {caller:Persona} the update of "{subject}"'))
@needs("ivr_sessions", "event_stream")
def ivr_read_ticket_update(caller, subject, ivr, journey, events):
    """Checks the IVR told the caller the status of their helpdesk ticket with that subject (the ticket the
    scenario created), and the helpdesk recorded that the status was read over the phone."""
    session = _session(ivr, journey)
    if not any(subject in prompt for prompt in session.prompts):
        raise AssertionError(f"the IVR should read the update of {subject!r}: it said {list(session.prompts)}")
    ticket = journey.notes["ticket"]
    if ticket not in session.ticket_updates:
        raise AssertionError(f"the IVR call {session.id} should read out ticket {ticket}: "
                             f"it read {list(session.ticket_updates) or 'none'}")
    events.wait_for("ticket.status_read", correlation_id=session.correlation_id, ticket=ticket, via="phone")


@then(parsers.re(r"the IVR says the (?P<queue>\w+) team is closed and offers a callback at (?P<time>\d\d:\d\d) "
                 r"on (?P<day>\w+)$"))
@needs("ivr_sessions", "clock")
def ivr_offers_callback(queue, time, day, ivr, journey, cti, business_time):
    """Checks the IVR says the queue's team is closed ("Our sales team is closed...") and offers a callback
    when it opens, at that time (HH:MM) on that weekday; the CTI has the queue closed now."""
    session = _session(ivr, journey)
    _expect_prompt(session, f"Our {queue} team is closed")
    expect_value(f"when the {queue} team opens, as the IVR call {session.id} offers it",
                 business_time.iso(day, time), "the IVR", session.opens_at)
    expect_value(f"whether the {queue} queue is open now", False, "the CTI", cti.queue(queue).open_now)


# --- what the agent and the other systems see -------------------------------------------------------

@then(phrase("{agent:Actor}'s softphone shows {caller:Persona}'s verified account and the IVR steps \"{steps}\""))
def softphone_shows_verified(agent, caller, steps, desktop, personas, cti, journey):
    """In the agent's softphone IVR panel: the caller's account number marked verified, and each IVR step
    listed (comma-separated, e.g. "Account verified, Chose: Technical support"). The CTI call carries the
    same verified account and has those steps, in that order, in its IVR path."""
    wanted = [s.strip() for s in steps.split(",")]
    panel = desktop.console(agent).softphone.ivr
    panel.expect_verified(personas[caller].account_number)
    panel.expect_steps(wanted)
    context = _cti_context(cti, journey)
    expect_value("the verified account the call carries", (True, personas[caller].account_number), "the CTI",
                 (context.verified, context.account_number))
    expect_value("the IVR steps, in order, in the call's IVR path", wanted, "the CTI",
                 [step for step in context.path if step in wanted])


@then(parsers.re(rf"(?P<agent>{ACTOR})'s softphone shows the caller as unverified"
                 r"(?P<unavailable> because the account check was unavailable)?$"))
def softphone_shows_unverified(agent, unavailable, desktop, cti, journey):
    """In the agent's softphone IVR panel: the caller is shown as unverified. The CTI call carries why: the
    account was not found, or (with "because the account check was unavailable") the CRM lookup failed."""
    desktop.console(agent).softphone.ivr.expect_unverified()
    context = _cti_context(cti, journey)
    expect_value("the account lookup outcome the call carries", "unavailable" if unavailable else "not_found",
                 "the CTI", context.lookup)


@then(phrase('{agent:Actor}\'s softphone shows the reason "{reason}"'))
def softphone_shows_reason(agent, reason, desktop, cti, journey):
    """In the agent's softphone IVR panel: the reason for the call the IVR gathered (e.g. "Pending payment");
    the CTI call carries the same reason."""
    desktop.console(agent).softphone.ivr.expect_reason(reason)
    expect_value("the reason for the call", reason, "the CTI", _cti_context(cti, journey).reason)


@then(phrase('{agent:Actor}\'s softphone shows that the caller said "{words}"'))
def softphone_shows_speech(agent, words, desktop, cti, journey):
    """In the agent's softphone IVR panel: what the caller said to the IVR (several utterances are joined
    with " / "); the CTI call carries the same words."""
    desktop.console(agent).softphone.ivr.expect_caller_said(words)
    expect_value("what the caller said to the IVR", words, "the CTI", _cti_context(cti, journey).caller_said)


@then(phrase('the CTI call carries {caller:Persona}\'s verified account, the IVR path and the reason "{reason}"'))
def cti_call_verified(caller, reason, cti, journey, personas):
    """Checks the CTI call carries the caller's account number marked verified, the reason for the call, and
    an IVR path that includes "Account verified"."""
    context = _cti_context(cti, journey)
    expect_value("the IVR context of the call (verified, account number, reason, account verified in the path)",
                 (True, personas[caller].account_number, reason, True), "the CTI",
                 (context.verified, context.account_number, context.reason, "Account verified" in context.path))


@then("the CTI call carries an unverified account")
def cti_call_unverified(cti, journey):
    """Checks the CTI call carries the account as unverified, with no "Account verified" in its IVR path."""
    context = _cti_context(cti, journey)
    expect_value("the IVR context of the call (verified, account verified in the path)", (False, False), "the CTI",
                 (context.verified, "Account verified" in context.path))


@then(phrase('the CRM call log for {caller:Persona} keeps the transcript "{words}" and the IVR path'))
def crm_keeps_transcript(caller, words, crm, journey, personas):
    """Waits until the CRM's call log of the call is completed, then checks it belongs to the caller's contact
    and keeps what the caller said to the IVR and the IVR path."""
    call_id = journey.require_call()
    log = eventually(lambda: crm.call_log(call_id), until=lambda log: log is not None and log.status == "completed",
                     description=f"the CRM call log of call {call_id} completed")
    expect_value(f"the contact of the CRM call log of call {call_id}", personas[caller].id, "the CRM", log.contact_id)
    context = log.ivr or IvrContext()
    expect_value(f"what the caller said, as the CRM call log of call {call_id} keeps it", words, "the CRM",
                 context.caller_said)
    expect_value(f"whether the CRM call log of call {call_id} keeps the IVR path", True, "the CRM", bool(context.path))


@then(phrase('{caller:Persona}\'s timeline in the console shows that the caller said "{words}"'))
def timeline_shows_speech(caller, words, desktop, journey, crm, personas):
    """On the console's contact record: the timeline shows "Caller said: “<words>”"; the CRM has a call log
    of the contact that keeps those words."""
    desktop.console(journey.desk_agent).contact_record.expect_timeline_entry(f"Caller said: “{words}”")
    said = [log.ivr.caller_said for log in crm.call_logs(contact_id=personas[caller].id) if log.ivr]
    if words not in said:
        raise AssertionError(f"a CRM call log of {caller} should keep that the caller said {words!r}: "
                             f"the CRM call logs keep {said or 'no IVR context'}")


@then(parsers.re(rf"the CTI has a callback for (?P<caller>{PERSONA}) on the (?P<queue>\w+) queue due at (?P<time>\d\d:\d\d) "
                 r"on (?P<day>\w+)$"))
@needs("callbacks", "clock")
def cti_has_callback(caller, queue, time, day, cti, journey, personas, business_time):
    """Checks the CTI has the callback the IVR booked: to the caller's number, on that queue, scheduled and
    due at that time (HH:MM) on that weekday."""
    callback_id = journey.notes["callback"]
    phone = personas[caller].phone
    found = [c for c in cti.callbacks(number=phone) if c.id == callback_id]
    expect_value(f"the callbacks {callback_id} to {phone}", 1, "the CTI", len(found))
    callback = found[0]
    expect_value(f"callback {callback_id} (queue, status, due at)", (queue, "scheduled", business_time.iso(day, time)),
                 "the CTI", (callback.queue, callback.status, callback.due_at))
