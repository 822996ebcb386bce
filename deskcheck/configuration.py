"""Configuration records: the names a target gives things, for people writing scenarios about it.

Queues and their dispositions, agent states as each screen shows them, the IVR's menus, the bot's
intents, SLA policies and business hours, the console roles. Adapters read them from the target's own
settings (the sandbox's ``/api/settings``-style endpoints; a real CRM's picklists and a real CTI's
queue and status lists), and ``deskcheck steps`` renders them as the glossary (docs/glossary.md).
Plain frozen dataclasses, like :mod:`deskcheck.records`.
"""
from __future__ import annotations

from dataclasses import dataclass

from deskcheck.records import Disposition, OpeningHours, Queue


@dataclass(frozen=True)
class StateLabel:
    """One agent state as every screen shows it."""
    state: str  # the CTI's code: AVAILABLE, NOT_READY, ...
    reason: str | None
    label: str  # the words on the softphone and the supervisor board
    crm_status: str  # the CRM presence it maps to: Online | Busy | Offline
    crm_reason: str | None
    set_by: str  # who puts an agent in it, in words


@dataclass(frozen=True)
class MenuChoice:
    """One entry of a presence menu and the CTI state it asks for."""
    label: str
    state: str
    reason: str | None = None


@dataclass(frozen=True)
class AgentStates:
    states: tuple[StateLabel, ...]
    presence_menu: tuple[MenuChoice, ...]  # the softphone's
    crm_presence_menu: tuple[MenuChoice, ...]  # the CRM console's


@dataclass(frozen=True)
class WrapUpMode:
    mode: str  # optional | mandatory | timeboxed
    rule: str  # what it asks of the agent, in words


@dataclass(frozen=True)
class WrapUpRules:
    modes: tuple[WrapUpMode, ...]
    timeout_disposition: str | None = None  # what a timeboxed wrap-up that runs out is completed with


@dataclass(frozen=True)
class QueueSetup:
    """A queue with everything an analyst may name about it."""
    queue: Queue
    dispositions: tuple[Disposition, ...]


@dataclass(frozen=True)
class HiddenField:
    field: str  # the record's name for it
    label: str  # the console's


@dataclass(frozen=True)
class RoleVisibility:
    """A console role and the contact fields it may neither read nor write."""
    role: str
    hidden_fields: tuple[HiddenField, ...]


@dataclass(frozen=True)
class IvrOption:
    key: str  # the DTMF key
    label: str  # the option's name, as the IVR path shows it
    keywords: tuple[str, ...]  # words that choose it when spoken
    leads_to: str  # the label of where it goes
    queue: str | None = None  # the queue it hands the call to, if it does
    reason: str | None = None  # the reason the call carries there


@dataclass(frozen=True)
class IvrMenu:
    line: str  # the line a caller dials
    name: str
    label: str
    kind: str  # account | menu | transfer | callback
    prompt: str | None = None
    options: tuple[IvrOption, ...] = ()
    personalised_for: tuple[str, ...] = ()  # callers who hear another menu instead (e.g. pending_payment)


@dataclass(frozen=True)
class IvrSetup:
    menus: tuple[IvrMenu, ...]
    lookup_attempts: int | None = None  # CRM account lookups before the fallback prompt
    min_speech_confidence: float | None = None  # below it the IVR asks again


@dataclass(frozen=True)
class ChatIntent:
    intent: str
    label: str  # as the intent path shows it
    keywords: tuple[str, ...]  # what a customer writes to reach it
    needs_authentication: bool = False


@dataclass(frozen=True)
class BotVocabulary:
    intents: tuple[ChatIntent, ...]
    path_steps: tuple[tuple[str, str], ...] = ()  # other steps an intent path shows: (step, label)
    sentiments: tuple[str, ...] = ()


@dataclass(frozen=True)
class SlaPolicy:
    priority: str
    first_reply_seconds: int
    resolution_seconds: int


@dataclass(frozen=True)
class ServiceLevels:
    """The helpdesk's SLA policies and the calendar they count on."""
    business_hours: OpeningHours
    timezone: str
    policies: tuple[SlaPolicy, ...]
    priorities: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    statuses: tuple[tuple[str, str], ...] = ()  # (status, the label the screens show)
    warning_at: float | None = None  # share of the target after which an SLA warns
    escalation_group: str | None = None  # where a breached ticket goes
    lifecycle: str | None = None  # how a ticket moves between statuses, in words
