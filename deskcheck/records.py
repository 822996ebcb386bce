"""Records: what the contact center's systems hold, in the contact center's words.

Steps compare records, never an API's JSON. Every adapter (the sandbox's, Salesforce's, Amazon
Connect's, a team's own) returns these, so one step reads the same on every target. Plain frozen
dataclasses with no pytest in them: a team can import them from its own tooling.

Each record says what it is in a sentence (``describe()``), so a failed check reads as domain words:
"the CRM call log of call int-1 has disposition None".
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


def _describe(record: Any, keys: tuple[str, ...]) -> str:
    wanted = keys or tuple(f.name for f in fields(record))
    return ", ".join(f"{key} {getattr(record, key)!r}" for key in wanted)


# --- CRM -----------------------------------------------------------------------------------------

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


# --- CTI -----------------------------------------------------------------------------------------

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
        return f"the CTI has {self.username} {self.state}" + (f" ({self.reason})" if self.reason else "") + queued


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


# --- IVR, chat, helpdesk, marketing --------------------------------------------------------------

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


@dataclass(frozen=True)
class MarketingActivity:
    """Something marketing did with a contact or saw them do: an email sent, a form submitted, a webinar joined."""
    kind: str  # email_sent | form_submitted | webinar_registered
    subject: str | None = None  # the email's subject, the form's or the webinar's name
    campaign_id: Any = None
    occurred_at: str | None = None


@dataclass(frozen=True)
class Enrolment:
    """A contact's place in a campaign: waiting (until the contact exists), enrolled, or removed."""
    campaign_id: Any
    status: str  # waiting | enrolled | removed
    contact_id: Any = None  # None while it waits for the contact to be created
    campaign_name: str | None = None
    campaign_kind: str | None = None
    requested_at: str | None = None
    enrolled_at: str | None = None
    removed_at: str | None = None
    removed_reason: str | None = None

    def describe(self) -> str:
        who = f"contact {self.contact_id}" if self.contact_id is not None else "a contact not created yet"
        return f"the enrolment of {who} in campaign {self.campaign_name or self.campaign_id}: {self.status}"


@dataclass(frozen=True)
class MarketingContact:
    """A contact as marketing automation holds it, synced from the CRM (or born in marketing: a form, an import)."""
    id: Any
    crm_id: Any  # None until the contact reached the CRM
    email: str | None
    first_name: str | None = None
    last_name: str | None = None
    lead_score: int = 0
    lifecycle_stage: str | None = None
    unsubscribed: bool = False
    phone: str | None = None
    do_not_call: bool = False
    industry: str | None = None
    status: str = "active"  # active | inactive (deleted in the CRM: kept with its history, out of every campaign)
    origin: str | None = None  # where it was born: crm | form | import
    created_at: str | None = None
    campaigns: tuple[Enrolment, ...] = ()  # read with one contact, not in lists
    activities: tuple[MarketingActivity, ...] = ()  # read with one contact, not in lists

    @property
    def full_name(self) -> str:
        return f"{self.first_name or ''} {self.last_name or ''}".strip()

    def describe(self, *keys: str) -> str:
        return f"the marketing contact {self.id} ({self.full_name}, CRM contact {self.crm_id}): " \
            + _describe(self, keys or ("status", "email", "lead_score", "lifecycle_stage"))


@dataclass(frozen=True)
class Campaign:
    """A marketing campaign (a nurture, a webinar, a newsletter) with its members."""
    id: Any
    name: str
    kind: str  # nurture | webinar | newsletter
    members: tuple[Enrolment, ...] = ()  # read with one campaign, not when created

    def with_status(self, status: str) -> list[Enrolment]:
        return [m for m in self.members if m.status == status]

    def describe(self) -> str:
        counts = ", ".join(f"{n} {s}" for s, n in sorted(
            {s: len(self.with_status(s)) for s in {m.status for m in self.members}}.items())) or "no members"
        return f"the {self.kind} {self.name!r} in marketing: {counts}"


@dataclass(frozen=True)
class FormSubmission:
    """A web form as a visitor posts it; the same submission id posted twice is one submission."""
    submission_id: str
    form: str
    email: str
    first_name: str
    last_name: str
    phone: str
    industry: str | None = None
    campaign: str | None = None  # the name of the campaign it signs up for (a webinar)


@dataclass(frozen=True)
class FormSubmissionResult:
    """What marketing made of a form post: the contact it landed on, and whether it was a repeat."""
    submission_id: str
    contact_id: Any
    new_contact: bool = False
    duplicate: bool = False  # a repeat of an earlier post (a double click): nothing changed
    campaign_id: Any = None
    received_at: str | None = None


@dataclass(frozen=True)
class ImportResult:
    """A bulk import into marketing: rows received, contacts created, rows already known, rows refused."""
    received: int
    created: int
    existing: int = 0
    errors: tuple[str, ...] = ()  # "row 3: phone is required"
    contact_ids: tuple[Any, ...] = ()

    def describe(self) -> str:
        return f"the marketing import: {self.received} rows received, {self.created} created, " \
            f"{self.existing} already known, {len(self.errors)} refused" + (f" ({'; '.join(self.errors[:5])})" if self.errors else "")


@dataclass(frozen=True)
class ScoreChange:
    """A lead score change and the threshold triggers it fired."""
    contact_id: Any
    lead_score: int
    previous: int
    fired_trigger_ids: tuple[Any, ...] = ()


@dataclass(frozen=True)
class TriggerFiring:
    contact_id: Any
    times: int
    last_fired_at: str | None = None


@dataclass(frozen=True)
class ScoreTrigger:
    """A workflow that fires when a contact's lead score reaches its threshold from below."""
    id: Any
    name: str
    threshold: int
    refire_on_recross: bool = False  # fires again after the score dipped below and climbs back
    stage: str | None = None  # the lifecycle stage it sets when it fires
    active: bool = True
    firings: tuple[TriggerFiring, ...] = ()

    def times_fired_for(self, contact_id: Any) -> int:
        return sum(f.times for f in self.firings if f.contact_id == contact_id)

    def describe(self) -> str:
        fired = ", ".join(f"{f.times}x for contact {f.contact_id}" for f in self.firings) or "never fired"
        return f"the trigger {self.name!r} at lead score {self.threshold}: {fired}"


@dataclass(frozen=True)
class SyncStats:
    """What one run of the CRM <-> marketing sync moved."""
    pulled: int = 0  # CRM changes read
    created_in_marketing: int = 0
    updated_in_marketing: int = 0
    unchanged: int = 0
    deactivated_in_marketing: int = 0  # deleted in the CRM
    kept_newer_in_marketing: int = 0  # a CRM change older than marketing's own lost the conflict
    created_in_crm: int = 0
    updated_in_crm: int = 0
    activities_to_crm: int = 0
    enrolled_after_wait: int = 0
    errors: int = 0

    def changes(self) -> dict[str, int]:
        """What the run changed in either system (reading and finding nothing to do are no change)."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("pulled", "unchanged") and getattr(self, f.name)}


@dataclass(frozen=True)
class SyncJob:
    """One run of the CRM <-> marketing sync."""
    id: Any
    trigger: str  # schedule | manual | retry
    status: str  # running | succeeded | failed
    attempt: int = 1
    started_at: str | None = None
    finished_at: str | None = None
    error: str | None = None
    next_retry_at: str | None = None
    stats: SyncStats = SyncStats()

    def describe(self) -> str:
        moved = ", ".join(f"{k} {v}" for k, v in self.stats.changes().items()) or "changed nothing"
        return f"the {self.trigger} sync run {self.id}: {self.status}" + (f" ({self.error})" if self.error else "") \
            + f"; {moved}"


@dataclass(frozen=True)
class SyncError:
    """A line of the sync's error log."""
    job_id: Any
    error: str
    direction: str | None = None  # crm_to_marketing | marketing_to_crm | sync
    record: str | None = None
    at: str | None = None


@dataclass(frozen=True)
class SyncSettings:
    """How the connector's field mapping schedules the sync."""
    every_seconds: int  # CRM -> marketing
    marketing_to_crm_every_seconds: int
    batch_size: int
    retry_after_seconds: tuple[int, ...]  # the back-off after the 1st, 2nd, ... failure


@dataclass(frozen=True)
class SyncStatus:
    next_run_at: str
    retry_at: str | None = None
    healthy: bool = True
    pending_for_crm: int = 0


@dataclass(frozen=True)
class Picklist:
    """A picklist field in marketing: the values allowed and the values contacts hold."""
    name: str
    values: tuple[str, ...]
    values_in_use: tuple[str, ...] = ()

    def not_allowed_in_use(self) -> list[str]:
        return [v for v in self.values_in_use if v not in self.values]

    def same_but_for_case(self) -> list[str]:
        """Values in use that differ from another one only by letter case ("Retail", "retail")."""
        seen: dict[str, str] = {}
        return [v for v in self.values_in_use if seen.setdefault(v.casefold(), v) != v]


@dataclass(frozen=True)
class FieldDifference:
    """One mapped field whose value differs between the CRM and marketing (after the mapping's transformation)."""
    crm_id: Any
    marketing_id: Any
    field: str
    crm_value: Any
    marketing_value: Any
    direction: str | None = None

    def describe(self) -> str:
        return f"field {self.field} differs for CRM contact {self.crm_id} / marketing contact {self.marketing_id}: " \
            f"CRM {self.crm_value!r}, marketing {self.marketing_value!r}" + (f" ({self.direction})" if self.direction else "")


@dataclass(frozen=True)
class ReconciliationReport:
    """The CRM and marketing compared record by record and field by field."""
    ok: bool
    checked_at: str | None = None
    counts: dict[str, int] = field(default_factory=dict, hash=False, compare=False)  # crm_active, marketing_active, ...
    missing_in_marketing: tuple[Any, ...] = ()  # CRM contact ids
    missing_in_crm: tuple[Any, ...] = ()  # marketing contact ids
    active_but_deleted_in_crm: tuple[Any, ...] = ()  # marketing contact ids
    duplicate_emails: tuple[str, ...] = ()
    differences: tuple[FieldDifference, ...] = ()

    def describe(self) -> str:
        if self.ok:
            return "the reconciliation report shows no differences"
        problems = [f"{len(v)} {k.replace('_', ' ')}" for k, v in (
            ("missing_in_marketing", self.missing_in_marketing), ("missing_in_crm", self.missing_in_crm),
            ("active_but_deleted_in_crm", self.active_but_deleted_in_crm),
            ("duplicate_emails", self.duplicate_emails)) if v]
        return "the reconciliation report shows " + "; ".join(
            problems + [d.describe() for d in self.differences[:5]] or ["differences"])

    def summary(self) -> str:
        """The report for people: counts, what is missing where, every differing field."""
        lines = [f"reconciliation at {self.checked_at}: {'OK, zero differences' if self.ok else 'DIFFERENCES'}"]
        lines += [f"  {name}: {value}" for name, value in self.counts.items()]
        for name in ("missing_in_marketing", "missing_in_crm", "active_but_deleted_in_crm", "duplicate_emails"):
            if getattr(self, name):
                lines.append(f"  {name.replace('_', ' ')}: {list(getattr(self, name))[:50]}")
        lines += [f"  {d.describe()}" for d in self.differences[:200]]
        return "\n".join(lines)


# --- shared --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Event:
    """One state change a system announced: the journey is a sequence of these.

    ``data`` holds the facts the event carries, named as in its JSON Schema (schemas/events/): read
    them with :meth:`value`, match them with :meth:`has`. ``as_sent`` is the event exactly as the system
    sent it, kept only to check it against its schema and to attach it to reports.
    """
    system: str
    type: str
    at: str | None
    correlation_id: str | None
    data: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    seq: int = 0
    id: str | None = None
    as_sent: dict[str, Any] = field(default_factory=dict, hash=False, compare=False, repr=False)

    def value(self, name: str, default: Any = None) -> Any:
        """One fact the event carries (``default`` when it carries none by that name)."""
        return self.data.get(name, default)

    def has(self, **facts: Any) -> bool:
        """Whether the event carries every one of these facts with exactly these values."""
        return all(name in self.data and self.data[name] == value for name, value in facts.items())

    def describe(self) -> str:
        facts = ", ".join(f"{k} {v!r}" for k, v in list(self.data.items())[:8])
        return f"the {self.system} event {self.type} #{self.seq}" + (f" ({facts})" if facts else "")


@dataclass(frozen=True)
class ApiSession:
    """How an adapter is signed in to a system: which access token it holds (a fingerprint, never the
    token itself) and how many tokens it has fetched so far (renewals included)."""
    system: str
    token_fingerprint: str
    tokens_fetched: int

    def describe(self) -> str:
        return f"the {self.system} API client holds token {self.token_fingerprint} ({self.tokens_fetched} fetched)"


@dataclass(frozen=True)
class Webhook:
    """A partner's subscription to a system's events, delivered to its URL and signed with a shared secret."""
    id: str
    system: str
    url: str
    types: tuple[str, ...] = ()
