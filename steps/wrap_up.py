"""Wrap-up: dispositions per queue, drafts kept server-side, one call log everywhere."""
from __future__ import annotations

from datetime import datetime

from pytest_bdd import given, parsers, then, when

from deskcheck.capabilities import checks_if_offered, needs
from deskcheck.names import ACTOR, phrase
from deskcheck.ports import Refused
from fixtures.agreement import expect_agreement, expect_value
from fixtures.eventually import eventually
from steps._tables import field_rows, no_value

#: a call-log table's fields -> (the CRM CallLog's attribute, the CTI Interaction's attribute)
CALL_LOG_FIELDS = {
    "disposition": ("disposition", "disposition"), "note": ("notes", "notes"),
    "wrap-up seconds": ("wrapup_seconds", "wrapup_seconds"), "hold seconds": ("hold_seconds", "hold_seconds"),
    "muted seconds": ("muted_seconds", "muted_seconds"), "digits": ("digits", "digits"),
    "direction": ("direction", "direction"), "queue": ("queue", "queue"), "agent": ("agent", "agent"),
    "status": ("status", "state"),
}
#: the table's status words -> (the CRM call log's status, the CTI call states that go with it)
CALL_STATUSES = {"in progress": ("in_progress", ("connected", "held", "wrapup")), "completed": ("completed", ("completed",))}


def _completed_logs(cti, crm, journey):
    """The call as the CTI completed it and the CRM's log of it, once both have it."""
    call_id = journey.require_call()
    call = eventually(lambda: cti.interaction(call_id), until=lambda c: c.state == "completed",
                      description=f"call {call_id} completed in the CTI")
    log = eventually(lambda: crm.call_log(call_id), until=lambda log: log is not None and log.status == "completed",
                     description=f"the CRM call log of call {call_id} completed")
    return call, log


@given(phrase('{agent:Actor} has finished a call with {caller:Persona} on the "{queue}" queue'))
@when(phrase('{agent:Actor} takes a call from {caller:Persona} on the "{queue}" queue and hangs up'))
@needs("call_simulator")
def finished_call(agent, caller, queue, desktop, personas, telephony, journey):
    """The caller calls the queue's line, the agent's softphone rings with their number on that queue, the
    agent answers and hangs up, so the softphone is in wrap-up (a Given for the set-up; the When form does the
    same mid-scenario). The queue decides the wrap-up: "support" is mandatory (a disposition is needed),
    "sales" optional, "billing" timeboxed (30 seconds, then WRAPUP_TIMEOUT); see docs/glossary.md#queues."""
    journey.track_call(telephony.place_call(from_number=personas[caller].phone, queue=queue))
    softphone = desktop.console(agent).softphone
    softphone.expect_ringing(personas[caller].phone, queue=queue)
    softphone.answer()
    softphone.hang_up()


@when(parsers.re(rf'(?P<agent>{ACTOR}) completes the wrap-up with "(?P<code>[A-Z_]+)"$'))
def complete_with(agent, code, desktop):
    """In the agent's softphone wrap-up form: chooses the disposition code (e.g. RESOLVED, SALE,
    PAYMENT_TAKEN; the queue's list) and presses Done."""
    wrap_up = desktop.console(agent).softphone.wrap_up
    wrap_up.choose_disposition(code)
    wrap_up.done()


@when(parsers.re(rf"(?P<agent>{ACTOR}) completes the wrap-up$"))
def complete_as_drafted(agent, desktop):
    """In the agent's softphone wrap-up form: presses Done with whatever disposition and note are already there."""
    desktop.console(agent).softphone.wrap_up.done()


@when(phrase("{agent:Actor} completes the wrap-up without a disposition"))
def complete_without(agent, desktop):
    """In the agent's softphone wrap-up form: presses Done without choosing a disposition (allowed only
    on queues whose wrap-up is optional, e.g. "sales")."""
    desktop.console(agent).softphone.wrap_up.done()


@when(phrase('{agent:Actor} writes the wrap-up note "{notes}"'))
@needs("wrapup_draft")
def write_note(agent, notes, desktop, cti, journey):
    """Types the note into the softphone's wrap-up form, then waits until the CTI has saved it as the
    call's wrap-up draft (so a reload or a closed tab cannot lose it)."""
    desktop.console(agent).softphone.wrap_up.write_notes(notes)
    call_id = journey.require_call()
    eventually(lambda: cti.wrapup_draft(call_id), until=lambda draft: draft.notes == notes,
               description=f"the note {notes!r} saved in the CTI's wrap-up draft of call {call_id}")


@when(phrase('{agent:Actor} chooses the disposition "{code}" and writes the note "{notes}"'))
@checks_if_offered("wrapup_draft")
def draft_wrap_up(agent, code, notes, desktop, cti, journey, optional_checks):
    """In the softphone's wrap-up form: chooses the disposition and types the note without pressing
    Done; the form shows both. Where the CTI keeps wrap-up drafts (wrapup_draft), waits until it keeps
    both as the call's draft; a CTI without drafts (Amazon Connect) has that reported as not applicable,
    and Done still sends what the form holds."""
    wrap_up = desktop.console(agent).softphone.wrap_up
    wrap_up.choose_disposition(code)
    wrap_up.write_notes(notes)
    wrap_up.expect_draft(code, notes)
    call_id = journey.require_call()
    optional_checks.check("wrapup_draft", f"the draft {code} with note {notes!r} saved in the CTI for call {call_id}",
                          lambda: eventually(lambda: cti.wrapup_draft(call_id),
                                             until=lambda draft: (draft.disposition, draft.notes) == (code, notes),
                                             description=f"the draft {code} with note {notes!r} saved in the CTI "
                                                         f"for call {call_id}"))


@when(phrase("{agent:Actor} reloads the console"))
def reload_console(agent, desktop):
    """Reloads the agent's CRM console page in the browser (the softphone frame reloads with it)."""
    desktop.console(agent).reload()


@when(phrase("{agent:Actor} closes the console tab and opens it again"))
def reopen_console(agent, desktop):
    """Closes the agent's console tab and opens the console in a new tab, signed in as before."""
    desktop.reopen_console(agent)


@then(phrase("{agent:Actor} cannot complete the wrap-up without a disposition"))
def done_blocked(agent, desktop):
    """In the softphone's wrap-up form: pressing Done with no disposition chosen is refused on screen
    (the form stays open and says a disposition is needed)."""
    desktop.console(agent).softphone.wrap_up.expect_done_blocked()


@then("the CTI refuses to complete the wrap-up without a disposition")
def cti_refuses(cti, journey):
    """Asks the CTI directly to complete the call's wrap-up with no disposition: the CTI must refuse,
    and the call must still be in wrap-up afterwards."""
    call_id = journey.require_call()
    try:
        cti.complete_wrapup(call_id)
    except Refused:
        pass
    else:
        raise AssertionError(f"the CTI completed the mandatory wrap-up of call {call_id} without a disposition")
    expect_value(f"the state of call {call_id} after the refused completion", "wrapup", "the CTI",
                 cti.interaction(call_id).state)


@then(parsers.parse('the call log in the CRM and the CTI has the disposition "{code}"'))
def logs_have_disposition(code, cti, crm, journey):
    """Waits until the call is completed in the CTI and its call log is completed in the CRM, then checks
    both carry the disposition code."""
    call, log = _completed_logs(cti, crm, journey)
    expect_agreement(f"the disposition of call {call.id}", code,
                     {"the CRM call log": log.disposition, "the CTI": call.disposition})


@then("the call log in the CRM and the CTI has no disposition")
def logs_have_no_disposition(cti, crm, journey):
    """Waits until the call is completed in both systems, then checks neither has a disposition."""
    call, log = _completed_logs(cti, crm, journey)
    expect_agreement(f"the disposition of call {call.id}", None,
                     {"the CRM call log": log.disposition, "the CTI": call.disposition})


def _call_log_mismatches(rows, log, call, actors) -> list[str]:
    """What the CRM's call log or the CTI's call shows differently from the table's rows ([] when all agree)."""
    if log is None:
        return ["the CRM has no call log for the call yet"]
    wrong = []
    for field, value in rows:
        crm_attr, cti_attr = CALL_LOG_FIELDS[field]
        in_crm, in_cti = getattr(log, crm_attr), getattr(call, cti_attr)
        if field == "status":
            if value not in CALL_STATUSES:
                raise ValueError(f"a call log's status is one of: {', '.join(CALL_STATUSES)}, not {value!r}")
            crm_status, cti_states = CALL_STATUSES[value]
            ok = in_crm == crm_status and in_cti in cti_states
        elif no_value(value):
            ok = in_crm in (None, "") and in_cti in (None, "")
        elif field.endswith("seconds"):
            ok = in_crm is not None and in_cti is not None and float(in_crm) == float(in_cti) == float(value)
        else:
            wanted = actors.user(value).username if field == "agent" else value
            ok = in_crm == wanted and in_cti == wanted
        if not ok:
            wrong.append(f"{field} should be {value!r}: the CRM call log has {in_crm!r}, the CTI has {in_cti!r}")
    return wrong


@then("the call log in the CRM and the CTI has:")
def call_log_has(datatable, cti, crm, actors, journey):
    """Waits until the CRM's call log of the call and the CTI's record of it both hold every field the data table
    lists (| field | value |): disposition, note, wrap-up seconds, hold seconds, muted seconds, digits,
    direction (inbound, outbound), queue, agent (an actor's name), status ("in progress" or "completed"). A
    value of "none" (or an empty cell) means neither system holds one. Seconds are whole seconds on the target's
    clock, so they are exact."""
    rows = field_rows(datatable, CALL_LOG_FIELDS, value_required=True)
    call_id = journey.require_call()
    eventually(lambda: _call_log_mismatches(rows, crm.call_log(call_id), cti.interaction(call_id), actors),
               until=lambda wrong: not wrong, description=f"the call log of call {call_id} as the table says",
               describe="; ".join)


@then(parsers.parse('the call log keeps the note "{notes}"'))
def logs_keep_note(notes, cti, crm, journey):
    """Waits until the call is completed in both systems, then checks the CRM call log and the CTI both
    keep the note exactly as typed."""
    call, log = _completed_logs(cti, crm, journey)
    expect_agreement(f"the wrap-up note of call {call.id}", notes, {"the CRM call log": log.notes, "the CTI": call.notes})


@then(parsers.parse("the call log records {seconds:d} seconds of wrap-up in the CRM and the CTI"))
def logs_record_wrap_up_time(seconds, cti, crm, journey):
    """Waits until the call is completed in both systems, then checks both record the same wrap-up time in
    whole seconds (time passes only on the sandbox clock, so the figure is exact)."""
    call, log = _completed_logs(cti, crm, journey)
    expect_agreement(f"the wrap-up seconds of call {call.id}", seconds,
                     {"the CRM call log": log.wrapup_seconds, "the CTI": call.wrapup_seconds})


@then("the CRM has exactly one call log for the call, written once")
@checks_if_offered("write_audit")
def crm_one_log(crm, journey, optional_checks):
    """Checks the CRM holds exactly one call log record for the call (a duplicate delivery that made a
    second record fails here, on any CRM), and, where the CRM counts writes (write_audit), that the log was
    written exactly once. A CRM that keeps no such count (Salesforce) has the write count reported as not
    applicable."""
    call_id = journey.require_call()
    expect_value(f"the number of CRM call logs of call {call_id}", 1, "the CRM", len(crm.call_logs(call_id=call_id)))
    optional_checks.check("write_audit", f"the CRM call log of call {call_id} written exactly once",
                          lambda: expect_value(f"the number of writes of the CRM call log of call {call_id}", 1,
                                               "the CRM", crm.call_log_writes(call_id)))


@then(parsers.parse('the console timeline shows the call completed with "{code}"'))
def timeline_shows(code, desktop, journey, crm):
    """On the console's contact record: the timeline shows "Inbound call · completed · <code>" and the
    console says the call was logged; the CRM's call log has the same disposition."""
    console = desktop.console(journey.desk_agent)
    console.contact_record.expect_timeline_entry(f"Inbound call · completed · {code}")
    console.expect_call_logged(code)
    call_id = journey.require_call()
    log = eventually(lambda: crm.call_log(call_id), until=lambda log: log is not None and log.disposition == code,
                     description=f"the CRM call log of call {call_id} with disposition {code}")
    expect_value(f"the status of the CRM call log of call {call_id}", "completed", "the CRM", log.status)


@then(phrase("{agent:Actor}'s softphone closes the wrap-up form and shows the state \"{state}\""))
def wrap_up_closed(agent, state, desktop, cti, actors):
    """In the agent's softphone: the wrap-up form is gone and the state reads as given (e.g. "Available",
    "Not ready: Lunch"); the CTI has the agent out of wrap-up with the same label."""
    softphone = desktop.console(agent).softphone
    softphone.wrap_up.expect_closed()
    softphone.expect_state(state)
    username = actors.user(agent).username
    eventually(lambda: cti.agent(username), until=lambda a: a.label == state,
               description=f"{agent} shown as {state!r} in the CTI")


@then(phrase("{agent:Actor}'s wrap-up countdown shows {seconds:d} seconds left"))
def countdown_shows(agent, seconds, desktop):
    """In the agent's softphone wrap-up form: the countdown of a timeboxed queue shows the seconds left."""
    desktop.console(agent).softphone.wrap_up.expect_seconds_left(seconds)


@then(parsers.parse("the CTI has the wrap-up deadline {seconds:d} seconds away"))
@needs("clock")
def cti_deadline(seconds, cti, controls, journey):
    """Checks the CTI's wrap-up deadline for the call is exactly the given seconds after the sandbox clock's now."""
    call = cti.interaction(journey.require_call())
    left = (datetime.fromisoformat(call.wrapup_deadline) - datetime.fromisoformat(controls.now())).total_seconds()
    expect_value(f"the seconds to the wrap-up deadline of call {call.id}", seconds, "the CTI", left)


@then(phrase('{agent:Actor}\'s wrap-up form still has "{code}" and the note "{notes}"'))
@needs("wrapup_draft")
def draft_still_there(agent, code, notes, desktop, cti, journey):
    """In the agent's softphone wrap-up form: the disposition and note typed earlier are still filled in;
    the CTI keeps the same as the call's wrap-up draft (what a reloaded or reopened softphone reads back)."""
    desktop.console(agent).softphone.wrap_up.expect_draft(code, notes)
    call_id = journey.require_call()
    eventually(lambda: cti.wrapup_draft(call_id), until=lambda draft: (draft.disposition, draft.notes) == (code, notes),
               description=f"the draft {code} with note {notes!r} kept in the CTI for call {call_id}")


@then(parsers.parse('the CTI keeps the draft "{code}" with the note "{notes}"'))
@needs("wrapup_draft")
def cti_keeps_draft(code, notes, cti, journey):
    """Checks the CTI still keeps the call's wrap-up draft: the disposition and the note, server side."""
    draft = cti.wrapup_draft(journey.require_call())
    expect_value("the CTI's wrap-up draft (disposition, note)", (code, notes), "the CTI", (draft.disposition, draft.notes))


@then(phrase('{agent:Actor} is offered the dispositions "{codes}"'))
def offered_dispositions(agent, codes, desktop, cti, journey):
    """In the softphone's wrap-up form: exactly these disposition codes are offered, in this order
    (comma-separated, e.g. "RESOLVED, FOLLOW_UP, ESCALATED"); the CTI offers the same for the call."""
    wanted = [c.strip() for c in codes.split(",")]
    desktop.console(agent).softphone.wrap_up.expect_offered_codes(wanted)
    expect_value("the dispositions offered for the call", wanted, "the CTI",
                 [d.code for d in cti.dispositions_for(journey.require_call())])


@then(parsers.parse('the CRM catalogue for "{queue}" has the same dispositions'))
def crm_catalogue(queue, crm, cti, journey):
    """Checks the CRM's disposition catalogue for the queue lists the same codes, in the same order, as
    the CTI offers for the call."""
    offered = [d.code for d in cti.dispositions_for(journey.require_call())]
    expect_value(f"the CRM's dispositions for the {queue!r} queue", offered, "the CRM",
                 [d.code for d in crm.dispositions(queue)])
