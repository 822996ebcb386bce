"""helpdesk domain: tickets across channels, SLA timers over business hours, customer notifications.

SLA time is business time (weekdays 09:00-17:00 UTC) on the sandbox clock. A ticket pending the
customer pauses its timers; a customer reply resumes them. At 75 % of a target the ticket warns, at
100 % it breaches; a breach escalates the ticket (group Escalations, priority one step up).
"""
from __future__ import annotations

import threading
from typing import Any

from ..platform import correlation
from ..platform.db import dumps, loads
from ..platform.errors import Refusal
from ..platform.faults import EdgeError
from ..platform.hours import WEEKDAYS_9_TO_5, add_business_seconds, business_seconds
from ..platform.system import System

SCHEMA = """
CREATE TABLE IF NOT EXISTS tickets (id INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ticket_requests (idempotency_key TEXT PRIMARY KEY, ticket_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sso_codes (code TEXT PRIMARY KEY, username TEXT NOT NULL, name TEXT NOT NULL,
                                      expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (token TEXT PRIMARY KEY, username TEXT NOT NULL, name TEXT NOT NULL);
"""

BUSINESS_HOURS = WEEKDAYS_9_TO_5
HOUR = 3600
# priority -> (first reply, resolution) in business seconds
SLA_POLICIES = {"urgent": (HOUR // 2, 4 * HOUR), "high": (HOUR, 8 * HOUR),
                "normal": (4 * HOUR, 16 * HOUR), "low": (8 * HOUR, 40 * HOUR)}
PRIORITIES = ("low", "normal", "high", "urgent")
STATUSES = ("new", "open", "pending", "solved", "closed")
CHANNELS = ("phone", "chat", "email", "web")
WARN_AT = 0.75
STATUS_LABELS = {"new": "New", "open": "Open", "pending": "Pending customer", "solved": "Solved", "closed": "Closed"}
LIFECYCLE = ("a ticket starts New; an agent's reply opens it (Open); Pending customer stops its SLA clocks until the "
             "customer answers, which opens it again; then Solved, and Closed")
ESCALATION_GROUP = "Escalations"  # the team a breached ticket goes to (its priority goes one step up)


HelpdeskError = Refusal  # answered as {"detail": reason} with its status


TICKET_BASE = 1000  # T-1001 is the first ticket


def ticket_key(ticket_id: int) -> str:
    return f"T-{TICKET_BASE + ticket_id}"


def ticket_id_of(key: str) -> int:
    digits = key.upper().removeprefix("T-")
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 15):  # no T-٣, no ids SQLite cannot hold
        raise HelpdeskError(404, f"no ticket {key!r}")
    return int(digits) - TICKET_BASE


class Helpdesk:
    def __init__(self, system: System) -> None:
        self.system, self.db, self.clock, self.events = system, system.db, system.clock, system.events
        self._lock = threading.RLock()

    # ---- storage ----------------------------------------------------------------------------
    def _load(self, key: str) -> dict[str, Any]:
        row = self.db.one("SELECT doc FROM tickets WHERE id=?", (ticket_id_of(key),))
        if row is None:
            raise HelpdeskError(404, f"no ticket {key!r}")
        return loads(row["doc"])

    def _save(self, ticket: dict[str, Any]) -> None:
        ticket["updated_at"] = self.clock.timestamp()
        self.db.execute("UPDATE tickets SET doc=? WHERE id=?", (dumps(ticket), ticket["id"]))

    def _emit(self, type: str, ticket: dict[str, Any], **data: Any) -> None:
        self.events.emit(type, {"ticket": ticket["key"], "status": ticket["status"], "priority": ticket["priority"],
                                "contact_id": ticket["contact_id"], "channel": ticket["channel"], **data},
                         correlation_id=correlation.current() or ticket["correlation_id"])

    def all(self, **filters: Any) -> list[dict[str, Any]]:
        found = [loads(r["doc"]) for r in self.db.query("SELECT doc FROM tickets ORDER BY id DESC")]
        for key, value in filters.items():
            if value is not None:
                found = [t for t in found if str(t.get(key)) == str(value)]
        return [self.view(t) for t in found]

    def get(self, key: str) -> dict[str, Any]:
        return self.view(self._load(key))

    # ---- crm ----------------------------------------------------------------------------------
    def find_contact(self, email: str | None = None, phone: str | None = None) -> dict[str, Any] | None:
        """The one crm contact with this email or number (None when none or several, or crm is down)."""
        params = {"q": email} if email else {"phone": phone}
        try:
            body = self.system.peers["crm"].request("GET", "/api/contacts", edge="lookup", params=params)
        except EdgeError:
            return None
        contacts = (body or {}).get("contacts") or []
        if email:
            contacts = [c for c in contacts if (c.get("email") or "").lower() == email.lower()]
        return contacts[0] if len(contacts) == 1 else None

    # ---- writes ---------------------------------------------------------------------------------
    def create(self, fields: dict[str, Any]) -> dict[str, Any]:
        contact = None
        if fields.get("contact_id") is None and (fields.get("requester_email") or fields.get("phone")):
            contact = self.find_contact(fields.get("requester_email"), fields.get("phone"))
        now = self.clock.timestamp()
        priority = fields.get("priority") or "normal"
        first, resolution = SLA_POLICIES[priority]
        with self._lock, self.db.transaction():
            key = fields.get("idempotency_key")
            seen = self.db.one("SELECT ticket_id FROM ticket_requests WHERE idempotency_key=?", (key,)) if key else None
            if seen:  # a retry of a request that already made its ticket (an outbox resending, say)
                return self.get(ticket_key(seen["ticket_id"]))
            ticket_id = self.db.insert("INSERT INTO tickets (doc) VALUES ('{}')")
            if key:
                self.db.insert("INSERT INTO ticket_requests (idempotency_key, ticket_id) VALUES (?,?)", (key, ticket_id))
            ticket = {
                "id": ticket_id, "key": ticket_key(ticket_id), "subject": fields["subject"],
                "description": fields.get("description") or "", "channel": fields["channel"], "status": "new",
                "priority": priority, "category": fields.get("category") or "general", "tags": fields.get("tags") or [],
                "contact_id": fields.get("contact_id") or (contact or {}).get("id"),
                "requester_name": fields.get("requester_name") or (contact or {}).get("full_name"),
                "requester_email": fields.get("requester_email") or (contact or {}).get("email"),
                "phone": fields.get("phone") or (contact or {}).get("phone"),
                "source_ref": fields.get("source_ref"), "correlation_id": correlation.current() or correlation.new_id(),
                "group": "Tier 1", "escalated": False, "created_at": now, "updated_at": now, "solved_at": None,
                "comments": [], "notifications": [],
                "sla": {"policy": priority, "first_reply_target": first, "resolution_target": resolution,
                        "first_replied_at": None, "paused_since": None, "paused_business": 0.0,
                        "warned": [], "breached": []},
            }
            if ticket["description"]:
                ticket["comments"].append(self._comment(ticket, ticket["requester_name"] or "Customer", "customer",
                                                        ticket["channel"], ticket["description"], True))
            self._save(ticket)
            self._emit("ticket.created", ticket, subject=ticket["subject"], category=ticket["category"],
                       tags=ticket["tags"], source_ref=ticket["source_ref"])
            self._notify(ticket, f"We received your request {ticket['key']}: {ticket['subject']}")
        return self.get(ticket["key"])

    def _comment(self, ticket: dict[str, Any], author: str, author_type: str, channel: str, body: str,
                 public: bool) -> dict[str, Any]:
        return {"id": len(ticket["comments"]) + 1, "author": author, "author_type": author_type, "channel": channel,
                "body": body, "public": public, "at": self.clock.iso()}

    def _notify(self, ticket: dict[str, Any], subject: str) -> None:
        """Every customer-visible change is mailed to the requester (recorded, not sent)."""
        if not ticket["requester_email"]:
            return
        note = {"id": len(ticket["notifications"]) + 1, "channel": "email", "to": ticket["requester_email"],
                "subject": subject, "at": self.clock.iso()}
        ticket["notifications"].append(note)
        self._save(ticket)
        self._emit("ticket.notification_sent", ticket, to=note["to"], subject=subject)

    def add_comment(self, key: str, body: str, author: str, author_type: str, channel: str, public: bool,
                    status: str | None = None) -> dict[str, Any]:
        with self._lock, self.db.transaction():
            ticket = self._load(key)
            if ticket["status"] == "closed":
                raise HelpdeskError(409, f"{key} is closed; open a new ticket")
            comment = self._comment(ticket, author, author_type, channel, body, public)
            ticket["comments"].append(comment)
            if author_type == "agent" and public and ticket["sla"]["first_replied_at"] is None:
                ticket["sla"]["first_replied_at"] = self.clock.timestamp()
            self._save(ticket)
            self._emit("ticket.commented", ticket, author=author, author_type=author_type, via=channel, public=public)
            if author_type == "customer" and ticket["status"] in ("pending", "solved") and status is None:
                status = "open"  # the customer answered: the timers run again
            elif author_type == "agent" and status is None and ticket["status"] == "new":
                status = "open"
            if author_type == "agent" and public:
                self._notify(ticket, f"Update on {key}: {body[:80]}")
            if status and status != ticket["status"]:
                self._set_status(ticket, status, channel)
        return self.get(key)

    def update(self, key: str, changes: dict[str, Any], channel: str = "web") -> dict[str, Any]:
        with self._lock, self.db.transaction():
            ticket = self._load(key)
            if "priority" in changes and changes["priority"] != ticket["priority"]:
                ticket["priority"] = changes["priority"]
                self._save(ticket)
                self._emit("ticket.updated", ticket, changed=["priority"])
            if "status" in changes and changes["status"] != ticket["status"]:
                if ticket["status"] == "closed":
                    raise HelpdeskError(409, f"{key} is closed; open a new ticket")
                self._set_status(ticket, changes["status"], channel)
        return self.get(key)

    def _set_status(self, ticket: dict[str, Any], status: str, channel: str) -> None:
        now, sla, previous = self.clock.timestamp(), ticket["sla"], ticket["status"]
        if status == "pending" and sla["paused_since"] is None:
            sla["paused_since"] = now
        if status != "pending" and sla["paused_since"] is not None:
            sla["paused_business"] += business_seconds(BUSINESS_HOURS, sla["paused_since"], now)
            sla["paused_since"] = None
        ticket["status"] = status
        ticket["solved_at"] = now if status in ("solved", "closed") else None
        self._save(ticket)
        self._emit("ticket.status_changed", ticket, previous_status=previous, via=channel)
        self._notify(ticket, f"Your request {ticket['key']} is now {STATUS_LABELS[status].lower()}")

    def note_read(self, key: str, via: str) -> None:
        """The customer was told the ticket's status by a self-service channel (IVR, bot): audit it."""
        ticket = self._load(key)
        self._emit("ticket.status_read", ticket, via=via)

    # ---- SLA ------------------------------------------------------------------------------------
    def _elapsed(self, ticket: dict[str, Any], now: float) -> float:
        sla = ticket["sla"]
        end = ticket["solved_at"] or now
        paused = sla["paused_business"]
        if sla["paused_since"] is not None:
            paused += business_seconds(BUSINESS_HOURS, sla["paused_since"], end)
        return business_seconds(BUSINESS_HOURS, ticket["created_at"], end) - paused

    def sla_view(self, ticket: dict[str, Any]) -> dict[str, Any]:
        now, sla = self.clock.timestamp(), ticket["sla"]
        elapsed = self._elapsed(ticket, now)
        paused = sla["paused_since"] is not None
        metrics = {}
        for metric, target, done_at in (
                ("first_reply", sla["first_reply_target"], sla["first_replied_at"]),
                ("resolution", sla["resolution_target"], ticket["solved_at"])):
            used = elapsed if done_at is None else self._elapsed({**ticket, "solved_at": done_at}, done_at)
            left = target - used
            if metric in sla["breached"] or left <= 0:
                state = "breached"
            elif done_at is not None:
                state = "met"
            elif paused:
                state = "paused"
            elif metric in sla["warned"]:
                state = "warning"
            else:
                state = "running"
            due = None if done_at is not None or paused or left <= 0 else \
                self.clock.iso(add_business_seconds(BUSINESS_HOURS, now, left))
            metrics[metric] = {"state": state, "target_seconds": target, "used_seconds": int(used),
                               "remaining_seconds": int(max(0, left)), "due_at": due}
        return {"policy": sla["policy"], "paused": paused, "business_hours": BUSINESS_HOURS, **metrics}

    def tick(self) -> None:
        """Warns and breaches on the sandbox clock; a breach escalates the ticket."""
        now = self.clock.timestamp()
        with self._lock:
            rows = self.db.query("SELECT doc FROM tickets WHERE json_extract(doc, '$.status') IN ('new', 'open', 'pending')")
            for row in rows:
                ticket = loads(row["doc"])
                sla, elapsed = ticket["sla"], self._elapsed(ticket, now)
                for metric, target, done in (("first_reply", sla["first_reply_target"], sla["first_replied_at"]),
                                             ("resolution", sla["resolution_target"], None)):
                    if done is not None or metric in sla["breached"]:
                        continue
                    if elapsed >= target:
                        sla["breached"].append(metric)
                        self._save(ticket)
                        self._emit("ticket.sla_breached", ticket, metric=metric)
                        self._escalate(ticket, metric)
                    elif elapsed >= WARN_AT * target and metric not in sla["warned"]:
                        sla["warned"].append(metric)
                        self._save(ticket)
                        self._emit("ticket.sla_warning", ticket, metric=metric,
                                   remaining_seconds=int(target - elapsed))

    def _escalate(self, ticket: dict[str, Any], metric: str) -> None:
        if ticket["escalated"]:
            return
        ticket["escalated"] = True
        ticket["group"] = ESCALATION_GROUP
        ticket["priority"] = PRIORITIES[min(len(PRIORITIES) - 1, PRIORITIES.index(ticket["priority"]) + 1)]
        ticket["comments"].append(self._comment(ticket, "SLA monitor", "system", "web",
                                                f"Escalated: {metric.replace('_', ' ')} SLA breached", False))
        self._save(ticket)
        self._emit("ticket.escalated", ticket, metric=metric, group=ESCALATION_GROUP)

    # ---- views ----------------------------------------------------------------------------------
    def view(self, ticket: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in ticket.items() if k != "sla"}
        out["id"] = ticket["key"]
        out["number"] = ticket["id"]
        for key in ("created_at", "updated_at", "solved_at"):
            out[key] = self.clock.iso(ticket[key]) if ticket[key] else None
        out["status_label"] = STATUS_LABELS[ticket["status"]]
        out["sla"] = self.sla_view(ticket)
        return out

    # ---- ticket view sign-in (a one-time code from the crm console) --------------------------------
    def new_sso_code(self, username: str, name: str) -> dict[str, Any]:
        import uuid
        code = uuid.uuid4().hex
        expires = self.clock.timestamp() + 60
        self.db.execute("INSERT INTO sso_codes (code, username, name, expires_at) VALUES (?,?,?,?)",
                        (code, username, name, expires))
        return {"code": code, "username": username, "expires_at": self.clock.iso(expires)}

    def redeem_sso_code(self, code: str) -> str | None:
        import uuid
        with self.db.transaction():
            row = self.db.one("SELECT * FROM sso_codes WHERE code=?", (code,))
            if row is None:
                return None
            self.db.execute("DELETE FROM sso_codes WHERE code=?", (code,))
            if row["expires_at"] <= self.clock.timestamp():
                return None
            token = uuid.uuid4().hex
            self.db.execute("INSERT INTO sessions (token, username, name) VALUES (?,?,?)",
                            (token, row["username"], row["name"]))
            return token

    def session(self, token: str | None) -> dict[str, Any] | None:
        return self.db.one("SELECT username, name FROM sessions WHERE token=?", (token,)) if token else None
