"""Service Cloud's presence and the helpdesk tickets an org keeps, read as deskcheck records (no I/O).

Omni-Channel presence (UserServicePresence and ServicePresenceStatus; read only through the API, as
Salesforce allows: the agent sets it in the console's Omni-Channel widget):

    Online   the user's current presence (IsCurrentState) is not away (IsAway = false)
    Busy     it is away; the reason is the status's label ("Lunch", "Missed", "On call", "Busy", ...)
    Offline  no current presence (Omni-Channel keeps none while a user is offline)
    source   "crm" when the user set it themself (CreatedById, or for Offline the LastModifiedById that
             ended the last one, is the user), "cti" when someone else did: the CTI's presence sync
             writing as its integration user
"""
from __future__ import annotations

from typing import Any

from deskcheck.records import Presence, Ticket

PRESENCE_SELECT = ("Id", "ServicePresenceStatusId", "IsCurrentState", "IsAway", "StatusStartDate", "CreatedById",
                   "LastModifiedById")
TICKET_SELECT = ("Name", "Subject__c", "Status__c", "StatusLabel__c", "Priority__c", "Channel__c", "Escalated__c")


def presence_record(username: str, user_id: str, latest: dict[str, Any] | None,
                    status: dict[str, Any] | None) -> Presence:
    """A user's presence from their latest UserServicePresence (None: they never had one) and its status."""
    if latest is None:
        return Presence(username, "Offline", None, None)
    current = bool(latest.get("IsCurrentState"))
    setter = latest.get("CreatedById") if current else latest.get("LastModifiedById")
    source = "crm" if setter == user_id else "cti"
    if not current:
        return Presence(username, "Offline", None, source)
    if not latest.get("IsAway"):
        return Presence(username, "Online", None, source)
    return Presence(username, "Busy", None if status is None else status.get("MasterLabel"), source)


def ticket_record(row: dict[str, Any], contact_id: Any) -> Ticket:
    """A HelpdeskTicket__c row as the Ticket the CRM lists on a contact (no SLA clocks, no comments)."""
    return Ticket(id=row["Name"], subject=row.get("Subject__c") or "", status=row.get("Status__c") or "",
                  channel=row.get("Channel__c") or "", priority=row.get("Priority__c") or "normal",
                  contact_id=contact_id, status_label=row.get("StatusLabel__c"),
                  escalated=bool(row.get("Escalated__c")))
