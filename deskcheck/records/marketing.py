"""Marketing automation records: synced contacts, campaigns, forms, scores, sync runs, reconciliation."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from deskcheck.records._base import _describe


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
