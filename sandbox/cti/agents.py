"""cti agents: the state machine, requested and queued states, presence sync with the crm, queues."""
from __future__ import annotations

from typing import Any

from ..platform.db import dumps
from .errors import CtiError
from .model_base import BUSY_STATES, REQUESTABLE_STATES, crm_presence, cti_state_for, state_label


class AgentsMixin:
    """Part of :class:`sandbox.cti.model.Cti` (one domain object, split by concern)."""

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
