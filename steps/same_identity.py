"""The same call or contact written twice at the same moment (two tabs, two agents): the systems keep
exactly one record. The writes go through the ports, released together (fixtures/concurrency.py)."""
from __future__ import annotations

import uuid

from pytest_bdd import parsers, then, when

from deskcheck.capabilities import needs
from deskcheck.ports import Refused
from deskcheck.records import FormSubmission
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


@when(parsers.re(r'(?P<who>\w+) posts the "(?P<form>[^"]+)" form twice at the same moment, '
                 r'with (?P<ids>one submission id|two submission ids)$'))
@needs("marketing")
def form_posted_twice(who, form, ids, marketing, personas, journey):
    """The customer posts the web form (to marketing) twice at the same moment with their name, phone and a
    fresh email address, each post through its own connection: "with one submission id" is a double click
    the browser sent twice, "with two submission ids" two tabs. Remembers marketing's answers and the email."""
    persona = personas[who]
    email = f"{persona.first_name.lower()}.{uuid.uuid4().hex[:8]}@example.test"
    posts = [FormSubmission(f"form-{uuid.uuid4().hex[:10]}", form, email, persona.first_name, persona.last_name,
                            persona.phone)]
    posts.append(posts[0] if ids.startswith("one") else
                 FormSubmission(f"form-{uuid.uuid4().hex[:10]}", form, email, persona.first_name, persona.last_name,
                                persona.phone))
    sessions = [marketing.new_session(), marketing.new_session()]
    try:
        journey.notes["race"] = at_the_same_moment(*(_outcome(lambda s=session, p=post: s.submit_form(p))
                                                     for session, post in zip(sessions, posts)))
    finally:
        for session in sessions:
            session.close()
    journey.notes["email"] = email


@then(parsers.parse("marketing took one post as new and the other as {who}'s again"))
@needs("marketing")
def one_new_one_repeat(who, journey):
    """Checks both posts were taken (no refusal) on one and the same marketing contact, and exactly one of them
    made it new (the other answered as a repeat of the same post, or as a post for a known contact)."""
    answers = journey.notes["race"]
    refused = [a for a in answers if isinstance(a, Refused)]
    assert not refused, f"marketing refused a post of {who}'s form: {refused[0]}"
    expect_value(f"the marketing contacts {who}'s two posts landed on", 1, "marketing",
                 len({a.contact_id for a in answers}))
    expect_value(f"how many of {who}'s two posts made a new contact", 1, "marketing",
                 sum(1 for a in answers if a.new_contact and not a.duplicate))


@then(parsers.parse("marketing has exactly one contact with {who}'s email"))
@needs("marketing")
def one_marketing_contact(who, marketing, journey):
    """Checks marketing holds exactly one contact with the email the customer posted."""
    email = journey.notes["email"]
    expect_value(f"the marketing contacts with {who}'s email {email}", 1, "marketing",
                 len(marketing.contacts(email=email)))


@when(parsers.parse("a sales call log for {who} reaches the CRM twice at the same moment"))
def call_log_twice(who, crm, personas, journey):
    """The same completed sales call on the customer's contact (as a dialler or the CTI's outbox would
    deliver it, twice) is written to the CRM twice at the same moment. The call becomes the scenario's call."""
    call_id = f"sales-call-{uuid.uuid4().hex[:10]}"
    write = _outcome(lambda: crm.log_call(call_id, personas[who].id, direction="outbound", queue="sales",
                                          disposition="RESOLVED"))
    journey.notes["race"] = at_the_same_moment(write, write)
    journey.call_id = call_id


@then("both deliveries were answered without a server error")
def both_answered(journey):
    """Checks the CRM answered both racing deliveries with the stored call log (a repeat is not an error)."""
    refused = [a for a in journey.notes["race"] if isinstance(a, Refused)]
    assert not refused, f"the CRM refused a repeated delivery of the call log: {refused[0]}"
