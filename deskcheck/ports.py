"""Ports: one Protocol per backend role, in the contact center's words.

Steps talk to these and nothing else on the backend side. Every target has an adapter set that
implements them: the sandbox's (``deskcheck.adapters.sandbox``), Salesforce's and Amazon
Connect's, or a team's own. Methods answer questions (returning :mod:`deskcheck.records`) and
perform actions; none returns an API's JSON. A method that only some targets can honour is marked
with the capability it belongs to (see :mod:`deskcheck.capabilities`); an adapter without that
capability may raise :class:`NotSupported`.
"""
from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from deskcheck.records import (AgentState, ApiSession, Callback, CallLog, ChatSession, Contact, Disposition, Event,
                               FollowUp, Interaction, IvrSession, MarketingContact, OpeningHours, Presence, Queue,
                               ScreenPop, Ticket, TicketNotification, Webhook, WrapUpDraft)


class Refused(AssertionError):
    """A system refused an action (a domain outcome a step may expect, e.g. a wrap-up without disposition)."""

    def __init__(self, system: str, action: str, reason: str, status: int | None = None) -> None:
        self.system, self.action, self.reason, self.status = system, action, reason, status
        super().__init__(f"the {system} refused to {action}: {reason}")


class NotSupported(NotImplementedError):
    """The adapter lacks the capability this method belongs to."""

    def __init__(self, adapter: str, method: str, capability: str) -> None:
        self.capability = capability
        super().__init__(f"{adapter}.{method} needs the capability {capability!r}, which this adapter does not offer")


class Adapter(Protocol):
    #: the capabilities this adapter offers (names from deskcheck.capabilities.CAPABILITIES)
    capabilities: frozenset[str]


@runtime_checkable
class CrmPort(Protocol):
    """The CRM: contacts with their 360 view and consent, call logs, dispositions, presence."""
    capabilities: frozenset[str]

    def find_contacts(self, phone: str | None = None, name: str | None = None,
                      account_number: str | None = None) -> list[Contact]: ...
    def contact(self, contact_id: Any) -> Contact: ...
    def create_contact(self, first_name: str, last_name: str, phone: str, **fields: Any) -> Contact: ...
    def update_contact(self, contact_id: Any, **changes: Any) -> Contact: ...
    def add_case(self, contact_id: Any, subject: str, status: str | None = None) -> None: ...
    def add_order(self, contact_id: Any, number: str, total: float, status: str) -> None: ...
    def set_billing(self, contact_id: Any, status: str, balance: float) -> None: ...
    def call_log(self, call_id: str) -> CallLog | None: ...
    def call_logs(self, call_id: str | None = None, contact_id: Any = None) -> list[CallLog]: ...
    def dispositions(self, queue: str | None = None) -> list[Disposition]: ...
    def presence(self, username: str) -> Presence: ...
    def set_presence(self, username: str, status: str, reason: str | None = None) -> Presence: ...
    def as_user(self, username: str, password: str) -> "CrmPort":
        """The same CRM seen by a console user: their role's field visibility applies (``Contact.hidden_fields``)."""
    # write_audit
    def call_log_writes(self, call_id: str) -> int: ...
    # screen_pop_audit
    def screen_pops(self, call_id: str) -> list[ScreenPop]: ...
    # callbacks
    def follow_ups(self, contact_id: Any = None, phone: str | None = None) -> list[FollowUp]: ...
    # token_audit
    def api_session(self) -> ApiSession:
        """The access token this adapter's API client holds now (its fingerprint) and how many it has fetched."""
    def accepts_session(self, session: ApiSession) -> bool:
        """Whether the CRM still takes the token of an earlier ``api_session()`` on an ordinary call."""
    # helpdesk
    def linked_tickets(self, contact_id: Any) -> list[Ticket]: ...


@runtime_checkable
class CtiPort(Protocol):
    """The CTI, agent side: agent states, interactions and their call controls, queues, wrap-up."""
    capabilities: frozenset[str]

    def agent(self, username: str) -> AgentState: ...
    def set_agent_state(self, username: str, state: str, reason: str | None = None) -> AgentState: ...
    def interaction(self, call_id: str) -> Interaction: ...
    def interactions(self, agent: str | None = None, state: str | None = None) -> list[Interaction]: ...
    def queue(self, name: str) -> Queue: ...
    # agent_admin
    def set_queue_hours(self, name: str, hours: OpeningHours | None) -> Queue:
        """Opens the queue's line only in these hours (None: around the clock)."""
    def dispositions_for(self, call_id: str) -> list[Disposition]: ...
    def answer(self, call_id: str) -> Interaction: ...
    def hang_up(self, call_id: str) -> Interaction: ...
    def save_wrapup(self, call_id: str, disposition: str | None = None, notes: str | None = None) -> None: ...
    def complete_wrapup(self, call_id: str, disposition: str | None = None) -> Interaction:
        """Completes the wrap-up with this disposition (None: the one the agent saved in the draft)."""
    def cancel_consult(self, call_id: str) -> Interaction:
        """Ends a warm transfer's consult: the consulted agent is released, the customer stays with the caller."""
    # wrapup_draft
    def wrapup_draft(self, call_id: str) -> WrapUpDraft: ...
    # callbacks
    def callbacks(self, status: str | None = None, number: str | None = None) -> list[Callback]: ...
    # token_audit
    def api_session(self) -> ApiSession:
        """The access token this adapter's API client holds now (its fingerprint) and how many it has fetched."""
    def accepts_session(self, session: ApiSession) -> bool:
        """Whether the CTI still takes the token of an earlier ``api_session()`` on an ordinary call."""


@runtime_checkable
class CallGeneratorPort(Protocol):
    """The customer's side of a call: place it, and hang up as the customer."""
    capabilities: frozenset[str]

    def place_call(self, from_number: str, queue: str, attributes: dict[str, Any] | None = None,
                   correlation_id: str | None = None) -> Interaction: ...
    def customer_hangs_up(self, call_id: str) -> None: ...
    @property
    def placed_calls(self) -> list[str]:
        """Every call placed through this generator, oldest first (the agent clean-up ends them)."""
    def never_answering_number(self, based_on: str) -> str:
        """A number, made from ``based_on``, whose phone rings but is never answered (outbound calls to it fail)."""


@runtime_checkable
class IvrPort(Protocol):
    capabilities: frozenset[str]

    def start_call(self, from_number: str, line: str = "support") -> IvrSession: ...
    def press(self, session_id: str, digits: str) -> IvrSession: ...
    def say(self, session_id: str, transcript: str, confidence: float) -> IvrSession: ...
    def hang_up(self, session_id: str) -> IvrSession: ...
    def session(self, session_id: str) -> IvrSession: ...


@runtime_checkable
class ChatPort(Protocol):
    capabilities: frozenset[str]

    def session(self, session_id: str) -> ChatSession: ...
    def sessions(self, contact_id: Any = None) -> list[ChatSession]: ...


@runtime_checkable
class HelpdeskPort(Protocol):
    """The helpdesk: tickets from every channel, their SLA clocks (business time), what the customer was sent."""
    capabilities: frozenset[str]

    def ticket(self, ticket_id: str) -> Ticket: ...
    def tickets(self, contact_id: Any = None, source_ref: str | None = None) -> list[Ticket]: ...
    def create_ticket(self, subject: str, channel: str, priority: str | None = None, contact_id: Any = None,
                      requester_email: str | None = None, requester_name: str | None = None,
                      description: str | None = None, category: str | None = None,
                      tags: list[str] | None = None) -> Ticket: ...
    def update_ticket(self, ticket_id: str, status: str | None = None, priority: str | None = None) -> Ticket: ...
    def comment(self, ticket_id: str, body: str, author: str, public: bool = True, channel: str | None = None,
                author_type: str = "agent", status: str | None = None) -> Ticket: ...
    def receive_email(self, from_email: str, subject: str, body: str) -> Ticket: ...
    def receive_reply(self, ticket_id: str, from_email: str, body: str) -> Ticket: ...
    def notifications(self, ticket_id: str) -> list[TicketNotification]: ...


@runtime_checkable
class MarketingPort(Protocol):
    capabilities: frozenset[str]

    def contact_for(self, crm_id: Any) -> MarketingContact | None: ...
    def run_sync(self) -> None: ...


@runtime_checkable
class EventSourcePort(Protocol):
    """What each system announced (its events, oldest first), and partners' webhook subscriptions to them."""
    capabilities: frozenset[str]

    def events(self, system: str, correlation_id: str | None = None, type: str | None = None) -> list[Event]: ...
    def subscribe(self, system: str, url: str, secret: str, types: list[str] | None = None) -> Webhook: ...
    def webhooks(self, system: str) -> list[Webhook]: ...
    def unsubscribe(self, system: str, webhook_id: str) -> None: ...
    # event_stream: a live feed of every system's events that the suite's per-scenario recorders attach to
    # (attach(listener), detach(listener), catch_up(listener), close(); see adapters/sandbox/events.py)
    def open_feed(self) -> Any: ...


@runtime_checkable
class TestDataPort(Protocol):
    """Agents the suite may use, with their queues; test data it creates is marked and removed."""
    capabilities: frozenset[str]

    def ensure_agent(self, username: str, name: str, queues: list[str]) -> AgentState: ...


@runtime_checkable
class SandboxControlsPort(Protocol):
    """What only a test environment offers: its clock and its faults."""
    capabilities: frozenset[str]

    def now(self) -> str: ...
    def advance_clock(self, seconds: float) -> str: ...
    def set_clock(self, iso: str) -> str: ...
    def add_fault(self, target: str, mode: str, count: int | None = None, delay_ms: int | None = None,
                  after: int | None = None) -> None: ...
    def clear_faults(self) -> None: ...


#: role -> the Protocol its adapter implements (the contract kit checks each adapter against its port)
PORTS: dict[str, type] = {
    "crm": CrmPort, "cti": CtiPort, "telephony": CallGeneratorPort, "ivr": IvrPort, "chat": ChatPort,
    "helpdesk": HelpdeskPort, "marketing": MarketingPort, "events": EventSourcePort, "test_data": TestDataPort,
    "controls": SandboxControlsPort,
}

def port_methods(port: type) -> list[str]:
    """The methods a Protocol asks of its adapters."""
    return sorted(name for name, value in vars(port).items() if callable(value) and not name.startswith("_"))


__all__ = ["Refused", "NotSupported", "PORTS", *(p.__name__ for p in PORTS.values())]
