"""marketing REST API: contacts, campaigns and enrolment, web forms, emails, lead score triggers, bulk
import, the field mapping, sync jobs and their error log, and reconciliation with the crm."""
from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..platform.guard import MAX_SAFE_INTEGER, RecordId
from ..platform.system import System
from .connector import Connector, SyncFailed
from .mapping import Mapping, TransformError
from .store import EMAIL, Conflict, Invalid, Marketing, NotFound


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ContactPatch(Strict):
    email: str | None = Field(default=None, max_length=254)
    unsubscribed: bool | None = None
    do_not_call: bool | None = None
    lifecycle_stage: str | None = Field(default=None, max_length=40)
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=40)
    industry: str | None = Field(default=None, max_length=100)


class CampaignIn(Strict):
    name: str = Field(min_length=1, max_length=120)
    kind: Literal["nurture", "webinar", "newsletter"]


class EnrolmentIn(Strict):
    contact_id: int | None = None
    crm_id: int | None = None
    email: str | None = Field(default=None, max_length=254)

    @model_validator(mode="after")
    def _exactly_one(self) -> "EnrolmentIn":
        given = [v for v in (self.contact_id, self.crm_id, self.email) if v is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of contact_id, crm_id or email")
        return self


class EmailIn(Strict):
    contact_id: int
    subject: str = Field(min_length=1, max_length=200)
    campaign_id: int | None = None


class SubmissionIn(Strict):
    submission_id: str = Field(min_length=1, max_length=100)
    form: str = Field(min_length=1, max_length=120)
    email: str = Field(min_length=3, max_length=254)
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    phone: str = Field(min_length=1, max_length=40)
    industry: str | None = Field(default=None, max_length=100)
    campaign: str | None = Field(default=None, max_length=120)


class ScoreIn(Strict):
    delta: int | None = Field(default=None, ge=-1000, le=1000)
    set: int | None = Field(default=None, ge=0, le=100_000)
    reason: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _one(self) -> "ScoreIn":
        if (self.delta is None) == (self.set is None):
            raise ValueError("give exactly one of delta or set")
        return self


class TriggerIn(Strict):
    name: str = Field(min_length=1, max_length=120)
    threshold: int = Field(ge=1, le=100_000)
    refire_on_recross: bool = False
    stage: str | None = Field(default="MQL", max_length=40)


class ImportIn(Strict):
    contacts: list[dict[str, Any]] = Field(min_length=1, max_length=5000)


class ReconcileIn(Strict):
    crm_ids: list[RecordId] = Field(default_factory=list, max_length=20_000)
    marketing_ids: list[RecordId] = Field(default_factory=list, max_length=20_000)


def build_api(system: System, store: Marketing, connector: Connector, mapping: Mapping) -> APIRouter:
    router = system.router(prefix="/api", dependencies=[Depends(system.auth)])

    def call(fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except NotFound as exc:
            raise HTTPException(404, str(exc))
        except Conflict as exc:
            raise HTTPException(409, str(exc))
        except (Invalid, TransformError) as exc:
            raise HTTPException(422, str(exc))
        except SyncFailed as exc:
            raise HTTPException(502, str(exc))

    # -- the mapping spec ----------------------------------------------------------------------
    @router.get("/mapping", name="marketing.mapping", tags=["mapping"])
    def get_mapping() -> dict[str, Any]:
        """The field-mapping spec the connector executes (field_mapping.json)."""
        return mapping.spec

    @router.get("/picklists/{name}", name="marketing.picklists.get", tags=["mapping"])
    def get_picklist(name: str) -> dict[str, Any]:
        if name not in mapping.picklists:
            raise HTTPException(404, f"no picklist {name}")
        used = [r["value"] for r in system.db.query(
            f"SELECT DISTINCT {name} AS value FROM contacts WHERE {name} IS NOT NULL ORDER BY 1")]
        return {"name": name, "values": mapping.picklists[name]["values"], "values_in_use": used}

    # -- contacts ------------------------------------------------------------------------------
    @router.get("/contacts", name="marketing.contacts.list", tags=["contacts"])
    def list_contacts(crm_id: RecordId | None = None, email: str | None = Query(default=None, max_length=254),
                      status: Literal["active", "inactive"] | None = None,
                      origin: Literal["crm", "form", "import"] | None = None,
                      after_id: int = Query(default=0, ge=0, le=MAX_SAFE_INTEGER),
                      limit: int = Query(default=500, ge=1, le=5000)) -> dict[str, Any]:
        return {"contacts": store.contacts(crm_id, email, status, origin, limit, after_id)}

    @router.get("/contacts/{contact_id}", name="marketing.contacts.get", tags=["contacts"])
    def get_contact(contact_id: RecordId) -> dict[str, Any]:
        return call(store.contact, contact_id)

    @router.patch("/contacts/{contact_id}", name="marketing.contacts.update", tags=["contacts"])
    def update_contact(contact_id: RecordId, body: ContactPatch) -> dict[str, Any]:
        changes = body.model_dump(exclude_unset=True)
        if not changes:
            raise HTTPException(422, "nothing to change")
        return call(store.update_contact, contact_id, changes)

    @router.post("/contacts/{contact_id}/unsubscribe", name="marketing.contacts.unsubscribe", tags=["contacts"])
    def unsubscribe(contact_id: RecordId) -> dict[str, Any]:
        return call(store.unsubscribe, contact_id)

    @router.post("/contacts/{contact_id}/score", name="marketing.contacts.score", tags=["lead score"])
    def change_score(contact_id: RecordId, body: ScoreIn) -> dict[str, Any]:
        return call(store.change_score, contact_id, body.delta, body.set, body.reason)

    # -- lead score triggers -------------------------------------------------------------------
    @router.post("/score-triggers", status_code=201, name="marketing.triggers.create", tags=["lead score"])
    def create_trigger(body: TriggerIn) -> dict[str, Any]:
        stage = None
        if body.stage:
            stage = call(mapping.picklist_value, "lifecycle_stage", body.stage)
        return store.create_trigger(body.name, body.threshold, body.refire_on_recross, stage)

    @router.delete("/score-triggers/{trigger_id}", name="marketing.triggers.retire", tags=["lead score"])
    def retire_trigger(trigger_id: RecordId) -> dict[str, Any]:
        return call(store.retire_trigger, trigger_id)

    @router.get("/score-triggers/{trigger_id}", name="marketing.triggers.get", tags=["lead score"])
    def get_trigger(trigger_id: RecordId) -> dict[str, Any]:
        return call(store.trigger, trigger_id)

    # -- campaigns -----------------------------------------------------------------------------
    @router.post("/campaigns", status_code=201, name="marketing.campaigns.create", tags=["campaigns"])
    def create_campaign(body: CampaignIn) -> dict[str, Any]:
        return call(store.create_campaign, body.name, body.kind)

    @router.get("/campaigns/{campaign_id}", name="marketing.campaigns.get", tags=["campaigns"])
    def get_campaign(campaign_id: RecordId) -> dict[str, Any]:
        campaign = call(store.campaign, campaign_id)
        return {**campaign, "members": store.members(campaign_id)}

    @router.post("/campaigns/{campaign_id}/enrolments", name="marketing.campaigns.enrol", tags=["campaigns"])
    def enrol(campaign_id: RecordId, body: EnrolmentIn) -> JSONResponse:
        member, waiting = call(store.enrol, campaign_id, body.contact_id, body.crm_id, body.email)
        return JSONResponse(member, status_code=202 if waiting else 201)

    # -- emails and forms ----------------------------------------------------------------------
    @router.post("/emails", status_code=201, name="marketing.emails.send", tags=["emails"])
    def send_email(body: EmailIn) -> dict[str, Any]:
        return call(store.send_email, body.contact_id, body.subject, body.campaign_id)

    @router.post("/form-submissions", name="marketing.forms.submit", tags=["forms"])
    def submit_form(body: SubmissionIn) -> JSONResponse:
        """Idempotent by submission_id: a repeat answers 200 with the first result and changes nothing."""
        submission = body.model_dump()
        if not EMAIL.match(submission["email"]):
            raise HTTPException(422, f"{submission['email']!r} is not an email address")
        for name in ("phone", "industry", "first_name", "last_name"):
            submission[name] = call(mapping.transform, mapping.by_marketing(name), submission[name])
        result, new = call(store.submit_form, submission)
        return JSONResponse(result, status_code=201 if new else 200)

    # -- bulk import ---------------------------------------------------------------------------
    @router.post("/imports", status_code=201, name="marketing.imports.create", tags=["import"])
    def import_contacts(body: ImportIn) -> dict[str, Any]:
        """Rows that fail validation are listed with their reason; the others are imported."""
        return store.import_contacts(body.contacts)

    # -- sync ----------------------------------------------------------------------------------
    @router.get("/sync/status", name="marketing.sync.status", tags=["sync"])
    def sync_status() -> dict[str, Any]:
        return connector.status()

    @router.post("/sync/run", name="marketing.sync.run", tags=["sync"])
    def sync_run() -> dict[str, Any]:
        """Runs a sync now (both directions) and answers the job; a failed run is retried on schedule."""
        return connector.run_now()

    @router.get("/sync/jobs", name="marketing.sync.jobs", tags=["sync"])
    def sync_jobs(limit: int = Query(default=50, ge=1, le=500)) -> dict[str, Any]:
        return {"jobs": connector.jobs(limit)}

    @router.get("/sync/errors", name="marketing.sync.errors", tags=["sync"])
    def sync_errors(limit: int = Query(default=200, ge=1, le=1000)) -> dict[str, Any]:
        return {"errors": connector.errors(limit)}

    # -- reconciliation ------------------------------------------------------------------------
    @router.get("/reconciliation", name="marketing.reconciliation.all", tags=["reconciliation"])
    def reconcile_all() -> dict[str, Any]:
        return call(connector.reconcile)

    @router.post("/reconciliation", name="marketing.reconciliation.scoped", tags=["reconciliation"])
    def reconcile_some(body: ReconcileIn) -> dict[str, Any]:
        """Only the given records (crm ids and/or marketing ids): what one test run touched."""
        if not body.crm_ids and not body.marketing_ids:
            raise HTTPException(422, "give crm_ids or marketing_ids (GET reconciles everything)")
        return call(connector.reconcile, body.crm_ids, body.marketing_ids)

    return router
