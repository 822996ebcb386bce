"""Tickets: opened by email, phone or chat; SLA timers on business hours; the ticket linked to the CRM record
(the agent's work in the helpdesk's ticket view: steps/ticket_view.py).

Backend checks read :class:`deskcheck.records.Ticket` records through the helpdesk port (its SLA clocks in
business time), the CRM port (the tickets and follow-ups on a contact's record) and the CTI port (callbacks).
"""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from deskcheck.capabilities import needs
from deskcheck.names import ACTOR, PERSONA, phrase
from deskcheck.records import Ticket
from fixtures.agreement import expect_value
from fixtures.eventually import eventually
from steps._tickets import HOUR, current_ticket, current_ticket_id

NOTIFICATION_SUBJECTS = ("We received your request", "Update on", "is now solved")


def _email(persona) -> str:
    """The email address the scenario gave the customer when it created them."""
    return persona.extra["email"]


def _expect_linked_in_crm(crm, contact_id, ticket_id: str) -> Ticket:
    """The CRM lists the ticket on the contact's record; returns the CRM's view of it."""
    linked = {t.id: t for t in crm.linked_tickets(contact_id)}
    assert ticket_id in linked, \
        f"the CRM record of contact {contact_id} does not list helpdesk ticket {ticket_id} (it lists: {sorted(linked)})"
    return linked[ticket_id]


# --- given ----------------------------------------------------------------------------------------

@given(parsers.parse('a customer "{name}" with a {priority} priority phone ticket "{subject}"'))
@needs("helpdesk")
def customer_with_ticket(name, priority, subject, personas, helpdesk, journey):
    """Set-up: creates the customer in the CRM, then opens a phone ticket for them in the helpdesk with this
    subject and priority (low, normal, high or urgent; the priority sets the SLA targets), linked to their CRM
    contact. It becomes "the ticket" of the scenario."""
    persona = personas.customer(name)
    journey.notes["ticket"] = helpdesk.create_ticket(
        subject, "phone", priority=priority, contact_id=persona.id, requester_email=_email(persona),
        requester_name=persona.full_name).id


@given(phrase('{customer:Persona} has an email ticket "{subject}"'))
@needs("helpdesk")
def customer_has_email_ticket(customer, subject, personas, helpdesk, journey):
    """Set-up: opens an email ticket in the helpdesk for a customer made earlier, with this subject and a first
    message from them, linked to their CRM contact. It becomes "the ticket" of the scenario."""
    persona = personas[customer]
    journey.notes["ticket"] = helpdesk.create_ticket(
        subject, "email", contact_id=persona.id, requester_email=_email(persona),
        requester_name=persona.full_name, description=f"{subject}: please help").id


@given(phrase("{agent:Actor} has answered the ticket"))
@when(phrase("{agent:Actor} answers the ticket"))
@needs("helpdesk")
def agent_answered(agent, helpdesk, journey, actors):
    """The agent's public reply "We are looking into it." is added to the scenario's ticket in the helpdesk, by
    email, through the helpdesk's API (not the ticket view: for replying on screen see "writes on the ticket").
    This meets the first-reply SLA. A Given for the set-up; the When form does the same mid-scenario."""
    helpdesk.comment(current_ticket_id(journey), "We are looking into it.", actors.user(agent).name, channel="email")


@given("no agent is taking calls on the support line")
def nobody_available(actors, desktop, cti, journey):
    """Set-up: Maya goes Not ready (Break) in the CTI; her softphone shows "Not ready (Break)" and the CTI
    counts no agent available on the support queue. Maya becomes the agent at the desk."""
    agent = actors.user("Maya")
    cti.set_agent_state(agent.username, "NOT_READY", "Break")
    desktop.console("Maya").softphone.expect_state("Not ready (Break)")
    journey.desk_agent = journey.desk_agent or "Maya"
    expect_value("the agents available on the support queue", 0, "the CTI", cti.queue("support").agents_available)


# --- the customer writes ------------------------------------------------------------------------------

@when(phrase('{customer:Persona} emails support "{subject}" saying "{body}"'))
@needs("helpdesk")
def customer_emails(customer, subject, body, personas, helpdesk, journey):
    """The customer's email (subject and text) reaches the helpdesk from their address: a new email ticket,
    which becomes "the ticket" of the scenario."""
    journey.notes["ticket"] = helpdesk.receive_email(_email(personas[customer]), subject, body).id


@when(phrase('{customer:Persona} replies by email "{body}"'))
@needs("helpdesk")
def customer_replies_by_email(customer, body, personas, helpdesk, journey):
    """The customer answers the ticket's email thread with this text; the helpdesk adds it to the ticket."""
    helpdesk.receive_reply(current_ticket_id(journey), _email(personas[customer]), body)
    journey.notes["customer_reply"] = body


# --- what the helpdesk and the CRM hold --------------------------------------------------------------

METRIC = r"(?P<metric>first reply|resolution)"  # the two SLA clocks of a ticket


def _metric(words: str) -> str:
    return words.replace(" ", "_")


@then(parsers.re(rf"the helpdesk has the {METRIC} timer paused with (?P<hours>\d+) hours left$"))
@needs("helpdesk")
def sla_paused(metric, hours, helpdesk, journey):
    """Checks in the helpdesk: the ticket's SLA clocks are paused (waiting for the customer), and the first-reply
    or resolution clock (as given) is paused with exactly this many business hours left."""
    ticket = current_ticket(helpdesk, journey)
    clock = ticket.sla_clock(_metric(metric))
    expect_value(f"the {metric} SLA of ticket {ticket.id} (clocks paused, state, business seconds left)",
                 (True, "paused", int(hours) * HOUR), "the helpdesk",
                 (ticket.sla_paused, clock.state, clock.remaining_seconds))


@then(parsers.re(rf"the helpdesk has the ticket open again with the {METRIC} timer running and (?P<hours>\d+) hours "
                 r"left$"))
@needs("helpdesk", "event_stream")
def sla_resumed(metric, hours, helpdesk, journey, events):
    """Checks in the helpdesk: the ticket is open, its first-reply or resolution clock (as given) runs with exactly
    this many business hours left, and the helpdesk announced the change from pending to open."""
    ticket = current_ticket(helpdesk, journey)
    clock = ticket.sla_clock(_metric(metric))
    expect_value(f"ticket {ticket.id} (status, {metric} clock, business seconds left)",
                 ("open", "running", int(hours) * HOUR), "the helpdesk",
                 (ticket.status, clock.state, clock.remaining_seconds))
    events.wait_for("ticket.status_changed", system="helpdesk", ticket=ticket.id, status="open", previous_status="pending")


@then(parsers.re(rf"the helpdesk warned that the {METRIC} SLA of the ticket is close$"))
@needs("helpdesk", "event_stream")
def sla_warned(metric, helpdesk, journey, events):
    """Waits for the helpdesk's SLA warning about the ticket's first reply or resolution (as given; it warns once
    75 % of the target is used, docs/glossary.md#slas), then checks that clock is in its warning state."""
    events.wait_for("ticket.sla_warning", system="helpdesk", ticket=current_ticket_id(journey), metric=_metric(metric))
    expect_value(f"the {metric} SLA clock of ticket {current_ticket_id(journey)}", "warning", "the helpdesk",
                 current_ticket(helpdesk, journey).sla_clock(_metric(metric)).state)


@then(parsers.re(rf'the helpdesk breached the {METRIC} SLA and escalated the ticket to "(?P<group>[^"]+)" with priority '
                 r'"(?P<priority>[^"]+)"$'))
@needs("helpdesk", "event_stream")
def sla_breached(metric, group, priority, helpdesk, journey, events):
    """Waits for the helpdesk's announcements that the ticket's first-reply or resolution SLA (as given) was
    breached and the ticket escalated to the group; then checks that clock is breached and the ticket is escalated
    to that group with this priority (a breach raises it one step, e.g. high to urgent)."""
    events.wait_for("ticket.sla_breached", system="helpdesk", ticket=current_ticket_id(journey), metric=_metric(metric))
    events.wait_for("ticket.escalated", system="helpdesk", ticket=current_ticket_id(journey), group=group)
    ticket = current_ticket(helpdesk, journey)
    expect_value(f"ticket {ticket.id} ({metric} clock, escalated, group, priority)", ("breached", True, group, priority),
                 "the helpdesk",
                 (ticket.sla_clock(_metric(metric)).state, ticket.escalated, ticket.group, ticket.priority))


@then(parsers.re(rf"the helpdesk has the {METRIC} due at (?P<day>\w+) (?P<hhmm>\d\d:\d\d)$"))
@needs("helpdesk", "clock")
def sla_due(metric, day, hhmm, helpdesk, journey, business_time):
    """Checks in the helpdesk: the ticket's first reply or resolution (as given) is due at the weekday and time
    (e.g. Monday 13:00), the next such moment on the target's clock; business hours are weekdays 09:00-17:00."""
    expect_value(f"the {metric} due time of ticket {current_ticket_id(journey)}", business_time.iso(day, hhmm),
                 "the helpdesk", current_ticket(helpdesk, journey).sla_clock(_metric(metric)).due_at)


@then(phrase('the helpdesk has an email ticket "{subject}" linked to {customer:Persona}\'s CRM record'))
@needs("helpdesk")
def email_ticket_linked(subject, customer, helpdesk, journey, personas, crm):
    """Checks in the helpdesk: the ticket is an email ticket with this subject, linked to the customer's CRM
    contact (found by their email address); and the CRM lists the ticket on the customer's record."""
    ticket = current_ticket(helpdesk, journey)
    contact_id = personas[customer].id
    expect_value(f"ticket {ticket.id} (subject, channel, CRM contact)", (subject, "email", contact_id), "the helpdesk",
                 (ticket.subject, ticket.channel, ticket.contact_id))
    _expect_linked_in_crm(crm, contact_id, ticket.id)


@then(phrase("the bot confirms {customer:Persona}'s support request is closed"))
@needs("helpdesk")
def bot_confirms_closed(customer, journey, helpdesk):
    """In the customer's chat widget: the bot replies "Your support request <ticket> is now closed."; the
    helpdesk has the ticket solved."""
    journey.notes["widgets"][customer].expect_reply(f"Your support request {current_ticket_id(journey)} is now closed.")
    eventually(lambda: current_ticket(helpdesk, journey), until=lambda t: t.status == "solved",
               description=f"ticket {current_ticket_id(journey)} solved in the helpdesk")


@then("the helpdesk has the ticket solved with messages from email, phone and chat")
@needs("helpdesk")
def solved_across_channels(helpdesk, journey):
    """Checks in the helpdesk: the ticket is solved and its messages came by email, then phone, then chat, in
    that order and no others."""
    ticket = current_ticket(helpdesk, journey)
    expect_value(f"the status of ticket {ticket.id}", "solved", "the helpdesk", ticket.status)
    expect_value(f"the channels of the messages on ticket {ticket.id}", ["email", "phone", "chat"], "the helpdesk",
                 [c.channel for c in ticket.comments])


@then(phrase("{customer:Persona} was emailed about the new ticket, the reply and the solution"))
@needs("helpdesk")
def customer_notified(customer, helpdesk, journey, personas):
    """Checks the helpdesk's notifications for the ticket: all went to the customer's email address, and among
    them are "We received your request", "Update on ..." (the agent's reply) and "... is now solved"."""
    notes = helpdesk.notifications(current_ticket_id(journey))
    expect_value(f"the addresses notified about ticket {current_ticket_id(journey)}", {_email(personas[customer])},
                 "the helpdesk", {n.to for n in notes})
    subjects = [n.subject for n in notes]
    expect_value(f"the notifications about ticket {current_ticket_id(journey)} missing", [], "the helpdesk",
                 [wanted for wanted in NOTIFICATION_SUBJECTS if not any(wanted in s for s in subjects)])


def _record_shows_ticket(customer, agent, status, desktop, personas, journey, crm):
    record = desktop.console(agent).open_contact(personas[customer].full_name, personas[customer].phone)
    record.expect_ticket(current_ticket_id(journey), status)
    linked = _expect_linked_in_crm(crm, personas[customer].id, current_ticket_id(journey))
    expect_value(f"the status of ticket {linked.id} on {customer}'s CRM record", status, "the CRM", linked.status_label)
    return record


@then(parsers.re(rf'(?P<customer>{PERSONA})\'s record in (?P<agent>{ACTOR})\'s console shows the ticket as "(?P<status>[^"]+)"$'))
@needs("helpdesk")
def record_shows_ticket(customer, agent, status, desktop, personas, journey, crm):
    """In the agent's CRM console: the customer's contact record lists the ticket with the status as written
    (e.g. "Solved"); the CRM lists the ticket on the record with that status."""
    _record_shows_ticket(customer, agent, status, desktop, personas, journey, crm)


@then(parsers.re(rf'(?P<customer>{PERSONA})\'s record in (?P<agent>{ACTOR})\'s console shows the ticket as "(?P<status>[^"]+)"'
                 r' and the next action "(?P<action>[^"]+)"$'))
@needs("helpdesk", "callbacks")
def record_shows_ticket_and_action(customer, agent, status, action, desktop, personas, journey, crm):
    """As above, and the record also shows "Next action: <action>" (e.g. "Call back (abandoned call)"); the CRM
    has a follow-up with that next action for the customer."""
    record = _record_shows_ticket(customer, agent, status, desktop, personas, journey, crm)
    record.expect_follow_up(f"Next action: {action}")
    expect_value(f"a follow-up {action!r} for {customer} in the CRM", True, "the CRM",
                 action in [f.next_action for f in crm.follow_ups(contact_id=personas[customer].id)])


@then("the helpdesk ticket and the CRM list each other")
@needs("helpdesk")
def linked_both_ways(helpdesk, journey, crm):
    """Checks the helpdesk ticket names a CRM contact, and the CRM lists the ticket on that contact's record."""
    ticket = current_ticket(helpdesk, journey)
    assert ticket.contact_id is not None, f"{ticket.describe()} is linked to no CRM contact"
    _expect_linked_in_crm(crm, ticket.contact_id, ticket.id)


@then(phrase("the helpdesk has an abandoned-call ticket for {customer:Persona} from the phone"))
@needs("helpdesk")
def abandoned_ticket(customer, helpdesk, journey, personas):
    """Waits for the helpdesk ticket raised from the call the customer abandoned: a phone ticket linked to the
    customer's CRM contact, tagged abandoned-call, carrying the call's correlation id. It becomes "the ticket"."""
    call_id = journey.require_call()
    ticket = eventually(lambda: helpdesk.tickets(source_ref=call_id), until=lambda found: found,
                        description=f"the helpdesk ticket raised from the abandoned call {call_id}")[0]
    expect_value(f"ticket {ticket.id} (channel, CRM contact, tagged abandoned-call, correlation id)",
                 ("phone", personas[customer].id, True, journey.correlation_id), "the helpdesk",
                 (ticket.channel, ticket.contact_id, "abandoned-call" in ticket.tags, ticket.correlation_id))
    journey.notes["ticket"] = ticket.id


@then(phrase("the CTI scheduled a callback for {customer:Persona}'s abandoned call"))
@needs("callbacks")
def callback_for_abandoned(customer, cti, personas, journey):
    """Checks the CTI's callbacks to the customer's number: exactly one, scheduled, because the call was
    abandoned, and raised from that call."""
    callbacks = cti.callbacks(number=personas[customer].phone)
    expect_value(f"the callbacks to {customer} (reason, status, from call)",
                 [("abandoned", "scheduled", journey.require_call())], "the CTI",
                 [(c.reason, c.status, c.origin_call_id) for c in callbacks])
