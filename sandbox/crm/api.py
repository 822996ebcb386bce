"""crm REST API: users, contacts and 360 data, screen pops, activities, dispositions, presence."""
from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..platform import correlation
from ..platform.auth import Principal
from ..platform.faults import EdgeError
from ..platform.guard import MAX_SAFE_INTEGER, RecordId
from ..platform.system import System
from .phone import PhoneError, normalize_phone, try_normalize_phone
from .store import DEFAULT_QUEUES, Conflict, Crm, Forbidden, Invalid, NotFound
from .visibility import hidden_fields, is_user, roles_view
from .write_rules import (require_may_delete_contacts, require_may_write_call_log, require_may_write_followup,
                          require_service)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
Name = Field(min_length=1, max_length=100)
# Longer ids are refused, never cut: two interactions sharing a 100-character prefix are two call logs.
InteractionId = Annotated[str, Path(min_length=1, max_length=100)]
FollowupId = Annotated[str, Path(min_length=1, max_length=60)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _phone(value: str) -> str:
    try:
        return normalize_phone(value)
    except PhoneError as exc:
        raise ValueError(str(exc)) from None


def _email(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    if not EMAIL.match(value):
        raise ValueError(f"{value!r} is not an email address")
    return value


def _birth_date(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _custom_fields(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    if len(value) > 30:
        raise ValueError("at most 30 custom fields")
    for key, item in value.items():
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", key):
            raise ValueError(f"custom field name {key!r} must be lower_snake_case, up to 40 characters")
        if item is not None and not isinstance(item, (str, int, float, bool)):
            raise ValueError(f"custom field {key!r} must be text, a number, true/false or null")
        if isinstance(item, str) and len(item) > 255:
            raise ValueError(f"custom field {key!r} is longer than 255 characters")
    return value


PhoneText = Annotated[str, AfterValidator(_phone)]
CustomFields = Annotated[dict[str, Any] | None, AfterValidator(_custom_fields)]
EmailText = Annotated[str | None, AfterValidator(_email)]
BirthDate = Annotated[str | None, AfterValidator(_birth_date)]


class Tolerant(BaseModel):
    """Integration payloads (from cti, from the softphone via the console): unknown keys are ignored."""
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class UserIn(Strict):
    username: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{1,39}$")
    password: str = Field(min_length=4, max_length=200)
    name: str = Name
    role: Literal["agent", "trainee", "supervisor"]
    queues: list[Literal["support", "sales", "billing"]] = Field(default_factory=lambda: list(DEFAULT_QUEUES))


class ContactIn(Strict):
    first_name: str = Name
    last_name: str = Name
    phone: PhoneText
    email: EmailText = None
    account_number: str | None = Field(default=None, max_length=40)
    date_of_birth: BirthDate = None
    tax_id: str | None = Field(default=None, max_length=40)
    do_not_call: bool = False
    email_opt_out: bool = False
    custom_fields: CustomFields = None

    @field_validator("account_number", "tax_id")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None


class ContactPatch(Strict):
    first_name: str | None = Field(default=None, min_length=1, max_length=100)
    last_name: str | None = Field(default=None, min_length=1, max_length=100)
    phone: PhoneText | None = None
    email: EmailText = None
    account_number: str | None = Field(default=None, max_length=40)
    date_of_birth: BirthDate = None
    tax_id: str | None = Field(default=None, max_length=40)
    do_not_call: bool | None = None
    email_opt_out: bool | None = None
    custom_fields: CustomFields = None


class BulkContactIn(ContactIn):
    idempotency_key: str | None = Field(default=None, max_length=100,
                                        description="a repeated create with the same key answers the first contact")


class BulkContactsIn(Strict):
    contacts: list[dict[str, Any]] = Field(min_length=1, max_length=500)


class BulkActivitiesIn(Strict):
    activities: list[dict[str, Any]] = Field(min_length=1, max_length=500)


class EmailIn(Strict):
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(default="", max_length=10_000)


class CaseIn(Strict):
    contact_id: int
    subject: str = Field(min_length=1, max_length=200)
    status: Literal["open", "pending", "closed"] = "open"


class OrderIn(Strict):
    contact_id: int
    number: str = Field(min_length=1, max_length=40)
    total: float = Field(ge=0, le=10_000_000)
    status: Literal["placed", "shipped", "delivered", "cancelled", "returned"] = "placed"
    placed_at: str | None = None


class BillingIn(Strict):
    status: Literal["current", "overdue", "pending_payment"]
    balance: float = Field(ge=-10_000_000, le=10_000_000)


class ScreenPopIn(Tolerant):
    interaction_id: str = Field(min_length=1, max_length=100)
    phone: str | None = Field(default=None, max_length=40)
    account_number: str | None = Field(default=None, max_length=40)
    queue: str | None = Field(default=None, max_length=40)
    direction: Literal["inbound", "outbound"] = "inbound"
    transfer_note: str | None = Field(default=None, max_length=1000)
    transferred_by: str | None = Field(default=None, max_length=100)
    correlation_id: str | None = Field(default=None, max_length=128)
    agent: str | None = Field(default=None, max_length=40, description="service clients only: pop on behalf of this agent")
    restore: bool = Field(default=False, description="the softphone re-sent the pop after a console reload")


class ActivityIn(Tolerant):
    status: Literal["in_progress", "completed"] | None = None
    direction: Literal["inbound", "outbound"] | None = None
    from_number: str | None = Field(default=None, max_length=40)
    queue: str | None = Field(default=None, max_length=40)
    contact_id: int | None = None
    agent: str | None = Field(default=None, max_length=40)
    disposition: str | None = Field(default=None, max_length=40)
    notes: str | None = Field(default=None, max_length=5000)
    wrapup_seconds: float | None = Field(default=None, ge=0)
    hold_seconds: float | None = Field(default=None, ge=0)
    muted_seconds: float | None = Field(default=None, ge=0)
    dtmf: str | None = Field(default=None, max_length=200)
    transfers: Any = None
    correlation_id: str | None = Field(default=None, max_length=128)
    type: Literal["call", "chat", "email", "web_form", "webinar"] | None = None
    attributes: dict[str, Any] | None = Field(default=None, description="the IVR or bot context of a call or chat")
    subject: str | None = Field(default=None, max_length=200)
    occurred_at: str | None = Field(default=None, max_length=40, description="when it happened (default: when logged)")


class FollowupIn(Tolerant):
    phone: str | None = Field(default=None, max_length=40)
    contact_id: int | None = None
    queue: str | None = Field(default=None, max_length=40)
    reason: str | None = Field(default=None, max_length=100)
    status: str = Field(min_length=1, max_length=20)
    next_action: str | None = Field(default=None, max_length=200)
    next_action_due: str | None = Field(default=None, max_length=40)
    attempts: list[dict[str, Any]] = Field(default_factory=list, max_length=50)
    correlation_id: str | None = Field(default=None, max_length=128)


class ContactChoiceIn(Strict):
    contact_id: int


class PresenceIn(Strict):
    status: Literal["Online", "Busy", "Offline"]
    reason: str | None = Field(default=None, max_length=60)
    source: Literal["crm", "cti"] = "crm"


def _raise_http(exc: Exception) -> None:
    if isinstance(exc, NotFound):
        raise HTTPException(404, str(exc))
    if isinstance(exc, Conflict):
        raise HTTPException(409, str(exc))
    if isinstance(exc, Invalid):
        raise HTTPException(422, str(exc))
    if isinstance(exc, Forbidden):
        raise HTTPException(403, str(exc))
    raise exc


def build_api(system: System, crm: Crm) -> APIRouter:
    router = system.router(prefix="/api", dependencies=[Depends(system.auth)])

    def call(fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (NotFound, Conflict, Invalid, Forbidden) as exc:
            _raise_http(exc)

    def refuse_hidden_writes(principal: Principal, fields: set[str]) -> None:
        """A role may not write a field it may not read (no blind overwrites of a tax id)."""
        blocked = sorted(fields & set(hidden_fields(principal)))
        if blocked:
            raise HTTPException(403, f"role {principal.role} may not set {', '.join(blocked)}")

    # -- users ---------------------------------------------------------------------------------
    @router.get("/users/me", name="crm.users.me", tags=["users"])
    def me(principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        user = crm.user(principal.name) if is_user(principal) else None
        if user is None:
            return {"username": principal.name, "name": principal.name, "role": principal.role, "kind": principal.kind,
                    "hidden_fields": []}
        return {**user, "kind": principal.kind, "hidden_fields": hidden_fields(principal)}

    @router.get("/roles", name="crm.roles.list", tags=["users"])
    def roles() -> dict[str, Any]:
        """The console roles and the contact fields each may not see."""
        return {"roles": roles_view()}

    @router.get("/users", name="crm.users.list", tags=["users"])
    def list_users() -> dict[str, Any]:
        return {"users": crm.users()}

    @router.get("/users/{username}", name="crm.users.get", tags=["users"])
    def get_user(username: str) -> dict[str, Any]:
        user = crm.user(username)
        if user is None:
            raise HTTPException(404, f"no user {username}")
        return user

    @router.post("/users", status_code=201, name="crm.users.create", tags=["users"])
    def create_user(body: UserIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        if is_user(principal) and principal.role != "supervisor":
            raise HTTPException(403, "only supervisors and service clients create users")
        if crm.user(body.username) is not None:
            raise HTTPException(409, f"user {body.username!r} already exists")
        try:  # the agent must exist in cti before the user can log in to the console
            system.peers["cti"].request("POST", "/api/agents", edge="agents", json={
                "username": body.username, "name": body.name, "role": body.role, "queues": body.queues})
        except EdgeError as exc:
            if "HTTP 409" not in exc.reason:  # already an agent in cti (its own seed): fine
                raise HTTPException(502, f"could not create the cti agent: {exc.reason}")
        return call(crm.insert_user, body.username, body.password, body.name, body.role, list(body.queues))

    @router.delete("/users/{username}", name="crm.users.delete", tags=["users"])
    def delete_user(username: str = Path(max_length=40),
                    principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        """Removes a user (their sign-in, sessions and presence; their call logs stay): supervisors and services."""
        if is_user(principal) and principal.role != "supervisor":
            raise HTTPException(403, "only supervisors and service clients remove users")
        if is_user(principal) and principal.name == username:
            raise HTTPException(409, "a supervisor cannot remove their own user")
        call(crm.delete_user, username)
        return {"username": username, "deleted": True}

    # -- contacts ------------------------------------------------------------------------------
    @router.get("/contacts", name="crm.contacts.list", tags=["contacts"])
    def list_contacts(q: str | None = Query(default=None, max_length=100), phone: str | None = Query(default=None, max_length=40),
                      account_number: str | None = Query(default=None, max_length=40),
                      ids: str | None = Query(default=None, max_length=2000, description="comma-separated ids (up to 200)"),
                      after_id: int | None = Query(default=None, ge=0, le=MAX_SAFE_INTEGER,
                                                    description="page through every contact by id"),
                      limit: int = Query(default=200, ge=1, le=500),
                      principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        if after_id is not None:  # integrations: every contact, deleted ones too, in id order
            return {"contacts": crm.contacts_after(principal, after_id, limit)}
        if ids is not None:
            try:
                wanted = [int(part) for part in ids.split(",") if part.strip()]
                if any(not 0 <= wanted_id <= MAX_SAFE_INTEGER for wanted_id in wanted):
                    raise ValueError(ids)
            except ValueError:
                raise HTTPException(422, f"ids must be comma-separated contact ids (0 to {MAX_SAFE_INTEGER})")
            if len(wanted) > 200:
                raise HTTPException(422, "at most 200 ids per lookup")
            return {"contacts": crm.search_contacts(principal, ids=wanted)}
        normalized = None
        if phone:
            try:
                normalized = normalize_phone(phone)
            except PhoneError as exc:
                raise HTTPException(422, str(exc))
        return {"contacts": crm.search_contacts(principal, q=q, phone=normalized, account_number=account_number)}

    @router.post("/contacts", status_code=201, name="crm.contacts.create", tags=["contacts"])
    def create_contact(body: ContactIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        fields = body.model_dump()
        refuse_hidden_writes(principal, {k for k, v in fields.items() if v not in (None, False)})
        contact_id = call(crm.create_contact, fields)
        return crm.contact(contact_id, principal)

    @router.post("/contacts/bulk", name="crm.contacts.bulk", tags=["contacts"])
    def create_contacts_bulk(body: BulkContactsIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        """Many creates in one call (an integration's batch): one result per item, in order."""
        results = []
        with system.db.transaction():  # one commit for the batch
            results = _bulk_create(body.contacts, principal)
        return {"results": results}

    def _bulk_create(items: list[dict[str, Any]], principal: Principal) -> list[dict[str, Any]]:
        results = []
        for index, item in enumerate(items):
            try:
                contact = BulkContactIn.model_validate(item)
            except ValidationError as exc:
                reason = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
                results.append({"index": index, "status": "invalid", "detail": reason})
                continue
            fields = contact.model_dump(exclude={"idempotency_key"})
            refuse_hidden_writes(principal, {k for k, v in fields.items() if v not in (None, False)})
            try:
                contact_id = crm.create_contact(fields, contact.idempotency_key)
            except Conflict as exc:
                results.append({"index": index, "status": "conflict", "detail": str(exc)})
                continue
            results.append({"index": index, "status": "created", "id": contact_id,
                            "idempotency_key": contact.idempotency_key})
        return results

    @router.get("/contacts/{contact_id}", name="crm.contacts.get", tags=["contacts"])
    def get_contact(contact_id: RecordId, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        return call(crm.contact, contact_id, principal)

    @router.patch("/contacts/{contact_id}", name="crm.contacts.update", tags=["contacts"])
    def update_contact(contact_id: RecordId, body: ContactPatch, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        changes = body.model_dump(exclude_unset=True)
        for required in ("first_name", "last_name", "phone", "do_not_call", "email_opt_out"):
            if required in changes and changes[required] is None:
                raise HTTPException(422, f"invalid request: {required}: may not be null")
        for optional in ("email", "account_number", "date_of_birth", "tax_id"):
            if optional in changes and changes[optional] == "":
                changes[optional] = None
        refuse_hidden_writes(principal, set(changes))
        call(crm.update_contact, contact_id, changes)
        return crm.contact(contact_id, principal)

    @router.delete("/contacts/{contact_id}", name="crm.contacts.delete", tags=["contacts"])
    def delete_contact(contact_id: RecordId, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        require_may_delete_contacts(principal)
        call(crm.delete_contact, contact_id)
        return {"id": contact_id, "deleted": True}

    @router.post("/contacts/{contact_id}/emails", status_code=201, name="crm.contacts.email", tags=["contacts"])
    def email_contact(contact_id: RecordId, body: EmailIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        """An agent's email from the console: refused for a contact who opted out of email."""
        contact = call(crm.contact, contact_id, principal, with_360=False)
        if contact.get("deleted_at"):
            raise HTTPException(409, f"contact {contact_id} was deleted")
        if contact.get("email_opt_out"):
            raise HTTPException(409, "Do not email: this contact unsubscribed from email")
        if not contact.get("email"):
            raise HTTPException(422, "this contact has no email address")
        fields = {"type": "email", "direction": "outbound", "contact_id": contact_id, "agent": principal.name,
                  "subject": body.subject, "notes": body.body or None, "source": "console",
                  "correlation_id": correlation.current()}
        return call(crm.upsert_activity, f"email-{uuid.uuid4().hex[:16]}", fields, "completed")

    @router.put("/contacts/{contact_id}/billing", name="crm.contacts.billing", tags=["contacts"])
    def set_billing(contact_id: RecordId, body: BillingIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        refuse_hidden_writes(principal, {"billing.balance"})
        return call(crm.set_billing, contact_id, body.status, body.balance)

    @router.post("/cases", status_code=201, name="crm.cases.create", tags=["contacts"])
    def create_case(body: CaseIn) -> dict[str, Any]:
        if not crm.contact_exists(body.contact_id):
            raise HTTPException(422, f"contact_id {body.contact_id} does not exist")
        return call(crm.add_case, body.contact_id, body.subject, body.status)

    @router.post("/orders", status_code=201, name="crm.orders.create", tags=["contacts"])
    def create_order(body: OrderIn) -> dict[str, Any]:
        if not crm.contact_exists(body.contact_id):
            raise HTTPException(422, f"contact_id {body.contact_id} does not exist")
        return call(crm.add_order, body.contact_id, body.number, body.total, body.status, body.placed_at)

    # -- screen pops ---------------------------------------------------------------------------
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

    # -- activities ----------------------------------------------------------------------------
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

    # -- follow-ups (callbacks from cti) and linked tickets (helpdesk) ---------------------------
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

    @router.get("/contacts/{contact_id}/tickets", name="crm.contacts.tickets", tags=["contacts"])
    def contact_tickets(contact_id: RecordId) -> dict[str, Any]:
        """The helpdesk tickets linked to the contact (read through to helpdesk)."""
        if not crm.contact_exists(contact_id):
            raise HTTPException(404, f"no contact {contact_id}")
        try:
            body = system.peers["helpdesk"].request("GET", "/api/tickets", edge="tickets",
                                                    params={"contact_id": contact_id})
            tickets = body["tickets"]
        except (EdgeError, KeyError, TypeError) as exc:
            raise HTTPException(502, f"helpdesk did not answer: {exc}")
        return {"tickets": [{k: t.get(k) for k in ("id", "subject", "status", "status_label", "priority", "channel",
                                                   "updated_at", "escalated")} for t in tickets]}

    # -- dispositions --------------------------------------------------------------------------
    @router.get("/dispositions", name="crm.dispositions.list", tags=["dispositions"])
    def list_dispositions(queue: str | None = None, include_system: bool = False) -> dict[str, Any]:
        if queue and not crm.queue_known(queue):
            raise HTTPException(404, f"no queue {queue}")
        return {"dispositions": crm.dispositions(queue, include_system)}

    # -- presence ------------------------------------------------------------------------------
    @router.get("/presence/{username}", name="crm.presence.get", tags=["presence"])
    def get_presence(username: str) -> dict[str, Any]:
        return call(crm.presence, username)

    @router.put("/presence/{username}", name="crm.presence.set", tags=["presence"])
    def set_presence(username: str, body: PresenceIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        # cti's pushes are never echoed back (no sync loop); their source says where the change began,
        # and cti answers every crm-side change with the state it settled on, so crm ends in step
        # even when a crm change and an older cti push cross on the way.
        from_cti = principal.name == "cti-service"
        source = body.source
        if is_user(principal) and principal.name != username and principal.role != "supervisor":
            raise HTTPException(403, "agents may only change their own presence")
        reason = body.reason or None
        presence, _changed = call(crm.set_presence, username, body.status, reason, source)
        if source == "crm" and not from_cti:
            crm.push_presence_to_cti(username, body.status, reason)
        return presence

    return router
