"""Wrap-up: dispositions per queue, drafts kept server-side, one call log everywhere."""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from fixtures.api import ApiError
from fixtures.eventually import eventually


def _completed_logs(cti, crm, journey):
    """The call as the CTI completed it and the CRM's log of it, once both have it."""
    call_id = journey.require_call()
    call = eventually(lambda: cti.interaction(call_id), until=lambda i: i["state"] == "completed",
                      description="the call completed in the CTI")
    log = eventually(lambda: crm.activity(call_id), until=lambda a: a["status"] == "completed",
                     description="the call log completed in the CRM")
    return call, log


@given(parsers.parse('{agent} has finished a call with {caller} on the "{queue}" queue'))
def finished_call(agent, caller, queue, desktop, personas, cti, journey):
    journey.track_call(cti.simulate_call(from_number=personas[caller].phone, queue=queue))
    softphone = desktop.console(agent).softphone
    softphone.expect_ringing(personas[caller].phone, queue=queue)
    softphone.answer()
    softphone.hang_up()


@when(parsers.re(r'(?P<agent>\w+) completes the wrap-up with "(?P<code>[A-Z_]+)"$'))
def complete_with(agent, code, desktop):
    wrap_up = desktop.console(agent).softphone.wrap_up
    wrap_up.choose_disposition(code)
    wrap_up.done()


@when(parsers.re(r"(?P<agent>\w+) completes the wrap-up$"))
def complete_as_drafted(agent, desktop):
    desktop.console(agent).softphone.wrap_up.done()


@when(parsers.parse("{agent} completes the wrap-up without a disposition"))
def complete_without(agent, desktop):
    desktop.console(agent).softphone.wrap_up.done()


@when(parsers.parse('{agent} writes the wrap-up note "{notes}"'))
def write_note(agent, notes, desktop, cti, journey):
    desktop.console(agent).softphone.wrap_up.write_notes(notes)
    eventually(lambda: cti.interaction(journey.require_call()),
               until=lambda i: (i["wrapup_draft"] or {}).get("notes") == notes, description="the note saved as draft")


@when(parsers.parse('{agent} chooses the disposition "{code}" and writes the note "{notes}"'))
def draft_wrap_up(agent, code, notes, desktop, cti, journey):
    wrap_up = desktop.console(agent).softphone.wrap_up
    wrap_up.choose_disposition(code)
    wrap_up.write_notes(notes)
    eventually(lambda: cti.interaction(journey.require_call()),
               until=lambda i: (i["wrapup_draft"] or {}).get("notes") == notes
               and i["wrapup_draft"].get("disposition") == code, description="the draft saved in the CTI")


@when(parsers.parse("{agent} reloads the console"))
def reload_console(agent, desktop):
    desktop.console(agent).reload()


@when(parsers.parse("{agent} closes the console tab and opens it again"))
def reopen_console(agent, desktop):
    desktop.reopen_console(agent)


@then(parsers.parse("{agent} cannot complete the wrap-up without a disposition"))
def done_blocked(agent, desktop):
    desktop.console(agent).softphone.wrap_up.expect_done_blocked()


@then("the CTI refuses to complete the wrap-up without a disposition")
def cti_refuses(cti, journey):
    call_id = journey.require_call()
    try:
        cti.complete_wrapup(call_id)
    except ApiError as exc:
        assert exc.status_code == 422, exc
    else:
        raise AssertionError("the CTI completed a mandatory wrap-up without a disposition")
    assert cti.interaction(call_id)["state"] == "wrapup", "a refused completion changed the call"


@then(parsers.parse('the call log in the CRM and the CTI has the disposition "{code}"'))
def logs_have_disposition(code, cti, crm, journey):
    call, log = _completed_logs(cti, crm, journey)
    assert call["disposition"] == code and log["disposition"] == code, (call["disposition"], log["disposition"])


@then("the call log in the CRM and the CTI has no disposition")
def logs_have_no_disposition(cti, crm, journey):
    call, log = _completed_logs(cti, crm, journey)
    assert call["disposition"] is None and log["disposition"] is None, (call["disposition"], log["disposition"])


@then(parsers.parse('the call log keeps the note "{notes}"'))
def logs_keep_note(notes, cti, crm, journey):
    call, log = _completed_logs(cti, crm, journey)
    assert call["notes"] == notes and log["notes"] == notes, (call["notes"], log["notes"])


@then(parsers.parse("the call log records {seconds:d} seconds of wrap-up in the CRM and the CTI"))
def logs_record_wrap_up_time(seconds, cti, crm, journey):
    call, log = _completed_logs(cti, crm, journey)
    assert log["wrapup_seconds"] == call["wrapup_seconds"], (log["wrapup_seconds"], call["wrapup_seconds"])
    assert call["wrapup_seconds"] == seconds, call["wrapup_seconds"]


@then("the CRM has exactly one call log for the call, written once")
def crm_one_log(crm, journey):
    logs = crm.activities(interaction_id=journey.require_call())
    assert len(logs) == 1 and logs[0]["log_writes"] == 1, logs


@then(parsers.parse('the console timeline shows the call completed with "{code}"'))
def timeline_shows(code, desktop, journey, crm):
    console = desktop.console(journey.desk_agent)
    console.contact_record.expect_timeline_entry(f"Inbound call · completed · {code}")
    console.expect_call_logged(code)
    assert crm.activity(journey.require_call())["disposition"] == code


@then(parsers.parse("{agent}'s softphone closes the wrap-up form and shows the state \"{state}\""))
def wrap_up_closed(agent, state, desktop):
    softphone = desktop.console(agent).softphone
    softphone.wrap_up.expect_closed()
    softphone.expect_state(state)


@then(parsers.parse("{agent}'s wrap-up countdown shows {seconds:d} seconds left"))
def countdown_shows(agent, seconds, desktop):
    desktop.console(agent).softphone.wrap_up.expect_seconds_left(seconds)


@then(parsers.parse("the CTI has the wrap-up deadline {seconds:d} seconds away"))
def cti_deadline(seconds, cti, sandbox_admin, journey):
    from datetime import datetime

    call = cti.interaction(journey.require_call())
    now = datetime.fromisoformat(sandbox_admin.clock()["now"])
    left = (datetime.fromisoformat(call["wrapup_deadline"]) - now).total_seconds()
    assert left == seconds, left


@then(parsers.parse('{agent}\'s wrap-up form still has "{code}" and the note "{notes}"'))
def draft_still_there(agent, code, notes, desktop):
    desktop.console(agent).softphone.wrap_up.expect_draft(code, notes)


@then(parsers.parse('the CTI keeps the draft "{code}" with the note "{notes}"'))
def cti_keeps_draft(code, notes, cti, journey):
    draft = cti.interaction(journey.require_call())["wrapup_draft"]
    assert draft == {"disposition": code, "notes": notes} or (draft["disposition"], draft["notes"]) == (code, notes), draft


@then(parsers.parse('{agent} is offered the dispositions "{codes}"'))
def offered_dispositions(agent, codes, desktop, cti, journey):
    wanted = [c.strip() for c in codes.split(",")]
    desktop.console(agent).softphone.wrap_up.expect_offered_codes(wanted)
    assert [d["code"] for d in cti.interaction_dispositions(journey.require_call())] == wanted


@then(parsers.parse('the CRM catalogue for "{queue}" has the same dispositions'))
def crm_catalogue(queue, crm, cti, journey):
    assert [d["code"] for d in crm.dispositions(queue)] == \
        [d["code"] for d in cti.interaction_dispositions(journey.require_call())]
