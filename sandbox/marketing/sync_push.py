"""The connector's marketing -> crm half: new leads created in crm in batches (idempotent), pending
two-way and marketing-owned field changes sent, and marketing activities logged on the crm contact."""
from __future__ import annotations

from typing import Any

from ..platform.db import loads
from ..platform.faults import EdgeError
from .sync_errors import SyncFailed


class PushMixin:
    """Part of :class:`sandbox.marketing.connector.Connector` (one connector, split by direction)."""

    # -- marketing -> crm ----------------------------------------------------------------------
    def _push(self, job_id: int, stats: dict[str, int]) -> None:
        self._push_creates(job_id, stats)
        self._push_updates(stats)
        self._push_activities(stats)

    def _crm_body(self, row: dict[str, Any], fields: list[str] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {}
        custom: dict[str, Any] = {}
        for rule in self.mapping.fields:
            if fields is not None and rule.marketing not in fields:
                continue
            if fields is None and rule.direction == "crm_to_marketing" and rule.crm_custom is None \
                    and rule.marketing not in ("first_name", "last_name", "phone"):
                continue
            value = row[rule.marketing]
            value = bool(value) if rule.type == "boolean" else value
            if rule.crm_custom:
                custom[rule.crm_custom] = value
            elif value is not None or fields is not None:
                body[rule.crm] = value
        if custom and (fields is not None or any(v is not None for v in custom.values())):
            body["custom_fields"] = custom if fields is not None else {k: v for k, v in custom.items() if v is not None}
        return body

    def _push_creates(self, job_id: int, stats: dict[str, int]) -> None:
        while True:
            rows = self.db.query("SELECT * FROM contacts WHERE crm_id IS NULL AND status='active' AND crm_error IS NULL"
                                 " ORDER BY id LIMIT ?", (self.mapping.batch_size,))
            if not rows:
                return
            items = [{**self._crm_body(r), "idempotency_key": f"marketing-contact-{r['id']}"} for r in rows]
            answer = self._crm("POST", "/api/contacts/bulk", "contacts", json={"contacts": items})
            with self.db.transaction():
                for row, result in zip(rows, (answer or {}).get("results", [])):
                    if result["status"] == "created":
                        self.db.execute("UPDATE contacts SET crm_id=?, crm_pending='[]', updated_at=? WHERE id=?",
                                        (result["id"], self.clock.iso(), row["id"]))
                        stats["created_in_crm"] += 1
                        stats["enrolled_after_wait"] += self.store.release_waiting(
                            self.store.find_contact(contact_id=row["id"]))
                    else:
                        reason = f"crm refused the contact ({result['status']}): {result.get('detail')}"
                        self.db.execute("UPDATE contacts SET crm_error=? WHERE id=?", (reason, row["id"]))
                        self._log_error(job_id, "marketing_to_crm", f"marketing:{row['id']}", reason)
                        stats["errors"] += 1

    def _push_updates(self, stats: dict[str, int]) -> None:
        for row in self.db.query("SELECT * FROM contacts WHERE crm_id IS NOT NULL AND crm_pending != '[]' ORDER BY id"):
            pending = loads(row["crm_pending"], [])
            body = self._crm_body(row, pending)
            try:
                self.crm.request("PATCH", f"/api/contacts/{row['crm_id']}", edge="contacts", json=body)
            except EdgeError as exc:
                if "HTTP 409" in exc.reason or "HTTP 404" in exc.reason:  # deleted in crm meanwhile
                    self._log_error(None, "marketing_to_crm", f"marketing:{row['id']}", exc.reason)
                else:
                    raise SyncFailed(f"crm unavailable ({exc.edge}): {exc.reason}") from None
            self.db.execute("UPDATE contacts SET crm_pending='[]' WHERE id=? AND crm_pending=?",
                            (row["id"], row["crm_pending"]))
            stats["updated_in_crm"] += 1

    def _push_activities(self, stats: dict[str, int]) -> None:
        """Activities in batches through the crm's bulk upsert; the key is the marketing activity id."""
        rows = self.db.query("SELECT a.*, c.crm_id FROM activities a JOIN contacts c ON c.id = a.contact_id"
                             " WHERE a.crm_synced_at IS NULL AND c.crm_id IS NOT NULL ORDER BY a.id")
        for start in range(0, len(rows), self.mapping.batch_size):
            batch = rows[start:start + self.mapping.batch_size]
            items = [{"interaction_id": f"marketing-{row['kind']}-{row['id']}",
                      "type": self.mapping.activity_types[row["kind"]], "direction": "outbound", "status": "completed",
                      "contact_id": row["crm_id"], "subject": row["subject"], "occurred_at": row["occurred_at"],
                      "correlation_id": row["correlation_id"]} for row in batch]
            answer = self._crm("POST", "/api/activities/bulk", "activities", json={"activities": items})
            with self.db.transaction():
                for row, item, result in zip(batch, items, (answer or {}).get("results", [])):
                    if result["status"] != "ok":
                        self._log_error(None, "marketing_to_crm", f"activity:{row['id']}", str(result.get("detail")))
                        stats["errors"] += 1
                        continue
                    self.db.execute("UPDATE activities SET crm_activity_id=?, crm_synced_at=? WHERE id=?",
                                    (item["interaction_id"], self.clock.iso(), row["id"]))
                    stats["activities_to_crm"] += 1
