"""The sandbox CTI behind the CTI port (agent side) and the call-generator port (customer side)."""
from __future__ import annotations

from typing import Any

from deskcheck.adapters.sandbox.api_voice import CtiClient
from deskcheck.adapters.sandbox.chat import chat_context
from deskcheck.adapters.sandbox.crm import count_of
from deskcheck.adapters.sandbox.http import ApiError, refusal
from deskcheck.adapters.sandbox.ivr import ivr_context
from deskcheck.adapters.sandbox.sessions import TokenAudit
from deskcheck.adapters.sandbox.settings import CtiSettings
from deskcheck.records import (AgentState, Callback, Consult, Disposition, Interaction, OfferOutcome, OpeningHours,
                               Queue, Transfer, WrapUpDraft)


def interaction_record(body: dict[str, Any]) -> Interaction:
    consult = body.get("consult")
    return Interaction(
        id=body["id"], state=body["state"], direction=body.get("direction") or "inbound",
        channel=body.get("channel") or "voice", from_number=body.get("from_number"), queue=body.get("queue"),
        agent=body.get("agent"), correlation_id=body.get("correlation_id"),
        attributes=dict(body.get("attributes") or {}), on_hold=bool(body.get("on_hold")),
        hold_seconds=float(body.get("hold_seconds") or 0), muted=bool(body.get("muted")),
        muted_seconds=float(body.get("muted_seconds") or 0), digits=body.get("dtmf") or "",
        transfers=tuple(Transfer(t.get("type", ""), t.get("from_agent"), t.get("to_queue"), t.get("to_agent"),
                                 t.get("note")) for t in body.get("transfers") or ()),
        consult=None if not consult else Consult(consult.get("to_agent", ""), consult.get("state", "")),
        wrapup_mode=body.get("wrapup_mode"), disposition=body.get("disposition"), notes=body.get("notes"),
        wrapup_seconds=None if body.get("wrapup_seconds") is None else int(body["wrapup_seconds"]),
        wrapup_deadline=body.get("wrapup_deadline"), ended_by=body.get("ended_by"),
        ivr=ivr_context(body.get("attributes")), chat=chat_context(body.get("attributes")),
        record_id=(body.get("attributes") or {}).get("record_id"),
        callback_id=(body.get("attributes") or {}).get("callback_id"),
        offer_outcomes=tuple(OfferOutcome(o.get("agent") or "", o.get("outcome") or "")
                             for o in body.get("offer_outcomes") or ()))


def agent_record(body: dict[str, Any]) -> AgentState:
    return AgentState(
        username=body["username"], state=body["state"], reason=body.get("reason"),
        label=body.get("state_label") or "", next_state=body.get("next_state"), next_reason=body.get("next_reason"),
        current_call_id=body.get("current_interaction_id"), queues=tuple(body.get("queues") or ()),
        crm_status=body.get("crm_status"))


def queue_record(body: dict[str, Any]) -> Queue:
    hours = body.get("hours")
    return Queue(body["name"], body.get("wrapup_mode") or "optional", body.get("acw_seconds"),
                 body.get("ring_timeout_seconds"), bool(body.get("open_now", True)),
                 int(body.get("agents_available") or 0), int(body.get("waiting") or 0), body.get("opens_at"),
                 None if not hours else OpeningHours(tuple(hours["days"]), hours["open"], hours["close"]))


def callback_record(body: dict[str, Any]) -> Callback:
    return Callback(body["id"], body.get("number", ""), body.get("queue"), body.get("status", ""),
                    count_of(body.get("attempts")), body.get("due_at"), reason=body.get("reason"),
                    origin_call_id=body.get("origin_interaction_id"), due_now=bool(body.get("due")),
                    last_call_id=body.get("interaction_id"))


class SandboxCti(TokenAudit, CtiSettings):
    """The CTI port over the sandbox CTI's own API."""

    capabilities = frozenset({"wrapup_draft", "callbacks", "agent_admin", "token_audit", "call_control_api",
                               "call_detail"})

    def __init__(self, api: CtiClient) -> None:
        self.api = api

    # agents
    def agent(self, username: str) -> AgentState:
        return agent_record(self.api.agent(username))

    def agents(self) -> list[AgentState]:
        return [agent_record(a) for a in self.api.agents()]

    def set_agent_state(self, username: str, state: str, reason: str | None = None) -> AgentState:
        return agent_record(self.api.set_state(username, state, reason))

    # interactions
    def interaction(self, call_id: str) -> Interaction:
        return interaction_record(self.api.interaction(call_id))

    def interactions(self, agent: str | None = None, state: str | None = None) -> list[Interaction]:
        return [interaction_record(i) for i in self.api.interactions(agent=agent, state=state)]

    def queue(self, name: str) -> Queue:
        return queue_record(self.api.queue(name))

    def set_queue_hours(self, name: str, hours: OpeningHours | None) -> Queue:
        body = None if hours is None else {"days": list(hours.days), "open": hours.opens, "close": hours.closes}
        try:
            return queue_record(self.api.set_queue_hours(name, body))
        except ApiError as exc:
            raise refusal("CTI", f"set the opening hours of the {name!r} queue", exc) from None

    def dispositions_for(self, call_id: str) -> list[Disposition]:
        return [Disposition(d["code"], d.get("label", d["code"]), d.get("queue"), bool(d.get("system")))
                for d in self.api.interaction_dispositions(call_id)]

    def answer(self, call_id: str) -> Interaction:
        return self._act("answer the call", lambda: self.api.answer(call_id))

    def hang_up(self, call_id: str) -> Interaction:
        return self._act("hang up the call", lambda: self.api.hangup(call_id))

    def save_wrapup(self, call_id: str, disposition: str | None = None, notes: str | None = None) -> None:
        self._act("save the wrap-up draft", lambda: self.api.save_wrapup_draft(call_id, disposition, notes),
                  record=False)

    def complete_wrapup(self, call_id: str, disposition: str | None = None) -> Interaction:
        return self._act("complete the wrap-up", lambda: self.api.complete_wrapup(call_id, disposition))

    def cancel_consult(self, call_id: str) -> Interaction:
        return self._act("cancel the consult", lambda: self.api.cancel_transfer(call_id))

    def dial(self, agent: str, to_number: str, record_id: Any = None) -> Interaction:
        """The agent's outbound call to a number (from a CRM record); refused for a number on the do-not-call list."""
        fields = {} if record_id is None else {"record_id": str(record_id)}
        return self._act(f"dial {to_number} for {agent}", lambda: self.api.dial(agent, to_number, **fields))

    def wrapup_draft(self, call_id: str) -> WrapUpDraft:
        draft = self.api.interaction(call_id).get("wrapup_draft") or {}
        return WrapUpDraft(draft.get("disposition"), draft.get("notes") or "")

    def callbacks(self, status: str | None = None, number: str | None = None) -> list[Callback]:
        return [callback_record(c) for c in self.api.callbacks(status=status, number=number)]

    def _act(self, action: str, call, record: bool = True):
        try:
            body = call()
        except ApiError as exc:
            raise refusal("CTI", action, exc) from None
        if not record:
            return None
        return interaction_record(body) if isinstance(body, dict) and "state" in body and "id" in body else body


class SandboxCallGenerator:
    """The customer's side of a call, through the sandbox CTI's call simulator."""

    capabilities = frozenset({"call_simulator"})

    def __init__(self, api: CtiClient) -> None:
        self.api = api

    @property
    def placed_calls(self) -> list[str]:
        """Every call placed through this generator (the agent clean-up hangs them up)."""
        return self.api.simulated_calls

    def place_call(self, from_number: str, queue: str, attributes: dict[str, Any] | None = None,
                   correlation_id: str | None = None) -> Interaction:
        try:
            return interaction_record(self.api.simulate_call(from_number, queue, attributes, correlation_id))
        except ApiError as exc:
            raise refusal("CTI", f"take a call on the {queue!r} line", exc) from None

    def customer_hangs_up(self, call_id: str) -> None:
        self.api.customer_hangup(call_id)

    def never_answering_number(self, based_on: str) -> str:
        """The sandbox's phone network never answers a number ending in 0000."""
        return based_on[:-4] + "0000"
