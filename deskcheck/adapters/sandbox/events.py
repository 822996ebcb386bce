"""The sandbox's event APIs behind the event-source port: events as records, webhooks, and the live feed.

Every sandbox system keeps its events (``GET /api/events``), streams them (``GET /api/events/stream``,
server-sent events) and delivers them to webhooks. This module is the only place that reads their JSON.
"""
from __future__ import annotations

import contextlib
import functools
import json
import ssl
import threading
from typing import Any, Iterator, Mapping, Protocol

import httpx

from deskcheck.adapters.sandbox.http import ApiClient, ApiError, refusal
from deskcheck.records import Event, Webhook

#: the systems whose events the suite follows (marketing's sync events are read through its own port)
EVENT_SYSTEMS = ("crm", "cti", "ivr", "chat", "helpdesk")


def event_record(body: dict[str, Any], system: str | None = None) -> Event:
    """An event as a sandbox system sends it (stream, list or webhook body): ``{seq, id, type, at, correlation_id,
    source, data}``. ``system`` names the system it came from when the body does not."""
    data = body.get("data")
    return Event(system=body.get("source") or system or "?", type=str(body.get("type") or ""), at=body.get("at"),
                 correlation_id=body.get("correlation_id"), data=dict(data) if isinstance(data, dict) else {},
                 seq=int(body.get("seq") or 0), id=body.get("id"), as_sent=dict(body))


def webhook_record(body: dict[str, Any], system: str) -> Webhook:
    return Webhook(body["id"], system, body.get("url", ""), tuple(body.get("types") or ()))


class SandboxEventSource:
    """The event-source port over every sandbox system's event API."""

    capabilities = frozenset({"event_stream"})

    def __init__(self, apis: Mapping[str, ApiClient]) -> None:
        self.apis = dict(apis)

    def _api(self, system: str) -> ApiClient:
        if system not in self.apis:
            raise LookupError(f"the sandbox has no {system!r} event source (it has: {', '.join(self.apis)})")
        return self.apis[system]

    def events(self, system: str, correlation_id: str | None = None, type: str | None = None) -> list[Event]:
        """What ``system`` announced, oldest first (of one journey or one type when given)."""
        return [event_record(e, system) for e in self._api(system).events(type=type, correlation_id=correlation_id)]

    # webhooks: only the integration-admin role may manage them; the sandbox delivers only to allowed URLs
    def subscribe(self, system: str, url: str, secret: str, types: list[str] | None = None) -> Webhook:
        try:
            return webhook_record(self._api(system).create_webhook(url, secret, types), system)
        except ApiError as exc:
            raise refusal(system, f"subscribe {url} to its events", exc) from None

    def webhooks(self, system: str) -> list[Webhook]:
        body = self._api(system).webhooks()
        return [webhook_record(w, system) for w in (body.get("webhooks") or [] if isinstance(body, dict) else body)]

    def unsubscribe(self, system: str, webhook_id: str) -> None:
        try:
            self._api(system).delete_webhook(webhook_id)
        except ApiError as exc:
            raise refusal(system, f"remove the webhook {webhook_id}", exc) from None

    # the live feed the suite's event recorders hang on
    def open_feed(self, read_timeout: float = 5.0) -> "EventFeed":
        return EventFeed(self.apis, read_timeout)

    def correlation_mark(self) -> dict[str, int]:
        """Where each system's list of correlation ids the suite sent or received stands now."""
        return {system: len(api.seen_correlation_ids) for system, api in self.apis.items()}

    def correlation_ids_since(self, mark: Mapping[str, int]) -> list[str]:
        """The correlation ids the suite's exchanges used since ``mark``, each once."""
        seen: list[str] = []
        for system, api in self.apis.items():
            seen += [c for c in api.seen_correlation_ids[mark.get(system, 0):] if c not in seen]
        return seen


# --- the live feed ---------------------------------------------------------------------------------

class Listener(Protocol):
    """What the feed hands events to (the suite's per-scenario recorder)."""
    errors: list[str]

    def add(self, event: Event) -> bool: ...
    def begin_after(self, start_seq: dict[str, int]) -> None: ...
    def last_seen(self, system: str) -> int: ...


@functools.lru_cache(maxsize=1)
def _ssl_context() -> ssl.SSLContext:
    """One TLS context for every raw client: building one reads the CA bundle (about 50 ms)."""
    return httpx.create_ssl_context()


def _raw_client(client: ApiClient, read_timeout: float) -> httpx.Client:
    """A plain httpx client for a system's event API (no Allure attachments)."""
    return httpx.Client(base_url=client.base_url, verify=_ssl_context(), timeout=httpx.Timeout(10.0, read=read_timeout))


def _get_events(client: ApiClient, http: httpx.Client, after: int | None, limit: int | None = None) -> dict[str, Any]:
    """``GET /api/events``; one token refresh on 401 (the clock may have jumped past its expiry)."""
    params = {k: v for k, v in {"after": after, "limit": limit}.items() if v is not None}
    response = http.get("/api/events", params=params, headers=client.auth_headers(), timeout=10.0)
    if response.status_code == 401:
        client.token(force=True)
        response = http.get("/api/events", params=params, headers=client.auth_headers(), timeout=10.0)
    response.raise_for_status()
    return response.json()


def last_seq(client: ApiClient, http: httpx.Client) -> int:
    """The newest seq a system has emitted: its ``last_seq``, else found by paging (older servers)."""
    body = _get_events(client, http, after=0, limit=1)
    if "last_seq" in body:
        return int(body["last_seq"] or 0)
    seq, after = 0, None
    while True:
        batch = _get_events(client, http, after)["events"]
        if not batch:
            return seq
        top = max(int(e["seq"]) for e in batch)
        if after is not None and top <= after:
            return max(seq, top)
        seq, after = max(seq, top), top


class EventFeed:
    """One SSE reader per system, shared by every listener attached to it (one feed per test worker).

    A listener attaches with each system's current ``last_seq`` as its start, so it holds exactly
    the events emitted after that; what arrived before is kept back from it.
    """

    def __init__(self, clients: Mapping[str, ApiClient], read_timeout: float = 5.0) -> None:
        self.clients = dict(clients)
        self.read_timeout = read_timeout
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []
        self._received: dict[str, int] = {}
        self._http = {system: _raw_client(client, read_timeout) for system, client in self.clients.items()}
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.errors: list[str] = []

    def _ensure_listening(self) -> None:
        if self._threads:
            return
        for system in self.clients:
            self._received[system] = last_seq(self.clients[system], self._http[system])
            thread = threading.Thread(target=self._listen, args=(system,), name=f"events-{system}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def attach(self, listener: Listener) -> None:
        self._ensure_listening()
        with self._lock:  # receive first, then mark: an event streamed in between is not lost
            self._listeners.append(listener)
        listener.begin_after({system: last_seq(client, self._http[system]) for system, client in self.clients.items()})

    def detach(self, listener: Listener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def catch_up(self, listener: Listener) -> None:
        """Hand ``listener`` what each system emitted after the last event it holds but not yet streamed."""
        for system, client in self.clients.items():
            try:
                for body in _get_events(client, self._http[system], listener.last_seen(system))["events"]:
                    listener.add(event_record(body, system))
            except Exception as exc:
                listener.errors.append(f"{system}: catch-up failed: {exc}")

    def _deliver(self, system: str, body: dict[str, Any]) -> None:
        event = event_record(body, system)
        with self._lock:
            if event.seq:
                self._received[system] = max(self._received.get(system, 0), event.seq)
            listeners = list(self._listeners)
        for listener in listeners:
            listener.add(event)

    def _error(self, message: str) -> None:
        with self._lock:
            self.errors.append(message)
            listeners = list(self._listeners)
        for listener in listeners:
            listener.errors.append(message)

    def _listen(self, system: str) -> None:
        http = self._http[system]
        client = self.clients[system]
        while not self._stop.is_set():
            after = self._received.get(system, 0)
            headers = {"Accept": "text/event-stream", "Last-Event-ID": str(after)}
            try:
                headers.update(client.auth_headers())
                with http.stream("GET", "/api/events/stream", params={"after": after}, headers=headers) as resp:
                    if resp.status_code == 401:
                        client.token(force=True)
                        continue
                    if resp.status_code != 200:
                        self._error(f"{system}: stream answered {resp.status_code}")
                        self._stop.wait(0.5)
                        continue
                    self._read_sse(system, resp.iter_lines())
            except httpx.ReadTimeout:
                continue  # idle stream: reconnect from the last seq (also notices close())
            except Exception as exc:  # keep listening; a listener's catch-up fills any gap
                if self._stop.is_set():
                    return
                self._error(f"{system}: {type(exc).__name__}: {exc}")
                self._stop.wait(0.2)

    def _read_sse(self, system: str, lines: Iterator[str]) -> None:
        data: list[str] = []
        for line in lines:
            if self._stop.is_set():
                return
            if line == "":
                if data:
                    try:
                        self._deliver(system, json.loads("\n".join(data)))
                    except ValueError as exc:
                        self._error(f"{system}: bad event data {exc}")
                data = []
            elif line.startswith(":"):
                continue
            elif line.startswith("data:"):
                data.append(line[5:].lstrip(" "))

    def close(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=0.05)  # daemon threads end at their next read timeout
        for http in self._http.values():
            with contextlib.suppress(Exception):
                http.close()
