"""End-to-end journeys: one correlation id from the first system to the last, attached to the report."""
from __future__ import annotations

import json

from allure_commons.types import AttachmentType
from pytest_bdd import parsers, then

from deskcheck.capabilities import needs
from deskcheck.names import phrase
from fixtures.agreement import expect_value
from fixtures.eventually import eventually
from fixtures.reporting import soft_attach

SYSTEMS = {"IVR": "ivr", "chat": "chat", "CTI": "cti", "CRM": "crm", "helpdesk": "helpdesk"}


def _systems(text: str) -> list[str]:
    names = [name.strip().removeprefix("the ") for name in text.replace(" and ", ", ").split(", ")]
    unknown = [name for name in names if name not in SYSTEMS]
    if unknown:
        raise KeyError(f"no system called {', '.join(unknown)}; systems: {', '.join(SYSTEMS)}")
    return [SYSTEMS[name] for name in names]


@then(phrase("{customer:Persona}'s record shows the ticket \"{subject}\""))
@needs("helpdesk")
def record_shows_ticket(customer, subject, desktop, journey, crm, personas):
    """On the console's contact record of the agent at the desk: the scenario's helpdesk ticket is listed.
    The CRM lists that ticket on the customer's record too, with the same subject."""
    ticket_id = journey.notes["ticket"]
    desktop.console(journey.desk_agent).contact_record.expect_ticket(ticket_id)
    linked = crm.linked_tickets(personas[customer].id)
    expect_value(f"the subject of ticket {ticket_id} on {customer}'s CRM record", [subject], "the CRM",
                 [t.subject for t in linked if t.id == ticket_id])


@then(parsers.re(r"(?P<systems>.+) recorded the (?:callback )?journey under one correlation id$"))
@needs("event_stream")
def journey_correlated(systems, journey, event_source, request):
    """Checks every system named (the IVR, the chat, the CTI, the CRM, the helpdesk; comma-separated,
    the last after "and") announced events under the journey's correlation id: the call's, or the chat
    conversation's when the journey began in the chat. All those events go into the report, in time order."""
    correlation_id = journey.correlation_id
    conversations = journey.notes.setdefault("conversations", {})  # chats the scenario opened, by customer
    if conversations:
        conversation_id = next(iter(conversations.values()))
        correlation_id = request.getfixturevalue("chat").session(conversation_id).correlation_id
    assert correlation_id, "the journey has no correlation id: no call or chat of the scenario carried one"
    found = {system: eventually(lambda: event_source.events(system, correlation_id=correlation_id),
                                until=lambda events: events,
                                description=f"the {system.upper()}'s events of the journey {correlation_id}")
             for system in _systems(systems)}
    journey_events = sorted((e for events in found.values() for e in events), key=lambda e: str(e.at or ""))
    soft_attach(json.dumps({"correlation_id": correlation_id,
                            "events": [{"system": e.system, "type": e.type, "at": e.at, "seq": e.seq, "data": e.data}
                                       for e in journey_events]},
                           indent=2, ensure_ascii=False, default=str),
                f"journey {correlation_id}", AttachmentType.JSON)
