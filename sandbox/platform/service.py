"""How one sandbox system calls another: over HTTP, with a service token, through fault-able edges."""
from __future__ import annotations

import threading
import time
from typing import Any, Callable

import httpx

from . import correlation
from .db import Database, dumps, loads
from .faults import EdgeError, Faults, raise_for_edge_fault
from .clock import Clock

OUTBOX_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    peer TEXT NOT NULL,
    edge TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    body TEXT,
    correlation_id TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_error TEXT,
    delivered_at REAL
);
"""


IDEMPOTENT_METHODS = ("GET", "PUT", "DELETE", "HEAD")


class ServiceClient:
    """A client for a peer system. `edge` names the integration edge, e.g. `cti->crm.activities`."""

    def __init__(self, source: str, peer: str, base_url: str, client_id: str, client_secret: str,
                 faults: Faults, timeout: float = 5.0) -> None:
        self.source, self.peer, self.base_url = source, peer, base_url.rstrip("/")
        self._credentials = (client_id, client_secret)
        self.faults = faults
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout)
        self._token: str | None = None
        self._lock = threading.Lock()

    def _fetch_token(self) -> str:
        client_id, secret = self._credentials
        response = self._http.post("/oauth/token", data={
            "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})
        response.raise_for_status()
        return response.json()["access_token"]

    def request(self, method: str, path: str, edge: str, json: Any = None,
                params: dict[str, Any] | None = None, correlation_id: str | None = None) -> Any:
        """Answers the decoded JSON body; raises EdgeError on any failure of the edge."""
        full_edge = f"{self.source}->{self.peer}.{edge}"
        fault = raise_for_edge_fault(self.faults, full_edge)
        if fault is not None and fault.mode == "null_body":
            return None
        headers = {}
        cid = correlation_id or correlation.current()
        if cid:
            headers[correlation.HEADER] = cid
        try:
            for attempt in range(2):
                with self._lock:
                    if self._token is None:
                        self._token = self._fetch_token()
                    headers["authorization"] = f"Bearer {self._token}"
                try:
                    response = self._http.request(method, path, json=json, params=params, headers=headers)
                except httpx.RemoteProtocolError:
                    # the peer closed a kept-alive connection as it was reused: safe to send an idempotent call again
                    if attempt or method not in IDEMPOTENT_METHODS:
                        raise
                    continue
                if response.status_code == 401 and attempt == 0:
                    with self._lock:
                        self._token = None
                    continue
                break
        except httpx.HTTPError as exc:
            raise EdgeError(full_edge, f"{type(exc).__name__}: {exc}") from exc
        if response.status_code >= 400:
            raise EdgeError(full_edge, f"HTTP {response.status_code}: {response.text[:300]}")
        return response.json() if response.content else None

    def close(self) -> None:
        self._http.close()


# (path, body sent, the peer's answer) -> why the answer does not show the message stored, or None
Confirmation = Callable[[str, Any, dict[str, Any]], str | None]


class Outbox:
    """Calls to a peer that must land eventually (call logs, presence pushes): stored, then retried until
    the peer's answer shows them stored. A 2xx alone is not enough: a peer may acknowledge and keep nothing."""

    def __init__(self, db: Database, clock: Clock, client: ServiceClient) -> None:
        self.db, self.clock, self.client = db, clock, client
        self._lock = threading.Lock()
        self._confirmations: dict[str, Confirmation] = {}

    def confirm(self, edge: str, check: Confirmation) -> None:
        """What the answer to a message on ``edge`` must show, besides being a record (a JSON object)."""
        self._confirmations[edge] = check

    def _unconfirmed(self, row: dict[str, Any], answer: Any) -> str | None:
        if not isinstance(answer, dict):
            return f"answered {dumps(answer)[:80]} instead of the stored record"
        check = self._confirmations.get(row["edge"])
        return check(row["path"], loads(row["body"]), answer) if check else None

    def send(self, method: str, path: str, edge: str, body: Any, correlation_id: str | None = None) -> None:
        self.db.insert(
            "INSERT INTO outbox (peer, edge, method, path, body, correlation_id, next_attempt_at)"
            " VALUES (?,?,?,?,?,?,?)",
            (self.client.peer, edge, method, path, dumps(body), correlation_id or correlation.current(), 0.0))
        self.flush()

    def flush(self) -> None:
        """Delivers due messages in order; called on send and by the ticker."""
        if not self._lock.acquire(blocking=False):
            return
        try:
            now = time.monotonic()
            for row in self.db.query(
                    "SELECT * FROM outbox WHERE peer=? AND delivered_at IS NULL AND next_attempt_at <= ? ORDER BY id",
                    (self.client.peer, now)):
                try:
                    answer = self.client.request(row["method"], row["path"], edge=row["edge"],
                                                 json=loads(row["body"]), correlation_id=row["correlation_id"])
                    unconfirmed = self._unconfirmed(row, answer)
                    if unconfirmed:
                        raise EdgeError(f"{self.client.source}->{self.client.peer}.{row['edge']}",
                                        f"delivery not confirmed: {unconfirmed}")
                except EdgeError as exc:
                    backoff = min(0.2 * 2 ** row["attempts"], 2.0)
                    self.db.execute(
                        "UPDATE outbox SET attempts=attempts+1, last_error=?, next_attempt_at=? WHERE id=?",
                        (exc.reason[:500], now + backoff, row["id"]))
                    break  # keep order: later messages wait for this one
                self.db.execute("UPDATE outbox SET attempts=attempts+1, delivered_at=? WHERE id=?",
                                (self.clock.timestamp(), row["id"]))
        finally:
            self._lock.release()

    def pending(self) -> list[dict[str, Any]]:
        return self.db.query("SELECT id, edge, path, attempts, last_error FROM outbox WHERE peer=? AND delivered_at IS NULL",
            (self.client.peer,))
