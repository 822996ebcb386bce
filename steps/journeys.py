"""End-to-end journeys: one correlation id from the first system to the last, attached to the report."""
from __future__ import annotations

import json

from allure_commons.types import AttachmentType
from pytest_bdd import parsers, then

from fixtures.eventually import eventually
from fixtures.reporting import soft_attach

SYSTEMS = {"IVR": "ivr", "chat": "chat", "CTI": "cti", "CRM": "crm", "helpdesk": "helpdesk"}


def _systems(text: str) -> list[str]:
    names = text.replace(" and ", ", ").split(", ")
    return [SYSTEMS[name.strip().removeprefix("the ")] for name in names]


@then(parsers.parse("{customer}'s record shows the ticket \"{subject}\""))
def record_shows_ticket(customer, subject, desktop, journey, crm_api, personas):
    record = desktop.console(journey.desk_agent).contact_record
    record.expect_ticket(journey.notes["ticket"])
    linked = crm_api.contact_tickets(personas[customer].id)
    assert [t["subject"] for t in linked if t["id"] == journey.notes["ticket"]] == [subject], linked


@then(parsers.re(r"(?P<systems>.+) recorded the (?:callback )?journey under one correlation id$"))
def journey_correlated(systems, journey, request):
    """Every system named has events of the journey's correlation id; they go into the report."""
    correlation_id = journey.correlation_id
    if journey.notes.get("conversations"):
        chat_api = request.getfixturevalue("chat_api")
        correlation_id = chat_api.conversation(next(iter(journey.notes["conversations"].values())))["correlation_id"]
    assert correlation_id, "the journey has no correlation id"
    found: dict[str, list[dict]] = {}
    for system in _systems(systems):
        client = request.getfixturevalue(system)
        found[system] = eventually(lambda: client.events(correlation_id=correlation_id), until=lambda events: events,
                                   description=f"{system} events of correlation id {correlation_id}")
    soft_attach(json.dumps({"correlation_id": correlation_id,
                            "events": sorted((e for events in found.values() for e in events), key=lambda e: e["at"])},
                           indent=2, ensure_ascii=False), f"journey {correlation_id}", AttachmentType.JSON)
