"""Steps for the marketing_sync area, what marketing does with contacts and what agents see of it:
campaigns and enrolment, emails and web forms, lead score triggers, consent on the agent desktop, and
one customer on several journeys at once.

The sync itself (touchpoints, import, outages, reconciliation): steps/marketing_sync.py. Everything
goes through the ``marketing``, ``crm`` and ``cti`` ports and the console's page objects.
"""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from pytest_bdd import given, parsers, then, when

from deskcheck.capabilities import needs
from deskcheck.names import ACTOR, PERSONA
from deskcheck.ports import Refused
from deskcheck.records import FormSubmission
from fixtures.agreement import expect_agreement, expect_value
from fixtures.eventually import eventually
from fixtures.reporting import soft_attach

NAME = r'"(?P<name>[^"]+)"'
TIMES = {"0 times": 0, "once": 1, "twice": 2}


def _expect_refused(action, what: str, reason_words: str) -> Refused:
    """The action must be refused by the system, for a reason that names ``reason_words``."""
    try:
        done = action()
    except Refused as refusal:
        if reason_words.casefold() not in refusal.reason.casefold():
            raise AssertionError(f"{what} was refused, but not because of {reason_words!r}: {refusal}") from None
        return refusal
    raise AssertionError(f"{what} should be refused ({reason_words}), yet it went through: {done}")


# --- campaigns --------------------------------------------------------------------------------------

@given(parsers.re(r'a customer ' + NAME + r' in the "(?P<nurture>[^"]+)" nurture'))
@needs("marketing")
def customer_in_nurture(name, nurture, marketing_sync):
    """Set-up: a new CRM contact with that full name synced to marketing, enrolled in a new nurture of that
    name, which has sent them its welcome email."""
    contact = marketing_sync.synced_customer(name)
    campaign = marketing_sync.campaign(nurture, "nurture")
    marketing_sync.marketing.enrol(campaign.id, contact_id=contact.id)
    marketing_sync.marketing.send_email(contact.id, f"{nurture}: welcome", campaign.id)


@given(parsers.re(rf'(?P<first>{PERSONA}) is in the "(?P<nurture>[^"]+)" nurture'))
@needs("marketing")
def synced_customer_in_nurture(first, nurture, marketing_sync):
    """Set-up in marketing: enrols the (already synced) customer in a new nurture of that name."""
    contact = marketing_sync.in_marketing(first)
    marketing_sync.marketing.enrol(marketing_sync.campaign(nurture, "nurture").id, contact_id=contact.id)


@given(parsers.parse('the nurture "{name}" exists'))
@needs("marketing")
def nurture_exists(name, marketing_sync):
    """Set-up in marketing: a new nurture campaign of that name, with no members."""
    marketing_sync.campaign(name, "nurture")


@given(parsers.parse('the webinar "{name}" is open for registration'))
@needs("marketing")
def webinar_open(name, marketing_sync):
    """Set-up in marketing: a new webinar campaign of that name; its registration form signs people up."""
    marketing_sync.campaign(name, "webinar")


@when(parsers.re(rf'marketing is asked to enrol (?P<first>{PERSONA}) in "(?P<nurture>[^"]+)" before (?P=first) exists$'))
@needs("marketing")
def enrol_before_exists(first, nurture, marketing_sync):
    """In marketing: enrols the prospect, known only by a new email address, in the nurture before any
    contact with that email exists (the address is kept for when the prospect is added to the CRM)."""
    name = marketing_sync.prospect(first)
    email = f"{first.lower()}.{uuid.uuid4().hex[:6]}@example.test"
    marketing_sync.prospects[name] = {"email": email}
    marketing_sync.enrolment = marketing_sync.marketing.enrol(marketing_sync.campaigns[nurture].id, email=email)


@then(parsers.re(rf'(?P<first>{PERSONA})\'s enrolment in "(?P<nurture>[^"]+)" is waiting'))
@needs("marketing")
def enrolment_waiting(first, nurture, marketing_sync):
    """Checks marketing answered the enrolment as waiting, and that the nurture has exactly one member:
    a waiting enrolment for a contact not created yet."""
    expect_value(f"the answer to {first}'s enrolment", "waiting", "marketing",
                 marketing_sync.enrolment.status if marketing_sync.enrolment else None)
    campaign = marketing_sync.marketing.campaign(marketing_sync.campaigns[nurture].id)
    expect_value(f"the members of {nurture!r}", [("waiting", None)], "marketing",
                 [(m.status, m.contact_id) for m in campaign.members])


@then(parsers.re(rf'(?P<first>{PERSONA}) is enrolled in "(?P<nurture>[^"]+)" after his contact was created'))
@needs("marketing")
def enrolled_after_creation(first, nurture, marketing_sync):
    """Checks the nurture's only member is now the customer's marketing contact, enrolled, and that the
    enrolment happened no earlier than the contact's creation (which came after the request)."""
    contact = marketing_sync.in_marketing(first)
    campaign = marketing_sync.marketing.campaign(marketing_sync.campaigns[nurture].id)
    expect_value(f"the members of {nurture!r}", [(contact.id, "enrolled")], "marketing",
                 [(m.contact_id, m.status) for m in campaign.members])
    member = campaign.members[0]
    if not member.enrolled_at >= contact.created_at >= member.requested_at:
        raise AssertionError(f"{first} should be enrolled only once the contact exists: requested {member.requested_at}, "
                             f"contact created {contact.created_at}, enrolled {member.enrolled_at}")


# --- emails, unsubscribes, forms --------------------------------------------------------------------

@when(parsers.re(rf"marketing sends (?P<first>{PERSONA}) the email \"(?P<subject>[^\"]+)\""))
@needs("marketing")
def marketing_sends_email(first, subject, marketing_sync):
    """In marketing: sends the customer an email with that subject (outside any campaign)."""
    marketing_sync.marketing.send_email(marketing_sync.in_marketing(first).id, subject)


@when(parsers.re(rf"(?P<first>{PERSONA}) unsubscribes from marketing email"))
@needs("marketing")
def unsubscribes(first, marketing_sync):
    """In marketing: the customer unsubscribes from marketing email (a consent change taken by marketing)."""
    marketing_sync.marketing.unsubscribe(marketing_sync.in_marketing(first).id)


@then(parsers.re(rf"the CRM timeline shows the marketing email \"(?P<subject>[^\"]+)\" for (?P<first>{PERSONA})"))
def crm_timeline_email(subject, first, personas, crm):
    """Checks the customer's CRM timeline has the email with that subject exactly once, as an outbound
    email logged by marketing."""
    emails = [log for log in crm.call_logs(contact_id=personas[first].id) if log.subject == subject]
    if len(emails) != 1:
        raise AssertionError(f"the CRM timeline of {first} should show the email {subject!r} once: "
                             + ("; ".join(log.describe("kind", "source") for log in emails) or "it has none"))
    expect_value(f"the kind, source and direction of the email {subject!r} on {first}'s CRM timeline",
                 ("email", "marketing", "outbound"), "the CRM", (emails[0].kind, emails[0].source, emails[0].direction))


@when(parsers.re(r'(?P<people>\d+) people register for "(?P<webinar>[^"]+)" at the same moment, (?P<twice>\d+) of them twice'))
@needs("marketing")
def people_register(people, webinar, twice, marketing_sync):
    """Posts that many webinar registration forms at once from 32 parallel visitors (synthetic people,
    each a new email); that many of them post the same form a second time, as a double click does."""
    marketing_sync.register_many(webinar, int(people), int(twice))


@then(parsers.re(r'marketing has exactly (?P<people>\d+) registrants in "(?P<webinar>[^"]+)"'))
@needs("marketing")
def registrants(people, webinar, marketing_sync):
    """Checks the webinar has exactly that many enrolled members, all different contacts, and that
    marketing answered every repeated post as a duplicate of the first."""
    campaign = marketing_sync.marketing.campaign(marketing_sync.campaigns[webinar].id)
    enrolled = [m.contact_id for m in campaign.with_status("enrolled")]
    expect_value(f"the enrolled members of {webinar!r} (distinct contacts)", (int(people), int(people)), "marketing",
                 (len(enrolled), len(set(enrolled))))
    burst = marketing_sync.registrations
    expect_value("the repeated posts answered as duplicates", burst.posted - burst.people, "marketing",
                 burst.duplicates_answered)


@then(parsers.re(r"the CRM has exactly one contact for each of the (?P<people>\d+) registrants"))
@needs("marketing")
def one_crm_contact_each(people, marketing_sync):
    """Checks every registrant's marketing contact is linked to its own CRM contact, and that the CRM
    contacts carry exactly the registrants' emails."""
    mine = set(marketing_sync.marketing_ids)
    contacts = [c for c in marketing_sync.marketing.contacts(origin="form") if c.id in mine]
    crm_ids = [c.crm_id for c in contacts]
    if len(contacts) != int(people) or None in crm_ids or len(set(crm_ids)) != int(people):
        raise AssertionError(f"each of the {people} registrants should have one CRM contact: marketing has "
                             f"{len(contacts)} contacts linked to {len(set(crm_ids) - {None})} distinct CRM contacts")
    for crm_id in crm_ids:
        marketing_sync.track(crm_id=crm_id)
    expect_value("the registrants' emails", sorted(marketing_sync.registrations.emails), "the CRM",
                 sorted(c.email for c in marketing_sync.crm.contacts(crm_ids)))


@then("the registration throughput is in the report")
@needs("marketing")
def throughput_reported(marketing_sync):
    """Attaches to the report how many registration posts marketing took per second, from how many
    parallel visitors; the rate must be above zero."""
    burst = marketing_sync.registrations
    soft_attach(burst.summary(), "registration throughput")
    if burst.per_second <= 0:
        raise AssertionError(f"no registration throughput: {burst.summary()}")


# --- lead score triggers ----------------------------------------------------------------------------

@given(parsers.re(r'a "(?P<name>[^"]+)" trigger at a lead score of (?P<threshold>\d+)'
                  r'(?: that (?P<refire>does not fire again|fires again) on a new crossing| starts watching)$'))
@needs("marketing")
def score_trigger(name, threshold, refire, marketing_sync):
    """Set-up in marketing: a lead score trigger that fires when a contact's score reaches the threshold
    from below and sets the stage MQL; it "fires again" after the score dipped below and climbs back
    only when set up to ("starts watching" and "does not fire again": it fires once per contact). It
    is retired at the end of the scenario."""
    marketing_sync.triggers[name] = marketing_sync.marketing.create_score_trigger(
        f"{name} {uuid.uuid4().hex[:6]}", int(threshold), refire_on_recross=refire == "fires again")


@given(parsers.re(rf"(?P<first>{PERSONA})'s lead score is (?P<score>\d+)$"))
@needs("marketing")
def lead_score_is(first, score, marketing_sync):
    """Set-up in marketing: sets the customer's lead score to that number."""
    marketing_sync.marketing.set_score(marketing_sync.in_marketing(first).id, int(score))


@when(parsers.re(rf"(?P<first>{PERSONA})'s lead score changes by (?P<delta>-?\d+)$"))
@needs("marketing")
def lead_score_changes(first, delta, marketing_sync):
    """In marketing: moves the customer's lead score up (or down, with a minus sign) by that many points."""
    marketing_sync.marketing.change_score(marketing_sync.in_marketing(first).id, int(delta))


@then(parsers.re(rf'the "(?P<name>[^"]+)" trigger has fired (?P<times>0 times|once|twice) for (?P<first>{PERSONA})'))
@needs("marketing")
def trigger_fired(name, times, first, marketing_sync):
    """Checks how many times the trigger fired for the customer: "0 times", "once" or "twice"."""
    contact_id = marketing_sync.in_marketing(first).id
    trigger = marketing_sync.marketing.score_trigger(marketing_sync.triggers[name].id)
    expect_value(f"how often the {name!r} trigger fired for {first} ({trigger.describe()})", TIMES[times],
                 "marketing", trigger.times_fired_for(contact_id))


@then(parsers.re(rf"the CRM shows (?P<first>{PERSONA})'s lead score as (?P<score>\d+) and stage \"(?P<stage>[^\"]*)\""))
@needs("marketing", "clock")
def crm_shows_score(first, score, stage, marketing_sync, controls):
    """Lets one sync interval pass on the clock, then waits until the customer's CRM contact has that
    lead score; checks the CRM and marketing agree on the score and the lifecycle stage (empty: none)."""
    controls.advance_clock(marketing_sync.sync_interval)
    crm_id = marketing_sync.personas[first].id
    contact = eventually(lambda: marketing_sync.crm.contact(crm_id), until=lambda c: c.lead_score == int(score),
                         description=f"{first}'s lead score {score} in the CRM",
                         describe=lambda c: c.describe("lead_score", "lifecycle_stage"))
    in_marketing = marketing_sync.in_marketing(first)
    expect_agreement(f"{first}'s lead score", int(score), {"the CRM": contact.lead_score,
                                                            "marketing": in_marketing.lead_score})
    expect_agreement(f"{first}'s lifecycle stage", stage or None, {"the CRM": contact.lifecycle_stage,
                                                                    "marketing": in_marketing.lifecycle_stage})


# --- the agent desktop ------------------------------------------------------------------------------

@then(parsers.re(r'the console timeline shows the marketing email "(?P<subject>[^"]+)"'))
def console_timeline_email(subject, desktop, journey, personas, crm):
    """On the contact record open in the console: the timeline shows the marketing email with that
    subject; the CRM has that email on the contact's timeline."""
    desktop.console(journey.desk_agent).contact_record.expect_marketing_email(subject)
    first = journey.notes["open_record"]
    logged = [log for log in crm.call_logs(contact_id=personas[first].id) if log.kind == "email" and log.subject == subject]
    expect_value(f"the emails {subject!r} on {first}'s record", 1, "the CRM", len(logged))


@then(parsers.re(rf'the console shows "(?P<flag>Do not email|Do not call)" for (?P<first>{PERSONA})'))
def console_shows_flag(flag, first, desktop, journey, personas, crm):
    """On the contact record open in the console: the consent flag ("Do not email" or "Do not call") is
    shown; the CRM contact has the flag set (email opt-out or do-not-call)."""
    desktop.console(journey.desk_agent).contact_record.expect_flag(flag)
    contact = crm.contact(personas[first].id)
    shown = contact.email_opt_out if flag == "Do not email" else contact.do_not_call
    expect_value(f"{first}'s {flag!r} flag", True, "the CRM", shown)


@then(parsers.re(rf"(?P<agent>{ACTOR}) cannot email (?P<first>{PERSONA}) from the console"))
def cannot_email(agent, first, desktop, personas, crm):
    """On the contact record open in the agent's console: emailing is blocked. The CRM itself refuses an
    email to the customer ("Do not email"), and the customer's CRM timeline has no email other than
    marketing's."""
    desktop.console(agent).contact_record.expect_email_blocked()
    contact_id = personas[first].id
    _expect_refused(lambda: crm.email_contact(contact_id, "Checking in"), f"an email to {first} in the CRM",
                    "Do not email")
    sent = [log.describe("subject", "source") for log in crm.call_logs(contact_id=contact_id)
            if log.kind == "email" and log.source != "marketing"]
    expect_value(f"emails to {first} not sent by marketing", [], "the CRM", sent)


@then(parsers.re(rf"(?P<agent>{ACTOR}) cannot call (?P<first>{PERSONA}) from the console"))
def cannot_call(agent, first, desktop, actors, personas, cti):
    """On the contact record open in the agent's console: the Call button is blocked. The CTI itself
    refuses the agent's call to the customer's number ("do-not-call") and has no call of the agent to it."""
    desktop.console(agent).contact_record.expect_call_blocked()
    persona, username = personas[first], actors.user(agent).username
    _expect_refused(lambda: cti.dial(username, persona.phone, record_id=persona.id),
                    f"{agent}'s call to {first} in the CTI", "do-not-call")
    placed = [i.describe() for i in cti.interactions(agent=username) if i.from_number == persona.phone]
    expect_value(f"{agent}'s calls to {first} ({persona.phone})", [], "the CTI", placed)


# --- parallel journeys ------------------------------------------------------------------------------

@when(parsers.re(rf'at the same time the nurture emails (?P<first>{PERSONA}) "(?P<subject>[^"]+)", (?P=first) registers '
                 r'for "(?P<webinar>[^"]+)" and sales logs a call with (?P=first)$'))
@needs("marketing")
def parallel_touches(first, subject, webinar, marketing_sync):
    """At the same moment: the scenario's nurture emails the customer with that subject (marketing), the
    customer posts the webinar's registration form with their own details (marketing), and a sales agent
    logs a completed outbound call with them (CRM)."""
    contact, persona = marketing_sync.in_marketing(first), marketing_sync.personas[first]
    nurture, campaign = marketing_sync.nurture(), marketing_sync.campaigns[webinar]
    call_id = f"sales-call-{uuid.uuid4().hex[:8]}"
    form = FormSubmission(f"reg-{uuid.uuid4().hex[:8]}", f"{webinar} registration", contact.email,
                          persona.first_name, persona.last_name, persona.phone, campaign=campaign.name)
    touches = [
        lambda: marketing_sync.marketing.send_email(contact.id, subject, nurture.id),
        lambda: marketing_sync.marketing.submit_form(form),
        lambda: marketing_sync.crm.log_call(call_id, persona.id, direction="outbound", queue="sales", agent="maya",
                                            disposition="CALLBACK"),
    ]
    with ThreadPoolExecutor(max_workers=len(touches)) as pool:
        list(pool.map(lambda touch: touch(), touches))
    marketing_sync.journey = [subject, form.form, campaign.name, call_id]


@when(parsers.re(rf'a minute later the nurture emails (?P<first>{PERSONA}) "(?P<subject>[^"]+)" while the scheduled sync runs'))
@needs("marketing", "clock")
def email_during_sync(first, subject, marketing_sync, controls):
    """Lets a minute pass on the clock, then the nurture emails the customer with that subject while a sync
    runs at the same moment."""
    controls.advance_clock(60)
    contact, nurture = marketing_sync.in_marketing(first), marketing_sync.nurture()
    with ThreadPoolExecutor(max_workers=2) as pool:
        sync = pool.submit(marketing_sync.marketing.run_sync)
        pool.submit(marketing_sync.marketing.send_email, contact.id, subject, nurture.id).result()
        sync.result()
    marketing_sync.journey.append(subject)


@then(parsers.re(rf"the CRM timeline has each of (?P<first>{PERSONA})'s activities once, in the order they happened"))
@needs("marketing")
def timeline_once_in_order(first, marketing_sync):
    """Checks the customer's CRM timeline holds every touch of the scenario exactly once (the emails, the
    form, the webinar registration, the sales call) and in the order they happened, the last email last."""
    expected = marketing_sync.journey
    timeline = list(reversed(marketing_sync.crm_timeline(first)))  # oldest first
    labels = [log.subject or log.call_id for log in timeline]
    expect_value(f"{first}'s activities on the CRM timeline (each once)", sorted(expected), "the CRM", sorted(labels))
    times = [log.occurred_at for log in timeline]
    if times != sorted(times) or labels[-1] != expected[-1]:
        raise AssertionError(f"{first}'s CRM timeline should be in the order things happened, {expected[-1]!r} last: "
                             + "; ".join(f"{label} at {at}" for label, at in zip(labels, times)))


@then(parsers.re(rf'marketing has one contact for (?P<first>{PERSONA}), in "(?P<one>[^"]+)" and "(?P<two>[^"]+)"'))
@needs("marketing")
def one_contact_two_campaigns(first, one, two, marketing_sync):
    """Checks marketing has exactly one contact with the customer's email, linked to their CRM contact,
    enrolled in both campaigns (the form post found the existing contact instead of making a new one)."""
    contact, crm_id = marketing_sync.in_marketing(first), marketing_sync.personas[first].id
    same_email = marketing_sync.marketing.contacts(email=contact.email)
    expect_value(f"the marketing contacts with {first}'s email, by CRM contact", [crm_id], "marketing",
                 [c.crm_id for c in same_email])
    expect_value(f"{first}'s campaigns", {marketing_sync.campaigns[one].name: "enrolled",
                                          marketing_sync.campaigns[two].name: "enrolled"},
                 "marketing", {c.campaign_name: c.status for c in contact.campaigns})
