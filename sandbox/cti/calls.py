"""cti calls: the call simulator, outbound dialing, routing and the agent's call controls."""
from __future__ import annotations

import uuid
from typing import Any

from ..platform import correlation
from ..platform.db import dumps
from .errors import CtiError
from .model_base import BUSY_STATES, MISSED_REASON, ON_CALL


class CallsMixin:
    """Part of :class:`sandbox.cti.model.Cti` (one domain object, split by concern)."""

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
            "offers": 0, "offer_outcomes": [], "exclude": [], "pending_transfer": None, "connected_at": None,
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

    def set_attributes(self, interaction_id: str, attributes: dict[str, Any]) -> dict[str, Any]:
        """Adds or replaces context carried with the call (what a flow or a desktop learnt), in any state."""
        with self.change():
            call = self.call_doc(interaction_id)
            call["attributes"] = {**(call["attributes"] or {}), **attributes}
            self._save_call(call)
            self._emit("attributes_updated", call, attributes=attributes)
        return self.call_doc(interaction_id)

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
        self._requeue_rejected(call)

    def _requeue_rejected(self, call: dict[str, Any]) -> None:
        """A rejected offer, as in Amazon Connect, Genesys and TaskRouter: the rejecting agent is set Missed and
        the call goes back to its queue, keeping its place, to be offered to the next available agent."""
        agent, offer = call["agent"], call["offer"]
        call.setdefault("offer_outcomes", []).append(
            {"agent": agent, "offer_id": offer["id"], "outcome": "rejected", "at": self.now()})
        transfer = {k: offer[k] for k in ("from_agent", "from_name", "note")} if offer["kind"] == "transfer" else None
        self._emit("rejected", call, offer_id=offer["id"], state="rejected", requeued=True)
        call.update(state="queued", agent=None, offer=None, pending_transfer=transfer)
        self._save_call(call)
        self._emit("queued", call, requeued=True, rejected_by=agent)
        self._release(agent, call, "NOT_READY", MISSED_REASON)

    def _miss(self, call: dict[str, Any], outcome: str) -> None:
        agent = call["agent"]
        call.setdefault("offer_outcomes", []).append(
            {"agent": agent, "offer_id": call["offer"]["id"], "outcome": outcome, "at": self.now()})
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
