"""The connector's crm -> marketing half: the first run loads every crm contact, later runs follow crm's
event stream in batches; crm-owned fields are taken, two-way fields keep the newer value by change time,
and a contact deleted in crm is deactivated here."""
from __future__ import annotations

from typing import Any

from ..platform.clock import parse_iso
from ..platform.db import loads
from .mapping import TransformError
from .sync_errors import SyncFailed

CONTACT_EVENTS = ("contact.created", "contact.updated", "contact.deleted")
INGEST_FAULT = "marketing.sync.ingest"  # the marketing side of a sync run is down


def _ts(iso: str | None) -> float:
    return parse_iso(iso).timestamp() if iso else 0.0


class PullMixin:
    """Part of :class:`sandbox.marketing.connector.Connector` (one connector, split by direction)."""

    # -- crm -> marketing ----------------------------------------------------------------------
    def _pull(self, job_id: int, stats: dict[str, int]) -> None:
        cursor = self._get("crm_cursor")
        if cursor is None:
            cursor = self._initial_load(stats)
        while True:
            page = self._crm("GET", "/api/events", "events", params={"after": cursor, "limit": 1000})
            events = (page or {}).get("events") or []
            if not events:
                return
            for chunk in self._chunks(events):
                self._apply_chunk(chunk, stats)
                cursor = chunk[-1]["seq"]
                self._set("crm_cursor", cursor)
            if len(events) < 1000:
                return

    def _initial_load(self, stats: dict[str, int]) -> int:
        """The first run reads every crm contact (paged by id), then follows the change feed."""
        start = (self._crm("GET", "/api/events", "events", params={"limit": 1}) or {}).get("last_seq", 0)
        after = 0
        while True:
            page = (self._crm("GET", "/api/contacts", "contacts", params={"after_id": after, "limit": 200}) or {})
            contacts = page.get("contacts") or []
            if not contacts:
                break
            with self.db.transaction():
                for contact in contacts:
                    stats["pulled"] += 1
                    self._apply_contact(contact, {"times": {}, "created": contact["updated_at"], "deleted": False}, stats)
            after = contacts[-1]["id"]
        self._set("crm_cursor", start)
        return start

    def _chunks(self, events: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        """Runs of events touching at most batch_size contacts (the cursor moves after each)."""
        chunks: list[list[dict[str, Any]]] = [[]]
        contacts: set[int] = set()
        for event in events:
            if event["type"] in CONTACT_EVENTS:
                contact_id = event["data"]["id"]
                if contact_id not in contacts and len(contacts) >= self.mapping.batch_size:
                    chunks.append([])
                    contacts = set()
                contacts.add(contact_id)
            chunks[-1].append(event)
        return [c for c in chunks if c]

    def _apply_chunk(self, events: list[dict[str, Any]], stats: dict[str, int]) -> None:
        changes: dict[int, dict[str, Any]] = {}
        for event in events:
            if event["type"] not in CONTACT_EVENTS:
                continue
            entry = changes.setdefault(event["data"]["id"], {"times": {}, "created": None, "deleted": False})
            if event["type"] == "contact.created":
                entry["created"] = event["at"]
            elif event["type"] == "contact.deleted":
                entry["deleted"] = True
            else:
                for field in event["data"].get("changed", []):
                    entry["times"][field] = event["at"]
        if not changes:
            return
        ids = list(changes)
        found = {}
        for start in range(0, len(ids), 200):
            part = ids[start:start + 200]
            answer = self._crm("GET", "/api/contacts", "contacts", params={"ids": ",".join(map(str, part))})
            found.update({c["id"]: c for c in (answer or {}).get("contacts", [])})
        fault = self.faults.take(INGEST_FAULT)
        if fault is not None and fault.mode != "delay":
            raise SyncFailed(f"marketing unavailable: injected {fault.mode} on {INGEST_FAULT}")
        with self.db.transaction():
            for crm_id in ids:
                contact = found.get(crm_id)
                if contact is None:
                    continue
                stats["pulled"] += 1
                self._apply_contact(contact, changes[crm_id], stats)

    def _apply_contact(self, crm: dict[str, Any], change: dict[str, Any], stats: dict[str, int]) -> None:
        row = self.store.find_contact(crm_id=crm["id"])
        if crm.get("deleted_at") or change["deleted"]:
            if row is not None and row["status"] == "active":
                self.store.deactivate(row, "deleted in crm")
                stats["deactivated_in_marketing"] += 1
            return
        values, errors = {}, []
        for rule in self.mapping.flowing("crm_to_marketing", "two_way"):
            try:
                values[rule.marketing] = self.mapping.to_marketing(rule, rule.crm_value(crm))
            except TransformError as exc:
                errors.append(f"{rule.name}: {exc}")
        for error in errors:
            self._log_error(None, "crm_to_marketing", f"crm:{crm['id']}", error)
            stats["errors"] += 1
        if row is None:
            born = change["created"] or crm["created_at"]
            times = {r.marketing: born for r in self.mapping.flowing("two_way")}
            contact_id = self.store.insert_contact(values, "crm", times, crm_id=crm["id"])
            stats["created_in_marketing"] += 1
            stats["enrolled_after_wait"] += self.store.release_waiting(self.store.find_contact(contact_id=contact_id))
            return
        if row["status"] != "active":
            return
        updates, times, drop = {}, {}, []
        for rule in self.mapping.flowing("crm_to_marketing"):
            if rule.marketing in values:
                updates[rule.marketing] = values[rule.marketing]
        held = loads(row["field_times"], {})
        for rule in self.mapping.flowing("two_way"):
            if rule.marketing not in values:
                continue
            crm_value, mine = values[rule.marketing], row[rule.marketing]
            mine = bool(mine) if rule.type == "boolean" else mine
            if crm_value == mine:
                drop.append(rule.marketing)  # in step: nothing to push, nothing to take
                continue
            crm_time = change["times"].get(rule.crm) or change["created"]
            if crm_time is None:
                continue  # the crm did not change this field: marketing's pending change goes out
            if self._crm_wins(rule, _ts(crm_time), _ts(held.get(rule.marketing)), crm_value):
                updates[rule.marketing] = crm_value
                times[rule.marketing] = crm_time
                drop.append(rule.marketing)
            else:
                stats["kept_newer_in_marketing"] += 1
        was_active = row["status"] == "active"
        if self.store.write_fields(row, updates, times=times, drop_pending=drop):
            stats["updated_in_marketing"] += 1
        else:
            stats["unchanged"] += 1
        if was_active and "email" in updates:
            stats["enrolled_after_wait"] += self.store.release_waiting(self.store.find_contact(contact_id=row["id"]))

    @staticmethod
    def _crm_wins(rule, crm_time: float, marketing_time: float, crm_value: Any) -> bool:
        if crm_time != marketing_time:
            return crm_time > marketing_time  # newer wins; older never overwrites
        if rule.tie == "restrictive":
            return bool(crm_value)  # an opt-out on either side at the same moment stands
        return rule.tie == "crm"
