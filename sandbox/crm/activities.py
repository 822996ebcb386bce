"""crm call logs (activities): one per interaction, merged write by write (log_writes counts the completed
ones), linked to its contact by the agent or the screen-pop rule; the follow-ups of callbacks; the
disposition codes a call log may take."""
from __future__ import annotations

from typing import Any

from ..platform.db import dumps, loads, where_equal
from .errors import Invalid, NotFound

ACTIVITY_MERGE_FIELDS = ("direction", "from_number", "queue", "contact_id", "agent", "disposition", "notes",
                         "wrapup_seconds", "hold_seconds", "muted_seconds", "dtmf", "transfers", "correlation_id",
                         "type", "subject", "source", "occurred_at", "attributes")
ACTIVITY_JSON_FIELDS = ("transfers", "attributes")


class ActivitiesMixin:
    """Part of :class:`sandbox.crm.store.Crm` (one domain object, split by concern)."""

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
        where, params = where_equal(contact_id=contact_id, interaction_id=interaction_id)
        return [self._activity_out(r) for r in self.db.query(
            "SELECT * FROM activities" + where + " ORDER BY COALESCE(occurred_at, created_at) DESC, id DESC", params)]

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
        where, params = where_equal(contact_id=contact_id, phone=phone)
        rows = self.db.query("SELECT doc FROM followups" + where + " ORDER BY updated_at DESC, id", params)
        return [loads(r["doc"]) for r in rows]

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
