"""crm API routes for screen pops: perform one for a ringing call, and list a call's pops."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from ..platform import correlation
from ..platform.auth import Principal
from ..platform.system import System
from .api_bodies import ScreenPopIn
from .errors import call
from .phone import try_normalize_phone
from .store import Crm
from .visibility import is_user


def add_screenpop_routes(router: APIRouter, system: System, crm: Crm) -> None:
    """A pop answers the matched contacts and the call log it is linked to."""
    def pop_answer(pop: dict[str, Any], principal: Principal, performed: bool) -> dict[str, Any]:
        activity = crm.activity(pop["interaction_id"])
        transferred_by_user = crm.user(pop["transferred_by"]) if pop["transferred_by"] else None
        linked_id = activity["contact_id"] if activity else None
        linked = crm.contact(linked_id, principal, with_360=False) if linked_id and crm.contact_exists(linked_id) else None
        return {
            **pop,
            "contacts": [call(crm.contact, cid, principal, with_360=False) for cid in pop["contact_ids"]
                         if crm.contact_exists(cid)],
            "transferred_by_name": transferred_by_user["name"] if transferred_by_user else pop["transferred_by"],
            "activity_id": activity["id"] if activity else None,
            # the contact the call is linked to now (the agent may have chosen one since the pop)
            "linked_contact_id": linked_id,
            "linked_contact_name": linked["full_name"] if linked else None,
            "contact_chosen_by": activity["contact_chosen_by"] if activity else None,
            "repeated": not performed,
        }

    @router.post("/screenpops", name="crm.screenpop", tags=["screen pop"])
    def screenpop(body: ScreenPopIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        if is_user(principal):
            agent = principal.name
        else:
            agent = body.agent or principal.name
        pop = body.model_dump()
        pop["normalized_phone"] = try_normalize_phone(body.phone)
        cid = correlation.current() or body.correlation_id
        stored, performed = call(crm.perform_screenpop, pop, agent, cid)
        return pop_answer(stored, principal, performed)

    @router.get("/screenpops", name="crm.screenpops.list", tags=["screen pop"])
    def list_screenpops(interaction_id: str, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        return {"screenpops": [pop_answer(p, principal, True) | {"repeated": None} for p in crm.screenpops(interaction_id)]}
