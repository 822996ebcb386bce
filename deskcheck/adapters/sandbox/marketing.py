"""The sandbox's marketing automation behind the marketing port: its REST answers turned into records."""
from __future__ import annotations

from typing import Any, Callable, TypeVar

from deskcheck.adapters.sandbox.api_channels import MarketingClient
from deskcheck.adapters.sandbox.http import ApiError, refusal
from deskcheck.records import (Campaign, Enrolment, FieldDifference, FormSubmission, FormSubmissionResult,
                               ImportResult, MarketingActivity, MarketingContact, Picklist, ReconciliationReport,
                               ScoreChange, ScoreTrigger, SyncError, SyncJob, SyncSettings, SyncStats, SyncStatus,
                               TriggerFiring)

T = TypeVar("T")

#: MarketingContact fields marketing's own users may change (the sandbox's contact PATCH takes these names)
CHANGEABLE_FIELDS = ("email", "unsubscribed", "do_not_call", "lifecycle_stage", "first_name", "last_name", "phone",
                     "industry")


def activity_record(body: dict[str, Any]) -> MarketingActivity:
    return MarketingActivity(body.get("kind", ""), body.get("subject"), body.get("campaign_id"), body.get("occurred_at"))


def member_record(body: dict[str, Any], campaign: dict[str, Any]) -> Enrolment:
    """A campaign's member as the campaign lists it (also the answer to an enrolment)."""
    return Enrolment(
        campaign.get("id", body.get("campaign_id")), body.get("status", ""), body.get("contact_id"),
        campaign.get("name"), campaign.get("kind"), body.get("requested_at"), body.get("enrolled_at"),
        body.get("removed_at"), body.get("removed_reason"))


def contact_campaign_record(body: dict[str, Any], contact_id: Any) -> Enrolment:
    """One of a contact's campaigns as the contact lists them."""
    return Enrolment(body["id"], body.get("status", ""), contact_id, body.get("name"), body.get("kind"), None,
                     body.get("enrolled_at"), body.get("removed_at"), body.get("removed_reason"))


def contact_record(body: dict[str, Any]) -> MarketingContact:
    return MarketingContact(
        id=body["id"], crm_id=body.get("crm_id"), email=body.get("email"), first_name=body.get("first_name"),
        last_name=body.get("last_name"), lead_score=int(body.get("lead_score") or 0),
        lifecycle_stage=body.get("lifecycle_stage"), unsubscribed=bool(body.get("unsubscribed")),
        phone=body.get("phone"), do_not_call=bool(body.get("do_not_call")), industry=body.get("industry"),
        status=body.get("status") or "active", origin=body.get("origin"), created_at=body.get("created_at"),
        campaigns=tuple(contact_campaign_record(c, body["id"]) for c in body.get("campaigns") or ()),
        activities=tuple(activity_record(a) for a in body.get("activities") or ()))


def campaign_record(body: dict[str, Any]) -> Campaign:
    return Campaign(body["id"], body.get("name", ""), body.get("kind", ""),
                    tuple(member_record(m, body) for m in body.get("members") or ()))


def trigger_record(body: dict[str, Any]) -> ScoreTrigger:
    return ScoreTrigger(
        body["id"], body.get("name", ""), int(body.get("threshold") or 0), bool(body.get("refire_on_recross")),
        body.get("stage"), bool(body.get("active", True)),
        tuple(TriggerFiring(f.get("contact_id"), int(f.get("fired_count") or 0), f.get("last_fired_at"))
              for f in body.get("firings") or ()))


def job_record(body: dict[str, Any]) -> SyncJob:
    known = SyncStats.__dataclass_fields__
    stats = SyncStats(**{k: int(v or 0) for k, v in (body.get("stats") or {}).items() if k in known})
    return SyncJob(body["id"], body.get("trigger", ""), body.get("status", ""), int(body.get("attempt") or 1),
                   body.get("started_at"), body.get("finished_at"), body.get("error"), body.get("next_retry_at"), stats)


def sync_error_record(body: dict[str, Any]) -> SyncError:
    return SyncError(body.get("job_id"), body.get("error", ""), body.get("direction"), body.get("record"), body.get("at"))


def report_record(body: dict[str, Any]) -> ReconciliationReport:
    return ReconciliationReport(
        ok=bool(body.get("ok")), checked_at=body.get("checked_at"),
        counts={k: int(v or 0) for k, v in (body.get("counts") or {}).items()},
        missing_in_marketing=tuple(body.get("missing_in_marketing") or ()),
        missing_in_crm=tuple(body.get("missing_in_crm") or ()),
        active_but_deleted_in_crm=tuple(body.get("active_in_marketing_but_deleted_in_crm") or ()),
        duplicate_emails=tuple(body.get("duplicate_emails_in_marketing") or ()),
        differences=tuple(FieldDifference(d.get("crm_id"), d.get("marketing_id"), d.get("field", ""), d.get("crm"),
                                          d.get("marketing"), d.get("direction"))
                          for d in body.get("differences") or ()))


def settings_record(mapping: dict[str, Any]) -> SyncSettings:
    schedule = mapping.get("schedule") or {}
    every = int(schedule.get("crm_to_marketing_every_seconds") or 0)
    return SyncSettings(every, int(schedule.get("marketing_to_crm_every_seconds") or every),
                        int(schedule.get("batch_size") or 0),
                        tuple(int(s) for s in schedule.get("retry_after_seconds") or ()))


class SandboxMarketing:
    """The marketing port over the sandbox marketing automation's API."""

    capabilities = frozenset({"marketing"})

    def __init__(self, api: MarketingClient) -> None:
        self.api = api

    # contacts
    def contact_for(self, crm_id: Any) -> MarketingContact | None:
        found = self.api.contacts(crm_id=crm_id)
        if len(found) > 1:  # the match key is unique: two copies of one CRM contact is a sync defect
            raise AssertionError(f"marketing has {len(found)} contacts for CRM contact {crm_id}: "
                                 + ", ".join(str(c["id"]) for c in found))
        return self.contact(found[0]["id"]) if found else None

    def contact(self, contact_id: Any) -> MarketingContact:
        return self._act(f"read contact {contact_id}", lambda: self.api.contact(contact_id), contact_record)

    def contacts(self, crm_id: Any = None, email: str | None = None, origin: str | None = None,
                 status: str | None = None) -> list[MarketingContact]:
        filters = {k: v for k, v in {"crm_id": crm_id, "email": email, "origin": origin, "status": status}.items()
                   if v is not None}
        return [contact_record(c) for c in self.api.contacts(**filters)]

    def update_contact(self, contact_id: Any, **changes: Any) -> MarketingContact:
        unknown = sorted(set(changes) - set(CHANGEABLE_FIELDS))
        if unknown:
            raise ValueError(f"marketing contacts have no changeable fields {unknown}; known: {', '.join(CHANGEABLE_FIELDS)}")
        self._act(f"update contact {contact_id}", lambda: self.api.update_contact(contact_id, **changes))
        return self.contact(contact_id)

    def unsubscribe(self, contact_id: Any) -> MarketingContact:
        self._act(f"unsubscribe contact {contact_id}", lambda: self.api.unsubscribe(contact_id))
        return self.contact(contact_id)

    def import_contacts(self, rows: list[dict[str, Any]]) -> ImportResult:
        body = self._act(f"import {len(rows)} contacts", lambda: self.api.import_contacts(rows))
        return ImportResult(int(body.get("received") or 0), int(body.get("created") or 0),
                            int(body.get("existing") or 0),
                            tuple(f"row {e.get('row')}: {e.get('error')}" for e in body.get("errors") or ()),
                            tuple(body.get("contact_ids") or ()))

    # campaigns, emails, forms
    def create_campaign(self, name: str, kind: str) -> Campaign:
        return self._act(f"create the {kind} {name!r}", lambda: self.api.create_campaign(name, kind), campaign_record)

    def campaign(self, campaign_id: Any) -> Campaign:
        return self._act(f"read campaign {campaign_id}", lambda: self.api.campaign(campaign_id), campaign_record)

    def enrol(self, campaign_id: Any, contact_id: Any = None, email: str | None = None) -> Enrolment:
        who = {"contact_id": contact_id} if contact_id is not None else {"email": email}
        body = self._act(f"enrol {contact_id or email} in campaign {campaign_id}",
                         lambda: self.api.enrol(campaign_id, **who))
        return member_record(body, {"id": campaign_id})

    def send_email(self, contact_id: Any, subject: str, campaign_id: Any = None) -> MarketingActivity:
        return self._act(f"email contact {contact_id}", lambda: self.api.send_email(contact_id, subject, campaign_id),
                         activity_record)

    def submit_form(self, submission: FormSubmission) -> FormSubmissionResult:
        post = {k: v for k, v in vars(submission).items() if v is not None}
        body = self._act(f"take the form {submission.form!r}", lambda: self.api.submit_form(post))
        return FormSubmissionResult(body.get("submission_id", submission.submission_id), body.get("contact_id"),
                                    bool(body.get("new_contact")), bool(body.get("duplicate")),
                                    body.get("campaign_id"), body.get("received_at"))

    def new_session(self) -> "SandboxMarketing":
        session = type(self)(self.api.fresh())
        session.api.token()  # signed in now, not on its first post
        return session

    def close(self) -> None:
        self.api.close()

    # lead score
    def set_score(self, contact_id: Any, score: int) -> ScoreChange:
        return self._score(contact_id, lambda: self.api.score(contact_id, set=score))

    def change_score(self, contact_id: Any, delta: int) -> ScoreChange:
        return self._score(contact_id, lambda: self.api.score(contact_id, delta=delta))

    def _score(self, contact_id: Any, call: Callable[[], dict]) -> ScoreChange:
        body = self._act(f"change the lead score of contact {contact_id}", call)
        return ScoreChange(body.get("contact_id", contact_id), int(body.get("lead_score") or 0),
                           int(body.get("previous") or 0), tuple(body.get("fired") or ()))

    def create_score_trigger(self, name: str, threshold: int, refire_on_recross: bool = False) -> ScoreTrigger:
        return self._act(f"create the trigger {name!r}", lambda: self.api.create_trigger(name, threshold, refire_on_recross),
                         trigger_record)

    def score_trigger(self, trigger_id: Any) -> ScoreTrigger:
        return self._act(f"read trigger {trigger_id}", lambda: self.api.trigger(trigger_id), trigger_record)

    def retire_score_trigger(self, trigger_id: Any) -> ScoreTrigger:
        return self._act(f"retire trigger {trigger_id}", lambda: self.api.retire_trigger(trigger_id),
                         trigger_record)

    # the sync
    def sync_settings(self) -> SyncSettings:
        return settings_record(self.api.mapping())

    def sync_status(self) -> SyncStatus:
        body = self.api.sync_status()
        return SyncStatus(body["next_run_at"], body.get("retry_at"), bool(body.get("healthy", True)),
                          int(body.get("pending_for_crm") or 0))

    def run_sync(self) -> SyncJob:
        return job_record(self.api.run_sync())

    def sync_jobs(self, limit: int = 50) -> list[SyncJob]:
        return [job_record(j) for j in self.api.sync_jobs(limit=limit)]

    def sync_errors(self, job_id: Any = None) -> list[SyncError]:
        return [sync_error_record(e) for e in self.api.sync_errors() if job_id is None or e.get("job_id") == job_id]

    def picklist(self, name: str) -> Picklist:
        body = self._act(f"read the picklist {name!r}", lambda: self.api.picklist(name))
        return Picklist(body.get("name", name), tuple(body.get("values") or ()), tuple(body.get("values_in_use") or ()))

    def reconcile(self, crm_ids: list[Any] | None = None, marketing_ids: list[Any] | None = None) -> ReconciliationReport:
        return report_record(self.api.reconcile(crm_ids, marketing_ids))

    def _act(self, action: str, call: Callable[[], Any], record: Callable[[Any], T] | None = None) -> Any:
        try:
            body = call()
        except ApiError as exc:
            raise refusal("marketing system", action, exc) from None
        return record(body) if record else body
