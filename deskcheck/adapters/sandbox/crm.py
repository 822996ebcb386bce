"""The sandbox CRM behind the CRM port: its REST answers turned into records."""
from __future__ import annotations

from typing import Any

from deskcheck.adapters.sandbox.api_voice import CrmClient
from deskcheck.adapters.sandbox.chat import chat_context
from deskcheck.adapters.sandbox.http import ApiError, refusal
from deskcheck.adapters.sandbox.helpdesk import ticket_record
from deskcheck.adapters.sandbox.ivr import ivr_context
from deskcheck.adapters.sandbox.sessions import TokenAudit
from deskcheck.adapters.sandbox.settings import CrmSettings
from deskcheck.ports import Refused
from deskcheck.records import (CallLog, Case, Contact, Disposition, FollowUp, Order, Presence, ScreenPop,
                               ThreeSixty, Ticket)


#: the sandbox's names of fields a role may not see -> the Contact record's names
FIELD_OF_HIDDEN = {"billing.balance": "balance"}
#: Contact fields the sandbox CRM keeps among a contact's custom fields (marketing's, per the field mapping)
CUSTOM_CONTACT_FIELDS = ("industry", "lead_score", "lifecycle_stage")


def contact_record(body: dict[str, Any]) -> Contact:
    three_sixty = body.get("three_sixty")
    view = None
    if three_sixty is not None:
        billing = three_sixty.get("billing") or {}
        view = ThreeSixty(
            open_cases=tuple(Case(c.get("subject", ""), c.get("status", "open")) for c in three_sixty.get("open_cases", [])),
            recent_orders=tuple(Order(o.get("number", ""), float(o.get("total") or 0), o.get("status", ""))
                                for o in three_sixty.get("recent_orders", [])),
            billing_status=billing.get("status", "current"),
            balance=None if "balance" not in billing else float(billing["balance"] or 0))
    return Contact(
        id=body["id"], first_name=body.get("first_name", ""), last_name=body.get("last_name", ""),
        phone=body.get("phone", ""), email=body.get("email"), account_number=body.get("account_number"),
        do_not_call=bool(body.get("do_not_call")), email_opt_out=bool(body.get("email_opt_out")),
        deleted=bool(body.get("deleted_at")), date_of_birth=body.get("date_of_birth"), tax_id=body.get("tax_id"),
        custom_fields=dict(body.get("custom_fields") or {}),
        hidden_fields=tuple(FIELD_OF_HIDDEN.get(f, f) for f in body.get("hidden_fields") or ()),
        three_sixty=view, **{name: (body.get("custom_fields") or {}).get(name) for name in CUSTOM_CONTACT_FIELDS})


def contact_fields(changes: dict[str, Any]) -> dict[str, Any]:
    """Contact record fields as the sandbox CRM takes them: marketing's fields go among the custom fields."""
    body = {k: v for k, v in changes.items() if k not in CUSTOM_CONTACT_FIELDS}
    custom = {k: v for k, v in changes.items() if k in CUSTOM_CONTACT_FIELDS}
    if custom:
        body["custom_fields"] = {**(body.get("custom_fields") or {}), **custom}
    return body


def call_log_record(body: dict[str, Any]) -> CallLog:
    return CallLog(
        call_id=body["interaction_id"], status=body["status"], kind=body.get("type") or "call",
        direction=body.get("direction") or "inbound", from_number=body.get("from_number"), queue=body.get("queue"),
        agent=body.get("agent"), contact_id=body.get("contact_id"), contact_chosen_by=body.get("contact_chosen_by"),
        disposition=body.get("disposition"), notes=body.get("notes"),
        wrapup_seconds=None if body.get("wrapup_seconds") is None else int(body["wrapup_seconds"]),
        hold_seconds=body.get("hold_seconds"), muted_seconds=body.get("muted_seconds"), digits=body.get("dtmf"),
        correlation_id=body.get("correlation_id"), subject=body.get("subject"),
        transfer_note=body.get("transfer_note"), transferred_by=body.get("transferred_by"),
        attributes=dict(body.get("attributes") or {}),
        ivr=ivr_context(body.get("attributes")), chat=chat_context(body.get("attributes")),
        source=body.get("source"), occurred_at=body.get("occurred_at") or body.get("created_at"))


def count_of(value: Any) -> int:
    """A count the sandbox gives either as a number or as the list of what it counts."""
    return len(value) if isinstance(value, list) else int(value or 0)


def presence_record(body: dict[str, Any]) -> Presence:
    return Presence(body["username"], body["status"], body.get("reason"), body.get("source"))


class SandboxCrm(TokenAudit, CrmSettings):
    """The CRM port over the sandbox CRM's own API."""

    capabilities = frozenset({"write_audit", "screen_pop_audit", "callbacks", "token_audit", "crm_presence",
                               "crm_presence_set", "helpdesk"})

    def __init__(self, api: CrmClient) -> None:
        self.api = api

    def as_user(self, username: str, password: str) -> "SandboxCrm":
        """The same CRM seen by a console user: their role and field visibility apply."""
        return type(self)(self.api.as_user(username, password))

    # contacts
    def find_contacts(self, phone: str | None = None, name: str | None = None,
                      account_number: str | None = None) -> list[Contact]:
        return [contact_record(c) for c in self.api.contacts(q=name, phone=phone, account_number=account_number)]

    def contact(self, contact_id: Any) -> Contact:
        return contact_record(self.api.contact(contact_id))

    def contacts(self, ids: list[Any]) -> list[Contact]:
        """Contacts by id, deleted ones too."""
        return [contact_record(c) for c in self.api.contacts_by_ids(ids)]

    def create_contact(self, first_name: str, last_name: str, phone: str, **fields: Any) -> Contact:
        return contact_record(self.api.create_contact(first_name, last_name, phone, **contact_fields(fields)))

    def create_contacts(self, people: list[dict[str, Any]]) -> list[Contact]:
        """Many contacts in one batch (each: first_name, last_name, phone and any other Contact field), in order."""
        results = self.api.create_contacts_bulk([contact_fields(p) for p in people])
        refused = [f"contact {r.get('index')}: {r.get('status')} ({r.get('detail')})"
                   for r in results if r.get("status") != "created"]
        if refused:
            raise Refused("CRM", f"create {len(people)} contacts", "; ".join(refused[:5]))
        by_id = {c.id: c for c in self.contacts([r["id"] for r in results])}
        return [by_id[r["id"]] for r in results]

    def update_contact(self, contact_id: Any, **changes: Any) -> Contact:
        try:
            return contact_record(self.api.update_contact(contact_id, **contact_fields(changes)))
        except ApiError as exc:
            raise refusal("CRM", "update the contact", exc) from None

    def delete_contact(self, contact_id: Any) -> None:
        try:
            self.api.delete_contact(contact_id)
        except ApiError as exc:
            raise refusal("CRM", "delete the contact", exc) from None

    def add_case(self, contact_id: Any, subject: str, status: str | None = None) -> None:
        self.api.create_case(contact_id, subject, status)

    def add_order(self, contact_id: Any, number: str, total: float, status: str) -> None:
        self.api.create_order(contact_id, number, total, status)

    def set_billing(self, contact_id: Any, status: str, balance: float) -> None:
        try:
            self.api.set_billing(contact_id, status, balance)
        except ApiError as exc:
            raise refusal("CRM", "set the billing summary", exc) from None

    # call logs
    def call_logs(self, call_id: str | None = None, contact_id: Any = None) -> list[CallLog]:
        return [call_log_record(a) for a in self.api.activities(contact_id=contact_id, interaction_id=call_id)]

    def call_log(self, call_id: str) -> CallLog | None:
        logs = self.call_logs(call_id=call_id)
        assert len(logs) <= 1, f"the CRM has {len(logs)} call logs for call {call_id}, expected one"
        return logs[0] if logs else None

    def log_call(self, call_id: str, contact_id: Any, direction: str = "outbound", queue: str | None = None,
                 agent: str | None = None, disposition: str | None = None, notes: str | None = None) -> CallLog:
        """Logs a completed call on a contact (a call the CRM learns of from elsewhere, e.g. a sales dialler)."""
        try:
            return call_log_record(self.api.put_activity(
                call_id, status="completed", type="call", contact_id=contact_id, direction=direction,
                **{k: v for k, v in {"queue": queue, "agent": agent, "disposition": disposition, "notes": notes}.items()
                   if v is not None}))
        except ApiError as exc:
            raise refusal("CRM", f"log call {call_id}", exc) from None

    def email_contact(self, contact_id: Any, subject: str, body: str = "") -> CallLog:
        """An agent's email to the contact, logged on the contact's timeline; refused for a contact who opted out."""
        try:
            return call_log_record(self.api.email_contact(contact_id, subject, body))
        except ApiError as exc:
            raise refusal("CRM", f"email contact {contact_id}", exc) from None

    def call_log_writes(self, call_id: str) -> int:
        found = self.api.activities(interaction_id=call_id)
        return sum(int(a.get("log_writes") or 0) for a in found)

    def dispositions(self, queue: str | None = None) -> list[Disposition]:
        return [Disposition(d["code"], d.get("label", d["code"]), d.get("queue"), bool(d.get("system")))
                for d in self.api.dispositions(queue)]

    def screen_pops(self, call_id: str) -> list[ScreenPop]:
        body = self.api.screenpops(call_id)
        pops = body["screenpops"] if isinstance(body, dict) else body
        return [ScreenPop(call_id, p.get("agent", ""), p.get("match", ""), p.get("matched_by"),
                          tuple(c["id"] if isinstance(c, dict) else c for c in (p.get("contacts") or p.get("contact_ids") or ())))
                for p in pops]

    def follow_ups(self, contact_id: Any = None, phone: str | None = None) -> list[FollowUp]:
        return [FollowUp(f["id"], f.get("contact_id"), f.get("phone"), f.get("status"), f.get("next_action"),
                         f.get("next_action_due"), count_of(f.get("attempts")),
                         tuple(a.get("outcome") for a in f.get("attempts") or () if isinstance(a, dict)))
                for f in self.api.followups(contact_id=contact_id, phone=phone)]

    def linked_tickets(self, contact_id: Any) -> list[Ticket]:
        """The helpdesk tickets the CRM lists on the contact's record (read through to the helpdesk: no SLA clocks)."""
        return [ticket_record(t) for t in self.api.contact_tickets(contact_id)]

    # presence
    def presence(self, username: str) -> Presence:
        return presence_record(self.api.presence(username))

    def set_presence(self, username: str, status: str, reason: str | None = None) -> Presence:
        return presence_record(self.api.set_presence(username, status, reason))

