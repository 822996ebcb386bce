"""The crm <-> marketing connector: executes field_mapping.json on the sandbox clock.

A sync run first pulls crm changes (crm's event stream is the change feed: which fields of which
contact changed, and when), then pushes marketing changes (new leads, two-way and marketing-owned
fields, activities). Two-way fields keep the newer value by change time; a value equal on both
sides is never written again, so nothing echoes back and forth. A failed run is logged and retried
after the mapping's back-off; the crm cursor only moves past batches that were stored, and every
write is idempotent, so a retry loses nothing and doubles nothing.

This module keeps the schedule, the runs and their log; sync_pull.py and sync_push.py the two
directions, reconciliation.py the comparison of both sides.
"""
from __future__ import annotations

import threading
from typing import Any

from ..platform.db import dumps, loads
from ..platform.faults import EdgeError
from ..platform.system import System
from .mapping import Mapping
from .reconciliation import ReconcileMixin
from .store import Marketing
from .sync_errors import SyncFailed
from .sync_pull import PullMixin
from .sync_push import PushMixin

__all__ = ["Connector", "SyncFailed"]  # what other modules import from here


class Connector(PullMixin, PushMixin, ReconcileMixin):
    """The connector: one object, its two directions and reconciliation in the mixins it is made of."""

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
