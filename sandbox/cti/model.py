"""cti domain: agents and their state machine, queues, interactions, routing, transfers, wrap-up, timers.

Every change runs inside `Cti.change()`: one lock for the whole domain (the ticker, clock changes and
requests all mutate the same agents and calls), queued calls are routed before the lock is released,
and the calls to crm that must land (presence, call logs) go to the outbox afterwards, in order, so a
slow or failing crm never stalls the cti API.
"""
from __future__ import annotations

import math
import threading
import uuid
from contextlib import contextmanager
from typing import Any, Iterator

from ..platform import correlation
from ..platform.db import dumps, loads
from ..platform.faults import EdgeError
from ..platform.system import System
from .channels import ChannelsMixin
from .errors import CtiError

SCHEMA = """
CREATE TABLE IF NOT EXISTS agents (username TEXT PRIMARY KEY, id INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS queues (name TEXT PRIMARY KEY, position INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS interactions (
    id TEXT PRIMARY KEY, state TEXT NOT NULL, agent TEXT, seq INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS interactions_state ON interactions(state);
CREATE TABLE IF NOT EXISTS sso_codes (code TEXT PRIMARY KEY, username TEXT NOT NULL, expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (token TEXT PRIMARY KEY, username TEXT NOT NULL, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS callbacks (id TEXT PRIMARY KEY, status TEXT NOT NULL, seq INTEGER NOT NULL, doc TEXT NOT NULL);
"""

REQUESTABLE_STATES = ("AVAILABLE", "NOT_READY", "OFFLINE")
BUSY_STATES = ("RESERVED", "ON_INTERACTION", "ACW")  # requests made now are queued as next state
ON_CALL = ("connected", "held")
LIVE = ("queued", "offered", "connected", "held", "wrapup")
WRAPUP_MODES = ("optional", "mandatory", "timeboxed")
TIMEOUT_DISPOSITION = "WRAPUP_TIMEOUT"
MISSED_REASON = "Missed"

SEED_QUEUES = (
    {"name": "support", "wrapup_mode": "mandatory", "acw_seconds": None, "ring_timeout_seconds": 20},
    {"name": "sales", "wrapup_mode": "optional", "acw_seconds": None, "ring_timeout_seconds": 20},
    {"name": "billing", "wrapup_mode": "timeboxed", "acw_seconds": 30, "ring_timeout_seconds": 20},
)
SEED_AGENTS = (
    ("maya", "Maya Patel", "agent"), ("leo", "Leo Park", "agent"),
    ("tia", "Tia Novak", "trainee"), ("sam", "Sam Rivera", "supervisor"),
)
SSO_CODE_SECONDS = 60

STATE_LABELS = {"AVAILABLE": "Available", "RESERVED": "Ringing", "ON_INTERACTION": "On call",
                "ACW": "After call work", "OFFLINE": "Offline"}


def state_label(state: str | None, reason: str | None) -> str | None:
    """The words the softphone and the supervisor board show for a state."""
    if state is None:
        return None
    if state == "NOT_READY":
        return f"Not ready ({reason})" if reason else "Not ready"
    return STATE_LABELS.get(state, state)


def crm_presence(state: str, reason: str | None) -> tuple[str, str | None]:
    """The cti -> crm mapping table (crm presence is like Omni-Channel: Online / Busy / Offline)."""
    if state == "AVAILABLE":
        return "Online", None
    if state == "OFFLINE":
        return "Offline", None
    if state == "NOT_READY":
        return "Busy", reason
    return "Busy", state_label(state, reason)  # Ringing / On call / After call work


def cti_state_for(status: str, reason: str | None) -> tuple[str, str | None]:
    """The crm -> cti mapping table."""
    if status == "Online":
        return "AVAILABLE", None
    if status == "Offline":
        return "OFFLINE", None
    return "NOT_READY", reason or "Busy"


def call_log_stored(path: str, sent: dict[str, Any], answer: dict[str, Any]) -> str | None:
    """The crm's answer to a call log write is the stored log: the call's, and completed once we completed it."""
    interaction_id = path.rsplit("/", 1)[-1]
    if answer.get("interaction_id") != interaction_id:
        return f"the answer is not the call log of {interaction_id}"
    if sent.get("status") == "completed" and answer.get("status") != "completed":
        return f"the crm's call log is {answer.get('status')!r}, not completed"
    return None


class Cti(ChannelsMixin):
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

    # ---- agents ---------------------------------------------------------------------------------
    def _insert_agent(self, username: str, name: str, role: str, queues: list[str], skills: list[str]) -> dict:
        now = self.now()
        row = self.db.one("SELECT COALESCE(MAX(id), 0) + 1 AS next FROM agents")
        agent = {
            "id": row["next"], "username": username, "name": name, "role": role, "queues": queues,
            "skills": skills, "state": "OFFLINE", "reason": None, "next_state": None, "next_reason": None,
            "next_source": None, "current_interaction_id": None, "last_interaction_id": None,
            "state_since": now, "idle_since": None, "crm_status": "Offline", "crm_reason": None,
        }
        self.db.execute("INSERT INTO agents (username, id, doc) VALUES (?,?,?)", (username, agent["id"], dumps(agent)))
        return agent

    def upsert_agent(self, username: str, name: str, role: str, queues: list[str] | None,
                     skills: list[str] | None) -> tuple[dict[str, Any], bool]:
        known = self.queue_names()
        queues = known if queues is None else queues
        unknown = [q for q in queues if q not in known]
        if unknown:
            raise CtiError(422, f"unknown queues: {', '.join(unknown)} (known: {', '.join(known)})")
        with self.change():
            agent = self.find_agent(username)
            if agent is None:
                agent = self._insert_agent(username, name, role, queues, skills or [])
                self.events.emit("agent.created", {"username": username, "name": name, "role": role,
                                                   "queues": queues})
                return agent, True
            agent.update(name=name, role=role, queues=queues)
            if skills is not None:
                agent["skills"] = skills
            self._save_agent(agent)
            self.events.emit("agent.updated", {"username": username, "name": name, "role": role, "queues": queues})
            return agent, False

    def agent_view(self, agent: dict[str, Any]) -> dict[str, Any]:
        crm_status, _ = crm_presence(agent["state"], agent["reason"])
        return {
            "id": agent["id"], "username": agent["username"], "name": agent["name"], "role": agent["role"],
            "state": agent["state"], "reason": agent["reason"], "state_label": state_label(agent["state"], agent["reason"]),
            "next_state": agent["next_state"], "next_reason": agent["next_reason"],
            # in the presence menu's words: "Lunch", "Available", "Offline"
            "next_state_label": agent["next_reason"] if agent["next_state"] == "NOT_READY" else state_label(agent["next_state"], None),
            "queues": agent["queues"], "skills": agent["skills"],
            "current_interaction_id": agent["current_interaction_id"],
            "state_since": self.iso(agent["state_since"]), "idle_since": self.iso(agent["idle_since"]),
            "crm_status": crm_status,
        }

    def _set_state(self, agent: dict[str, Any], state: str, reason: str | None, source: str) -> None:
        previous, previous_reason = agent["state"], agent["reason"]
        if (previous, previous_reason) == (state, reason):
            self._save_agent(agent)
            return
        agent.update(state=state, reason=reason, state_since=self.now())
        if state == "AVAILABLE":
            agent["idle_since"] = self.now()  # longest-idle routing counts from here
        self._save_agent(agent)
        self.events.emit("agent.state_changed", {
            "username": agent["username"], "state": state, "reason": reason, "previous_state": previous,
            "previous_reason": previous_reason, "source": source})
        self._sync_presence(agent)

    def _sync_presence(self, agent: dict[str, Any], source: str = "cti", always: bool = False) -> None:
        """Pushes the mapped presence to crm when it differs from what crm was last told or told us.

        `always` answers a crm-side change with the state cti settled on: crm may meanwhile have
        stored an older push of ours, and this answer, sent after it, puts crm back in step."""
        status, reason = crm_presence(agent["state"], agent["reason"])
        if not always and (status, reason) == (agent["crm_status"], agent["crm_reason"]):
            return
        agent.update(crm_status=status, crm_reason=reason)
        self._save_agent(agent)
        self._to_crm("PUT", f"/api/presence/{agent['username']}", "presence",
                     {"status": status, "reason": reason, "source": source})

    def request_state(self, username: str, state: str, reason: str | None, source: str) -> tuple[dict, bool]:
        """Applies a requested state now, or queues it while the agent is busy (202). Answers (agent, queued)."""
        if state in BUSY_STATES:
            raise CtiError(409, f"{state} is set by routing and calls, it cannot be requested")
        if state not in REQUESTABLE_STATES:
            raise CtiError(422, f"state must be one of {', '.join(REQUESTABLE_STATES)}")
        reason = (reason or "Busy") if state == "NOT_READY" else None
        with self.change():
            agent = self.agent_doc(username)
            if agent["state"] in BUSY_STATES:
                if (agent["next_state"], agent["next_reason"]) == (state, reason):
                    return agent, True  # the same request again (console and crm both relay it): once is enough
                agent.update(next_state=state, next_reason=reason, next_source=source)
                self._save_agent(agent)
                self.events.emit("agent.next_state_queued", {
                    "username": username, "next_state": state, "next_reason": reason, "source": source})
                return agent, True
            self._set_state(agent, state, reason, source)
            if agent["next_state"]:
                agent.update(next_state=None, next_reason=None, next_source=None)
                self._save_agent(agent)
            return agent, False

    def presence_from_crm(self, username: str, status: str, reason: str | None) -> tuple[dict, bool]:
        """A crm-side presence change: applied (or deferred while busy), then crm is told the result if it differs."""
        state, mapped_reason = cti_state_for(status, reason)
        with self.change():
            agent = self.agent_doc(username)
            agent.update(crm_status=status, crm_reason=crm_presence(state, mapped_reason)[1])
            self._save_agent(agent)
            agent, queued = self.request_state(username, state, mapped_reason, "crm")
            agent = self.agent_doc(username)
            self._sync_presence(agent, source="cti" if queued else "crm", always=True)
            return agent, queued

    def _release(self, username: str | None, call: dict[str, Any], default_state: str = "AVAILABLE",
                 default_reason: str | None = None) -> None:
        """The agent is done with the call: the queued next state wins, else the default."""
        if not username:
            return
        agent = self.agent_doc(username)
        agent.update(current_interaction_id=None, last_interaction_id=call["id"])
        if agent["next_state"]:
            state, reason, source = agent["next_state"], agent["next_reason"], agent["next_source"] or "cti"
            agent.update(next_state=None, next_reason=None, next_source=None)
        else:
            state, reason, source = default_state, default_reason, "cti"
        self._set_state(agent, state, reason, source)

    def _occupy(self, username: str, call: dict[str, Any], state: str) -> None:
        agent = self.agent_doc(username)
        agent["current_interaction_id"] = call["id"]
        self._set_state(agent, state, None, "cti")

    # ---- queues ---------------------------------------------------------------------------------
    def queue_view(self, queue: dict[str, Any]) -> dict[str, Any]:
        waiting = self.db.one("SELECT COUNT(*) AS n FROM interactions WHERE state='queued' AND json_extract(doc, '$.queue')=?",
                              (queue["name"],))["n"]
        available = sum(1 for a in self.all_agents()
                        if a["state"] == "AVAILABLE" and a["role"] != "supervisor" and queue["name"] in a["queues"])
        open_now, opens_at = self.queue_open(queue)
        return {"hours": None, **queue, "waiting": waiting, "agents_available": available, "open_now": open_now,
                "opens_at": opens_at}

    def update_queue(self, name: str, changes: dict[str, Any]) -> dict[str, Any]:
        with self.change():
            queue = self.queue_doc(name)
            merged = {**queue, **changes}
            if merged["wrapup_mode"] == "timeboxed" and not merged.get("acw_seconds"):
                raise CtiError(422, "a timeboxed queue needs acw_seconds")
            self.db.execute("UPDATE queues SET doc=? WHERE name=?", (dumps(merged), name))
            self.events.emit("queue.updated", {"queue": name, **changes})
            return merged

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

    # ---- the call simulator -----------------------------------------------------------------------
    def create_call(self, from_number: str, queue: str, attributes: dict[str, Any], correlation_id: str) -> dict:
        if queue not in self.queue_names():
            raise CtiError(422, f"unknown queue {queue!r} (known: {', '.join(self.queue_names())})")
        self.require_open(queue)
        with self.change():
            call = self._new_call("inbound", from_number, queue, attributes, correlation_id)
            self._insert_call(call)
            self._emit("queued", call, attributes=attributes)
        return self.call_doc(call["id"])

    def _insert_call(self, call: dict[str, Any]) -> None:
        seq = self.db.one("SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM interactions")["next"]
        self.db.execute("INSERT INTO interactions (id, state, agent, seq, doc) VALUES (?,?,?,?,?)",
                        (call["id"], call["state"], call["agent"], seq, dumps(call)))

    def _new_call(self, direction: str, number: str, queue: str, attributes: dict[str, Any],
                  correlation_id: str) -> dict[str, Any]:
        """A call record; from_number is always the customer's number (the caller, or whom the agent dials)."""
        now = self.now()
        return {
            "id": f"int-{uuid.uuid4().hex[:12]}", "direction": direction, "from_number": number,
            "queue": queue, "state": "queued", "agent": None, "correlation_id": correlation_id,
            "attributes": attributes, "created_at": now, "queued_at": now, "offered_at": None, "offer": None,
            "offers": 0, "exclude": [], "pending_transfer": None, "connected_at": None,
            "hold_total": 0.0, "hold_started_at": None, "on_hold": False,
            "muted": False, "muted_since": None, "muted_total": 0.0, "dtmf": "", "transfers": [], "consult": None,
            "wrapup_mode": None, "wrapup_draft": {"disposition": None, "notes": ""}, "wrapup_started_at": None,
            "wrapup_deadline": None, "disposition": None, "notes": None, "wrapup_seconds": None,
            "completed_at": None, "ended_at": None, "ended_by": None, "call_log_written": False,
        }

    def dial(self, username: str, to_number: str, queue: str | None, record_id: str | None,
             callback_id: str | None = None) -> dict[str, Any]:
        """Outbound (click-to-dial, callbacks): connected at once, or failed when nobody answers (a number ending
        in 0000). The number is normalised to E.164 and checked against crm's do-not-call flag first."""
        to_number, contacts = self.check_dialable(to_number, username, record_id)  # crm call: outside the lock
        if record_id is None and len(contacts) == 1:
            record_id = str(contacts[0]["id"])  # a number typed in the softphone: logged on its one owner
        with self.change():
            callback = self.callback_doc(callback_id) if callback_id else None
            if callback is not None:
                if callback["status"] != "scheduled" or callback["due_at"] > self.now():
                    raise CtiError(409, f"callback {callback_id} is {callback['status']}, due {self.iso(callback['due_at'])}")
                to_number, queue = callback["number"], callback["queue"]
                record_id = record_id or (str(callback["contact_id"]) if callback["contact_id"] else None)
            agent = self.agent_doc(username)
            if agent["role"] == "supervisor" or agent["state"] in BUSY_STATES or agent["state"] == "OFFLINE":
                raise CtiError(409, f"{username} is {agent['state']}: outbound calls need an agent who is "
                                    "AVAILABLE or NOT_READY and not on a call")
            queue = queue or (agent["queues"][0] if agent["queues"] else None)
            if queue not in self.queue_names():
                raise CtiError(422, f"unknown queue {queue!r}")
            attributes = {k: v for k, v in (("record_id", record_id), ("callback_id", callback_id)) if v}
            call = self._new_call("outbound", to_number, queue, attributes,
                                  (callback or {}).get("correlation_id") or correlation.current() or correlation.new_id())
            call.update(agent=username, offered_at=self.now())
            if to_number.endswith("0000"):
                call.update(state="failed", ended_at=self.now(), ended_by="network")
                self._insert_call(call)
                self._emit("failed", call, reason="no answer")
                agent["last_interaction_id"] = call["id"]
                self._save_agent(agent)
                if callback is not None:
                    self._callback_attempt(callback, call, "no_answer")
                return call
            call.update(state="connected", connected_at=self.now())
            self._insert_call(call)
            if agent["state"] == "NOT_READY" and not agent["next_state"]:
                # dialling out during a break does not end the break: the agent returns to it after wrap-up
                agent.update(next_state="NOT_READY", next_reason=agent["reason"], next_source="cti")
                self._save_agent(agent)
            self._occupy(username, call, "ON_INTERACTION")
            self._emit("connected", call, outbound=True)
            if callback is not None:
                self._callback_attempt(callback, call, "connected")
            contact_id = int(record_id) if record_id and record_id.isdigit() else None
            self._to_crm("PUT", f"/api/activities/{call['id']}", "activities", {
                "status": "in_progress", "direction": "outbound", "from_number": to_number, "queue": queue,
                "agent": username, "correlation_id": call["correlation_id"],
                **({"contact_id": contact_id} if contact_id else {})}, call["correlation_id"])
            return call

    def customer_hangup(self, interaction_id: str) -> dict[str, Any]:
        with self.change():
            call = self.call_doc(interaction_id)
            if call["state"] in ("queued", "offered"):
                agent = call["agent"]
                call.update(state="abandoned", ended_at=self.now(), ended_by="customer")
                self._save_call(call)
                self._emit("abandoned", call)
                self._release(agent, call)
                self._after_lost_call(call, "abandoned")
            elif call["state"] in ON_CALL:
                if call["consult"]:
                    self._drop_consult(call, "customer hung up")
                self._end_call(call, "customer")
            else:
                raise CtiError(409, f"the call is {call['state']}; the customer is no longer on the line")
        return self.call_doc(interaction_id)

    # ---- routing --------------------------------------------------------------------------------
    def _route(self) -> None:
        """Offers queued calls, oldest first, each to the longest-idle AVAILABLE agent of its queue."""
        waiting = sorted(self.calls(("queued",)), key=lambda c: (c["queued_at"], c["created_at"]))
        for call in waiting:
            agent = self._longest_idle(call["queue"], exclude=call["exclude"], skill=(call["attributes"] or {}).get("skill"))
            if agent is None:
                continue
            transfer = call["pending_transfer"] or {}
            self._offer(call, agent["username"], kind="transfer" if transfer else "call",
                        from_agent=transfer.get("from_agent"), from_name=transfer.get("from_name"),
                        note=transfer.get("note"))

    def _longest_idle(self, queue: str, exclude: list[str] = (), skill: str | None = None) -> dict[str, Any] | None:
        candidates = [a for a in self.all_agents()
                      if a["state"] == "AVAILABLE" and a["role"] != "supervisor"
                      and queue in a["queues"] and a["username"] not in exclude
                      and (skill is None or skill in a["skills"])]
        candidates.sort(key=lambda a: (a["idle_since"] or 0.0, a["id"]))
        return candidates[0] if candidates else None

    def _offer(self, call: dict[str, Any], username: str, kind: str, from_agent: str | None = None,
               from_name: str | None = None, note: str | None = None) -> None:
        now = self.now()
        ring = self.queue_doc(call["queue"])["ring_timeout_seconds"]
        call["offers"] += 1
        call.update(state="offered", agent=username, offered_at=now, pending_transfer=None, offer={
            "id": f"{call['id']}-{call['offers']}", "kind": kind, "to_agent": username, "from_agent": from_agent,
            "from_name": from_name, "note": note, "at": now, "expires_at": now + ring})
        self._save_call(call)
        self._occupy(username, call, "RESERVED")
        self._emit("offered", call, offer_id=call["offer"]["id"], kind=kind, transferred_by=from_name, note=note,
                   ring_timeout_seconds=ring)

    # ---- agent actions ----------------------------------------------------------------------------
    def authorize(self, principal: Any, call: dict[str, Any], consult_target_too: bool = False) -> None:
        """An agent session acts only on calls offered or assigned to it; service tokens act on any."""
        if principal.kind == "client":
            return
        allowed = {call["agent"]}
        if consult_target_too and call["consult"]:
            allowed.add(call["consult"]["to_agent"])
        if principal.name not in allowed:
            raise CtiError(403, f"interaction {call['id']} is not offered or assigned to {principal.name}")

    def act(self, interaction_id: str, principal: Any, action: str, **args: Any) -> dict[str, Any]:
        with self.change():
            call = self.call_doc(interaction_id)
            getattr(self, f"_do_{action}")(call, principal, **args)
        return self.call_doc(interaction_id)  # after routing: a transferred call may be offered already

    def _require(self, call: dict[str, Any], *states: str, no_consult: bool = True) -> None:
        if call["state"] not in states:
            raise CtiError(409, f"the call is {call['state']}; this needs {' or '.join(states)}")
        if no_consult and call["consult"]:
            raise CtiError(409, "a consult is in progress: complete or cancel the transfer first")

    def _do_answer(self, call: dict[str, Any], principal: Any) -> None:
        consult = call["consult"]
        if consult and consult["state"] == "offered" and (principal.kind == "client" or principal.name == consult["to_agent"]):
            consult["state"] = "connected"
            consult["connected_at"] = self.now()
            self._save_call(call)
            self._occupy(consult["to_agent"], call, "ON_INTERACTION")
            self._emit("consult_connected", call, consult_agent=consult["to_agent"], from_agent=consult["from_agent"])
            return
        self.authorize(principal, call)
        self._require(call, "offered")
        now = self.now()
        call.update(state="connected", connected_at=call["connected_at"] or now)
        call["offer"]["answered_at"] = now
        self._save_call(call)
        self._occupy(call["agent"], call, "ON_INTERACTION")
        self._emit("connected", call, offer_id=call["offer"]["id"])
        self._to_crm("PUT", f"/api/activities/{call['id']}", "activities", {
            "status": "in_progress", "direction": call["direction"], "from_number": call["from_number"],
            "queue": call["queue"], "agent": call["agent"], "correlation_id": call["correlation_id"],
            **self._activity_context(call)}, call["correlation_id"])
        self._tell_chat(call, "agent-joined")

    @staticmethod
    def _activity_context(call: dict[str, Any]) -> dict[str, Any]:
        """What crm keeps besides the call log: the channel, and the IVR or bot context the call came with."""
        context = {"type": "chat" if call.get("channel") == "chat" else "call"}
        if call["attributes"]:
            context["attributes"] = call["attributes"]
        return context

    def _do_reject(self, call: dict[str, Any], principal: Any) -> None:
        consult = call["consult"]
        if consult and consult["state"] == "offered" and (principal.kind == "client" or principal.name == consult["to_agent"]):
            self._drop_consult(call, "rejected", target_state=("NOT_READY", MISSED_REASON))
            return
        self.authorize(principal, call)
        self._require(call, "offered")
        self._miss(call, "rejected")

    def _miss(self, call: dict[str, Any], outcome: str) -> None:
        agent = call["agent"]
        call.update(state=outcome, ended_at=self.now())
        self._save_call(call)
        self._emit(outcome, call, offer_id=call["offer"]["id"])
        self._release(agent, call, "NOT_READY", MISSED_REASON)
        if outcome == "missed":
            self._after_lost_call(call, outcome)

    def _do_hold(self, call: dict[str, Any], principal: Any) -> None:
        self.authorize(principal, call)
        self._require(call, "connected")
        self._start_hold(call)
        self._emit("held", call)

    def _start_hold(self, call: dict[str, Any]) -> None:
        call.update(state="held", on_hold=True, hold_started_at=self.now())
        self._save_call(call)

    def _end_hold(self, call: dict[str, Any]) -> None:
        if call["on_hold"]:
            call["hold_total"] += self.now() - call["hold_started_at"]
            call.update(on_hold=False, hold_started_at=None)
        if call["state"] == "held":
            call["state"] = "connected"
        self._save_call(call)

    def _do_resume(self, call: dict[str, Any], principal: Any) -> None:
        self.authorize(principal, call)
        self._require(call, "held")
        self._end_hold(call)
        self._emit("resumed", call, hold_seconds=self._hold_seconds(call))

    def _do_mute(self, call: dict[str, Any], principal: Any) -> None:
        self.authorize(principal, call)
        self._require(call, *ON_CALL, no_consult=False)
        if call["muted"]:
            raise CtiError(409, "the call is already muted")
        call.update(muted=True, muted_since=self.now())
        self._save_call(call)
        self._emit("muted", call)

    def _do_unmute(self, call: dict[str, Any], principal: Any) -> None:
        self.authorize(principal, call)
        self._require(call, *ON_CALL, no_consult=False)
        if not call["muted"]:
            raise CtiError(409, "the call is not muted")
        self._end_mute(call)
        self._emit("unmuted", call)

    def _end_mute(self, call: dict[str, Any]) -> None:
        if call["muted"]:
            call["muted_total"] += self.now() - call["muted_since"]
            call.update(muted=False, muted_since=None)
            self._save_call(call)

    def _do_dtmf(self, call: dict[str, Any], principal: Any, digits: str) -> None:
        self.authorize(principal, call)
        self._require(call, "connected")
        call["dtmf"] += digits
        self._save_call(call)
        self._emit("dtmf", call, digits=digits, dtmf=call["dtmf"])

    def _do_transfer(self, call: dict[str, Any], principal: Any, type: str, queue: str | None,
                     agent: str | None, note: str | None) -> None:
        self.authorize(principal, call)
        self._require(call, *ON_CALL)
        if (queue is None) == (agent is None):
            raise CtiError(422, "give exactly one of queue or agent")
        if queue is not None and queue not in self.queue_names():
            raise CtiError(422, f"unknown queue {queue!r}")
        from_agent = call["agent"]
        from_name = self._name(from_agent)
        target = None
        if agent is not None:
            target = self.find_agent(agent)
            if target is None or target["role"] == "supervisor":
                raise CtiError(422, f"{agent!r} is not an agent who takes calls")
            if agent == from_agent:
                raise CtiError(422, "an agent cannot transfer a call to themselves")
            if target["state"] != "AVAILABLE":
                raise CtiError(409, f"{agent} is {target['state']}, not AVAILABLE")
        elif type == "warm":
            target = self._longest_idle(queue, exclude=[from_agent])
            if target is None:
                raise CtiError(409, f"no AVAILABLE agent in queue {queue} to consult")
        now = self.now()
        entry = {"type": type, "from_agent": from_agent, "from_name": from_name, "to_queue": queue,
                 "to_agent": agent, "note": note, "at": now}
        if type == "cold":
            self._end_hold(call)
            self._end_mute(call)
            call["transfers"].append(entry)
            self._emit("transfer_started", call, transfer_type="cold", to_queue=queue, to_agent=agent, note=note)
            if target is not None:
                self._offer(call, target["username"], kind="transfer", from_agent=from_agent, from_name=from_name,
                            note=note)
            else:
                call.update(state="queued", agent=None, queue=queue, queued_at=now, offer=None, exclude=[from_agent],
                            pending_transfer={"from_agent": from_agent, "from_name": from_name, "note": note})
                self._save_call(call)
                self._emit("queued", call, transferred=True)
            self._emit("transferred", call, transfer_type="cold", from_agent=from_agent, to_queue=queue,
                       to_agent=agent, note=note)
            self._release(from_agent, call)
            return
        # warm: the customer waits on hold while the target is consulted
        if call["state"] == "connected":
            self._start_hold(call)
            self._emit("held", call, automatic=True)
        ring = self.queue_doc(call["queue"])["ring_timeout_seconds"]
        call["offers"] += 1
        call["consult"] = {**entry, "to_agent": target["username"], "to_name": target["name"], "state": "offered",
                           "offer_id": f"{call['id']}-{call['offers']}", "expires_at": now + ring,
                           "connected_at": None}
        self._save_call(call)
        self._occupy(target["username"], call, "RESERVED")
        self._emit("transfer_started", call, transfer_type="warm", to_queue=queue, to_agent=target["username"], note=note)
        self._emit("consult_offered", call, consult_agent=target["username"], offer_id=call["consult"]["offer_id"],
                   transferred_by=from_name, note=note)

    def _do_transfer_complete(self, call: dict[str, Any], principal: Any) -> None:
        self.authorize(principal, call)
        consult = call["consult"]
        if not consult:
            raise CtiError(409, "no consult in progress")
        if consult["state"] != "connected":
            raise CtiError(409, f"the consulted agent has not answered yet ({consult['state']})")
        from_agent = call["agent"]
        call["transfers"].append({k: consult[k] for k in ("type", "from_agent", "from_name", "to_queue", "to_agent", "note")}
                                 | {"at": self.now()})
        call.update(consult=None, agent=consult["to_agent"], queue=consult["to_queue"] or call["queue"], offer={
            "id": consult["offer_id"], "kind": "consult", "to_agent": consult["to_agent"],
            "from_agent": from_agent, "from_name": consult["from_name"], "note": consult["note"],
            "at": consult["at"], "expires_at": consult["expires_at"], "answered_at": consult["connected_at"]})
        self._end_hold(call)
        self._emit("transferred", call, transfer_type="warm", from_agent=from_agent, to_agent=consult["to_agent"],
                   to_queue=consult["to_queue"], note=consult["note"])
        self._release(from_agent, call)
        self._to_crm("PUT", f"/api/activities/{call['id']}", "activities", {
            "status": "in_progress", "direction": call["direction"], "from_number": call["from_number"],
            "queue": call["queue"], "agent": call["agent"], "correlation_id": call["correlation_id"]},
            call["correlation_id"])

    def _do_transfer_cancel(self, call: dict[str, Any], principal: Any) -> None:
        self.authorize(principal, call, consult_target_too=True)
        if not call["consult"]:
            raise CtiError(409, "no consult in progress")
        self._drop_consult(call, "cancelled")

    def _drop_consult(self, call: dict[str, Any], why: str, target_state: tuple[str, str | None] = ("AVAILABLE", None)) -> None:
        """Ends a consult: the target is freed and the customer is back with the first agent."""
        consult = call["consult"]
        call["consult"] = None
        if why != "customer hung up":
            self._end_hold(call)
        self._save_call(call)
        self._emit("transfer_cancelled", call, reason=why, consult_agent=consult["to_agent"])
        if why != "customer hung up":
            self._emit("resumed", call, hold_seconds=self._hold_seconds(call))
        self._release(consult["to_agent"], call, *target_state)

    def _do_hangup(self, call: dict[str, Any], principal: Any) -> None:
        self.authorize(principal, call)
        self._require(call, *ON_CALL)
        self._end_call(call, "agent")

    def _end_call(self, call: dict[str, Any], ended_by: str) -> None:
        self._end_hold(call)
        self._end_mute(call)
        now = self.now()
        queue = self.queue_doc(call["queue"])
        deadline = now + queue["acw_seconds"] if queue["wrapup_mode"] == "timeboxed" else None
        call.update(state="wrapup", ended_at=now, ended_by=ended_by, wrapup_mode=queue["wrapup_mode"],
                    wrapup_started_at=now, wrapup_deadline=deadline)
        self._save_call(call)
        self._emit("ended", call, ended_by=ended_by)
        if ended_by != "customer":
            self._tell_chat(call, "agent-left")
        self._emit("wrapup_started", call, wrapup_mode=queue["wrapup_mode"], wrapup_deadline=self.iso(deadline))
        agent = self.agent_doc(call["agent"])
        self._set_state(agent, "ACW", None, "cti")

    # ---- wrap-up --------------------------------------------------------------------------------
    def dispositions(self, queue: str) -> list[dict[str, str]]:
        """The crm catalogue for a queue (the last good answer is kept for when crm is down)."""
        try:
            body = self.system.peers["crm"].request("GET", "/api/dispositions", edge="dispositions",
                                                    params={"queue": queue})
            codes = [{"code": d["code"], "label": d["label"]} for d in body["dispositions"]
                     if d["code"] != TIMEOUT_DISPOSITION]
        except (EdgeError, KeyError, TypeError) as exc:
            cached = self._dispositions_cache.get(queue)
            if cached is not None:
                return cached
            raise CtiError(502, f"the disposition catalogue is unavailable from crm: {exc}") from exc
        self._dispositions_cache[queue] = codes
        return codes

    def check_disposition(self, queue: str, disposition: str | None) -> None:
        if disposition is None:
            return
        codes = [d["code"] for d in self.dispositions(queue)]
        if disposition not in codes:
            raise CtiError(422, f"disposition {disposition!r} is not in the {queue} catalogue ({', '.join(codes)})")

    def save_draft(self, interaction_id: str, principal: Any, fields: dict[str, Any]) -> dict[str, Any]:
        call = self.call_doc(interaction_id)
        self.authorize(principal, call)
        self._require(call, "connected", "held", "wrapup", no_consult=False)
        if fields.get("disposition"):
            self.check_disposition(call["queue"], fields["disposition"])  # crm call: outside the lock
        with self.change():
            call = self.call_doc(interaction_id)
            self._require(call, "connected", "held", "wrapup", no_consult=False)
            draft = call["wrapup_draft"]
            if "disposition" in fields:
                draft["disposition"] = fields["disposition"] or None
            if "notes" in fields:
                draft["notes"] = fields["notes"] or ""
            self._save_call(call)
            self._emit("wrapup_draft_saved", call, disposition=draft["disposition"], notes=draft["notes"])
            return self.call_doc(interaction_id)

    def complete_wrapup(self, interaction_id: str, principal: Any, fields: dict[str, Any]) -> dict[str, Any]:
        call = self.call_doc(interaction_id)
        self.authorize(principal, call)
        self._require(call, "wrapup", no_consult=False)
        draft = call["wrapup_draft"]
        disposition = fields["disposition"] if "disposition" in fields else draft["disposition"]
        disposition = disposition or None
        if call["wrapup_mode"] == "mandatory" and disposition is None:
            raise CtiError(422, "a disposition is required to complete wrap-up on this queue")
        self.check_disposition(call["queue"], disposition)
        notes = fields["notes"] if fields.get("notes") is not None else draft["notes"]
        with self.change():
            call = self.call_doc(interaction_id)
            self._require(call, "wrapup", no_consult=False)
            self._complete(call, disposition, notes or "", self.now(), timed_out=False)
            return self.call_doc(interaction_id)

    def _complete(self, call: dict[str, Any], disposition: str | None, notes: str, at: float, timed_out: bool) -> None:
        call["wrapup_draft"].update(disposition=disposition if not timed_out else call["wrapup_draft"]["disposition"],
                                    notes=notes)
        call.update(state="completed", disposition=disposition, notes=notes, completed_at=at,
                    wrapup_seconds=int(round(at - call["wrapup_started_at"])))
        first_log = not call["call_log_written"]
        call["call_log_written"] = True  # the idempotency key is the interaction id: written once
        self._save_call(call)
        self._emit("completed", call, disposition=disposition, notes=notes, wrapup_seconds=call["wrapup_seconds"],
                   hold_seconds=self._hold_seconds(call), timed_out=timed_out)
        if first_log:
            self._to_crm("PUT", f"/api/activities/{call['id']}", "activities", {
                "status": "completed", "direction": call["direction"], "from_number": call["from_number"],
                "queue": call["queue"], "agent": call["agent"], "correlation_id": call["correlation_id"],
                "disposition": disposition, "notes": notes, "wrapup_seconds": call["wrapup_seconds"],
                "hold_seconds": self._hold_seconds(call), "muted_seconds": self._muted_seconds(call),
                "dtmf": call["dtmf"], "transfers": [{**t, "at": self.iso(t["at"])} for t in call["transfers"]],
                **self._activity_context(call)}, call["correlation_id"])
            self._publish_disposition(call)
            self._callback_completed(call)
        self._release(call["agent"], call)

    # ---- timers ---------------------------------------------------------------------------------
    def tick(self) -> None:
        now = self.now()
        with self.change():
            for call in self.calls(("offered", "held", "connected", "wrapup")):
                if call["state"] == "offered" and call["offer"]["expires_at"] <= now:
                    self._miss(call, "missed")
                elif call["consult"] and call["consult"]["state"] == "offered" and call["consult"]["expires_at"] <= now:
                    self._drop_consult(call, "missed", target_state=("NOT_READY", MISSED_REASON))
                elif call["state"] == "wrapup" and call["wrapup_deadline"] is not None and call["wrapup_deadline"] <= now:
                    # the call completes at its deadline, so wrapup_seconds is exactly the queue's acw_seconds
                    self._complete(call, TIMEOUT_DISPOSITION, call["wrapup_draft"]["notes"], call["wrapup_deadline"],
                                   timed_out=True)
            self.db.execute("DELETE FROM sso_codes WHERE expires_at <= ?", (now,))
        self.send_outgoing()

    # ---- SSO and sessions -------------------------------------------------------------------------
    def new_sso_code(self, username: str) -> dict[str, Any]:
        self.agent_doc(username)
        code = uuid.uuid4().hex
        expires = self.now() + SSO_CODE_SECONDS
        self.db.execute("INSERT INTO sso_codes (code, username, expires_at) VALUES (?,?,?)", (code, username, expires))
        return {"code": code, "username": username, "expires_at": self.iso(expires)}

    def redeem_sso_code(self, code: str) -> str | None:
        """A one-time code becomes a session token (None when unknown, used or expired)."""
        with self.change():
            row = self.db.one("SELECT * FROM sso_codes WHERE code=?", (code,))
            if row is None:
                return None
            self.db.execute("DELETE FROM sso_codes WHERE code=?", (code,))
            if row["expires_at"] <= self.now():
                return None
            token = uuid.uuid4().hex + uuid.uuid4().hex
            self.db.execute("INSERT INTO sessions (token, username, created_at) VALUES (?,?,?)",
                            (token, row["username"], self.now()))
            return token

    def session_user(self, token: str) -> dict[str, Any] | None:
        row = self.db.one("SELECT username FROM sessions WHERE token=?", (token,))
        return self.find_agent(row["username"]) if row else None

    # ---- what the softphone renders ---------------------------------------------------------------
    def snapshot(self, username: str) -> dict[str, Any]:
        agent = self.agent_doc(username)
        view = None
        if agent["current_interaction_id"]:
            view = self._my_view(self.call_doc(agent["current_interaction_id"]), username)
        last = None
        if agent["last_interaction_id"]:
            call = self.call_doc(agent["last_interaction_id"])
            last = {k: call[k] for k in ("id", "state", "from_number", "queue", "agent", "disposition", "notes",
                                          "wrapup_seconds", "ended_by")}
            last["completed_at"] = self.iso(call["completed_at"])
        others = [{"username": a["username"], "name": a["name"], "state": a["state"]}
                  for a in self.all_agents() if a["username"] != username and a["role"] != "supervisor"]
        mine = [self.callback_view(c) for c in self.callbacks("scheduled") if c["queue"] in agent["queues"]]
        return {"agent": self.agent_view(agent), "interaction": view, "last_interaction": last,
                "callbacks": [c for c in mine if c["due"]][:8],
                "transfer_targets": {"queues": self.queue_names(), "agents": others}, "now": self.clock.iso(),
                "clock_frozen": self.clock.frozen}

    def _my_view(self, call: dict[str, Any], username: str) -> dict[str, Any]:
        """The call as this agent sees it: an offer, a consult for them, their active call, or wrap-up."""
        view = self.call_view(call)
        consult = call["consult"]
        if consult and consult["to_agent"] == username:
            view["view"] = "incoming" if consult["state"] == "offered" else "consult"
            view["my_offer"] = {"offer_id": consult["offer_id"], "kind": "consult", "from_agent": consult["from_agent"],
                                "from_name": consult["from_name"], "note": consult["note"]}
        else:
            view["view"] = {"offered": "incoming", "connected": "active", "held": "active",
                            "wrapup": "wrapup"}.get(call["state"], "none")
            offer = call["offer"] or {}
            view["my_offer"] = {"offer_id": offer.get("id"), "kind": offer.get("kind", "call"),
                                "from_agent": offer.get("from_agent"), "from_name": offer.get("from_name"),
                                "note": offer.get("note")}
        return view
