"""cti domain: agents and their state machine, queues, interactions, routing, transfers, wrap-up, timers.

One object, its behaviour split by concern: agents.py (state machine, presence sync, queues),
calls.py (simulator, dialing, routing, call controls), transfers.py, wrapup.py (dispositions, drafts,
timers, SSO, the softphone's view), channels.py (hours, callbacks, outbound checks); model_base.py
holds the constants and mapping tables. This module keeps the core: the unit of change and storage.

Every change runs inside `Cti.change()`: one lock for the whole domain (the ticker, clock changes and
requests all mutate the same agents and calls), queued calls are routed before the lock is released,
and the calls to crm that must land (presence, call logs) go to the outbox afterwards, in order, so a
slow or failing crm never stalls the cti API.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Iterator

from ..platform.db import dumps, loads
from ..platform.system import System
from .agents import AgentsMixin
from .calls import CallsMixin
from .channels import ChannelsMixin
from .errors import CtiError
from .model_base import SEED_AGENTS, SEED_QUEUES, call_log_stored
from .transfers import TransfersMixin
from .wrapup import WrapUpMixin

class Cti(AgentsMixin, CallsMixin, TransfersMixin, WrapUpMixin, ChannelsMixin):
    """The cti domain: one object, its behaviour split by concern into the mixins it is made of."""

    def __init__(self, system: System) -> None:
        self.system, self.db, self.clock, self.events = system, system.db, system.clock, system.events
        if "crm" in system.outboxes:
            system.outboxes["crm"].confirm("activities", call_log_stored)
        self._lock = threading.RLock()
        self._depth = threading.local()
        self._outgoing: list[tuple[str, str, str, str, Any, str | None]] = []  # peer calls waiting for the outbox
        self._send_lock = threading.Lock()
        self._dispositions_cache: dict[str, list[dict[str, str]]] = {}

    # ---- the unit of change ---------------------------------------------------------------------
    @contextmanager
    def change(self) -> Iterator[None]:
        depth = getattr(self._depth, "value", 0)
        self._depth.value = depth + 1
        try:
            with self._lock, self.db.transaction():  # a refused change leaves nothing behind
                mark = len(self._outgoing)
                try:
                    yield
                    if depth == 0:
                        self._route()
                except BaseException:
                    del self._outgoing[mark:]
                    raise
        finally:
            self._depth.value = depth
        if depth == 0:
            self.send_outgoing()

    def send_outgoing(self) -> None:
        """Hands queued crm calls to the outbox in the order they were made (outside the domain lock)."""
        if not self._send_lock.acquire(blocking=False):
            return  # another thread is sending; it loops until the list is empty (or the ticker does)
        try:
            while True:
                with self._lock:
                    batch, self._outgoing = self._outgoing, []
                if not batch:
                    return
                for peer, method, path, edge, body, correlation_id in batch:
                    self.system.outboxes[peer].send(method, path, edge, body, correlation_id)
        finally:
            self._send_lock.release()

    def _to_crm(self, method: str, path: str, edge: str, body: Any, correlation_id: str | None = None) -> None:
        self._to_peer("crm", method, path, edge, body, correlation_id)

    def _to_peer(self, peer: str, method: str, path: str, edge: str, body: Any, correlation_id: str | None = None) -> None:
        if peer in self.system.outboxes:  # a sandbox started without that system just skips the edge
            self._outgoing.append((peer, method, path, edge, body, correlation_id))

    def now(self) -> float:
        return self.clock.timestamp()

    def iso(self, ts: float | None) -> str | None:
        return None if ts is None else self.clock.iso(ts)

    # ---- storage --------------------------------------------------------------------------------
    def agent_doc(self, username: str) -> dict[str, Any]:
        row = self.db.one("SELECT doc FROM agents WHERE username=?", (username,))
        if row is None:
            raise CtiError(404, f"no agent {username!r}")
        return loads(row["doc"])

    def find_agent(self, username: str) -> dict[str, Any] | None:
        row = self.db.one("SELECT doc FROM agents WHERE username=?", (username,))
        return loads(row["doc"]) if row else None

    def all_agents(self) -> list[dict[str, Any]]:
        return [loads(r["doc"]) for r in self.db.query("SELECT doc FROM agents ORDER BY id")]

    def _save_agent(self, agent: dict[str, Any]) -> None:
        self.db.execute("UPDATE agents SET doc=? WHERE username=?", (dumps(agent), agent["username"]))

    def queue_doc(self, name: str) -> dict[str, Any]:
        row = self.db.one("SELECT doc FROM queues WHERE name=?", (name,))
        if row is None:
            raise CtiError(404, f"no queue {name!r}")
        return loads(row["doc"])

    def queue_names(self) -> list[str]:
        return [r["name"] for r in self.db.query("SELECT name FROM queues ORDER BY position")]

    def all_queues(self) -> list[dict[str, Any]]:
        return [loads(r["doc"]) for r in self.db.query("SELECT doc FROM queues ORDER BY position")]

    def call_doc(self, interaction_id: str) -> dict[str, Any]:
        row = self.db.one("SELECT doc FROM interactions WHERE id=?", (interaction_id,))
        if row is None:
            raise CtiError(404, f"no interaction {interaction_id!r}")
        return loads(row["doc"])

    def calls(self, states: tuple[str, ...] | None = None, agent: str | None = None) -> list[dict[str, Any]]:
        sql, params = "SELECT doc FROM interactions WHERE 1=1", []
        if states:
            sql += f" AND state IN ({','.join('?' * len(states))})"
            params += list(states)
        if agent:
            sql += " AND agent=?"
            params.append(agent)
        return [loads(r["doc"]) for r in self.db.query(sql + " ORDER BY seq", tuple(params))]

    def _save_call(self, call: dict[str, Any]) -> None:
        self.db.execute("UPDATE interactions SET state=?, agent=?, doc=? WHERE id=?",
                        (call["state"], call["agent"], dumps(call), call["id"]))

    # ---- seed -----------------------------------------------------------------------------------
    def seed(self) -> None:
        with self.change():
            for position, queue in enumerate(SEED_QUEUES):
                self.db.execute("INSERT OR IGNORE INTO queues (name, position, doc) VALUES (?,?,?)",
                                (queue["name"], position, dumps(queue)))
            for username, name, role in SEED_AGENTS:
                if self.find_agent(username) is None:
                    self._insert_agent(username, name, role, self.queue_names(), [])

    # ---- interactions: views and events -----------------------------------------------------------
    def call_view(self, call: dict[str, Any]) -> dict[str, Any]:
        consult = call["consult"]
        return {
            "id": call["id"], "direction": call["direction"], "from_number": call["from_number"],
            "channel": call.get("channel", "voice"),
            "queue": call["queue"], "state": call["state"], "agent": call["agent"],
            "agent_name": self._name(call["agent"]), "correlation_id": call["correlation_id"],
            "attributes": call["attributes"], "created_at": self.iso(call["created_at"]),
            "offered_at": self.iso(call["offered_at"]), "connected_at": self.iso(call["connected_at"]),
            "offer": None if call["offer"] is None else {
                **call["offer"], "at": self.iso(call["offer"]["at"]), "expires_at": self.iso(call["offer"]["expires_at"])},
            "offer_outcomes": [{**o, "at": self.iso(o["at"])} for o in call.get("offer_outcomes", ())],
            "hold_seconds": self._hold_seconds(call), "on_hold": call["on_hold"],
            "muted": call["muted"], "muted_seconds": self._muted_seconds(call), "dtmf": call["dtmf"],
            "transfers": [{**t, "at": self.iso(t["at"])} for t in call["transfers"]],
            "consult": None if consult is None else {
                **consult, "at": self.iso(consult["at"]), "expires_at": self.iso(consult["expires_at"])},
            "wrapup_mode": call["wrapup_mode"], "wrapup_draft": call["wrapup_draft"],
            "wrapup_started_at": self.iso(call["wrapup_started_at"]), "wrapup_deadline": self.iso(call["wrapup_deadline"]),
            "disposition": call["disposition"], "notes": call["notes"], "wrapup_seconds": call["wrapup_seconds"],
            "completed_at": self.iso(call["completed_at"]), "ended_at": self.iso(call["ended_at"]),
            "ended_by": call["ended_by"],
        }

    def _name(self, username: str | None) -> str | None:
        agent = self.find_agent(username) if username else None
        return agent["name"] if agent else None

    def _hold_seconds(self, call: dict[str, Any]) -> int:
        total = call["hold_total"]
        if call["on_hold"] and call["hold_started_at"] is not None:
            total += self.now() - call["hold_started_at"]
        return int(round(total))

    def _muted_seconds(self, call: dict[str, Any]) -> int:
        total = call["muted_total"]
        if call["muted"] and call["muted_since"] is not None:
            total += self.now() - call["muted_since"]
        return int(round(total))

    def _emit(self, type: str, call: dict[str, Any], **extra: Any) -> None:
        data = {"interaction_id": call["id"], "agent": call["agent"], "queue": call["queue"],
                "state": call["state"], "from_number": call["from_number"], **extra}
        self.events.emit(f"interaction.{type}", data, correlation_id=call["correlation_id"])
