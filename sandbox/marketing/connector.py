"""The crm <-> marketing connector: executes field_mapping.json on the sandbox clock.

A sync run first pulls crm changes (crm's event stream is the change feed: which fields of which
contact changed, and when), then pushes marketing changes (new leads, two-way and marketing-owned
fields, activities). Two-way fields keep the newer value by change time; a value equal on both
sides is never written again, so nothing echoes back and forth. A failed run is logged and retried
after the mapping's back-off; the crm cursor only moves past batches that were stored, and every
write is idempotent, so a retry loses nothing and doubles nothing.
"""
from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from ..platform.clock import parse_iso
from ..platform.db import dumps, loads
from ..platform.faults import EdgeError
from ..platform.system import System
from .mapping import Mapping, TransformError
from .store import Marketing

CONTACT_EVENTS = ("contact.created", "contact.updated", "contact.deleted")
INGEST_FAULT = "marketing.sync.ingest"  # the marketing side of a sync run is down


class SyncFailed(Exception):
    pass


def _ts(iso: str | None) -> float:
    return parse_iso(iso).timestamp() if iso else 0.0


class Connector:
    def __init__(self, system: System, store: Marketing, mapping: Mapping) -> None:
        self.system, self.store, self.mapping = system, store, mapping
        self.db, self.clock, self.faults = system.db, system.clock, system.faults
        self.lock = threading.Lock()

    @property
    def crm(self):
        return self.system.peers["crm"]

    # -- state ---------------------------------------------------------------------------------
    def _get(self, key: str, default: Any = None) -> Any:
        row = self.db.one("SELECT value FROM sync_state WHERE key=?", (key,))
        return loads(row["value"]) if row else default

    def _set(self, key: str, value: Any) -> None:
        self.db.execute("INSERT INTO sync_state (key, value) VALUES (?,?) ON CONFLICT(key) DO UPDATE SET"
                        " value=excluded.value", (key, dumps(value)))

    def start_schedule(self) -> None:
        if self._get("next_run_at") is None:
            self._set("next_run_at", self.clock.timestamp() + self.mapping.every_seconds)

    def status(self) -> dict[str, Any]:
        last = self.db.one("SELECT * FROM sync_jobs ORDER BY id DESC LIMIT 1")
        last_ok = self.db.one("SELECT * FROM sync_jobs WHERE status='succeeded' ORDER BY id DESC LIMIT 1")
        retry_at = self._get("retry_at")
        pending = self.db.one("SELECT COUNT(*) AS n FROM contacts WHERE status='active' AND (crm_id IS NULL"
                              " AND crm_error IS NULL OR crm_pending != '[]')")["n"]
        pending += self.db.one("SELECT COUNT(*) AS n FROM activities WHERE crm_synced_at IS NULL")["n"]
        return {"every_seconds": self.mapping.every_seconds, "next_run_at": self.clock.iso(self._get("next_run_at")),
                "retry_at": self.clock.iso(retry_at) if retry_at else None, "crm_cursor": self._get("crm_cursor", 0),
                "healthy": last is None or last["status"] == "succeeded", "pending_for_crm": pending,
                "last_job": self._job_out(last) if last else None,
                "last_success_at": last_ok["finished_at"] if last_ok else None}

    # -- scheduling ----------------------------------------------------------------------------
    def tick(self) -> None:
        """On the sandbox clock: the scheduled run every N seconds, and retries after a failure."""
        with self.lock:  # a clock change waits for a run the ticker started, so it answers after the run
            now = self.clock.timestamp()
            next_run, retry_at = self._get("next_run_at"), self._get("retry_at")
            if next_run is not None and now >= next_run:
                while next_run <= now:
                    next_run += self.mapping.every_seconds
                self._set("next_run_at", next_run)
                self._run("schedule")
            elif retry_at is not None and now >= retry_at:
                self._run("retry")

    def run_now(self) -> dict[str, Any]:
        with self.lock:
            return self._run("manual")

    def _run(self, trigger: str) -> dict[str, Any]:
        attempt = (self._get("failures", 0) or 0) + 1
        job_id = self.db.insert("INSERT INTO sync_jobs (trigger, status, attempt, started_at) VALUES (?,?,?,?)",
                                (trigger, "running", attempt, self.clock.iso()))
        stats = {"pulled": 0, "created_in_marketing": 0, "updated_in_marketing": 0, "unchanged": 0,
                 "deactivated_in_marketing": 0, "kept_newer_in_marketing": 0, "created_in_crm": 0,
                 "updated_in_crm": 0, "activities_to_crm": 0, "enrolled_after_wait": 0, "errors": 0}
        try:
            self._pull(job_id, stats)
            self._push(job_id, stats)
        except SyncFailed as exc:
            failures = attempt
            delays = self.mapping.retry_after
            retry_at = self.clock.timestamp() + delays[min(failures, len(delays)) - 1]
            self._set("failures", failures)
            self._set("retry_at", retry_at)
            stats["errors"] += 1
            self._log_error(job_id, "sync", None, str(exc))
            self.db.execute("UPDATE sync_jobs SET status='failed', finished_at=?, stats=?, error=?, next_retry_at=?"
                            " WHERE id=?", (self.clock.iso(), dumps(stats), str(exc), self.clock.iso(retry_at), job_id))
            job = self.job(job_id)
            self.system.events.emit("sync.failed", job)
            return job
        self._set("failures", 0)
        self._set("retry_at", None)
        self.db.execute("UPDATE sync_jobs SET status='succeeded', finished_at=?, stats=? WHERE id=?",
                        (self.clock.iso(), dumps(stats), job_id))
        job = self.job(job_id)
        self.system.events.emit("sync.succeeded", job)
        return job

    def _log_error(self, job_id: int | None, direction: str, record: str | None, error: str) -> None:
        self.db.insert("INSERT INTO sync_errors (job_id, direction, record, error, at) VALUES (?,?,?,?,?)",
                       (job_id, direction, record, error[:1000], self.clock.iso()))

    def job(self, job_id: int) -> dict[str, Any]:
        return self._job_out(self.db.one("SELECT * FROM sync_jobs WHERE id=?", (job_id,)))

    @staticmethod
    def _job_out(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "stats": loads(row["stats"], {})}

    def jobs(self, limit: int = 50) -> list[dict[str, Any]]:
        return [self._job_out(r) for r in self.db.query("SELECT * FROM sync_jobs ORDER BY id DESC LIMIT ?", (limit,))]

    def errors(self, limit: int = 200) -> list[dict[str, Any]]:
        return self.db.query("SELECT * FROM sync_errors ORDER BY id DESC LIMIT ?", (limit,))

    def _crm(self, method: str, path: str, edge: str, **kwargs: Any) -> Any:
        try:
            return self.crm.request(method, path, edge=edge, **kwargs)
        except EdgeError as exc:
            raise SyncFailed(f"crm unavailable ({exc.edge}): {exc.reason}") from None

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

