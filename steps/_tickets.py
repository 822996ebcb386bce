"""What the ticket steps (steps/tickets.py, steps/ticket_view.py) share: the scenario's ticket.

Not a steps module (the leading underscore keeps it out of the plugins): it defines no step.
"""
from __future__ import annotations

from deskcheck.records import Ticket

HOUR = 3600


def current_ticket_id(journey) -> str:
    """The scenario's ticket (the one a step opened or found last)."""
    return journey.notes["ticket"]


def current_ticket(helpdesk, journey) -> Ticket:
    """The scenario's ticket as the helpdesk has it now."""
    return helpdesk.ticket(current_ticket_id(journey))
