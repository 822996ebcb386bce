"""crm REST API: users, contacts and 360 data, screen pops, activities, dispositions, presence.

One router under /api, its routes added by resource in the order the API documents them: api_users.py
(users, roles, presence), api_contacts.py (contacts, their 360 records, linked tickets), api_screenpops.py,
api_activities.py (call logs, follow-ups, dispositions). Request bodies: api_bodies.py; refusals: errors.py.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends

from ..platform.system import System
from .api_activities import add_activity_routes, add_disposition_routes, add_followup_routes
from .api_contacts import add_contact_routes, add_linked_ticket_routes
from .api_screenpops import add_screenpop_routes
from .api_users import add_presence_routes, add_user_routes
from .store import Crm


def build_api(system: System, crm: Crm) -> APIRouter:
    router = system.router(prefix="/api", dependencies=[Depends(system.auth)])
    add_user_routes(router, system, crm)
    add_contact_routes(router, system, crm)
    add_screenpop_routes(router, system, crm)
    add_activity_routes(router, system, crm)
    add_followup_routes(router, system, crm)
    add_linked_ticket_routes(router, system, crm)
    add_disposition_routes(router, system, crm)
    add_presence_routes(router, system, crm)
    return router
