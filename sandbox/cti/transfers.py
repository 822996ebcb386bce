"""cti transfers: cold transfers to a queue or an agent, warm transfers with a consult leg."""
from __future__ import annotations

from typing import Any

from .errors import CtiError
from .model_base import ON_CALL


class TransfersMixin:
    """Part of :class:`sandbox.cti.model.Cti` (one domain object, split by concern)."""

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
