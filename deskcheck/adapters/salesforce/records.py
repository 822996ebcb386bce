"""Salesforce records (Contact, Task, Case, CustomerOrder__c, CallDisposition__mdt) as deskcheck records.

What the org must hold for these (standard fields keep their Salesforce meaning; the sandbox's
Salesforce door answers the same, each custom field documented in its describe):
Contact AccountNumber__c, TaxId__c, BillingStatus__c, BillingBalance__c, Industry__c, LeadScore__c,
LifecycleStage__c, and the external id the other systems know a contact by when it is not the Salesforce
Id (contact_keys.py; the sandbox's org: ContactCenterId__c); Task (the Open CTI call log) Channel__c, FromNumber__c, Queue__c, WrapUpSeconds__c,
HoldSeconds__c, MutedSeconds__c, Dtmf__c, CorrelationId__c, TransferNote__c, TransferredBy__c,
CallAttributes__c, ContactChosenBy__c, Source__c, OccurredAt__c; the custom object CustomerOrder__c and
the custom metadata type CallDisposition__mdt; Omni-Channel (ServicePresenceStatus, UserServicePresence) for
the presence; the helpdesk integration's HelpdeskTicket__c (Name = the ticket id, Contact__c, Subject__c,
Status__c, StatusLabel__c, Priority__c, Channel__c, Escalated__c) for the tickets listed on a contact.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Callable

from deskcheck.adapters.sandbox.chat import chat_context
from deskcheck.adapters.sandbox.ivr import ivr_context
from deskcheck.records import CallLog, Case, Contact, Disposition, Order, ThreeSixty

#: Contact record field -> Salesforce Contact field
CONTACT_FIELD = {"first_name": "FirstName", "last_name": "LastName", "phone": "Phone", "email": "Email",
                 "account_number": "AccountNumber__c", "date_of_birth": "Birthdate", "tax_id": "TaxId__c",
                 "do_not_call": "DoNotCall", "email_opt_out": "HasOptedOutOfEmail", "industry": "Industry__c",
                 "lead_score": "LeadScore__c", "lifecycle_stage": "LifecycleStage__c"}
#: Salesforce fields a role's field-level security may hide -> the Contact record's name for them
HIDEABLE = {"Birthdate": "date_of_birth", "TaxId__c": "tax_id", "BillingBalance__c": "balance"}
CONTACT_SELECT = ("Id", "IsDeleted", *CONTACT_FIELD.values(), "BillingStatus__c", "BillingBalance__c")
TASK_SELECT = ("Id", "CallObject", "Status", "TaskSubtype", "Channel__c", "CallType", "FromNumber__c", "Queue__c",
               "OwnerId", "WhoId", "ContactChosenBy__c", "CallDisposition", "Description", "WrapUpSeconds__c",
               "HoldSeconds__c", "MutedSeconds__c", "Dtmf__c", "CorrelationId__c", "Subject", "TransferNote__c",
               "TransferredBy__c", "CallAttributes__c", "Source__c", "OccurredAt__c", "CreatedDate")
#: Case.Status values -> the contact center's words (others are shown lower-cased)
CASE_STATUS_WORD = {"New": "open", "On Hold": "pending", "Closed": "closed"}
CASE_STATUS_VALUE = {word: value for value, word in CASE_STATUS_WORD.items()}
CHANNEL_OF_SUBTYPE = {"Call": "call", "Email": "email"}
RECENT_ORDERS_SHOWN = 5


def iso(value: str | None) -> str | None:
    """Salesforce's 2024-05-01T10:00:00.000+0000 as ISO 8601 (2024-05-01T10:00:00.000+00:00)."""
    if not value:
        return None
    text = value.replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]
    moment = datetime.fromisoformat(text)
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def salesforce_fields(changes: dict[str, Any]) -> dict[str, Any]:
    """Contact record fields as Salesforce Contact fields; a name the mapping lacks is refused by name."""
    unknown = sorted(set(changes) - CONTACT_FIELD.keys())
    if unknown:
        raise TypeError(f"the Salesforce CRM adapter keeps no contact field {', '.join(unknown)} "
                        f"(it maps: {', '.join(CONTACT_FIELD)})")
    return {CONTACT_FIELD[k]: v for k, v in changes.items()}


def three_sixty(row: dict[str, Any], cases: list[dict[str, Any]], orders: list[dict[str, Any]]) -> ThreeSixty:
    balance = row.get("BillingBalance__c") if "BillingBalance__c" in row else None
    return ThreeSixty(
        open_cases=tuple(Case(c.get("Subject") or "", CASE_STATUS_WORD.get(c.get("Status"), str(c.get("Status")).lower()))
                         for c in cases),
        recent_orders=tuple(Order(o.get("Name") or "", float(o.get("Total__c") or 0), o.get("Status__c") or "")
                            for o in orders),
        billing_status=row.get("BillingStatus__c") or "current",
        balance=None if "BillingBalance__c" not in row else float(balance or 0))


def contact_record(row: dict[str, Any], hidden: tuple[str, ...] = (), view: ThreeSixty | None = None,
                   contact_id: Any = None) -> Contact:
    """A Contact row as a Contact; ``contact_id``: the id the record goes by (default: the Salesforce Id)."""
    marketing = {"industry": row.get("Industry__c"), "lead_score": row.get("LeadScore__c"),
                 "lifecycle_stage": row.get("LifecycleStage__c")}
    if marketing["lead_score"] is not None and float(marketing["lead_score"]).is_integer():
        marketing["lead_score"] = int(marketing["lead_score"])
    return Contact(
        id=row["Id"] if contact_id is None else contact_id, first_name=row.get("FirstName") or "", last_name=row.get("LastName") or "",
        phone=row.get("Phone") or "", email=row.get("Email"), account_number=row.get("AccountNumber__c"),
        do_not_call=bool(row.get("DoNotCall")), email_opt_out=bool(row.get("HasOptedOutOfEmail")),
        deleted=bool(row.get("IsDeleted")), date_of_birth=row.get("Birthdate"), tax_id=row.get("TaxId__c"),
        custom_fields={k: v for k, v in marketing.items() if v is not None}, hidden_fields=hidden,
        three_sixty=view, **marketing)


def call_log_record(row: dict[str, Any], agent_of: Callable[[str | None], str | None],
                    contact_of: Callable[[str | None], Any] = lambda who: who) -> CallLog:
    """A Task row as a CallLog; ``contact_of``: the id a WhoId goes by (default: itself)."""
    attributes = json.loads(row["CallAttributes__c"]) if row.get("CallAttributes__c") else {}
    wrapup = row.get("WrapUpSeconds__c")
    return CallLog(
        call_id=row["CallObject"], status="completed" if row.get("Status") == "Completed" else "in_progress",
        kind=row.get("Channel__c") or CHANNEL_OF_SUBTYPE.get(row.get("TaskSubtype"), "call"),
        direction=(row.get("CallType") or "Inbound").lower(), from_number=row.get("FromNumber__c"),
        queue=row.get("Queue__c"), agent=agent_of(row.get("OwnerId")), contact_id=contact_of(row.get("WhoId")),
        contact_chosen_by=row.get("ContactChosenBy__c"), disposition=row.get("CallDisposition"),
        notes=row.get("Description"), wrapup_seconds=None if wrapup is None else int(wrapup),
        hold_seconds=row.get("HoldSeconds__c"), muted_seconds=row.get("MutedSeconds__c"), digits=row.get("Dtmf__c"),
        correlation_id=row.get("CorrelationId__c"), subject=row.get("Subject"),
        transfer_note=row.get("TransferNote__c"), transferred_by=row.get("TransferredBy__c"), attributes=attributes,
        ivr=ivr_context(attributes), chat=chat_context(attributes), source=row.get("Source__c"),
        occurred_at=iso(row.get("OccurredAt__c") or row.get("CreatedDate")))


def disposition_record(row: dict[str, Any]) -> Disposition:
    return Disposition(row["DeveloperName"], row.get("MasterLabel") or row["DeveloperName"], row.get("Queue__c"),
                       bool(row.get("IsSystem__c")))
