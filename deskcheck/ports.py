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

from deskcheck.configuration import AgentStates, BotVocabulary, IvrSetup, RoleVisibility, ServiceLevels, WrapUpRules
from deskcheck.records import KnowledgeArticle
from deskcheck.records import (AgentState, ApiSession, Callback, CallLog, Campaign, ChatSession, Contact, Disposition,
                               Enrolment, Event, FollowUp, FormSubmission, FormSubmissionResult, ImportResult,
                               Interaction, IvrSession, MarketingActivity, MarketingContact, OpeningHours, Picklist,
                               Presence, Queue, ReconciliationReport, ScoreChange, ScoreTrigger, ScreenPop, SyncError,
                               SyncJob, SyncSettings, SyncStatus, Ticket, TicketNotification, Webhook, WrapUpDraft)


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
    def contacts(self, ids: list[Any]) -> list[Contact]:
        """Contacts by id, deleted ones too (``Contact.deleted``)."""
    def create_contacts(self, people: list[dict[str, Any]]) -> list[Contact]:
        """Many contacts in one batch (each: first_name, last_name, phone and any other Contact field), in order."""
    def delete_contact(self, contact_id: Any) -> None: ...
    def add_case(self, contact_id: Any, subject: str, status: str | None = None) -> None: ...
    def add_order(self, contact_id: Any, number: str, total: float, status: str) -> None: ...
    def set_billing(self, contact_id: Any, status: str, balance: float) -> None: ...
    def call_log(self, call_id: str) -> CallLog | None: ...
    def call_logs(self, call_id: str | None = None, contact_id: Any = None) -> list[CallLog]:
        """Call logs (the contact's timeline: calls, emails, web forms, webinars), newest first."""
    def log_call(self, call_id: str, contact_id: Any, direction: str = "outbound", queue: str | None = None,
                 agent: str | None = None, disposition: str | None = None, notes: str | None = None) -> CallLog:
        """Logs a completed call on a contact (a call the CRM learns of from elsewhere, e.g. a sales dialler)."""
    def email_contact(self, contact_id: Any, subject: str, body: str = "") -> CallLog:
        """An agent's email to the contact; :class:`Refused` for a contact who opted out of email."""
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
    # the glossary: the target's own names (an adapter that cannot list them raises NotSupported)
    def roles(self) -> list[RoleVisibility]:
        """The console roles and the contact fields each may not see."""


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
    def dial(self, agent: str, to_number: str, record_id: Any = None) -> Interaction:
        """The agent's outbound call (from a CRM record); :class:`Refused` for a number on the do-not-call list."""
    # wrapup_draft
    def wrapup_draft(self, call_id: str) -> WrapUpDraft: ...
    # callbacks
    def callbacks(self, status: str | None = None, number: str | None = None) -> list[Callback]: ...
    # the glossary: the target's own names (an adapter that cannot list them raises NotSupported)
    def queues(self) -> list[Queue]: ...
    def agent_states(self) -> AgentStates:
        """Every agent state as the softphone, the supervisor board and the CRM show it; the presence menus."""
    def wrapup_rules(self) -> WrapUpRules: ...
    def routing(self) -> str:
        """How a queue picks the agent a call rings for, in words."""
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
    def menus(self) -> IvrSetup:
        """The glossary: the IVR's menus by line, with their keys, spoken keywords and where each leads."""


@runtime_checkable
class ChatPort(Protocol):
    capabilities: frozenset[str]

    def session(self, session_id: str) -> ChatSession: ...
    def sessions(self, contact_id: Any = None) -> list[ChatSession]: ...
    def intents(self) -> BotVocabulary:
        """The glossary: the bot's intents and the labels its intent path shows."""
    def knowledge(self) -> list[KnowledgeArticle]: ...


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
    def service_levels(self) -> ServiceLevels:
        """The glossary: SLA policies by priority, business hours, ticket statuses as the screens show them."""


@runtime_checkable
class MarketingPort(Protocol):
    """Marketing automation: contacts synced with the CRM, campaigns, forms, emails, lead scores, the sync."""
    capabilities: frozenset[str]

    # contacts
    def contact_for(self, crm_id: Any) -> MarketingContact | None:
        """The marketing contact of a CRM contact, with its campaigns and activities (None while there is none)."""
    def contact(self, contact_id: Any) -> MarketingContact:
        """One marketing contact with its campaigns and activities."""
    def contacts(self, crm_id: Any = None, email: str | None = None, origin: str | None = None,
                 status: str | None = None) -> list[MarketingContact]:
        """Contacts (without campaigns and activities), oldest first; origin: crm | form | import."""
    def update_contact(self, contact_id: Any, **changes: Any) -> MarketingContact:
        """Changes MarketingContact fields as marketing's own users do (email, do_not_call, ...)."""
    def unsubscribe(self, contact_id: Any) -> MarketingContact: ...
    def import_contacts(self, rows: list[dict[str, Any]]) -> ImportResult:
        """A contact file (rows of first_name, last_name, phone, email, industry) imported in one go."""
    # campaigns, emails, forms
    def create_campaign(self, name: str, kind: str) -> Campaign:
        """A campaign of a kind: nurture | webinar | newsletter."""
    def campaign(self, campaign_id: Any) -> Campaign:
        """One campaign with its members."""
    def enrol(self, campaign_id: Any, contact_id: Any = None, email: str | None = None) -> Enrolment:
        """Enrols a contact; one given by an email marketing does not know yet waits until it exists."""
    def send_email(self, contact_id: Any, subject: str, campaign_id: Any = None) -> MarketingActivity: ...
    def submit_form(self, submission: FormSubmission) -> FormSubmissionResult:
        """A web form post; the same submission id again is answered as a duplicate and changes nothing."""
    def new_session(self) -> "MarketingPort":
        """The same marketing system over a connection of its own, already signed in (a visitor's own
        browser, for posts made at the same moment); the caller closes it with ``close()``."""
    def close(self) -> None: ...
    # lead score
    def set_score(self, contact_id: Any, score: int) -> ScoreChange: ...
    def change_score(self, contact_id: Any, delta: int) -> ScoreChange: ...
    def create_score_trigger(self, name: str, threshold: int, refire_on_recross: bool = False) -> ScoreTrigger:
        """A trigger that fires when a score reaches ``threshold`` from below (again after a dip if ``refire_on_recross``)."""
    def score_trigger(self, trigger_id: Any) -> ScoreTrigger: ...
    def retire_score_trigger(self, trigger_id: Any) -> ScoreTrigger:
        """Stops the trigger watching scores; its firings stay on record."""
    # the CRM <-> marketing sync
    def sync_settings(self) -> SyncSettings:
        """How the field mapping schedules the sync: interval, batch size, retry back-off."""
    def sync_status(self) -> SyncStatus:
        """When the next scheduled run is due, and whether a retry is pending."""
    def run_sync(self) -> SyncJob:
        """Runs a sync now (both directions) and answers how it went."""
    def sync_jobs(self, limit: int = 50) -> list[SyncJob]:
        """The latest sync runs, newest first."""
    def sync_errors(self, job_id: Any = None) -> list[SyncError]:
        """The sync's error log, newest first (one run's only, when ``job_id`` is given)."""
    def picklist(self, name: str) -> Picklist: ...
    def reconcile(self, crm_ids: list[Any] | None = None, marketing_ids: list[Any] | None = None) -> ReconciliationReport:
        """The CRM and marketing compared for these records (both systems' ids; all records when none given)."""


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
