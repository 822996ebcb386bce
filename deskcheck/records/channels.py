"""IVR, chat and helpdesk records: a caller's walk through the menus, chats, tickets with SLA clocks."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from deskcheck.records._base import _describe


@dataclass(frozen=True)
class AccountLookup:
    """One try of the IVR to find the caller's account in the CRM."""
    attempt: int
    outcome: str  # found | not_found | failed
    reason: str | None = None  # why a failed try failed (timeout, server error, empty answer)


@dataclass(frozen=True)
class IvrSession:
    """A caller's walk through the IVR menus: what the IVR said, what it learnt, where the call went."""
    id: str
    state: str  # in_ivr | transferred | callback_scheduled | ended | abandoned | failed
    path: tuple[str, ...] = ()  # menus and choices in order: "Account verified", "Chose: Sales", ...
    prompts: tuple[str, ...] = ()  # everything the IVR said, in order
    verified: bool = False
    account_number: str | None = None
    reason: str | None = None
    call_id: str | None = None  # the CTI interaction it handed over to
    from_number: str | None = None
    queue: str | None = None  # the queue the caller chose
    correlation_id: str | None = None
    lookup: str | None = None  # how the CRM account lookup ended: ok | not_found | unavailable
    lookups: tuple[AccountLookup, ...] = ()
    caller_said: tuple[str, ...] = ()  # speech the IVR heard, in order
    ticket_updates: tuple[str, ...] = ()  # helpdesk tickets whose status it read out
    callback_id: str | None = None  # the callback booked when the queue was closed
    opens_at: str | None = None  # when the closed queue opens (ISO 8601)

    @property
    def prompt(self) -> str:
        """What the IVR said last (what the caller hears now)."""
        return self.prompts[-1] if self.prompts else ""

    def describe(self, *keys: str) -> str:
        return f"the IVR call {self.id}: " + _describe(self, keys or ("state", "path", "prompt"))


@dataclass(frozen=True)
class IvrContext:
    """What the IVR learnt before the call reached an agent: it travels with the call (CTI) into the call log (CRM)."""
    account_number: str | None = None
    verified: bool = False
    lookup: str | None = None  # how the CRM account lookup ended: ok | not_found | unavailable
    path: tuple[str, ...] = ()
    reason: str | None = None
    caller_said: str | None = None  # what the caller said, utterances joined by " / "
    session_id: str | None = None  # the IVR call it came from


@dataclass(frozen=True)
class KnowledgeArticle:
    """A knowledge-base article the bot cited."""
    id: str
    title: str

    def __str__(self) -> str:
        return f"{self.id} {self.title}"


@dataclass(frozen=True)
class ChatMessage:
    sender: str  # customer | bot | agent | system
    text: str
    name: str | None = None
    source: KnowledgeArticle | None = None  # the article a bot answer cites
    fallback: bool = False  # the bot could not answer from the system behind it and offers a person


@dataclass(frozen=True)
class ChatSession:
    """A customer's chat: the transcript, the bot's intent path and the mood it read."""
    id: str
    state: str  # bot | waiting_agent | with_agent | closed
    transcript: tuple[ChatMessage, ...] = ()
    intent_path: tuple[str, ...] = ()
    sentiment: str | None = None  # positive | neutral | negative
    contact_id: Any = None
    authenticated: bool = False
    ticket_id: str | None = None
    call_id: str | None = None  # the CTI interaction it escalated to
    correlation_id: str | None = None
    awaiting: str | None = None  # what the bot waits for from the customer: identity | reschedule_date | None
    agent_name: str | None = None  # the agent who joined

    def said_by(self, sender: str) -> list[str]:
        """The texts one side wrote, in order (sender: customer | bot | agent | system)."""
        return [m.text for m in self.transcript if m.sender == sender]

    @property
    def last_message(self) -> ChatMessage | None:
        return self.transcript[-1] if self.transcript else None

    def describe(self, *keys: str) -> str:
        return f"the chat {self.id}: " + _describe(self, keys or ("state", "intent_path", "sentiment", "ticket_id"))


@dataclass(frozen=True)
class ChatContext:
    """What the bot handed over with a chat: it travels with the chat (CTI) into the CRM's log of it."""
    conversation_id: str | None = None
    transcript: tuple[ChatMessage, ...] = ()
    intent_path: tuple[str, ...] = ()
    sentiment: str | None = None  # positive | neutral | negative
    correlation_id: str | None = None  # the journey it belongs to, across systems


@dataclass(frozen=True)
class SlaClock:
    """One SLA metric of a ticket: first reply or resolution, in business time."""
    metric: str
    state: str  # running | warning | paused | met | breached
    target_seconds: int
    remaining_seconds: int
    due_at: str | None = None


@dataclass(frozen=True)
class TicketComment:
    body: str
    author: str
    public: bool = True
    channel: str | None = None  # the channel it came in or went out by: email | phone | chat | web
    author_type: str | None = None  # agent | customer | system


@dataclass(frozen=True)
class TicketNotification:
    """A message the helpdesk sent the requester about their ticket."""
    to: str
    subject: str
    channel: str = "email"
    at: str | None = None


SLA_METRICS = {"first_reply": "first reply", "resolution": "resolution"}


@dataclass(frozen=True)
class Ticket:
    """A helpdesk ticket with its SLA clocks and its link to the CRM."""
    id: str
    subject: str
    status: str  # new | open | pending | solved | closed
    channel: str
    priority: str = "normal"
    requester_email: str | None = None
    contact_id: Any = None
    call_id: str | None = None  # the call it was raised from (phone tickets)
    tags: tuple[str, ...] = ()
    sla_policy: str | None = None
    sla: dict[str, SlaClock] = field(default_factory=dict, hash=False, compare=False)
    comments: tuple[TicketComment, ...] = ()
    status_label: str | None = None  # as the helpdesk's screens show it: "Pending customer"
    requester_name: str | None = None
    category: str | None = None
    group: str | None = None  # the team working it
    escalated: bool = False
    sla_paused: bool = False  # every SLA clock stopped (waiting for the customer)
    source_ref: str | None = None  # the call or chat conversation it was raised from
    correlation_id: str | None = None

    def sla_clock(self, metric: str) -> SlaClock:
        """One SLA clock: ``first_reply`` or ``resolution``."""
        if metric not in self.sla:
            raise AssertionError(f"helpdesk ticket {self.id} has no {SLA_METRICS.get(metric, metric)} SLA clock "
                                 f"(it has: {', '.join(self.sla) or 'none'})")
        return self.sla[metric]

    def describe(self, *keys: str) -> str:
        clocks = "; ".join(f"{SLA_METRICS.get(m, m)} {c.state}, {c.remaining_seconds} s left" for m, c in self.sla.items())
        return f"helpdesk ticket {self.id} ({self.subject!r}): " + _describe(self, keys or ("status", "priority")) \
            + (f"; SLA {clocks}" if clocks and not keys else "")
