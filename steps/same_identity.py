"""The same call or contact written twice at the same moment (two tabs, two agents): the systems keep
exactly one record. The writes go through the ports, released together (fixtures/concurrency.py)."""
from __future__ import annotations

from pytest_bdd import parsers, then, when

from deskcheck.capabilities import needs
from deskcheck.ports import Refused
from fixtures.agreement import expect_value
from fixtures.concurrency import at_the_same_moment
from fixtures.eventually import eventually


def _outcome(action):
    """Runs one of the racing writes; a refusal is an outcome to check, not an error."""
    def run():
        try:
            return action()
        except Refused as refusal:
            return refusal
    return run


@when(parsers.parse('{agent}\'s two tabs complete the wrap-up with "{code}" at the same moment'))
def complete_from_two_tabs(agent, code, cti, journey):
    """Two completions of the scenario's wrap-up with the disposition code (e.g. RESOLVED) reach the CTI at
    the same moment, as from two console tabs of the agent. Remembers what each was answered."""
    call_id = journey.require_call()
    eventually(lambda: cti.interaction(call_id), until=lambda c: c.state == "wrapup",
               description=f"call {call_id} in wrap-up", describe=lambda c: c.describe("state"))
    complete = _outcome(lambda: cti.complete_wrapup(call_id, disposition=code))
    journey.notes["race"] = at_the_same_moment(complete, complete)


@then("one completion is taken and the other is refused as already done")
def one_taken_one_refused(journey):
    """Checks that exactly one of the two racing completions was taken (the call completed) and the other
    was refused as a conflict (409: the wrap-up was already completed), not failed with a server error."""
    answers = journey.notes["race"]
    refused = [a for a in answers if isinstance(a, Refused)]
    taken = [a for a in answers if not isinstance(a, Refused)]
    expect_value("the completions the CTI took", ["completed"], "the CTI", [a.state for a in taken])
    expect_value("how the CTI refused the other completion", [409], "the CTI", [r.status for r in refused])


@then("the CTI announced the call completed exactly once")
@needs("event_stream")
def completed_once(events, journey):
    """Waits for the CTI's announcement that the scenario's call was completed, then checks there is exactly
    one for the call."""
    call_id = journey.require_call()
    events.wait_for("interaction.completed", system="cti", interaction_id=call_id)
    expect_value(f"the CTI's announcements that call {call_id} completed", 1, "the CTI event stream",
                 len(events.of_type("interaction.completed", interaction_id=call_id)))


@when(parsers.parse('{first} and {second} change {who}\'s email at the same moment, to "{one}" and "{other}"'))
def two_agents_change_email(first, second, who, one, other, actors, crm, personas, journey):
    """Two agents (Maya and Leo), each signed in to the CRM's API with their own login, change the
    customer's email at the same moment, to the two addresses given. Remembers what each was answered."""
    contact_id = personas[who].id
    sessions = [crm.as_user(actors.user(name).username, actors.user(name).password) for name in (first, second)]
    writes = [_outcome(lambda s=session, e=email: s.update_contact(contact_id, email=e))
              for session, email in zip(sessions, (one, other))]
    journey.notes["race"] = at_the_same_moment(*writes)


@then(parsers.parse("the CRM has exactly one contact with {who}'s number"))
def one_contact_with_number(who, crm, personas):
    """Searches the CRM by the customer's phone number and checks exactly one contact has it: the scenario's
    own (racing saves made no copy)."""
    found = crm.find_contacts(phone=personas[who].phone)
    expect_value(f"the CRM contacts with {who}'s number", [personas[who].id], "the CRM", [c.id for c in found])


@then(parsers.parse('{who}\'s email in the CRM is one of "{one}" and "{other}"'))
def email_is_one_of(who, one, other, crm, personas, journey):
    """Checks both racing saves were answered (taken, or refused as a conflict, never a server error) and the
    contact's email is one of the two addresses, whole, not a mix or the old one."""
    for answer in journey.notes["race"]:
        assert not isinstance(answer, Refused) or answer.status == 409, f"a racing save was refused: {answer}"
    email = crm.contact(personas[who].id).email
    assert email in (one, other), f"the CRM has {who}'s email as {email!r}, neither {one!r} nor {other!r}"


@then(parsers.parse("the contact record shows {who}'s email as the CRM has it"))
def record_shows_email(who, desktop, journey, crm, personas):
    """On the open contact record in the console: the Email field shows the address the CRM has now."""
    email = crm.contact(personas[who].id).email
    desktop.console(journey.desk_agent).contact_record.expect_field_value("Email", email)
