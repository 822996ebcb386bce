"""The connector's reconciliation: counts and field values on both sides compared after the mapping's
transformations (what differs, what is missing on either side, duplicate emails)."""
from __future__ import annotations

from collections import Counter
from typing import Any

from .mapping import TransformError


class ReconcileMixin:
    """Part of :class:`sandbox.marketing.connector.Connector` (one connector, split by direction)."""

    # -- reconciliation ------------------------------------------------------------------------
    def reconcile(self, crm_ids: list[int] | None = None, marketing_ids: list[int] | None = None) -> dict[str, Any]:
        """Counts and field values on both sides (after the mapping's transformations)."""
        if crm_ids is None and marketing_ids is None:
            crm_ids = self._all_crm_ids()
            marketing_rows = self.db.query("SELECT * FROM contacts ORDER BY id")
        else:
            crm_ids = list(crm_ids or [])
            wanted = set(marketing_ids or [])
            marketing_rows = self.db.query("SELECT * FROM contacts ORDER BY id")
            marketing_rows = [r for r in marketing_rows if r["id"] in wanted or r["crm_id"] in set(crm_ids)]
            crm_ids = sorted(set(crm_ids) | {r["crm_id"] for r in marketing_rows if r["crm_id"] is not None})
        crm_contacts: dict[int, dict[str, Any]] = {}
        for start in range(0, len(crm_ids), 200):
            part = crm_ids[start:start + 200]
            answer = self._crm("GET", "/api/contacts", "contacts", params={"ids": ",".join(map(str, part))})
            crm_contacts.update({c["id"]: c for c in (answer or {}).get("contacts", [])})
        active_crm = {i: c for i, c in crm_contacts.items() if not c.get("deleted_at")}
        by_crm_id = {r["crm_id"]: r for r in marketing_rows if r["crm_id"] is not None}
        active_marketing = [r for r in marketing_rows if r["status"] == "active"]
        differences = []
        for crm_id, contact in sorted(active_crm.items()):
            row = by_crm_id.get(crm_id)
            if row is None or row["status"] != "active":
                continue
            for rule in self.mapping.fields:
                try:
                    crm_value = self.mapping.to_marketing(rule, rule.crm_value(contact))
                except TransformError as exc:
                    crm_value = f"(cannot transform: {exc})"
                mine = row[rule.marketing]
                mine = bool(mine) if rule.type == "boolean" else mine
                if rule.type == "boolean":
                    crm_value = bool(crm_value)
                if crm_value != mine:
                    differences.append({"crm_id": crm_id, "marketing_id": row["id"], "field": rule.name,
                                        "crm_field": rule.crm, "marketing_field": rule.marketing,
                                        "direction": rule.direction, "crm": crm_value, "marketing": mine})
        missing_in_marketing = sorted(i for i in active_crm if i not in by_crm_id or by_crm_id[i]["status"] != "active")
        missing_in_crm = sorted(r["id"] for r in active_marketing if r["crm_id"] is None or r["crm_id"] not in crm_contacts)
        still_active = sorted(r["id"] for r in marketing_rows if r["status"] == "active" and r["crm_id"] is not None
                              and r["crm_id"] in crm_contacts and crm_contacts[r["crm_id"]].get("deleted_at"))
        emails = Counter(r["email_key"] for r in active_marketing if r["email_key"])
        duplicates = sorted(e for e, n in emails.items() if n > 1)
        ok = not (differences or missing_in_marketing or missing_in_crm or still_active or duplicates)
        return {"ok": ok, "checked_at": self.clock.iso(),
                "counts": {"crm_active": len(active_crm), "marketing_active": len(active_marketing),
                           "crm_deleted": len(crm_contacts) - len(active_crm),
                           "marketing_inactive": len(marketing_rows) - len(active_marketing),
                           "field_differences": len(differences)},
                "fields_checked": [r.name for r in self.mapping.fields],
                "missing_in_marketing": missing_in_marketing, "missing_in_crm": missing_in_crm,
                "active_in_marketing_but_deleted_in_crm": still_active, "duplicate_emails_in_marketing": duplicates,
                "differences": differences}

    def _all_crm_ids(self) -> list[int]:
        ids: set[int] = set()
        after = 0
        while True:
            contacts = (self._crm("GET", "/api/contacts", "contacts", params={"after_id": after, "limit": 500})
                        or {}).get("contacts") or []
            ids.update(c["id"] for c in contacts)
            if len(contacts) < 500:
                return sorted(ids)
            after = contacts[-1]["id"]
