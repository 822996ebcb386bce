"""CTI records: agent states, interactions with their call controls and wrap-up, queues, callbacks."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from deskcheck.records._base import _describe

if TYPE_CHECKING:
    from deskcheck.records.channels import ChatContext, IvrContext


#: the words the softphone, the board and the report use for the CTI's agent states
STATE_WORDS = {"OFFLINE": "Offline", "AVAILABLE": "Available", "RESERVED": "Ringing", "ON_INTERACTION": "On call",
               "ACW": "After call work", "MISSED": "Missed", "NOT_READY": "Not ready"}


def state_label(state: str, reason: str | None = None) -> str:
    """How an agent's softphone words a state: "On call", "Not ready (Lunch)"."""
    if state == "NOT_READY" and reason:
        return f"Not ready ({reason})"
    return STATE_WORDS.get(state, state)


def in_state_words(text: str) -> str:
    """``text`` with each CTI state name (ON_INTERACTION) in the words an agent reads (On call)."""
    return re.sub(r"\b[A-Z_]{3,}\b", lambda m: STATE_WORDS.get(m.group(0), m.group(0)), text)


@dataclass(frozen=True)
class AgentState:
    """An agent as the CTI routes them: state, reason, and the state queued for after the call."""
    username: str
    state: str  # OFFLINE | AVAILABLE | RESERVED | ON_INTERACTION | ACW | MISSED | NOT_READY
    reason: str | None = None
    label: str = ""  # as the softphone shows it
    next_state: str | None = None
    next_reason: str | None = None
    current_call_id: str | None = None
    queues: tuple[str, ...] = ()
    crm_status: str | None = None  # the CRM presence the CTI last synced

    def describe(self) -> str:
        queued = f", then {self.next_state}" + (f" ({self.next_reason})" if self.next_reason else "") \
            if self.next_state else ""
        shown = self.label or state_label(self.state, self.reason)
        return f"the CTI has {self.username} {shown} [{self.state}]" + queued


@dataclass(frozen=True)
class Transfer:
    type: str  # cold | warm
    from_agent: str | None
    to_queue: str | None = None
    to_agent: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class OfferOutcome:
    """How one agent's offer of a call ended without an answer: rejected, or missed (rang out)."""
    agent: str
    outcome: str  # rejected | missed


@dataclass(frozen=True)
class Consult:
    """The second leg of a warm transfer: the agent being consulted."""
    to_agent: str
    state: str  # offered | connected | ...


@dataclass(frozen=True)
class WrapUpDraft:
    disposition: str | None
    notes: str


@dataclass(frozen=True)
class Interaction:
    """A call or chat as the CTI sees it, from queue to completed wrap-up."""
    id: str
    state: str  # queued | offered | connected | held | wrapup | completed | missed | rejected | abandoned | ...
    direction: str = "inbound"
    channel: str = "voice"
    from_number: str | None = None  # the customer's number: the caller's, or the one the agent dialled
    queue: str | None = None
    agent: str | None = None
    correlation_id: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)  # IVR context
    on_hold: bool = False
    hold_seconds: float = 0.0
    muted: bool = False
    muted_seconds: float = 0.0
    digits: str = ""  # DTMF the agent sent
    transfers: tuple[Transfer, ...] = ()
    consult: Consult | None = None
    wrapup_mode: str | None = None  # optional | mandatory | timeboxed
    disposition: str | None = None
    notes: str | None = None
    wrapup_seconds: int | None = None
    wrapup_deadline: str | None = None
    ended_by: str | None = None
    ivr: IvrContext | None = None  # what the IVR learnt (calls that came through the IVR)
    chat: ChatContext | None = None  # what the bot handed over (chats)
    record_id: str | None = None  # outbound: the CRM record it was dialled from (click-to-dial)
    callback_id: str | None = None  # outbound: the callback this call works
    offer_outcomes: tuple[OfferOutcome, ...] = ()  # earlier offers nobody took (a rejected call is offered again)

    def rejected_by(self, agent: str) -> bool:
        return any((o.agent, o.outcome) == (agent, "rejected") for o in self.offer_outcomes)

    def describe(self, *keys: str) -> str:
        return f"the CTI call {self.id}: " + _describe(self, keys or ("state", "agent", "disposition"))


@dataclass(frozen=True)
class OpeningHours:
    """When a queue's line is open: weekdays (0 = Monday) and the opening and closing time, "HH:MM"."""
    days: tuple[int, ...]
    opens: str
    closes: str


@dataclass(frozen=True)
class Queue:
    name: str
    wrapup_mode: str
    acw_seconds: int | None = None
    ring_timeout_seconds: int | None = None
    open_now: bool = True
    agents_available: int = 0
    waiting: int = 0
    opens_at: str | None = None
    hours: OpeningHours | None = None  # None: open around the clock


@dataclass(frozen=True)
class Callback:
    id: str
    number: str
    queue: str | None
    status: str
    attempts: int = 0
    due_at: str | None = None
    reason: str | None = None  # why it was scheduled: abandoned | missed | after_hours | requested
    origin_call_id: str | None = None  # the call that led to it
    due_now: bool = False  # scheduled and its time has come: the softphone offers it to the queue's agents
    last_call_id: str | None = None  # the outbound call of its latest attempt

    def describe(self) -> str:
        due = "due now" if self.due_now else f"due {self.due_at}"
        return f"the CTI callback {self.id} to {self.number} ({self.reason}): {self.status}, {due}, " \
            f"{self.attempts} attempts"
