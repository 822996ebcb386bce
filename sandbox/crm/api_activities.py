"""crm API routes for call logs (activities, one or a batch), the follow-ups of callbacks, and the
disposition codes a call log takes."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from pydantic import ValidationError

from ..platform import correlation
from ..platform.auth import Principal
from ..platform.guard import RecordId
from ..platform.system import System
from .api_bodies import ActivityIn, BulkActivitiesIn, ContactChoiceIn, FollowupId, FollowupIn, InteractionId
from .errors import Conflict, Invalid, call
from .phone import try_normalize_phone
from .store import Crm
from .visibility import is_user
from .write_rules import require_may_write_call_log, require_may_write_followup, require_service


def add_activity_routes(router: APIRouter, system: System, crm: Crm) -> None:
    """Call logs: upsert, choose the contact, read; a user writes only the logs the write rules allow."""
    @router.put("/activities/{interaction_id}", name="crm.activities.upsert", tags=["activities"])
    def upsert_activity(interaction_id: InteractionId, body: ActivityIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        with system.db.transaction():  # the role check and the write see the same call log
            if is_user(principal):
                existing = crm.activity(interaction_id)
                require_may_write_call_log(principal, existing, body.agent, body.status)
                if existing is None and body.agent is None:  # a log a user starts is theirs
                    body = body.model_copy(update={"agent": principal.name})
            return call(crm.upsert_activity, interaction_id, activity_fields(body, principal), body.status,
                        contact_chosen_by="api")

    def activity_fields(body: ActivityIn, principal: Principal) -> dict[str, Any]:
        fields = body.model_dump(exclude={"status"})
        fields["source"] = principal.name.removesuffix("-service") if principal.kind == "client" else "console"
        if body.from_number:
            fields["from_number"] = try_normalize_phone(body.from_number) or body.from_number
        fields["correlation_id"] = body.correlation_id or correlation.current()
        return fields

    @router.post("/activities/bulk", name="crm.activities.bulk", tags=["activities"])
    def upsert_activities_bulk(body: BulkActivitiesIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        """Many activity upserts (an integration's batch) in one commit; one result per item, in order."""
        require_service(principal, "a batch of activities")
        results = []
        with system.db.transaction():
            for index, item in enumerate(body.activities):
                interaction_id = str(item.get("interaction_id") or "")
                try:
                    activity = ActivityIn.model_validate({k: v for k, v in item.items() if k != "interaction_id"})
                    if not 1 <= len(interaction_id) <= 100:
                        raise Invalid("interaction_id is required, up to 100 characters")
                    stored = crm.upsert_activity(interaction_id, activity_fields(activity, principal), activity.status,
                                                 contact_chosen_by="api")
                except (ValidationError, Invalid, Conflict) as exc:
                    results.append({"index": index, "interaction_id": interaction_id, "status": "invalid",
                                    "detail": str(exc)[:500]})
                    continue
                results.append({"index": index, "interaction_id": interaction_id, "status": "ok", "id": stored["id"]})
        return {"results": results}

    @router.get("/activities/{interaction_id}", name="crm.activities.get", tags=["activities"])
    def get_activity(interaction_id: InteractionId) -> dict[str, Any]:
        activity = crm.activity(interaction_id)
        if activity is None:
            raise HTTPException(404, f"no activity for interaction {interaction_id}")
        return activity

    @router.post("/activities/{interaction_id}/contact", name="crm.activities.choose_contact", tags=["activities"])
    def choose_contact(interaction_id: InteractionId, body: ContactChoiceIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        with system.db.transaction():  # the role check and the write see the same call log
            if is_user(principal):
                require_may_write_call_log(principal, crm.activity(interaction_id), None, None)
            return call(crm.choose_contact, interaction_id, body.contact_id, principal.name)

    @router.get("/activities", name="crm.activities.list", tags=["activities"])
    def list_activities(contact_id: RecordId | None = None, interaction_id: str | None = None) -> dict[str, Any]:
        return {"activities": crm.activities(contact_id, interaction_id)}


def add_followup_routes(router: APIRouter, system: System, crm: Crm) -> None:
    """The latest state of a callback, as cti reports it."""
    @router.put("/followups/{followup_id}", name="crm.followups.upsert", tags=["follow-ups"])
    def upsert_followup(followup_id: FollowupId, body: FollowupIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        fields = body.model_dump()
        fields["phone"] = try_normalize_phone(body.phone) or body.phone
        fields["correlation_id"] = body.correlation_id or correlation.current()
        with system.db.transaction():  # the role check and the write see the same follow-up
            require_may_write_followup(principal, crm.followup(followup_id), body.status, fields["attempts"])
            return call(crm.upsert_followup, followup_id, fields)

    @router.get("/followups", name="crm.followups.list", tags=["follow-ups"])
    def list_followups(contact_id: RecordId | None = None, phone: str | None = None) -> dict[str, Any]:
        return {"followups": crm.followups(contact_id, try_normalize_phone(phone) if phone else None)}


def add_disposition_routes(router: APIRouter, system: System, crm: Crm) -> None:
    """The disposition codes of each queue."""
    @router.get("/dispositions", name="crm.dispositions.list", tags=["dispositions"])
    def list_dispositions(queue: str | None = None, include_system: bool = False) -> dict[str, Any]:
        if queue and not crm.queue_known(queue):
            raise HTTPException(404, f"no queue {queue}")
        return {"dispositions": crm.dispositions(queue, include_system)}
