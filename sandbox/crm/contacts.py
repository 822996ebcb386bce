"""crm contacts: search (accent-, case- and script-insensitive), create, update, soft delete, the 360 view
(open cases, recent orders, billing) and the records behind it; fields a role may not see are left out."""
from __future__ import annotations

import unicodedata
from typing import Any

from ..platform.auth import Principal
from ..platform.db import dumps, loads
from .errors import Conflict, NotFound
from .visibility import hidden_fields

CONTACT_FIELDS = ("first_name", "last_name", "phone", "email", "account_number", "date_of_birth", "tax_id",
                  "do_not_call", "email_opt_out")
FLAGS = ("do_not_call", "email_opt_out")
OPEN_CASE_STATUSES = ("open", "pending")
RECENT_ORDERS_SHOWN = 5


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


class ContactsMixin:
    """Part of :class:`sandbox.crm.store.Crm` (one domain object, split by concern)."""

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
