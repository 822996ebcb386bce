"""Tickets: opened by email, phone or chat; SLA timers on business hours; the agent works them in the
helpdesk's ticket view, opened from the CRM console."""
from __future__ import annotations

import re

from pytest_bdd import given, parsers, then, when

from fixtures.eventually import eventually
from pages.contact_record import ContactRecord
from pages.ticket_view import TicketView

HOUR = 3600
STATUS_VALUES = {"Open": "open", "Pending customer": "pending", "Solved": "solved", "New": "new"}
SLA_TEXT = re.compile(r"^(?P<metric>First reply|Resolution): (?:(?P<done>met|breached)|due in (?P<h>\d+) h (?P<m>\d+) min"
                      r"(?P<warning> \(warning\))?|paused while pending customer \((?P<ph>\d+) h (?P<pm>\d+) min left\))$")


def _ticket(helpdesk_api, journey) -> dict:
    return helpdesk_api.ticket(journey.notes["ticket"])


def _view(journey) -> TicketView:
    return journey.notes["ticket_view"]


def assert_sla_matches(ticket: dict, text: str) -> None:
    """The helpdesk's SLA state agrees with what the ticket view says."""
    found = SLA_TEXT.match(text)
    assert found, f"not an SLA line this step knows: {text!r}"
    metric = ticket["sla"]["first_reply" if found["metric"] == "First reply" else "resolution"]
    if found["done"]:
        assert metric["state"] == found["done"], metric
    elif found["h"] is not None:
        assert metric["state"] == ("warning" if found["warning"] else "running"), metric
        assert metric["remaining_seconds"] == int(found["h"]) * HOUR + int(found["m"]) * 60, metric
    else:
        assert metric["state"] == "paused", metric
        assert metric["remaining_seconds"] == int(found["ph"]) * HOUR + int(found["pm"]) * 60, metric


# --- given ----------------------------------------------------------------------------------------

@given(parsers.parse('a customer "{name}" with a {priority} priority phone ticket "{subject}"'))
def customer_with_ticket(name, priority, subject, personas, helpdesk_api, journey):
    persona = personas.customer(name)
    journey.notes["ticket"] = helpdesk_api.create_ticket(
        subject, "phone", priority=priority, contact_id=persona.id, requester_email=persona.extra["email"],
        requester_name=persona.full_name)["id"]


@given(parsers.parse('{customer} has an email ticket "{subject}"'))
def customer_has_email_ticket(customer, subject, personas, helpdesk_api, journey):
    persona = personas[customer]
    journey.notes["ticket"] = helpdesk_api.create_ticket(
        subject, "email", contact_id=persona.id, requester_email=persona.extra["email"],
        requester_name=persona.full_name, description=f"{subject}: please help")["id"]


@given(parsers.parse("{agent} has answered the ticket"))
def agent_answered(agent, helpdesk_api, journey, actors):
    helpdesk_api.comment(journey.notes["ticket"], "We are looking into it.", actors.user(agent).name, channel="email")


@given("no agent is taking calls on the support line")
def nobody_available(actors, desktop, cti_api, journey):
    agent = actors.user("Maya")
    cti_api.set_state(agent.username, "NOT_READY", "Break")
    desktop.console("Maya").softphone.expect_state("Not ready (Break)")
    journey.desk_agent = journey.desk_agent or "Maya"
    assert cti_api.queue("support")["agents_available"] == 0, cti_api.queue("support")


# --- the customer writes ------------------------------------------------------------------------------

@when(parsers.parse('{customer} emails support "{subject}" saying "{body}"'))
def customer_emails(customer, subject, body, personas, helpdesk_api, journey):
    journey.notes["ticket"] = helpdesk_api.inbound_email(personas[customer].extra["email"], subject, body)["id"]


@when(parsers.parse('{customer} replies by email "{body}"'))
def customer_replies_by_email(customer, body, personas, helpdesk_api, journey):
    ticket = _ticket(helpdesk_api, journey)
    helpdesk_api.inbound_email(personas[customer].extra["email"], f"Re: [{ticket['id']}] {ticket['subject']}", body)
    journey.notes["customer_reply"] = body


# --- the agent in the ticket view ----------------------------------------------------------------------

@when(parsers.parse("{agent} opens the ticket from {customer}'s record in the console"))
def agent_opens_ticket(agent, customer, desktop, personas, journey):
    record = desktop.console(agent).open_contact(personas[customer].full_name, personas[customer].phone)
    view = TicketView(record.open_ticket(journey.notes["ticket"]))
    view.expect_ticket(journey.notes["ticket"])
    journey.notes["ticket_view"] = view


@when(parsers.parse('{agent} writes on the ticket "{text}" and sets it to "{status}"'))
def agent_writes_and_sets(agent, text, status, journey, helpdesk_api):
    _view(journey).reply(text, status=status)
    ticket = _ticket(helpdesk_api, journey)
    assert ticket["status"] == STATUS_VALUES[status] and ticket["comments"][-1]["body"] == text, ticket


@when(parsers.parse('{agent} writes on the ticket "{text}" via "{channel}"'))
def agent_writes_via(agent, text, channel, journey, helpdesk_api):
    _view(journey).reply(text, via=channel)
    comment = _ticket(helpdesk_api, journey)["comments"][-1]
    assert (comment["body"], comment["channel"], comment["author_type"]) == (text, channel.lower(), "agent"), comment


@when(parsers.parse("{agent} follows the ticket's link back to the CRM"))
def follow_link_back(agent, journey):
    _view(journey).open_contact_in_crm()


@then(parsers.re(r'the ticket view shows "(?P<first>[^"]+)"(?: and "(?P<second>[^"]+)")?$'))
def ticket_view_shows(first, second, journey, helpdesk_api):
    view = _view(journey)
    view.refresh()
    ticket = _ticket(helpdesk_api, journey)
    for text in filter(None, (first, second)):
        view.expect_sla(text)
        assert_sla_matches(ticket, text)


@then(parsers.parse('the ticket view shows "{text}" and the escalation to "{group}"'))
def ticket_view_escalated(text, group, journey, helpdesk_api):
    view = _view(journey)
    view.refresh()
    view.expect_sla(text)
    view.expect_escalated(group)
    ticket = _ticket(helpdesk_api, journey)
    assert_sla_matches(ticket, text)
    assert ticket["escalated"] and ticket["group"] == group, ticket


@then(parsers.parse('{customer}\'s reply shows in the ticket view with "{text}"'))
def reply_in_view(customer, text, journey, helpdesk_api):
    view = _view(journey)
    view.refresh()
    view.expect_message(journey.notes["customer_reply"])
    view.expect_sla(text)
    assert_sla_matches(_ticket(helpdesk_api, journey), text)


@then(parsers.parse("the ticket view shows {customer} as the requester"))
def view_shows_requester(customer, journey, personas, helpdesk_api):
    _view(journey).expect_detail("Requester", personas[customer].full_name)
    assert _ticket(helpdesk_api, journey)["requester_name"] == personas[customer].full_name


@then(parsers.parse('the ticket view shows the ticket as "{status}" with the customer\'s chat message'))
def view_shows_status(status, journey, helpdesk_api):
    view = _view(journey)
    view.refresh()
    view.expect_detail("Status", status)
    view.expect_message("confirmed in chat")
    assert _ticket(helpdesk_api, journey)["status_label"] == status


@then(parsers.parse("that tab shows {customer}'s contact record"))
def tab_shows_record(customer, journey, personas, crm_api):
    ContactRecord(_view(journey).page).expect_contact(personas[customer].full_name)
    assert crm_api.contact(personas[customer].id)["full_name"] == personas[customer].full_name


# --- what the helpdesk and the CRM hold --------------------------------------------------------------

@then(parsers.parse("the helpdesk has the resolution timer paused with {hours:d} hours left"))
def resolution_paused(hours, helpdesk_api, journey):
    sla = _ticket(helpdesk_api, journey)["sla"]
    assert sla["paused"] and sla["resolution"]["state"] == "paused", sla
    assert sla["resolution"]["remaining_seconds"] == hours * HOUR, sla


@then(parsers.parse("the helpdesk has the ticket open again with the resolution timer running and {hours:d} hours left"))
def resolution_resumed(hours, helpdesk_api, journey, events):
    ticket = _ticket(helpdesk_api, journey)
    assert ticket["status"] == "open" and ticket["sla"]["resolution"]["state"] == "running", ticket["sla"]
    assert ticket["sla"]["resolution"]["remaining_seconds"] == hours * HOUR, ticket["sla"]
    events.wait_for("ticket.status_changed", ticket=ticket["id"], status="open", previous_status="pending")


@then("the helpdesk warned that the resolution SLA of the ticket is close")
def sla_warned(helpdesk_api, journey, events):
    events.wait_for("ticket.sla_warning", ticket=journey.notes["ticket"], metric="resolution")
    assert _ticket(helpdesk_api, journey)["sla"]["resolution"]["state"] == "warning"


@then(parsers.parse('the helpdesk breached the resolution SLA and escalated the ticket to "{group}" with priority "{priority}"'))
def sla_breached(group, priority, helpdesk_api, journey, events):
    events.wait_for("ticket.sla_breached", ticket=journey.notes["ticket"], metric="resolution")
    events.wait_for("ticket.escalated", ticket=journey.notes["ticket"], group=group)
    ticket = _ticket(helpdesk_api, journey)
    assert ticket["escalated"] and ticket["group"] == group and ticket["priority"] == priority, ticket


@then(parsers.re(r"the helpdesk has the first reply due at (?P<day>\w+) (?P<hhmm>\d\d:\d\d)$"))
def first_reply_due(day, hhmm, helpdesk_api, journey, business_time):
    assert _ticket(helpdesk_api, journey)["sla"]["first_reply"]["due_at"] == business_time.iso(day, hhmm)


@then(parsers.parse('the helpdesk has an email ticket "{subject}" linked to {customer}\'s CRM record'))
def email_ticket_linked(subject, customer, helpdesk_api, journey, personas, crm_api):
    ticket = _ticket(helpdesk_api, journey)
    assert (ticket["subject"], ticket["channel"], ticket["contact_id"]) == (subject, "email", personas[customer].id), ticket
    assert ticket["id"] in [t["id"] for t in crm_api.contact_tickets(personas[customer].id)]


@then(parsers.parse("the bot confirms {customer}'s support request is closed"))
def bot_confirms_closed(customer, journey, helpdesk_api):
    journey.notes["widgets"][customer].expect_reply(f"Your support request {journey.notes['ticket']} is now closed.")
    assert _ticket(helpdesk_api, journey)["status"] == "solved"


@then("the helpdesk has the ticket solved with messages from email, phone and chat")
def solved_across_channels(helpdesk_api, journey):
    ticket = _ticket(helpdesk_api, journey)
    assert ticket["status"] == "solved", ticket
    assert [c["channel"] for c in ticket["comments"]] == ["email", "phone", "chat"], ticket["comments"]


@then(parsers.parse("{customer} was emailed about the new ticket, the reply and the solution"))
def customer_notified(customer, helpdesk_api, journey, personas):
    notes = helpdesk_api.notifications(journey.notes["ticket"])
    assert {n["to"] for n in notes} == {personas[customer].extra["email"]}, notes
    subjects = [n["subject"] for n in notes]
    for expected in ("We received your request", "Update on", "is now solved"):
        assert any(expected in s for s in subjects), subjects


@then(parsers.re(r'(?P<customer>\w+)\'s record in (?P<agent>\w+)\'s console shows the ticket as "(?P<status>[^"]+)"'
                 r'(?: and the next action "(?P<action>[^"]+)")?$'))
def record_shows_ticket(customer, agent, status, action, desktop, personas, journey, crm_api):
    record = desktop.console(agent).open_contact(personas[customer].full_name, personas[customer].phone)
    record.expect_ticket(journey.notes["ticket"], status)
    linked = {t["id"]: t for t in crm_api.contact_tickets(personas[customer].id)}
    assert linked[journey.notes["ticket"]]["status_label"] == status, linked
    if action:
        record.expect_follow_up(f"Next action: {action}")
        assert action in [f["next_action"] for f in crm_api.followups(contact_id=personas[customer].id)]


@then("the helpdesk ticket and the CRM list each other")
def linked_both_ways(helpdesk_api, journey, crm_api, personas):
    ticket = _ticket(helpdesk_api, journey)
    assert ticket["contact_id"] is not None
    assert ticket["id"] in [t["id"] for t in crm_api.contact_tickets(ticket["contact_id"])]


@then(parsers.parse("the helpdesk has an abandoned-call ticket for {customer} from the phone"))
def abandoned_ticket(customer, helpdesk_api, journey, personas):
    ticket = eventually(lambda: helpdesk_api.tickets(source_ref=journey.require_call()), until=lambda found: found,
                        description="the abandoned-call ticket in the helpdesk")[0]
    assert ticket["channel"] == "phone" and ticket["contact_id"] == personas[customer].id, ticket
    assert "abandoned-call" in ticket["tags"] and ticket["correlation_id"] == journey.correlation_id, ticket
    journey.notes["ticket"] = ticket["id"]


@then(parsers.parse("the CTI scheduled a callback for {customer}'s abandoned call"))
def callback_for_abandoned(customer, cti_api, personas, journey):
    callbacks = cti_api.callbacks(number=personas[customer].phone)
    assert [(c["reason"], c["status"], c["origin_interaction_id"]) for c in callbacks] == \
        [("abandoned", "scheduled", journey.require_call())], callbacks
