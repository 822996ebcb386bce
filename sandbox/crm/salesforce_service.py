"""Service Cloud objects at the Salesforce door, over the crm's presence and the helpdesk's tickets.

Omni-Channel presence, as Salesforce keeps it (read only through the API, as in Salesforce, where the
agent sets it in the console's Omni-Channel widget; UserServicePresence takes no create or update):

  ServicePresenceStatus  the statuses: "Online"; "Busy" (a busy status with no reason); one busy status
                         per reason, labelled with the reason ("Lunch", "Missed", "On call", ...), its
                         DeveloperName "Busy_<reason>".
  UserServicePresence    a user's presence: IsCurrentState = true while they are Online or Busy
                         (IsAway = true for the busy statuses), StatusStartDate = since when; CreatedById =
                         LastModifiedById = who set it: the user themself (in the CRM's console or for them
                         through the CRM's API) or the integration user of the CTI's client (the CTI's
                         presence sync). Offline is no current presence: the user's record is ended
                         (IsCurrentState = false, StatusEndDate, no status) by whoever set them Offline.

HelpdeskTicket__c: the helpdesk's tickets as a helpdesk's Salesforce integration keeps them in the org
(e.g. Zendesk for Salesforce's ticket object), read through to the helpdesk here (never stale).
"""
from __future__ import annotations

import re
import zlib
from typing import Any, Callable

from ..platform.faults import EdgeError
from ..platform.system import System
from .salesforce_schema import CONTACT, HELPDESK_TICKET, SERVICE_PRESENCE_STATUS, USER_SERVICE_PRESENCE, make_id, parse_id
from .salesforce_values import SfError, sf_datetime

ONLINE, BUSY = "Online", "Busy"
#: the busy reasons every org of the sandbox has a status for (the CTI's not-ready reasons and its own states)
KNOWN_REASONS = ("Break", "Lunch", "Training", "Missed", "Ringing", "On call", "After call work")
CTI_CLIENT = "cti-service"  # the CTI's API client: its presence pushes are the CTI's presence sync


def developer_name(label: str) -> str:
    """A status's DeveloperName: letters, digits and single underscores, starting with a letter."""
    return "Busy_" + (re.sub(r"[^A-Za-z0-9]+", "_", label).strip("_") or "Reason")


def _status(label: str, developer: str) -> dict[str, Any]:
    return {"Id": make_id(SERVICE_PRESENCE_STATUS.prefix, zlib.crc32(developer.encode()) % 62 ** 8),
            "IsDeleted": False, "DeveloperName": developer, "MasterLabel": label, "CreatedDate": None}


def status_of(status: str, reason: str | None) -> dict[str, Any]:
    """The ServicePresenceStatus of a crm presence (Online, or Busy with its reason)."""
    if status == ONLINE:
        return _status(ONLINE, ONLINE)
    if not reason or reason == BUSY:
        return _status(BUSY, BUSY)
    return _status(reason, developer_name(reason))


class ServiceObjects:
    """Rows of ServicePresenceStatus, UserServicePresence and HelpdeskTicket__c."""

    def __init__(self, system: System, user_ids: Callable[[], dict[str, int]]) -> None:
        self.system, self.db, self.user_ids = system, system.db, user_ids

    def status_rows(self, hints: dict[str, list[Any]]) -> list[dict[str, Any]]:
        reasons = [r["reason"] for r in self.db.query("SELECT DISTINCT reason FROM presence WHERE status=? AND "
                                                      "reason IS NOT NULL ORDER BY reason", (BUSY,))]
        rows = {row["Id"]: row for row in [status_of(ONLINE, None), status_of(BUSY, None),
                                           *(status_of(BUSY, r) for r in (*KNOWN_REASONS, *reasons))]}
        return list(rows.values())

    def presence_rows(self, hints: dict[str, list[Any]]) -> list[dict[str, Any]]:
        ids = self.user_ids()
        setters = {"cti": ids.get(CTI_CLIENT)}
        wanted = {parse_id(v)[1] for v in hints.get("UserId", []) if parse_id(v)} if "UserId" in hints else None
        out = []
        for r in self.db.query("SELECT rowid AS n, * FROM presence ORDER BY rowid"):
            user = ids.get(r["username"])
            if user is None or (wanted is not None and user not in wanted):
                continue
            setter = make_id("005", setters.get(r["source"]) or user)
            since = sf_datetime(r["updated_at"])
            online = r["status"] != "Offline"
            out.append({
                "Id": make_id(USER_SERVICE_PRESENCE.prefix, r["n"]), "IsDeleted": False, "Name": f"{r['n']:08d}",
                "UserId": make_id("005", user),
                "ServicePresenceStatusId": status_of(r["status"], r["reason"])["Id"] if online else None,
                "IsCurrentState": online, "IsAway": online and r["status"] != ONLINE,
                "StatusStartDate": since, "StatusEndDate": None if online else since,
                "CreatedDate": since, "CreatedById": setter, "LastModifiedDate": since, "LastModifiedById": setter})
        return out

    def ticket_rows(self, hints: dict[str, list[Any]]) -> list[dict[str, Any]]:
        """The helpdesk's tickets (of the contacts asked for, when the query names them), read through."""
        contacts = [parse_id(v) for v in hints.get("Contact__c", [])]
        asks = [{"contact_id": c[1]} for c in contacts if c and c[0] == CONTACT.prefix] if contacts else [{}]
        out = []
        for params in asks:
            try:
                body = self.system.peers["helpdesk"].request("GET", "/api/tickets", edge="tickets", params=params)
                tickets = body["tickets"]
            except (EdgeError, KeyError, TypeError) as exc:
                raise SfError(503, "SERVER_UNAVAILABLE", f"the helpdesk integration did not answer: {exc}") from None
            out += [ticket_row(t) for t in tickets]
        return out


def ticket_row(ticket: dict[str, Any]) -> dict[str, Any]:
    digits = re.sub(r"\D", "", str(ticket.get("id") or "")) or "0"
    contact = ticket.get("contact_id")
    return {"Id": make_id(HELPDESK_TICKET.prefix, int(digits)), "IsDeleted": False, "Name": ticket.get("id"),
            "Contact__c": make_id(CONTACT.prefix, int(contact)) if isinstance(contact, int) else None,
            "Subject__c": ticket.get("subject"), "Status__c": ticket.get("status"),
            "StatusLabel__c": ticket.get("status_label"), "Priority__c": ticket.get("priority"),
            "Channel__c": ticket.get("channel"), "Escalated__c": bool(ticket.get("escalated")),
            "UpdatedAt__c": sf_datetime(ticket.get("updated_at"))}
