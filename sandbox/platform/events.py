"""Every state change is an event: stored, streamed as SSE and delivered as signed webhooks."""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import httpx
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field, HttpUrl

from . import correlation
from .auth import INTEGRATION_ADMIN, Principal, require_role
from .clock import Clock
from .db import Database, dumps, loads
from .faults import Faults
from .guard import MAX_SAFE_INTEGER, RecordId, SafeInt
from .webhook_targets import WebhookTargets

EVENTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    at TEXT NOT NULL,
    correlation_id TEXT,
    source TEXT NOT NULL,
    data TEXT NOT NULL,
    duplicated INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS events_corr ON events(correlation_id);
CREATE TABLE IF NOT EXISTS webhooks (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    types TEXT NOT NULL
);
"""

RETRY_DELAYS = (0.2, 0.4, 0.8, 1.6)  # seconds between the five delivery attempts

#: how a user (a console or softphone session, a password grant) sees one event: as it is, trimmed, or not at all
UserView = Callable[[Principal, dict[str, Any]], dict[str, Any] | None]
EventFilter = Callable[[dict[str, Any]], dict[str, Any] | None]


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class WebhookIn(BaseModel):
    url: HttpUrl
    secret: str = Field(min_length=8, max_length=200)
    types: list[str] = Field(default_factory=list)


def _seq_from_header(header: str) -> int:
    """The seq a reconnecting client last saw; 400 for anything no stream of ours ever sent as an id."""
    if not (header.isascii() and header.isdigit() and len(header) <= 16 and int(header) <= MAX_SAFE_INTEGER):
        raise HTTPException(400, f"Last-Event-ID must be an event seq (a whole number up to {MAX_SAFE_INTEGER})")
    return int(header)


def _row_to_event(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "seq": row["seq"], "id": row["id"], "type": row["type"], "at": row["at"],
        "correlation_id": row["correlation_id"], "source": row["source"], "data": loads(row["data"], {}),
    }


class EventBus:
    def __init__(self, db: Database, source: str, clock: Clock, faults: Faults,
                 webhook_targets: WebhookTargets | None = None) -> None:
        self.db, self.source, self.clock, self.faults = db, source, clock, faults
        self.webhook_targets = webhook_targets or WebhookTargets()  # no list given: no deliveries anywhere
        # a system with users says what each may read (the role rules of its own API); without one, users read none
        self.user_view: UserView | None = None
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._lock = threading.Lock()
        self._delivery = ThreadPoolExecutor(max_workers=4, thread_name_prefix=f"{source}-webhooks")
        # one client for every delivery: a new one per attempt costs a TLS set-up that blurs the back-off
        self._http = httpx.Client(timeout=2.0)
        self._stopped = threading.Event()
        self._drops = 0  # bumped by a fault on `<source>.events.stream`: every open stream ends once
        faults.on_add(self._drop_streams)

    def _drop_streams(self, fault) -> None:
        if fault.target != f"{self.source}.events.stream":
            return
        self.faults.clear(fault.target)  # a one-off: clients reconnect (with Last-Event-ID) at once
        self._drops += 1
        self._wake()

    # -- writing ---------------------------------------------------------------------------
    def emit(self, type: str, data: dict[str, Any], correlation_id: str | None = None) -> dict[str, Any] | None:
        fault = self.faults.take(f"{self.source}.events")
        if fault and fault.mode == "drop_event":
            return None
        event_id = f"evt-{uuid.uuid4().hex}"
        cid = correlation_id or correlation.current()
        duplicated = 1 if fault and fault.mode == "duplicate_event" else 0
        seq = self.db.insert(
            "INSERT INTO events (id, type, at, correlation_id, source, data, duplicated) VALUES (?,?,?,?,?,?,?)",
            (event_id, type, self.clock.iso(), cid, self.source, dumps(data), duplicated),
        )
        event = _row_to_event(self.db.one("SELECT * FROM events WHERE seq=?", (seq,)))
        self._wake()
        self._deliver_webhooks(event, times=2 if duplicated else 1)
        return event

    def _wake(self) -> None:
        with self._lock:
            waiters = list(self._waiters)
        for loop, flag in waiters:
            loop.call_soon_threadsafe(flag.set)

    # -- reading ---------------------------------------------------------------------------
    def readable_by(self, principal: Principal) -> EventFilter | None:
        """None when the caller reads every event (a system integration); else what it sees of each one."""
        if principal.kind == "client":
            return None
        user_view = self.user_view
        if user_view is None:
            raise HTTPException(403, f"the {self.source} events are for system integrations (a service token); "
                                     f"{principal.name} is a user")
        return lambda event: user_view(principal, event)

    def list(self, after: int = 0, type: str | None = None, correlation_id: str | None = None,
             limit: int = 1000, view: EventFilter | None = None) -> list[dict[str, Any]]:
        """Up to ``limit`` events after seq ``after``, each as ``view`` shows it (those it hides are skipped,
        so a page is full whenever enough visible events follow)."""
        sql, params = "SELECT * FROM events WHERE seq > ?", []
        if type:
            sql += " AND type = ?"
            params.append(type)
        if correlation_id:
            sql += " AND correlation_id = ?"
            params.append(correlation_id)
        sql += " ORDER BY seq LIMIT ?"
        events: list[dict[str, Any]] = []
        while len(events) < limit:
            rows = self.db.query(sql, (after, *params, limit))
            for row in rows:
                after = row["seq"]
                event = _row_to_event(row) if view is None else view(_row_to_event(row))
                if event is not None:
                    events.append(event)
                    if len(events) == limit:
                        break
            if len(rows) < limit:
                break
        return events

    def last_seq(self) -> int:
        row = self.db.one("SELECT MAX(seq) AS seq FROM events")
        return row["seq"] or 0 if row else 0

    async def stream(self, after: int, request: Request, view: EventFilter | None = None):
        loop = asyncio.get_running_loop()
        flag = asyncio.Event()
        with self._lock:
            self._waiters.add((loop, flag))
        drops = self._drops
        try:
            yield "retry: 500\n\n"
            while not await request.is_disconnected() and drops == self._drops:
                flag.clear()
                rows = self.db.query("SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT 500", (after,))
                for row in rows:
                    after = row["seq"]
                    event = _row_to_event(row) if view is None else view(_row_to_event(row))
                    if event is None:
                        continue
                    frame = f"id: {event['seq']}\nevent: {event['type']}\ndata: {json.dumps(event)}\n\n"
                    yield frame
                    if row["duplicated"]:
                        yield frame
                if rows:
                    continue
                try:
                    await asyncio.wait_for(flag.wait(), timeout=10)
                except asyncio.TimeoutError:
                    yield ": keep-alive\n\n"
        finally:
            with self._lock:
                self._waiters.discard((loop, flag))

    # -- webhooks --------------------------------------------------------------------------
    def _deliver_webhooks(self, event: dict[str, Any], times: int) -> None:
        if self._stopped.is_set():
            return
        for hook in self.db.query("SELECT * FROM webhooks"):
            types = loads(hook["types"], [])
            if types and event["type"] not in types:
                continue
            for _ in range(times):
                self._delivery.submit(self._deliver, hook, event)

    def _deliver(self, hook: dict[str, Any], event: dict[str, Any]) -> None:
        body = json.dumps(event).encode()
        # checked again at delivery: a webhook stored under an older allow-list (a kept data dir) is not called
        last_error = self.webhook_targets.refusal(hook["url"]) or ""
        attempts = 0
        for attempt, delay in enumerate(() if last_error else (0.0, *RETRY_DELAYS), start=1):
            if delay and self._stopped.wait(delay):
                return
            attempts = attempt
            timestamp = str(int(self.clock.timestamp()))
            headers = {
                "content-type": "application/json",
                "x-deskcheck-event": event["type"],
                "x-deskcheck-delivery": event["id"],
                "x-deskcheck-timestamp": timestamp,
                "x-deskcheck-signature": sign(hook["secret"], timestamp, body),
            }
            try:
                response = self._http.post(hook["url"], content=body, headers=headers)
                if 200 <= response.status_code < 300:
                    return
                last_error = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                last_error = f"{type(exc).__name__}: {exc}"
        if event["type"] != "webhook.delivery.failed":
            self.emit("webhook.delivery.failed", {
                "webhook_id": hook["id"], "event_id": event["id"], "event_type": event["type"],
                "attempts": attempts, "last_error": last_error,
            }, correlation_id=event["correlation_id"])

    def stop(self) -> None:
        self._stopped.set()
        self._delivery.shutdown(wait=False, cancel_futures=True)
        self._http.close()

    # -- HTTP ------------------------------------------------------------------------------
    def router(self, auth_dependency) -> APIRouter:
        router = APIRouter(tags=["events"], dependencies=[Depends(auth_dependency)])

        @router.get("/api/events", name=f"{self.source}.events.list")
        def list_events(after: RecordId = 0, type: str | None = None, correlation_id: str | None = None,
                        limit: SafeInt = 1000, principal: Principal = Depends(auth_dependency)) -> dict[str, Any]:
            if after < 0 or not 1 <= limit <= 5000:
                raise HTTPException(422, "after must be >= 0 and limit between 1 and 5000")
            view = self.readable_by(principal)
            return {"events": self.list(after, type, correlation_id, limit, view), "last_seq": self.last_seq()}

        @router.get("/api/events/stream", name=f"{self.source}.events.stream")
        async def stream(request: Request, after: RecordId | None = None,
                         principal: Principal = Depends(auth_dependency)) -> StreamingResponse:
            view = self.readable_by(principal)
            start = after
            if start is None:
                header = request.headers.get("last-event-id")
                start = self.last_seq() if header is None else _seq_from_header(header)
            return StreamingResponse(self.stream(start, request, view), media_type="text/event-stream",
                                     headers={"cache-control": "no-cache", "x-accel-buffering": "no"})

        @router.post("/api/webhooks", status_code=201, name=f"{self.source}.webhooks.create")
        def create_webhook(body: WebhookIn, principal: Principal = Depends(auth_dependency)) -> dict[str, Any]:
            require_role(principal, INTEGRATION_ADMIN, "registering webhooks")
            refusal = self.webhook_targets.refusal(str(body.url))
            if refusal:
                raise HTTPException(422, f"url: {refusal}")
            hook_id = f"wh-{uuid.uuid4().hex[:12]}"
            self.db.execute("INSERT INTO webhooks (id, url, secret, types) VALUES (?,?,?,?)",
                            (hook_id, str(body.url), body.secret, dumps(body.types)))
            return {"id": hook_id, "url": str(body.url), "types": body.types}

        @router.get("/api/webhooks", name=f"{self.source}.webhooks.list")
        def list_webhooks(principal: Principal = Depends(auth_dependency)) -> dict[str, Any]:
            require_role(principal, INTEGRATION_ADMIN, "listing webhooks")
            rows = self.db.query("SELECT id, url, types FROM webhooks")
            return {"webhooks": [{"id": r["id"], "url": r["url"], "types": loads(r["types"], [])} for r in rows]}

        @router.delete("/api/webhooks/{hook_id}", status_code=204, name=f"{self.source}.webhooks.delete")
        def delete_webhook(hook_id: str, principal: Principal = Depends(auth_dependency)) -> None:
            require_role(principal, INTEGRATION_ADMIN, "deleting webhooks")
            if not self.db.execute("DELETE FROM webhooks WHERE id=?", (hook_id,)):
                raise HTTPException(404, f"no webhook {hook_id}")

        return router
