"""Call controls: the softphone drives the call; the CTI and the CRM record what happened."""
from __future__ import annotations

from pytest_bdd import parsers, then, when

from deskcheck.capabilities import checks_if_offered, needs
from deskcheck.names import ACTOR, ORDINAL, PERSONA, ordinal, phrase
from fixtures.agreement import expect_value
from fixtures.eventually import eventually
from deskcheck.records.cti import state_label
from steps._agents import expect_agent


def _expect_call(cti, journey, description, until, *shown: str):
    """Waits until the CTI's record of the scenario's call satisfies ``until``; on failure shows the
    call's ``shown`` fields (default: state, agent, disposition)."""
    call_id = journey.require_call()
    return eventually(lambda: cti.interaction(call_id), until=until, description=f"{description} (call {call_id})",
                      describe=lambda call: call.describe(*shown))


@when(phrase("{agent:Actor} rejects the call"))
def agent_rejects(agent, desktop):
    """In the agent's softphone: presses Reject on the ringing call."""
    desktop.console(agent).softphone.reject()


@when(phrase("{agent:Actor} puts the call on hold"))
def agent_holds(agent, desktop):
    """In the agent's softphone: presses Hold on the connected call."""
    desktop.console(agent).softphone.put_on_hold()


@when(phrase("{agent:Actor} resumes the call"))
def agent_resumes(agent, desktop):
    """In the agent's softphone: presses Resume on the held call."""
    desktop.console(agent).softphone.resume()


@when(phrase("{agent:Actor} mutes the call"))
def agent_mutes(agent, desktop):
    """In the agent's softphone: presses Mute on the connected call."""
    desktop.console(agent).softphone.mute()


@when(phrase("{agent:Actor} unmutes the call"))
def agent_unmutes(agent, desktop):
    """In the agent's softphone: presses Unmute on the muted call."""
    desktop.console(agent).softphone.unmute()


@when(phrase('{agent:Actor} presses "{digits}" on the keypad'))
def agent_presses_keys(agent, digits, desktop):
    """In the agent's softphone keypad: presses the keys in order (digits, * and #), e.g. "1042#"."""
    desktop.console(agent).softphone.press_keys(digits)


@when(parsers.re(rf'(?P<agent>{ACTOR}) (?P<kind>cold|warm) transfers the call to '
                 rf'(?:the "(?P<queue>\w+)" queue|(?P<colleague>{ACTOR})) with the note "(?P<note>[^"]*)"'))
def agent_transfers(agent, kind, queue, colleague, note, desktop, actors):
    """In the agent's softphone: transfers the call, cold (the call goes straight on) or warm (the agent
    consults first), to a queue (support, sales, billing) or a colleague by first name, with a note."""
    target = f"Queue: {queue}" if queue else f"Agent: {actors.user(colleague).name}"
    desktop.console(agent).softphone.transfer(kind, target, note)


@when(phrase("{agent:Actor} completes the transfer"))
def agent_completes_transfer(agent, desktop):
    """In the transferring agent's softphone, during a warm transfer: presses Complete transfer."""
    desktop.console(agent).softphone.complete_transfer()


@when(phrase("{agent:Actor} cancels the consult"))
def agent_cancels_consult(agent, desktop):
    """In the transferring agent's softphone, during a warm transfer: cancels the consult and takes the
    customer back."""
    desktop.console(agent).softphone.cancel_consult()


@when(phrase("{caller:Persona} hangs up before anyone answers"))
@needs("call_simulator")
def caller_abandons(caller, telephony, journey):
    """The customer hangs up their phone while the call is still ringing or waiting in the queue."""
    telephony.customer_hangs_up(journey.require_call())


@then(phrase("{agent:Actor}'s softphone shows the call with {caller:Persona} connected"))
def softphone_connected(agent, caller, desktop, personas, cti, actors, journey):
    """In the agent's softphone: the call shows as connected with the caller's number; the CTI has the
    call connected to that agent."""
    desktop.console(agent).softphone.expect_connected(personas[caller].phone)
    username = actors.user(agent).username
    _expect_call(cti, journey, f"{caller}'s call connected to {agent}",
                 lambda call: (call.state, call.agent) == ("connected", username), "state", "agent")


@then(phrase("the CTI has {caller:Persona}'s call connected to {agent:Actor}, who is on the call"))
def cti_call_connected(caller, agent, cti, actors, personas, journey):
    """Checks the CTI has the call connected to the agent, from the caller's number, and the agent
    ON_INTERACTION on that call."""
    username = actors.user(agent).username
    call = _expect_call(cti, journey, f"{caller}'s call connected to {agent}",
                        lambda call: (call.state, call.agent) == ("connected", username), "state", "agent")
    expect_value(f"the number call {call.id} comes from", personas[caller].phone, "the CTI", call.from_number)
    expect_agent(cti, actors, agent, f"on call {call.id}",
                  lambda a: (a.state, a.current_call_id) == ("ON_INTERACTION", call.id))


@then(parsers.re(rf'the CTI has the call missed and (?P<agent>{ACTOR}) Not ready because "(?P<reason>[^"]+)"'))
def cti_call_missed(agent, reason, cti, actors, journey):
    """Checks the CTI has the call missed (it rang out at the agent and ended there), and the agent
    NOT_READY with the reason (e.g. "Missed")."""
    _expect_call(cti, journey, "the call missed", lambda call: call.state == "missed", "state", "agent")
    expect_agent(cti, actors, agent, f"NOT_READY ({reason})", lambda a: (a.state, a.reason) == ("NOT_READY", reason))


@then(parsers.re(rf'the CTI has the call rejected and (?P<agent>{ACTOR}) Not ready because "(?P<reason>[^"]+)"'))
@checks_if_offered("call_detail")
def cti_call_rejected(agent, reason, cti, actors, journey, optional_checks):
    """Checks the CTI has the call no longer the agent's but back in the queue for the next available agent,
    and the agent NOT_READY with the reason (e.g. "Missed"). Where the CTI reports offers nobody took
    (call_detail), the agent's offer of the call is recorded as rejected."""
    username = actors.user(agent).username
    recorded = _rejection_recorded(optional_checks, agent, username)
    _expect_call(cti, journey, f"the call rejected by {agent} and back in the queue",
                 lambda call: recorded(call) and call.agent != username
                 and call.state in ("queued", "offered"), "state", "agent", "offer_outcomes")
    expect_agent(cti, actors, agent, f"NOT_READY ({reason})", lambda a: (a.state, a.reason) == ("NOT_READY", reason))


def _rejection_recorded(optional_checks, agent: str, username: str):
    """Whether a call records the agent's offer as rejected, where the CTI reports offers (call_detail); a CTI
    that does not has that check reported as not applicable (every call passes it)."""
    if optional_checks.offered("call_detail"):
        return lambda call: call.rejected_by(username)
    optional_checks.report_not_made("call_detail", f"the CTI's record of {agent}'s offer of the call as rejected")
    return lambda call: True


@then(phrase("the CTI has {caller:Persona}'s call waiting in its queue for an agent"))
def cti_call_waiting(caller, cti, journey):
    """Checks the CTI has the caller's call queued: it waits in its queue, offered to no agent yet (e.g. while
    no agent is taking calls on that line)."""
    _expect_call(cti, journey, f"{caller}'s call queued with no agent", lambda call: (call.state, call.agent) ==
                 ("queued", None), "state", "agent", "queue")


@then(phrase("the CTI has {caller:Persona}'s call offered to {agent:Actor} after {other:Actor} rejected it"))
@checks_if_offered("call_detail")
def cti_call_reoffered(caller, agent, other, cti, actors, journey, optional_checks):
    """Checks the CTI offers the caller's call to the agent (ringing, RESERVED on that call): a rejected call
    goes back to the queue and on to the next available agent, as in Amazon Connect, Genesys Cloud and
    Twilio TaskRouter. Where the CTI reports offers nobody took (call_detail), it still records that the
    other agent rejected it first."""
    username, rejecter = actors.user(agent).username, actors.user(other).username
    recorded = _rejection_recorded(optional_checks, other, rejecter)
    call = _expect_call(cti, journey, f"{caller}'s call offered to {agent} after {other} rejected it",
                        lambda call: (call.state, call.agent) == ("offered", username) and recorded(call),
                        "state", "agent", "offer_outcomes")
    expect_agent(cti, actors, agent, f"ringing with call {call.id}",
                 lambda a: (a.state, a.current_call_id) == ("RESERVED", call.id))


@then(phrase("{agent:Actor}'s softphone shows the call on hold"))
def softphone_on_hold(agent, desktop, cti, journey):
    """In the agent's softphone: the call shows as on hold; the CTI has the call held."""
    desktop.console(agent).softphone.expect_on_hold()
    _expect_call(cti, journey, "the call held", lambda call: call.on_hold, "state", "on_hold")


@then("the CTI has the call held")
def cti_call_held(cti, journey):
    """Checks the CTI has the call in the held state, marked on hold."""
    _expect_call(cti, journey, "the call held", lambda call: (call.state, call.on_hold) == ("held", True),
                 "state", "on_hold")


@then(parsers.parse("the CTI has recorded {seconds:d} seconds on hold"))
def cti_hold_time(seconds, cti, journey):
    """Waits until the CTI has the call connected again, then checks it recorded exactly that many
    seconds on hold (time passes only on the target's clock, so the figure is exact)."""
    call = _expect_call(cti, journey, "the call connected again", lambda call: call.state == "connected", "state")
    expect_value(f"the seconds call {call.id} spent on hold", seconds, "the CTI", call.hold_seconds)


@then(parsers.re(rf"(?P<agent>{ACTOR})'s softphone shows the call (?P<muted>muted|not muted)$"))
@needs("call_detail")
def softphone_muted(agent, muted, desktop, cti, journey):
    """In the agent's softphone: the call shows as muted or not muted (as given); the CTI agrees."""
    desktop.console(agent).softphone.expect_muted(muted == "muted")
    _expect_call(cti, journey, f"the call {muted}", lambda call: call.muted is (muted == "muted"), "state", "muted")


@then(parsers.re(r"the CTI has the call (?P<muted>muted|not muted)$"))
@needs("call_detail")
def cti_call_muted(muted, cti, journey):
    """Checks the CTI has the call muted or not muted, as given."""
    _expect_call(cti, journey, f"the call {muted}", lambda call: call.muted is (muted == "muted"), "state", "muted")


@then(phrase('{agent:Actor}\'s softphone shows "{digits}" sent'))
@needs("call_detail")
def softphone_digits(agent, digits, desktop, cti, journey):
    """In the agent's softphone: the keys sent on the call read as given; the CTI recorded the same."""
    desktop.console(agent).softphone.expect_digits_sent(digits)
    _expect_call(cti, journey, f"the digits {digits!r} sent on the call", lambda call: call.digits == digits, "digits")


@then(parsers.parse('the CTI has recorded the digits "{digits}" on the call'))
@needs("call_detail")
def cti_digits(digits, cti, journey):
    """Checks the CTI recorded exactly these keypad digits sent on the call."""
    _expect_call(cti, journey, f"the digits {digits!r} recorded on the call", lambda call: call.digits == digits,
                 "digits")


@then(parsers.re(rf'the CTI records a (?P<kind>cold|warm) transfer from (?P<sender>{ACTOR}) to '
                 rf'(?:the "(?P<queue>\w+)" queue|(?P<colleague>{ACTOR})) with the note "(?P<note>[^"]*)"'))
@needs("call_detail")
def cti_records_transfer(kind, sender, queue, colleague, note, cti, actors, journey):
    """Checks the CTI recorded on the call a cold or warm transfer from the sending agent to the queue or
    the colleague (as given), with exactly that note."""
    sender_name = actors.user(sender).username
    colleague_name = actors.user(colleague).username if colleague else None
    to = f"the {queue!r} queue" if queue else colleague

    def recorded(call):
        return any((t.type, t.from_agent, t.note) == (kind, sender_name, note)
                   and (t.to_queue == queue if queue else t.to_agent == colleague_name) for t in call.transfers)
    _expect_call(cti, journey, f"a {kind} transfer from {sender} to {to} with the note {note!r}", recorded, "transfers")


@then(parsers.re(rf"the (?P<nth>{ORDINAL}) leg of the call was (?P<agent>{ACTOR})'s, ended by a (?P<kind>cold|warm) "
                 rf'transfer to (?:the "(?P<queue>\w+)" queue|(?P<colleague>{ACTOR}))$'))
@needs("call_detail")
def leg_transferred(nth, agent, kind, queue, colleague, desktop, cti, actors, journey):
    """One leg of a transferred call, checked on its own (the first leg is the agent who answered; each transfer
    starts the next). In that agent's softphone the call is gone; in the CTI the call's transfer number n was
    made by that agent, cold or warm, to the queue (support, sales, billing) or the colleague given, and the
    agent is no longer on the call."""
    n, username = ordinal(nth), actors.user(agent).username
    desktop.console(agent).softphone.expect_no_active_call()
    call = _expect_call(cti, journey, f"transfer {n} of the call made by {agent}",
                        lambda c: len(c.transfers) >= n and c.transfers[n - 1].from_agent == username, "transfers")
    leg = call.transfers[n - 1]
    target = ("queue", queue, leg.to_queue) if queue else ("agent", actors.user(colleague).username, leg.to_agent)
    expect_value(f"how leg {n} of call {call.id} ended (transfer type, to {target[0]})", (kind, target[1]), "the CTI",
                 (leg.type, target[2]))
    expect_agent(cti, actors, agent, f"off call {call.id}", lambda a: a.current_call_id != call.id)


@then(parsers.re(rf"the (?P<nth>{ORDINAL}) leg of the call is (?P<agent>{ACTOR})'s, connected with "
                 rf"(?P<caller>{PERSONA})$"))
@needs("call_detail")
def leg_connected(nth, agent, caller, desktop, personas, cti, crm, actors, journey):
    """The live leg of the call, checked on its own: the agent's softphone shows the call connected with the
    caller's number; the CTI has the call connected to that agent after n-1 transfers (the 2nd leg: after one),
    with the agent on it (ON_INTERACTION); the CRM's call log of the call names that agent."""
    n, username = ordinal(nth), actors.user(agent).username
    desktop.console(agent).softphone.expect_connected(personas[caller].phone)
    call = _expect_call(cti, journey, f"leg {n} of the call connected to {agent}",
                        lambda c: (c.state, c.agent, len(c.transfers)) == ("connected", username, n - 1),
                        "state", "agent", "transfers")
    expect_agent(cti, actors, agent, f"on call {call.id}",
                 lambda a: (a.state, a.current_call_id) == ("ON_INTERACTION", call.id))
    eventually(lambda: crm.call_log(call.id), until=lambda log: log is not None and log.agent == username,
               description=f"the CRM call log of call {call.id} naming {agent} ({username})",
               describe=lambda log: "no call log" if log is None else log.describe("status", "agent"))


@then(phrase('{agent:Actor}\'s softphone offers a consult from {sender:Actor} with the note "{note}"'))
@needs("call_detail")
def softphone_offers_consult(agent, sender, note, desktop, actors, cti, journey):
    """In the consulted agent's softphone: a consult is offered, from the sending agent's name, with the
    note. The CTI has the consult of the call offered to (or taken by) that agent."""
    desktop.console(agent).softphone.expect_offer_from("Consult", actors.user(sender).name, note)
    username = actors.user(agent).username
    _expect_call(cti, journey, f"a consult of the call with {agent}",
                 lambda call: call.consult is not None and call.consult.to_agent == username, "state", "consult")


@then(phrase("the CTI has the call held while {agent:Actor} consults"))
@needs("call_detail")
def cti_held_for_consult(agent, cti, actors, journey):
    """Checks the CTI has the customer on hold, a consult under way, and the call still with the agent
    who is consulting."""
    username = actors.user(agent).username
    _expect_call(cti, journey, "the customer held during the consult",
                 lambda call: call.on_hold and call.consult is not None and call.agent == username,
                 "state", "on_hold", "consult", "agent")


@then(parsers.re(rf'the CTI has (?P<agent>{ACTOR}) "(?P<state>[A-Z_]+)"$'))
def cti_agent_state(agent, state, cti, actors):
    """Checks the CTI has the agent in the given state: AVAILABLE, NOT_READY, ON_INTERACTION, ACW, OFFLINE, ..."""
    expect_agent(cti, actors, agent, state, lambda a: a.state == state)


@then(phrase("{agent:Actor}'s softphone says the customer hung up and opens the wrap-up form"))
def softphone_customer_hung_up(agent, desktop, cti, journey):
    """In the agent's softphone: a notice that the customer hung up, and the wrap-up form opens. The CTI
    has the call in wrap-up, ended by the customer."""
    softphone = desktop.console(agent).softphone
    softphone.expect_customer_hung_up()
    softphone.wrap_up.expect_open()
    _expect_call(cti, journey, "the call in wrap-up, ended by the customer",
                 lambda call: (call.state, call.ended_by) == ("wrapup", "customer"), "state", "ended_by")


@then(phrase("{agent:Actor}'s softphone opens the wrap-up form"))
def softphone_wrap_up_opens(agent, desktop, cti, journey):
    """In the agent's softphone: the wrap-up form is open; the CTI has the call in wrap-up."""
    desktop.console(agent).softphone.wrap_up.expect_open()
    _expect_call(cti, journey, "the call in wrap-up", lambda call: call.state == "wrapup", "state")


@then(parsers.re(r"the CTI has the call in wrap-up, ended by the (?P<party>customer|agent), "
                 rf"and (?P<agent>{ACTOR}) in after call work"))
def cti_call_in_wrap_up(party, agent, cti, actors, journey):
    """Checks the CTI has the call in wrap-up, ended by the customer or the agent (as given), and the
    agent in after call work (ACW)."""
    _expect_call(cti, journey, f"the call in wrap-up, ended by the {party}",
                 lambda call: (call.state, call.ended_by) == ("wrapup", party), "state", "ended_by")
    expect_agent(cti, actors, agent, "in After call work", lambda a: a.state == "ACW")


@then(phrase('{agent:Actor}\'s softphone stops ringing and shows the state "{state}"'))
def softphone_stops_ringing(agent, state, desktop, cti, actors):
    """In the agent's softphone: no call rings any more and the state reads as given (e.g. "Available");
    the CTI has the agent in that state, no longer offered the call."""
    softphone = desktop.console(agent).softphone
    softphone.expect_not_ringing()
    softphone.expect_state(state)
    expect_agent(cti, actors, agent, f"{state!r}, no longer offered the call",
                  lambda a: a.state != "RESERVED" and state_label(a.state, a.reason) == state)


@then("the CTI has the call abandoned")
def cti_call_abandoned(cti, journey):
    """Checks the CTI has the call abandoned (the customer left before anyone answered)."""
    _expect_call(cti, journey, "the call abandoned", lambda call: call.state == "abandoned", "state")
