"""crm domain logic over its SQLite database: contacts and 360 data, activities, screen pops, presence.

Routes validate input and pick the principal; this module owns the rules (screen-pop matching,
activity upsert with log_writes, presence sync) and emits the events.
"""
from __future__ import annotations

import hashlib
import secrets
import sqlite3
import unicodedata
from typing import Any

from ..platform.auth import Principal
from ..platform.db import dumps, loads
from ..platform.system import System
from .visibility import hidden_fields

CONTACT_FIELDS = ("first_name", "last_name", "phone", "email", "account_number", "date_of_birth", "tax_id",
                  "do_not_call", "email_opt_out")
FLAGS = ("do_not_call", "email_opt_out")
ACTIVITY_MERGE_FIELDS = ("direction", "from_number", "queue", "contact_id", "agent", "disposition", "notes",
                         "wrapup_seconds", "hold_seconds", "muted_seconds", "dtmf", "transfers", "correlation_id",
                         "type", "subject", "source", "occurred_at", "attributes")
ACTIVITY_JSON_FIELDS = ("transfers", "attributes")
OPEN_CASE_STATUSES = ("open", "pending")
RECENT_ORDERS_SHOWN = 5
DEFAULT_QUEUES = ["support", "sales", "billing"]


class Conflict(Exception):
    """A request not allowed in the current state: 409."""


class NotFound(Exception):
    """An unknown id: 404."""


class Invalid(Exception):
    """A request that is well-formed but refers to something that does not exist: 422."""


class Forbidden(Exception):
    """The principal's role may not do this: 403."""


def hash_password(password: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), 20_000).hex()
    return f"{salt}${digest}"


def check_password(password: str, stored: str) -> bool:
    salt, _, _ = stored.partition("$")
    return secrets.compare_digest(hash_password(password, salt), stored)


def _fold(text: str) -> str:
    """Case- and accent-insensitive form for search: 'Zoë Brontë' matches 'zoe bronte'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _is_cjk(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af"
               for ch in text)


def full_name(first_name: str, last_name: str) -> str:
    """Display name in the name's own order: family name first for CJK names (山田 花子)."""
    if _is_cjk(last_name):
        return f"{last_name} {first_name}".strip()
    return f"{first_name} {last_name}".strip()


class Crm:
    def __init__(self, system: System) -> None:
        self.system = system
        self.db, self.events, self.clock = system.db, system.events, system.clock

    # -- users ---------------------------------------------------------------------------------
    def user(self, username: str) -> dict[str, Any] | None:
        row = self.db.one("SELECT * FROM users WHERE username=?", (username,))
        return self._user_out(row) if row else None

    def users(self) -> list[dict[str, Any]]:
        return [self._user_out(r) for r in self.db.query("SELECT * FROM users ORDER BY username")]

    @staticmethod
    def _user_out(row: dict[str, Any]) -> dict[str, Any]:
        return {"username": row["username"], "name": row["name"], "role": row["role"],
                "queues": loads(row["queues"], []), "created_at": row["created_at"]}

    def verify_user(self, username: str, password: str) -> Principal | None:
        row = self.db.one("SELECT * FROM users WHERE username=?", (username,))
        if row is None or not check_password(password, row["password_hash"]):
            return None
        return Principal("user", row["username"], row["role"])

    def insert_user(self, username: str, password: str, name: str, role: str, queues: list[str]) -> dict[str, Any]:
        """Stores the user and their Offline presence; Conflict when the username is taken."""
        now = self.clock.iso()
        with self.db.transaction():
            if self.db.one("SELECT 1 FROM users WHERE username=?", (username,)):
                raise Conflict(f"user {username!r} already exists")
            self.db.execute("INSERT INTO users (username, password_hash, name, role, queues, created_at)"
                            " VALUES (?,?,?,?,?,?)", (username, hash_password(password), name, role, dumps(queues), now))
            self.db.execute("INSERT OR IGNORE INTO presence (username, status, reason, source, updated_at)"
                            " VALUES (?, 'Offline', NULL, 'crm', ?)", (username, now))
        user = self.user(username)
        self.events.emit("user.created", user)
        return user

    def delete_user(self, username: str) -> None:
        """Removes the user with their console sessions and CRM presence (no more sign-ins); NotFound when unknown.
        Their call logs stay: history keeps the agent's username."""
        with self.db.transaction():
            if not self.db.one("SELECT 1 FROM users WHERE username=?", (username,)):
                raise NotFound(f"no user {username}")
            for table in ("console_sessions", "presence", "users"):
                self.db.execute(f"DELETE FROM {table} WHERE username=?", (username,))
        self.events.emit("user.deleted", {"username": username})

    # -- console sessions ----------------------------------------------------------------------
    def open_session(self, username: str) -> str:
        token = secrets.token_urlsafe(32)
        self.db.execute("INSERT INTO console_sessions (token, username, created_at) VALUES (?,?,?)",
                        (token, username, self.clock.iso()))
        return token

    def session_principal(self, token: str | None) -> Principal | None:
        if not token:
            return None
        row = self.db.one("SELECT u.username, u.role FROM console_sessions s JOIN users u ON u.username = s.username"
                          " WHERE s.token=?", (token,))
        return Principal("session", row["username"], row["role"]) if row else None

    def close_session(self, token: str) -> None:
        self.db.execute("DELETE FROM console_sessions WHERE token=?", (token,))

    # -- contacts ------------------------------------------------------------------------------
    def _contact_row(self, contact_id: int) -> dict[str, Any]:
        row = self.db.one("SELECT * FROM contacts WHERE id=?", (contact_id,))
        if row is None:
            raise NotFound(f"no contact {contact_id}")
        return row

    def contact_exists(self, contact_id: int) -> bool:
        return self.db.one("SELECT 1 FROM contacts WHERE id=?", (contact_id,)) is not None

    def contact_view(self, row: dict[str, Any], principal: Principal) -> dict[str, Any]:
        hidden = hidden_fields(principal)
        contact = {
            "id": row["id"], "first_name": row["first_name"], "last_name": row["last_name"],
            "full_name": full_name(row["first_name"], row["last_name"]), "phone": row["phone"],
            "email": row["email"], "account_number": row["account_number"],
            "date_of_birth": row["date_of_birth"], "tax_id": row["tax_id"],
            "do_not_call": bool(row["do_not_call"]), "email_opt_out": bool(row["email_opt_out"]),
            "custom_fields": loads(row["custom_fields"], {}), "deleted_at": row["deleted_at"],
            "created_at": row["created_at"], "updated_at": row["updated_at"],
        }
        for field in hidden:
            contact.pop(field, None)
        contact["hidden_fields"] = hidden
        return contact

    def contact(self, contact_id: int, principal: Principal, with_360: bool = True) -> dict[str, Any]:
        contact = self.contact_view(self._contact_row(contact_id), principal)
        if with_360:
            contact["three_sixty"] = self.three_sixty(contact_id, principal)
        return contact

    def three_sixty(self, contact_id: int, principal: Principal) -> dict[str, Any]:
        marks = ",".join("?" * len(OPEN_CASE_STATUSES))
        cases = self.db.query(f"SELECT id, subject, status, created_at FROM cases WHERE contact_id=? AND status IN ({marks})"
                              " ORDER BY id", (contact_id, *OPEN_CASE_STATUSES))
        orders = self.db.query("SELECT id, number, total, status, placed_at FROM orders WHERE contact_id=?"
                               " ORDER BY placed_at DESC, id DESC LIMIT ?", (contact_id, RECENT_ORDERS_SHOWN))
        billing_row = self.db.one("SELECT status, balance, updated_at FROM billing WHERE contact_id=?", (contact_id,))
        billing = {"status": billing_row["status"], "balance": billing_row["balance"]} if billing_row \
            else {"status": "current", "balance": 0.0}
        if "billing.balance" in hidden_fields(principal):
            billing.pop("balance")
        return {"open_cases": cases, "recent_orders": orders, "billing": billing}

    def search_contacts(self, principal: Principal, q: str | None = None, phone: str | None = None,
                        account_number: str | None = None, limit: int = 50,
                        ids: list[int] | None = None) -> list[dict[str, Any]]:
        if ids is not None:  # a lookup by id (integrations): deleted contacts too, in the order asked
            marks = ",".join("?" * len(ids))
            rows = {r["id"]: r for r in self.db.query(f"SELECT * FROM contacts WHERE id IN ({marks})", tuple(ids))}
            return [self.contact_view(rows[i], principal) for i in ids if i in rows]
        sql, params = "SELECT * FROM contacts WHERE deleted_at IS NULL", []
        if phone:
            sql += " AND phone=?"
            params.append(phone)
        if account_number:
            sql += " AND account_number=?"
            params.append(account_number)
        rows = self.db.query(sql + " ORDER BY last_name, first_name, id", tuple(params))
        if q:
            # few contacts in a sandbox: match in Python so accents, case and scripts all work
            needle = _fold(q.strip())
            digits = "".join(ch for ch in q if ch.isdigit())
            rows = [r for r in rows if needle in _fold(" ".join(filter(None, (
                r["first_name"], r["last_name"], full_name(r["first_name"], r["last_name"]),
                r["email"], r["account_number"])))) or (len(digits) >= 4 and digits in r["phone"])]
        return [self.contact_view(r, principal) for r in rows[:limit]]

    def contacts_after(self, principal: Principal, after_id: int, limit: int) -> list[dict[str, Any]]:
        rows = self.db.query("SELECT * FROM contacts WHERE id > ? ORDER BY id LIMIT ?", (after_id, limit))
        return [self.contact_view(r, principal) for r in rows]

    def create_contact(self, fields: dict[str, Any], idempotency_key: str | None = None) -> int:
        """The new contact's id; with an idempotency key, a repeated create answers the first one's id."""
        now = self.clock.iso()
        custom = {k: v for k, v in (fields.get("custom_fields") or {}).items() if v is not None}
        with self.db.transaction():
            if idempotency_key:
                known = self.db.one("SELECT contact_id FROM contact_keys WHERE key=?", (idempotency_key,))
                if known:
                    return known["contact_id"]
            self._check_account_free(fields.get("account_number"), None)
            contact_id = self.db.insert(
                "INSERT INTO contacts (first_name, last_name, phone, email, account_number, date_of_birth, tax_id,"
                " do_not_call, email_opt_out, custom_fields, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (fields["first_name"], fields["last_name"], fields["phone"], fields.get("email"),
                 fields.get("account_number"), fields.get("date_of_birth"), fields.get("tax_id"),
                 int(bool(fields.get("do_not_call"))), int(bool(fields.get("email_opt_out"))),
                 dumps(custom) if custom else None, now, now))
            if idempotency_key:
                self.db.execute("INSERT INTO contact_keys (key, contact_id) VALUES (?,?)", (idempotency_key, contact_id))
        row = self._contact_row(contact_id)
        self.events.emit("contact.created", {
            "id": contact_id, "full_name": full_name(row["first_name"], row["last_name"]),
            "phone": row["phone"], "account_number": row["account_number"]})
        return contact_id

    def update_contact(self, contact_id: int, changes: dict[str, Any]) -> None:
        changes = dict(changes)
        custom_changes = changes.pop("custom_fields", None) or {}
        with self.db.transaction():
            row = self._contact_row(contact_id)
            if row["deleted_at"]:
                raise Conflict(f"contact {contact_id} was deleted")
            if "account_number" in changes:
                self._check_account_free(changes["account_number"], contact_id)
            changed = [f for f, v in changes.items()
                       if (int(bool(v)) if f in FLAGS else v) != row[f]]
            assignments = [f"{f}=?" for f in changed]
            values: list[Any] = [int(bool(changes[f])) if f in FLAGS else changes[f] for f in changed]
            custom = loads(row["custom_fields"], {})
            custom_changed = [k for k, v in custom_changes.items() if custom.get(k) != v]
            if custom_changed:
                for key in custom_changed:
                    if custom_changes[key] is None:
                        custom.pop(key, None)
                    else:
                        custom[key] = custom_changes[key]
                assignments.append("custom_fields=?")
                values.append(dumps(custom) if custom else None)
                changed += [f"custom_fields.{k}" for k in custom_changed]
            if not changed:
                return
            self.db.execute(f"UPDATE contacts SET {', '.join(assignments)}, updated_at=? WHERE id=?",
                            (*values, self.clock.iso(), contact_id))
        # names of the changed fields only: event streams are readable by every role
        self.events.emit("contact.updated", {"id": contact_id, "changed": sorted(changed)})

    def delete_contact(self, contact_id: int) -> None:
        """A soft delete: gone from search and screen pops; its calls, cases and orders stay."""
        with self.db.transaction():
            row = self._contact_row(contact_id)
            if row["deleted_at"]:
                return
            self.db.execute("UPDATE contacts SET deleted_at=?, updated_at=? WHERE id=?",
                            (self.clock.iso(), self.clock.iso(), contact_id))
        self.events.emit("contact.deleted", {"id": contact_id})

    def _check_account_free(self, account_number: str | None, contact_id: int | None) -> None:
        if not account_number:
            return
        owner = self.db.one("SELECT id FROM contacts WHERE account_number=?", (account_number,))
        if owner and owner["id"] != contact_id:
            raise Conflict(f"account number {account_number} already belongs to contact {owner['id']}")

    def add_case(self, contact_id: int, subject: str, status: str) -> dict[str, Any]:
        self._contact_row(contact_id)
        case_id = self.db.insert("INSERT INTO cases (contact_id, subject, status, created_at) VALUES (?,?,?,?)",
                                 (contact_id, subject, status, self.clock.iso()))
        case = self.db.one("SELECT * FROM cases WHERE id=?", (case_id,))
        self.events.emit("case.created", case)
        return case

    def add_order(self, contact_id: int, number: str, total: float, status: str, placed_at: str | None) -> dict[str, Any]:
        self._contact_row(contact_id)
        with self.db.transaction():
            if self.db.one("SELECT 1 FROM orders WHERE number=?", (number,)):
                raise Conflict(f"order number {number} already exists")
            order_id = self.db.insert("INSERT INTO orders (contact_id, number, total, status, placed_at) VALUES (?,?,?,?,?)",
                                      (contact_id, number, total, status, placed_at or self.clock.iso()))
        order = self.db.one("SELECT * FROM orders WHERE id=?", (order_id,))
        self.events.emit("order.created", order)
        return order

    def set_billing(self, contact_id: int, status: str, balance: float) -> dict[str, Any]:
        self._contact_row(contact_id)
        self.db.execute("INSERT INTO billing (contact_id, status, balance, updated_at) VALUES (?,?,?,?)"
                        " ON CONFLICT(contact_id) DO UPDATE SET status=excluded.status, balance=excluded.balance,"
                        " updated_at=excluded.updated_at", (contact_id, status, balance, self.clock.iso()))
        self.events.emit("billing.updated", {"contact_id": contact_id, "status": status})
        return {"contact_id": contact_id, "status": status, "balance": balance}

    # -- activities (call logs) ----------------------------------------------------------------
    @staticmethod
    def _activity_out(row: dict[str, Any]) -> dict[str, Any]:
        activity = dict(row)
        for field in ACTIVITY_JSON_FIELDS:
            activity[field] = loads(activity[field])
        return activity

    def activity(self, interaction_id: str) -> dict[str, Any] | None:
        row = self.db.one("SELECT * FROM activities WHERE interaction_id=?", (interaction_id,))
        return self._activity_out(row) if row else None

    def activities(self, contact_id: int | None = None, interaction_id: str | None = None) -> list[dict[str, Any]]:
        sql, params = "SELECT * FROM activities WHERE 1=1", []
        if contact_id is not None:
            sql += " AND contact_id=?"
            params.append(contact_id)
        if interaction_id is not None:
            sql += " AND interaction_id=?"
            params.append(interaction_id)
        return [self._activity_out(r) for r in self.db.query(
            sql + " ORDER BY COALESCE(occurred_at, created_at) DESC, id DESC", tuple(params))]

    def upsert_activity(self, interaction_id: str, fields: dict[str, Any], status: str | None,
                        contact_chosen_by: str | None = None) -> dict[str, Any]:
        """Merges a call log write into the one activity of the interaction.

        None never overwrites a value (a set contact_id stays set); `completed` never goes back to
        `in_progress`; log_writes counts the completed writes that changed something.
        """
        now = self.clock.iso()
        with self.db.transaction():
            row = self.db.one("SELECT * FROM activities WHERE interaction_id=?", (interaction_id,))
            if fields.get("contact_id") is not None and not self.contact_exists(fields["contact_id"]):
                raise Invalid(f"contact_id {fields['contact_id']} does not exist")
            stored = {k: dumps(v) if k in ACTIVITY_JSON_FIELDS else v for k, v in fields.items() if v is not None}
            if stored.get("contact_id") is not None and contact_chosen_by:
                stored["contact_chosen_by"] = contact_chosen_by
            if row is None and stored.get("contact_id") is None and stored.get("from_number"):
                # a call handled with no console (a desk phone) is still logged on its one caller
                stored.update(self._caller_of(interaction_id, stored["from_number"], fields.get("attributes")))
            if row is None:
                stored.setdefault("direction", "inbound")
                stored["status"] = status or "in_progress"
                if stored["status"] == "completed":
                    stored["completed_at"], stored["log_writes"] = now, 1
                columns = ["interaction_id", *stored, "created_at", "updated_at"]
                self.db.insert(f"INSERT INTO activities ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                               (interaction_id, *stored.values(), now, now))
                kind = "activity.completed" if stored["status"] == "completed" else "activity.created"
            else:
                if row["contact_id"] is not None and "contact_id" in stored and contact_chosen_by == "screenpop":
                    # a pop never re-links a call the agent (or an earlier pop) already linked
                    stored.pop("contact_id")
                    stored.pop("contact_chosen_by", None)
                if row["correlation_id"] and "correlation_id" in stored:
                    stored.pop("correlation_id")  # born with the call; later writes carry the same one
                if status and not (row["status"] == "completed" and status == "in_progress"):
                    stored["status"] = status
                changed = {k: v for k, v in stored.items() if row[k] != v}
                if not changed:
                    return self._activity_out(row)
                completing = changed.get("status") == "completed"
                if completing:
                    changed["completed_at"] = now
                if status == "completed":
                    changed["log_writes"] = row["log_writes"] + 1
                assignments = ", ".join(f"{k}=?" for k in changed)
                self.db.execute(f"UPDATE activities SET {assignments}, updated_at=? WHERE id=?",
                                (*changed.values(), now, row["id"]))
                kind = "activity.completed" if completing else "activity.updated"
            activity = self.activity(interaction_id)
        self.events.emit(kind, activity, correlation_id=activity["correlation_id"])
        return activity

    def _caller_of(self, interaction_id: str, number: str, attributes: Any) -> dict[str, Any]:
        """The screen-pop rule applied by the CRM itself: the contact a new call log belongs to when exactly one
        matches (an IVR-verified account first, else the number); nothing when none or several do."""
        verified = attributes.get("account_number") if isinstance(attributes, dict) and attributes.get("verified") else None
        match, matched_by, ids = self.match_caller(interaction_id, number, verified)
        return {"contact_id": ids[0], "contact_chosen_by": matched_by} if match == "single" else {}

    def choose_contact(self, interaction_id: str, contact_id: int, agent: str) -> dict[str, Any]:
        with self.db.transaction():
            row = self.db.one("SELECT * FROM activities WHERE interaction_id=?", (interaction_id,))
            if row is None:
                raise NotFound(f"no activity for interaction {interaction_id}")
            if not self.contact_exists(contact_id):
                raise Invalid(f"contact_id {contact_id} does not exist")
            if row["contact_id"] == contact_id and row["contact_chosen_by"] == "agent":
                return self._activity_out(row)
            self.db.execute("UPDATE activities SET contact_id=?, contact_chosen_by='agent', updated_at=? WHERE id=?",
                            (contact_id, self.clock.iso(), row["id"]))
            activity = self.activity(interaction_id)
        self.events.emit("activity.contact_chosen", {
            "interaction_id": interaction_id, "activity_id": activity["id"], "contact_id": contact_id,
            "agent": agent, "previous_contact_id": row["contact_id"]}, correlation_id=activity["correlation_id"])
        return activity

    # -- follow-ups (callback attempts and the next action, from cti) ---------------------------
    def upsert_followup(self, followup_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Keeps the latest state of a callback; the contact is the one given, else the only one with the number."""
        contact_id = fields.get("contact_id")
        if contact_id is not None and not self.contact_exists(contact_id):
            raise Invalid(f"contact_id {contact_id} does not exist")
        if contact_id is None and fields.get("phone"):
            owners = self.db.query("SELECT id FROM contacts WHERE phone=?", (fields["phone"],))
            contact_id = owners[0]["id"] if len(owners) == 1 else None
        followup = {**fields, "id": followup_id, "contact_id": contact_id, "updated_at": self.clock.iso()}
        self.db.execute("INSERT INTO followups (id, contact_id, phone, doc, updated_at) VALUES (?,?,?,?,?)"
                        " ON CONFLICT(id) DO UPDATE SET contact_id=excluded.contact_id, phone=excluded.phone,"
                        " doc=excluded.doc, updated_at=excluded.updated_at",
                        (followup_id, contact_id, fields.get("phone"), dumps(followup), followup["updated_at"]))
        self.events.emit("followup.updated", {k: followup.get(k) for k in (
            "id", "contact_id", "phone", "status", "next_action", "next_action_due", "attempts")},
            correlation_id=fields.get("correlation_id"))
        return followup

    def followup(self, followup_id: str) -> dict[str, Any] | None:
        row = self.db.one("SELECT doc FROM followups WHERE id=?", (followup_id,))
        return loads(row["doc"]) if row else None

    def followups(self, contact_id: int | None = None, phone: str | None = None) -> list[dict[str, Any]]:
        sql, params = "SELECT doc FROM followups WHERE 1=1", []
        if contact_id is not None:
            sql += " AND contact_id=?"
            params.append(contact_id)
        if phone is not None:
            sql += " AND phone=?"
            params.append(phone)
        return [loads(r["doc"]) for r in self.db.query(sql + " ORDER BY updated_at DESC, id", tuple(params))]

    # -- screen pops ---------------------------------------------------------------------------
    def screenpop(self, interaction_id: str, agent: str) -> dict[str, Any] | None:
        row = self.db.one("SELECT * FROM screenpops WHERE interaction_id=? AND agent=?", (interaction_id, agent))
        return self._pop_out(row) if row else None

    def screenpops(self, interaction_id: str) -> list[dict[str, Any]]:
        return [self._pop_out(r) for r in self.db.query(
            "SELECT * FROM screenpops WHERE interaction_id=? ORDER BY id", (interaction_id,))]

    @staticmethod
    def _pop_out(row: dict[str, Any]) -> dict[str, Any]:
        pop = dict(row)
        pop["contact_ids"] = loads(row["contact_ids"], [])
        pop.pop("id")
        return pop

    def match_caller(self, interaction_id: str, normalized_phone: str | None,
                     account_number: str | None) -> tuple[str, str, list[int]]:
        """The screen-pop rule: IVR-verified account, else the call's linked contact, else the number."""
        if account_number:
            owner = self.db.one("SELECT id FROM contacts WHERE account_number=? AND deleted_at IS NULL", (account_number,))
            if owner:
                return "single", "account", [owner["id"]]
        linked = self.db.one("SELECT contact_id FROM activities WHERE interaction_id=? AND contact_id IS NOT NULL",
                             (interaction_id,))
        if linked:
            return "single", "interaction", [linked["contact_id"]]
        if normalized_phone:
            ids = [r["id"] for r in self.db.query(
                "SELECT id FROM contacts WHERE phone=? AND deleted_at IS NULL ORDER BY id", (normalized_phone,))]
            if len(ids) == 1:
                return "single", "phone", ids
            if ids:
                return "multiple", "phone", ids
        return "none", "none", []

    def perform_screenpop(self, pop: dict[str, Any], agent: str, correlation_id: str | None) -> tuple[dict[str, Any], bool]:
        """Answers (stored pop, performed_now). Idempotent per (interaction_id, agent)."""
        interaction_id = pop["interaction_id"]
        existing = self.screenpop(interaction_id, agent)
        if existing is not None:
            return existing, False
        match, matched_by, contact_ids = self.match_caller(interaction_id, pop["normalized_phone"], pop["account_number"])
        activity_fields = {
            "direction": pop["direction"], "from_number": pop["normalized_phone"] or pop["phone"],
            "queue": pop["queue"], "agent": agent, "correlation_id": correlation_id,
            "transfer_note": pop["transfer_note"], "transferred_by": pop["transferred_by"],
            "contact_id": contact_ids[0] if match == "single" else None,
        }
        self.upsert_activity(interaction_id, activity_fields, status=None, contact_chosen_by="screenpop")
        activity = self.activity(interaction_id)
        correlation_id = correlation_id or activity["correlation_id"]
        try:
            self.db.insert(
                "INSERT INTO screenpops (interaction_id, agent, phone, normalized_phone, account_number, queue, direction,"
                " match, matched_by, contact_ids, transfer_note, transferred_by, correlation_id, performed_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (interaction_id, agent, pop["phone"], pop["normalized_phone"], pop["account_number"], pop["queue"],
                 pop["direction"], match, matched_by, dumps(contact_ids), pop["transfer_note"], pop["transferred_by"],
                 correlation_id, self.clock.iso()))
        except sqlite3.IntegrityError:  # two tabs of one agent popping the same call at once: the first one wins
            return self.screenpop(interaction_id, agent), False
        self.events.emit("screenpop.performed", {
            "interaction_id": interaction_id, "agent": agent, "match": match, "matched_by": matched_by,
            "contact_ids": contact_ids}, correlation_id=correlation_id)
        return self.screenpop(interaction_id, agent), True

    # -- dispositions --------------------------------------------------------------------------
    def dispositions(self, queue: str | None, include_system: bool) -> list[dict[str, Any]]:
        sql, params = "SELECT queue, code, label, system FROM dispositions WHERE 1=1", []
        if queue:
            sql += " AND queue=?"
            params.append(queue)
        if not include_system:
            sql += " AND system=0"
        rows = self.db.query(sql + " ORDER BY queue, position", tuple(params))
        return [{"queue": r["queue"], "code": r["code"], "label": r["label"], "system": bool(r["system"])} for r in rows]

    def queue_known(self, queue: str) -> bool:
        return self.db.one("SELECT 1 FROM dispositions WHERE queue=?", (queue,)) is not None

    # -- presence ------------------------------------------------------------------------------
    def presence(self, username: str) -> dict[str, Any]:
        row = self.db.one("SELECT * FROM presence WHERE username=?", (username,))
        if row is None:
            if self.user(username) is None:
                raise NotFound(f"no user {username}")
            return {"username": username, "status": "Offline", "reason": None, "source": "crm", "updated_at": None}
        return dict(row)

    def set_presence(self, username: str, status: str, reason: str | None, source: str) -> tuple[dict[str, Any], bool]:
        """Stores the CRM presence; answers (presence, changed). Emits presence.changed on a real change."""
        if self.user(username) is None:
            raise NotFound(f"no user {username}")
        with self.db.transaction():
            before = self.presence(username)
            changed = (before["status"], before["reason"], before["source"]) != (status, reason, source)
            if changed:
                self.db.execute(
                    "INSERT INTO presence (username, status, reason, source, updated_at) VALUES (?,?,?,?,?)"
                    " ON CONFLICT(username) DO UPDATE SET status=excluded.status, reason=excluded.reason,"
                    " source=excluded.source, updated_at=excluded.updated_at",
                    (username, status, reason, source, self.clock.iso()))
            after = self.presence(username)
        if changed:
            self.events.emit("presence.changed", {"username": username, "status": status, "reason": reason,
                                                  "source": source, "previous_status": before["status"]})
        return after, changed

    def push_presence_to_cti(self, username: str, status: str, reason: str | None) -> None:
        """A crm-side change must reach cti eventually (deferred there during a call, never lost)."""
        self.system.outboxes["cti"].send("POST", f"/api/agents/{username}/presence", "presence",
                                         {"status": status, "reason": reason})
