"""crm screen pops: which contact a ringing call belongs to (the screen-pop rule), and the pop itself,
performed once per interaction and agent, which opens the call's log."""
from __future__ import annotations

import sqlite3
from typing import Any

from ..platform.db import dumps, loads


class ScreenPopsMixin:
    """Part of :class:`sandbox.crm.store.Crm` (one domain object, split by concern)."""

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
