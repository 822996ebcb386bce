"""Click-to-dial, outbound calls and callbacks: the agent dials from the console or the softphone; the
CTI dials in E.164 (or refuses), the CRM logs every attempt and the next action, WFM gets the outcome."""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from deskcheck.capabilities import needs
from deskcheck.names import ACTOR, ORDINAL, PERSONA, ordinal, phrase
from fixtures.agreement import expect_value
from fixtures.eventually import eventually
from fixtures.personas import PHONE_FORMATS, fresh_number

#: how the feature says why a callback was scheduled -> (what the softphone shows, the CTI's reason)
CALLBACK_REASONS = {"after a missed call": ("missed call", "missed"),
                    "after an abandoned call": ("abandoned call", "abandoned"),
                    "after hours": ("after hours", "after_hours")}
#: the status words of a timeline entry -> the CRM call log's status
TIMELINE_STATUSES = {"in progress": "in_progress", "completed": "completed"}


def _logs_described(logs) -> str:
    return "; ".join(log.describe("direction", "status", "disposition") for log in logs) or "no call logs"


def _timeline_entry(text: str) -> tuple[str, str, str | None]:
    """"Outbound call · completed · FOLLOW_UP" -> ("outbound", "completed", "FOLLOW_UP")."""
    kind, _, rest = text.partition(" call · ")
    status, _, code = rest.partition(" · ")
    if kind.lower() not in ("inbound", "outbound") or status not in TIMELINE_STATUSES:
        raise ValueError(f"a timeline entry reads '<Inbound|Outbound> call · <{'|'.join(TIMELINE_STATUSES)}>"
                         f"[ · <disposition>]', not {text!r}")
    return kind.lower(), TIMELINE_STATUSES[status], code or None


def _expect_call_log(crm, call_id: str, what: str, **wanted) -> None:
    """Waits until the CRM's call log of the call has every wanted value (named as on the CallLog record)."""
    eventually(lambda: crm.call_log(call_id),
               until=lambda log: log is not None and all(getattr(log, k) == v for k, v in wanted.items()),
               description=f"{what} in the CRM",
               describe=lambda log: "no call log" if log is None else log.describe(*wanted))


def _track_outbound(cti, actors, agent: str, journey, number: str):
    """The outbound call the agent just placed, once the CTI has it: "the call" from now on."""
    username = actors.user(agent).username
    known = set(journey.calls)
    found = eventually(lambda: [i for i in cti.interactions(agent=username)
                                if i.direction == "outbound" and i.from_number == number and i.id not in known],
                       until=lambda calls: calls, description=f"{agent}'s outbound call to {number} in the CTI")
    return journey.track_call(found[0])


# --- given ----------------------------------------------------------------------------------------

@given(parsers.parse('a customer "{name}" on the do-not-call list'))
def customer_do_not_call(name, personas):
    """Set-up in the CRM: creates the customer (first and last name) with a fresh phone number and the
    do-not-call consent flag set, so no agent may call them."""
    personas.customer(name, do_not_call=True)


@given(parsers.parse('a customer "{name}" whose phone is never answered'))
@needs("call_simulator")
def customer_never_answers(name, personas, telephony):
    """Set-up in the CRM: creates the customer with a phone number that rings but is never answered
    on the target's simulated phone network (so every outbound call to it fails with no answer)."""
    personas.customer(name, phone=telephony.never_answering_number(fresh_number()))


# --- the agent dials ----------------------------------------------------------------------------------

@when(phrase("{agent:Actor} opens {customer:Persona}'s record in the console and clicks Call"))
def agent_clicks_call(agent, customer, desktop, personas, cti, actors, journey):
    """In the agent's CRM console: finds the customer's contact record, opens it and clicks Call
    (click-to-dial); waits until the CTI has the agent's outbound call to the customer's number,
    which becomes "the call" of the later steps."""
    desktop.console(agent).open_contact(personas[customer].full_name, personas[customer].phone).call()
    _track_outbound(cti, actors, agent, journey, personas[customer].phone)


@when(phrase("{agent:Actor} opens {customer:Persona}'s record in the console"))
def agent_opens_record(agent, customer, desktop, personas, journey):
    """In the agent's CRM console: searches the customer by phone number, opens their contact record from the
    results and waits until it shows the customer's name (no call is made). Later steps about "the record" or
    "the console" mean this one."""
    desktop.console(agent).open_contact(personas[customer].full_name, personas[customer].phone)
    journey.desk_agent = journey.desk_agent or agent
    journey.notes["open_record"] = customer


@when(phrase('{agent:Actor} dials {customer:Persona}\'s number typed as "{phone_format}" in the softphone'))
def agent_dials_typed(agent, customer, phone_format, desktop, personas, cti, actors, journey):
    """In the agent's softphone dial pad: types the customer's number in the given format and dials;
    waits until the CTI has the outbound call. Formats: "E.164" (+15551234567), "national with
    brackets" ((555) 123-4567), "dotted" (555.123.4567), "dashes" (555-123-4567) and "international
    with spaces" (+1 555 123 4567)."""
    typed = PHONE_FORMATS[phone_format](personas[customer].phone)
    desktop.console(agent).softphone.dialer.dial(typed)
    journey.notes["typed"] = typed
    _track_outbound(cti, actors, agent, journey, personas[customer].phone)


@when(phrase("{agent:Actor} dials {customer:Persona}'s number in the softphone"))
def agent_dials(agent, customer, desktop, personas):
    """In the agent's softphone dial pad: types the customer's number (E.164) and dials. Nothing is
    awaited: the softphone may refuse (see "the softphone refuses with ...")."""
    desktop.console(agent).softphone.dialer.dial(personas[customer].phone)


@when(phrase("{agent:Actor} becomes Available"))
def agent_becomes_available(agent, desktop, cti, actors):
    """In the agent's softphone: chooses "Available" in the state menu; waits until the CTI has the
    agent AVAILABLE."""
    desktop.console(agent).softphone.presence.choose("Available")
    username = actors.user(agent).username
    eventually(lambda: cti.agent(username), until=lambda a: a.state == "AVAILABLE",
               description=f"{agent} AVAILABLE in the CTI")


@when(phrase("{agent:Actor} calls {customer:Persona} back from the softphone"))
@needs("callbacks")
def agent_calls_back(agent, customer, desktop, personas, cti, actors, journey):
    """In the agent's softphone: presses "Call back" on the callback due for the customer's number;
    waits until the CTI has an attempt of that callback, made by the agent. That attempt's outbound
    call becomes "the call" of the later steps (answered or not)."""
    phone, username = personas[customer].phone, actors.user(agent).username
    known = set(journey.calls)
    desktop.console(agent).softphone.dialer.call_back(phone)
    callbacks = eventually(lambda: [c for c in cti.callbacks(number=phone) if c.last_call_id not in (None, *known)],
                           until=lambda found: found,
                           description=f"a new attempt of the callback to {customer} ({phone}) in the CTI")
    callback = callbacks[0]
    call = cti.interaction(callback.last_call_id)
    expect_value(f"the agent and callback of the outbound call {call.id}", (username, callback.id), "the CTI",
                 (call.agent, call.callback_id))
    journey.track_call(call)
    journey.notes["callback"] = callback.id


@when(parsers.re(rf"(?P<agent>{ACTOR}) calls (?P<customer>{PERSONA}) back from the softphone for the "
                 rf"(?P<nth>{ORDINAL}) time$"))
@needs("callbacks")
def agent_calls_back_again(agent, customer, nth, desktop, personas, cti, actors, journey):
    """As "... calls ... back from the softphone", for a repeated attempt that the line counts (the 2nd time,
    the third time, ...): checks first that the CTI's scheduled callback to the customer has exactly one
    attempt fewer on record, then presses "Call back" in the agent's softphone and follows the new attempt."""
    phone, n = personas[customer].phone, ordinal(nth)
    scheduled = [c.attempts for c in cti.callbacks(number=phone) if c.status == "scheduled"]
    expect_value(f"the earlier attempts of the scheduled callback to {customer} ({phone})", [n - 1], "the CTI",
                 scheduled)
    agent_calls_back(agent, customer, desktop, personas, cti, actors, journey)


# --- what the desktop shows, what the CTI and CRM hold -------------------------------------------------

@then(phrase("{agent:Actor}'s softphone is connected to {customer:Persona}'s number"))
def softphone_connected_to(agent, customer, desktop, personas, cti, journey):
    """In the agent's softphone: the call shows connected to the customer's number; the CTI has the
    scenario's call connected, outbound, to the same number."""
    phone = personas[customer].phone
    desktop.console(agent).softphone.expect_connected(phone)
    call_id = journey.require_call()
    eventually(lambda: cti.interaction(call_id),
               until=lambda c: (c.state, c.direction, c.from_number) == ("connected", "outbound", phone),
               description=f"call {call_id} connected, outbound to {customer}'s number {phone}, in the CTI",
               describe=lambda c: c.describe("state", "direction", "from_number"))


@then(phrase("the CTI has an outbound call from {agent:Actor} to {customer:Persona}'s number, dialled from {owner:Persona}'s record"))
def cti_outbound_from_record(agent, customer, owner, cti, journey, actors, personas):
    """Checks the CTI's record of the scenario's call: made by the agent, to the customer's number,
    and dialled from the owner's CRM contact record (click-to-dial passes the record along)."""
    call = cti.interaction(journey.require_call())
    expect_value(f"the agent, number and CRM record of call {call.id}",
                 (actors.user(agent).username, personas[customer].phone, str(personas[owner].id)),
                 "the CTI", (call.agent, call.from_number, call.record_id))


@then(phrase("the CTI dialled {customer:Persona}'s number in E.164"))
def cti_dialled_e164(customer, cti, journey, personas):
    """Checks the number the agent typed was not already E.164, and that the CTI dialled the customer's
    number in E.164 all the same (+ country code and digits only)."""
    typed = journey.notes["typed"]
    assert typed != personas[customer].phone, f"the number was typed in E.164 already ({typed}): nothing to check"
    call = cti.interaction(journey.require_call())
    expect_value(f"the number dialled for call {call.id} (typed as {typed!r})", personas[customer].phone,
                 "the CTI", call.from_number)


@then(phrase("the CRM has logged an outbound call for {customer:Persona} in progress"))
def crm_outbound_in_progress(customer, crm, journey, personas):
    """Waits until the CRM's call log of the scenario's call is an outbound call in progress, to the
    customer's number, logged on the customer's contact record."""
    call_id, person = journey.require_call(), personas[customer]
    _expect_call_log(crm, call_id, f"an outbound call log of call {call_id} for {customer} in progress",
                     direction="outbound", status="in_progress", from_number=person.phone, contact_id=person.id)


@then(phrase('{customer:Persona}\'s timeline in {agent:Actor}\'s console shows "{text}"'))
def timeline_shows(customer, agent, text, desktop, personas, crm):
    """On the customer's contact record in the agent's console: the timeline has an entry reading as
    given, e.g. "Outbound call · in progress" or "Outbound call · completed · FOLLOW_UP"; the CRM has
    a call log on the customer's record with the same direction, status and (when given) disposition."""
    record = desktop.console(agent).contact_record
    record.expect_contact(personas[customer].full_name)
    record.expect_timeline_entry(text)
    direction, status, code = _timeline_entry(text)

    def shown(log) -> bool:
        return (log.direction, log.status) == (direction, status) and (code is None or log.disposition == code)

    eventually(lambda: crm.call_logs(contact_id=personas[customer].id), until=lambda logs: any(map(shown, logs)),
               description=f"a call log {text!r} on {customer}'s record in the CRM", describe=_logs_described)


@then(phrase("the record shows that calls to {customer:Persona} are blocked"))
def record_blocks_calls(customer, desktop, journey, crm, personas):
    """On the contact record open in the console: the Call button is blocked and the record says the
    customer is on the do-not-call list; the CRM has the customer's do-not-call flag set."""
    desktop.console(journey.desk_agent).contact_record.expect_call_blocked()
    expect_value(f"whether {customer} is on the do-not-call list", True, "the CRM",
                 crm.contact(personas[customer].id).do_not_call)


@then(parsers.parse('the softphone refuses with "{reason}"'))
def softphone_refuses(reason, desktop, journey, cti, actors):
    """In the softphone of the agent at the desk: the dial pad shows the refusal with the given text
    (e.g. "Marta Nowak is on the do-not-call list"); the CTI has the agent on no call."""
    desktop.console(journey.desk_agent).softphone.dialer.expect_refused(reason)
    agent = cti.agent(actors.user(journey.desk_agent).username)
    expect_value(f"the call {journey.desk_agent} is on after the refused dial", None, "the CTI", agent.current_call_id)


@then(phrase("the CTI placed no call to {customer:Persona} and reported the blocked attempt"))
@needs("event_stream")
def cti_blocked(customer, cti, personas, actors, journey, events):
    """Waits for the CTI's announcement of a blocked call attempt by the agent at the desk to the
    customer's number because of the do-not-call list; checks the CTI has no call of that agent to
    that number."""
    phone, username = personas[customer].phone, actors.user(journey.desk_agent).username
    events.wait_for("interaction.blocked", system="cti", to_number=phone, reason="do_not_call", agent=username)
    placed = [i for i in cti.interactions(agent=username) if i.from_number == phone]
    expect_value(f"the number of {journey.desk_agent}'s calls to {customer} ({phone})", 0, "the CTI", len(placed))


@then(phrase("the CRM has no call logged for {customer:Persona}"))
def crm_no_call(customer, crm, personas):
    """Checks the CRM has no call log at all on the customer's contact record."""
    logs = crm.call_logs(contact_id=personas[customer].id)
    expect_value(f"the call logs on {customer}'s record", "no call logs", "the CRM", _logs_described(logs))


@then(phrase('the CRM has {customer:Persona}\'s outbound call completed with "{code}"'))
def crm_outbound_completed(customer, code, crm, journey, personas):
    """Waits until the CRM's call log of the scenario's call is an outbound call on the customer's
    record, completed with the given disposition code (e.g. FOLLOW_UP, RESOLVED)."""
    call_id = journey.require_call()
    _expect_call_log(crm, call_id, f"{customer}'s outbound call {call_id} completed with {code}",
                     direction="outbound", status="completed", disposition=code, contact_id=personas[customer].id)


@then(parsers.re(rf'workforce management received the disposition "(?P<code>\w+)" for (?P<agent>{ACTOR})\'s '
                 r'(?P<what>outbound call|inbound call|callback to \w+)$'))
@needs("event_stream")
def wfm_received(code, agent, what, events, journey, actors, cti):
    """Waits for the CTI's report to workforce management of the scenario's call: the agent, the
    disposition code, the direction (an inbound call, or an outbound call or callback), the wrap-up
    seconds the CTI has for the call, a handle time no shorter than the wrap-up, and the callback it
    worked ("callback to ...", the one the agent called back) or none."""
    call_id = journey.require_call()
    call = eventually(lambda: cti.interaction(call_id), until=lambda c: c.state == "completed",
                      description=f"call {call_id} completed in the CTI", describe=lambda c: c.describe())
    callback = journey.notes["callback"] if what.startswith("callback") else None
    report = events.wait_for("wfm.disposition", system="cti", interaction_id=call.id, disposition=code,
                             agent=actors.user(agent).username,
                             direction="inbound" if what == "inbound call" else "outbound",
                             wrapup_seconds=call.wrapup_seconds, callback_id=callback)
    handle, wrapup = report.value("handle_seconds"), call.wrapup_seconds or 0
    assert handle is not None and handle >= wrapup, \
        f"workforce management got {handle} s handle time for call {call.id}, less than its {wrapup} s of wrap-up"


@then(parsers.re(rf"(?P<agent>{ACTOR})'s softphone shows a callback due for (?P<customer>{PERSONA}) "
                 r"(?P<why>after a missed call|after an abandoned call|after hours)$"))
@needs("callbacks")
def softphone_shows_callback(agent, customer, why, desktop, personas, cti):
    """In the agent's softphone: the callback list shows a callback due for the customer's number with
    the reason ("after a missed call", "after an abandoned call", "after hours"); the CTI has a callback
    to that number, due now, for the same reason."""
    phone = personas[customer].phone
    shown, reason = CALLBACK_REASONS[why]
    desktop.console(agent).softphone.dialer.expect_callback_due(phone, shown)
    eventually(lambda: cti.callbacks(number=phone),
               until=lambda found: any(c.due_now and c.reason == reason for c in found),
               description=f"a callback to {customer} ({phone}) due now for the reason {reason!r} in the CTI")


@then(phrase("the softphone says the call to {customer:Persona} failed with no answer"))
def softphone_call_failed(customer, desktop, journey, personas, cti):
    """In the softphone of the agent at the desk: the call to the customer's number is shown as failed
    with no answer; the CTI has the scenario's call failed."""
    desktop.console(journey.desk_agent).softphone.dialer.expect_call_failed(personas[customer].phone)
    call_id = journey.require_call()
    eventually(lambda: cti.interaction(call_id), until=lambda c: c.state == "failed",
               description=f"call {call_id} to {customer} failed in the CTI", describe=lambda c: c.describe("state"))


@then(parsers.re(rf'the CRM logged attempt (?P<n>\d+) for (?P<customer>{PERSONA}) (?:with (?P<outcome>no answer)|as connected)'
                 r'(?: and the next action "(?P<action>[^"]+)")?$'))
@needs("callbacks")
def crm_logged_attempt(n, customer, outcome, action, crm, personas):
    """Waits until the CRM's follow-up for the customer records call-back attempt number n with the
    outcome ("with no answer" or "as connected") and, when given, the next action (e.g. "Call back
    again (attempt 2 of 3)")."""
    wanted, index = "no_answer" if outcome else "connected", int(n) - 1

    def logged(follow_ups) -> bool:
        latest = follow_ups[0] if follow_ups else None
        return latest is not None and len(latest.attempt_outcomes) > index \
            and latest.attempt_outcomes[index] == wanted and action in (None, latest.next_action)

    eventually(lambda: crm.follow_ups(contact_id=personas[customer].id), until=logged,
               description=f"attempt {n} ({wanted}) on {customer}'s follow-up in the CRM"
               + (f", next action {action!r}" if action else ""))


@then(phrase('the CRM shows the next action "{action}" for {customer:Persona}'))
@needs("callbacks")
def crm_next_action(action, customer, crm, personas, desktop, journey):
    """Waits until the CRM's follow-up for the customer has the given next action (e.g. "Call back
    (missed call)"); then, in the console of the agent at the desk, opens the customer's record, which
    shows "Next action: ..." with the same words."""
    eventually(lambda: crm.follow_ups(contact_id=personas[customer].id),
               until=lambda found: found and found[0].next_action == action,
               description=f"the next action {action!r} for {customer} in the CRM")
    # the console may have closed the record when the call ended unanswered: the agent looks it up
    record = desktop.console(journey.desk_agent).open_contact(personas[customer].full_name, personas[customer].phone)
    record.expect_follow_up(f"Next action: {action}")


@then(phrase('{customer:Persona}\'s record in {agent:Actor}\'s console shows the next action "{action}"'))
@needs("callbacks")
def record_shows_next_action(customer, agent, action, desktop, personas, crm):
    """In the agent's console: opens the customer's contact record, which shows "Next action: ..." with
    the given words (e.g. "Call back (after-hours request)"); the CRM has a follow-up for the customer
    with that next action."""
    record = desktop.console(agent).open_contact(personas[customer].full_name, personas[customer].phone)
    record.expect_follow_up(f"Next action: {action}")
    eventually(lambda: crm.follow_ups(contact_id=personas[customer].id),
               until=lambda found: any(f.next_action == action for f in found),
               description=f"a follow-up for {customer} with the next action {action!r} in the CRM")
