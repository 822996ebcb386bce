"""The ticket view: the helpdesk's page an agent opens from a contact's record in the CRM console, to read the
SLA clocks, reply to the customer and follow the link back to the CRM. Each check on the page is matched by one
on the helpdesk's ticket (a :class:`deskcheck.records.Ticket`) or the CRM's contact."""
from __future__ import annotations

import re

from pytest_bdd import parsers, then, when

from deskcheck.capabilities import needs
from deskcheck.names import phrase
from deskcheck.records import Ticket
from fixtures.agreement import expect_value
from fixtures.eventually import eventually
from pages.contact_record import ContactRecord
from pages.ticket_view import TicketView
from steps._tables import field_rows
from steps._tickets import HOUR, current_ticket, current_ticket_id

STATUS_VALUES = {"Open": "open", "Pending customer": "pending", "Solved": "solved", "New": "new"}
SLA_METRIC_OF = {"First reply": "first_reply", "Resolution": "resolution"}
SLA_TEXT = re.compile(r"^(?P<metric>First reply|Resolution): (?:(?P<done>met|breached)|due in (?P<h>\d+) h (?P<m>\d+) min"
                      r"(?P<warning> \(warning\))?|paused while pending customer \((?P<ph>\d+) h (?P<pm>\d+) min left\))$")


#: a ticket table's detail fields -> how the helpdesk's Ticket record reads as the ticket view shows it
TICKET_DETAILS = {
    "Subject": lambda t: t.subject, "Status": lambda t: t.status_label, "Priority": lambda t: t.priority.capitalize(),
    "Channel": lambda t: t.channel.capitalize(), "Category": lambda t: t.category,
    "Requester": lambda t: t.requester_name or t.requester_email, "Group": lambda t: t.group,
}
TICKET_FIELDS = (*TICKET_DETAILS, *SLA_METRIC_OF)


def _view(journey) -> TicketView:
    return journey.notes["ticket_view"]


def assert_sla_matches(ticket: Ticket, text: str) -> None:
    """The helpdesk's SLA clock agrees with a line of the ticket view (e.g. "Resolution: due in 8 h 00 min")."""
    found = SLA_TEXT.match(text)
    assert found, f"not an SLA line this step knows: {text!r}"
    clock = ticket.sla_clock(SLA_METRIC_OF[found.group("metric")])
    what = f"the {found.group('metric').lower()} SLA clock of ticket {ticket.id}"
    if found.group("done"):
        expect_value(what, found.group("done"), "the helpdesk", clock.state)
        return
    if found.group("h") is not None:
        state = "warning" if found.group("warning") else "running"
        left = int(found.group("h")) * HOUR + int(found.group("m")) * 60
    else:
        state, left = "paused", int(found.group("ph")) * HOUR + int(found.group("pm")) * 60
    expect_value(f"{what} (state, business seconds left)", (state, left), "the helpdesk",
                 (clock.state, clock.remaining_seconds))


# --- the agent in the ticket view ----------------------------------------------------------------------

@when(phrase("{agent:Actor} opens the ticket from {customer:Persona}'s record in the console"))
def agent_opens_ticket(agent, customer, desktop, personas, journey):
    """In the agent's CRM console: opens the customer's contact record, then the ticket from its ticket list;
    the helpdesk's ticket view opens in a new tab, signed in, showing that ticket."""
    record = desktop.console(agent).open_contact(personas[customer].full_name, personas[customer].phone)
    view = TicketView(record.open_ticket(current_ticket_id(journey)))
    view.expect_ticket(current_ticket_id(journey))
    journey.notes["ticket_view"] = view


@when(phrase('{agent:Actor} writes on the ticket "{text}" and sets it to "{status}"'))
@needs("helpdesk")
def agent_writes_and_sets(agent, text, status, journey, helpdesk):
    """In the ticket view: writes the reply and sends it with the status chosen ("Open", "Pending customer",
    "Solved"); the helpdesk then has the ticket in that status with the reply as its latest message."""
    _view(journey).reply(text, status=status)
    wanted = (STATUS_VALUES[status], text)
    eventually(lambda: current_ticket(helpdesk, journey),
               until=lambda t: (t.status, t.comments[-1].body if t.comments else None) == wanted,
               description=f"ticket {current_ticket_id(journey)} {wanted[0]} with the reply {text!r} in the helpdesk",
               describe=lambda t: t.describe("status") + f"; latest message {t.comments[-1].body if t.comments else None!r}")


@when(phrase('{agent:Actor} writes on the ticket "{text}" via "{channel}"'))
@needs("helpdesk")
def agent_writes_via(agent, text, channel, journey, helpdesk, actors):
    """In the ticket view: writes the reply and sends it via the chosen channel ("Email", "Phone", "Chat");
    the helpdesk then has it as the ticket's latest message, written by this agent, by that channel."""
    _view(journey).reply(text, via=channel)
    wanted = (text, channel.lower(), "agent", actors.user(agent).name)
    eventually(lambda: current_ticket(helpdesk, journey).comments[-1:],
               until=lambda last: [(c.body, c.channel, c.author_type, c.author) for c in last] == [wanted],
               description=f"{agent}'s message {text!r} via {channel} as the latest on ticket {current_ticket_id(journey)}")


@when(phrase("{agent:Actor} follows the ticket's link back to the CRM"))
def follow_link_back(agent, journey):
    """In the ticket view: clicks "Open contact in CRM" (the link to the requester's CRM record)."""
    _view(journey).open_contact_in_crm()


@then(parsers.re(r'the ticket view shows "(?P<first>[^"]+)"(?: and "(?P<second>[^"]+)")?$'))
@needs("helpdesk")
def ticket_view_shows(first, second, journey, helpdesk):
    """Reloads the ticket view; each SLA line given must show there, exactly as written, and the helpdesk's SLA
    clock must agree (state and business time left). Lines look like "First reply: due in 1 h 00 min",
    "Resolution: due in 2 h 00 min (warning)", "First reply: met", "Resolution: breached" or
    "Resolution: paused while pending customer (8 h 00 min left)"."""
    view = _view(journey)
    view.refresh()
    ticket = current_ticket(helpdesk, journey)
    for text in filter(None, (first, second)):
        view.expect_sla(text)
        assert_sla_matches(ticket, text)


@then("the ticket view and the helpdesk show the ticket with:")
@needs("helpdesk")
def ticket_view_and_helpdesk_show(datatable, journey, helpdesk):
    """Reloads the ticket view and checks each field the data table lists (| field | value |), on the page and in
    the helpdesk: Subject (the page's heading), Status (as the screens word it: Open, Pending customer, Solved),
    Priority, Channel, Category, Requester, Group (as the page writes them, e.g. High, Phone, Escalations), and the
    two SLA clocks, First reply and Resolution, whose value is the rest of the page's SLA line ("due in 1 h 00 min",
    "met", "breached", "due in 2 h 00 min (warning)", "paused while pending customer (8 h 00 min left)"); the
    helpdesk's clock must agree in state and business time left (docs/glossary.md#slas)."""
    rows = field_rows(datatable, TICKET_FIELDS, value_required=True)
    view = _view(journey)
    view.refresh()
    ticket = current_ticket(helpdesk, journey)
    for field, value in rows:
        if field in SLA_METRIC_OF:
            view.expect_sla(f"{field}: {value}")
            assert_sla_matches(ticket, f"{field}: {value}")
            continue
        if field == "Subject":
            view.expect_ticket(ticket.id, value)
        else:
            view.expect_detail(field, value)
        expect_value(f"the {field.lower()} of ticket {ticket.id}", value, "the helpdesk", TICKET_DETAILS[field](ticket))


@then(parsers.parse('the ticket view shows "{text}" and the escalation to "{group}"'))
@needs("helpdesk")
def ticket_view_escalated(text, group, journey, helpdesk):
    """Reloads the ticket view: it shows the SLA line and "Escalated to <group>"; the helpdesk agrees on the SLA
    clock and has the ticket escalated to that group."""
    view = _view(journey)
    view.refresh()
    view.expect_sla(text)
    view.expect_escalated(group)
    ticket = current_ticket(helpdesk, journey)
    assert_sla_matches(ticket, text)
    expect_value(f"the escalation of ticket {ticket.id} (escalated, group)", (True, group), "the helpdesk",
                 (ticket.escalated, ticket.group))


@then(phrase('{customer:Persona}\'s reply shows in the ticket view with "{text}"'))
@needs("helpdesk")
def reply_in_view(customer, text, journey, helpdesk):
    """Reloads the ticket view: the customer's email reply shows in the conversation and the SLA line shows as
    written; the helpdesk has the customer's reply on the ticket and agrees on the SLA clock."""
    view = _view(journey)
    view.refresh()
    reply = journey.notes["customer_reply"]
    view.expect_message(reply)
    view.expect_sla(text)
    ticket = current_ticket(helpdesk, journey)
    expect_value(f"the customer's reply on ticket {ticket.id}", True, "the helpdesk",
                 any(c.body == reply and c.author_type == "customer" for c in ticket.comments))
    assert_sla_matches(ticket, text)


@then(phrase("the ticket view shows {customer:Persona} as the requester"))
@needs("helpdesk")
def view_shows_requester(customer, journey, personas, helpdesk):
    """The ticket view's details show the customer's full name as the requester; so does the helpdesk."""
    name = personas[customer].full_name
    _view(journey).expect_detail("Requester", name)
    expect_value(f"the requester of ticket {current_ticket_id(journey)}", name, "the helpdesk",
                 current_ticket(helpdesk, journey).requester_name)


@then(parsers.parse('the ticket view shows the ticket as "{status}" with the customer\'s chat message'))
@needs("helpdesk")
def view_shows_status(status, journey, helpdesk):
    """Reloads the ticket view: its details show the status as written (e.g. "Solved") and the conversation
    shows the customer's chat message; the helpdesk shows the same status."""
    view = _view(journey)
    view.refresh()
    view.expect_detail("Status", status)
    view.expect_message("confirmed in chat")
    expect_value(f"the status of ticket {current_ticket_id(journey)}", status, "the helpdesk",
                 current_ticket(helpdesk, journey).status_label)


@then(phrase("that tab shows {customer:Persona}'s contact record"))
def tab_shows_record(customer, journey, personas, crm):
    """The tab the ticket view's link opened shows the customer's contact record in the CRM console; the CRM
    has that contact under the same name."""
    persona = personas[customer]
    ContactRecord(_view(journey).page).expect_contact(persona.full_name)
    expect_value(f"the name of CRM contact {persona.id}", persona.full_name, "the CRM", crm.contact(persona.id).full_name)
