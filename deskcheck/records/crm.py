"""CRM records: contacts with their 360 view and consent, call logs, screen pops, presence, follow-ups."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from deskcheck.records._base import _describe

if TYPE_CHECKING:
    from deskcheck.records.channels import ChatContext, IvrContext


@dataclass(frozen=True)
class Order:
    number: str
    total: float
    status: str


@dataclass(frozen=True)
class Case:
    subject: str
    status: str


@dataclass(frozen=True)
class ThreeSixty:
    """The 360 view beside a contact: what an agent needs before saying hello."""
    open_cases: tuple[Case, ...] = ()
    recent_orders: tuple[Order, ...] = ()
    billing_status: str = "current"  # current | overdue | pending_payment
    balance: float | None = 0.0  # None when the caller's role may not see it


@dataclass(frozen=True)
class Contact:
    """A CRM contact with its consent flags and (where asked for) the 360 view."""
    id: Any
    first_name: str
    last_name: str
    phone: str
    email: str | None = None
    account_number: str | None = None
    do_not_call: bool = False
    email_opt_out: bool = False
    deleted: bool = False
    date_of_birth: str | None = None  # None also when the caller's role may not see it
    tax_id: str | None = None
    custom_fields: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    hidden_fields: tuple[str, ...] = ()  # fields the caller's role may not see, by record name ("tax_id", "balance")
    three_sixty: ThreeSixty | None = None
    # what marketing automation keeps up to date on the contact (the field mapping's CRM side)
    industry: str | None = None
    lead_score: int | None = None
    lifecycle_stage: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def describe(self, *keys: str) -> str:
        return f"CRM contact {self.full_name}: " + _describe(self, keys or ("phone", "email", "do_not_call"))


@dataclass(frozen=True)
class CallLog:
    """The CRM's log of one call (a Salesforce Task, the sandbox's activity)."""
    call_id: str
    status: str  # in_progress | completed
    kind: str = "call"  # call | email | chat
    direction: str = "inbound"
    from_number: str | None = None
    queue: str | None = None
    agent: str | None = None
    contact_id: Any = None
    contact_chosen_by: str | None = None
    disposition: str | None = None
    notes: str | None = None
    wrapup_seconds: int | None = None
    hold_seconds: float | None = None
    muted_seconds: float | None = None
    digits: str | None = None
    correlation_id: str | None = None
    subject: str | None = None
    transfer_note: str | None = None
    transferred_by: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)  # IVR context
    ivr: IvrContext | None = None  # what the IVR learnt (calls that came through the IVR)
    chat: ChatContext | None = None  # what the bot handed over (chats)
    source: str | None = None  # the system that logged it: cti | marketing | console | ...
    occurred_at: str | None = None  # when it happened (when it was logged, if the writer did not say)

    def describe(self, *keys: str) -> str:
        return f"the CRM call log of call {self.call_id}: " + _describe(self, keys or ("status", "disposition"))


@dataclass(frozen=True)
class ScreenPop:
    """How the CRM matched a caller for one agent: none | single | multiple, and by what."""
    call_id: str
    agent: str
    match: str
    matched_by: str | None
    contact_ids: tuple[Any, ...] = ()

    def describe(self) -> str:
        return f"the CRM's screen pop of call {self.call_id} for {self.agent}: {self.match} match" \
            + (f" by {self.matched_by}" if self.matched_by else "")


@dataclass(frozen=True)
class Disposition:
    code: str
    label: str
    queue: str | None = None
    system: bool = False  # set by the system (e.g. WRAPUP_TIMEOUT), not offered to agents


@dataclass(frozen=True)
class Presence:
    """The CRM's presence of a user (Online / Busy / Offline, like Omni-Channel)."""
    username: str
    status: str
    reason: str | None = None
    source: str | None = None  # which system set it: cti | crm

    def describe(self) -> str:
        return f"the CRM shows {self.username} {self.status}" + (f" ({self.reason})" if self.reason else "")


@dataclass(frozen=True)
class FollowUp:
    """A next action in the CRM for a caller: a callback attempt, a scheduled call back."""
    id: str
    contact_id: Any
    phone: str | None
    status: str | None
    next_action: str | None
    next_action_due: str | None
    attempts: int = 0
    attempt_outcomes: tuple[str, ...] = ()  # each call-back attempt's outcome, in order: connected | no_answer

    def describe(self) -> str:
        tried = ", ".join(f"attempt {n} {o}" for n, o in enumerate(self.attempt_outcomes, 1)) or "no attempt yet"
        return f"the CRM follow-up {self.id} for {self.phone}: {tried}; next action {self.next_action!r}"
