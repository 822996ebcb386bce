"""crm API routes for contacts: search, create (one or a batch), update, soft delete, email,
and the records of their 360 view (billing, cases, orders), and their helpdesk tickets."""
from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import ValidationError

from ..platform import correlation
from ..platform.auth import Principal
from ..platform.faults import EdgeError
from ..platform.guard import MAX_SAFE_INTEGER, RecordId
from ..platform.system import System
from .api_bodies import BillingIn, BulkContactIn, BulkContactsIn, CaseIn, ContactIn, ContactPatch, EmailIn, OrderIn
from .errors import Conflict, call
from .phone import PhoneError, normalize_phone
from .store import Crm
from .visibility import hidden_fields
from .write_rules import require_may_delete_contacts


def add_contact_routes(router: APIRouter, system: System, crm: Crm) -> None:
    """Contacts and their 360 records; a role never writes a field it may not see."""
    def refuse_hidden_writes(principal: Principal, fields: set[str]) -> None:
        """A role may not write a field it may not read (no blind overwrites of a tax id)."""
        blocked = sorted(fields & set(hidden_fields(principal)))
        if blocked:
            raise HTTPException(403, f"role {principal.role} may not set {', '.join(blocked)}")

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


def add_linked_ticket_routes(router: APIRouter, system: System, crm: Crm) -> None:
    """A contact's helpdesk tickets, read through to the helpdesk."""
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
