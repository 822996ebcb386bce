"""The sandbox marketing adapter (and the CRM/CTI methods the marketing steps use) turn the sandbox's
JSON into records: the only place that reads it."""
from __future__ import annotations

import json

import httpx
import pytest

from deskcheck.adapters.sandbox.api_channels import MarketingClient
from deskcheck.adapters.sandbox.api_voice import CrmClient, CtiClient
from deskcheck.adapters.sandbox.crm import SandboxCrm, call_log_record, contact_fields, contact_record as crm_contact
from deskcheck.adapters.sandbox.cti import SandboxCti
from deskcheck.adapters.sandbox.marketing import (SandboxMarketing, campaign_record, contact_record, job_record,
                                                  report_record, settings_record, trigger_record)
from deskcheck.ports import MarketingPort, Refused, port_methods
from deskcheck.records import Enrolment, FormSubmission, MarketingActivity, Picklist, SyncStats
from tests.unit.test_helpdesk_and_event_adapters import client_answering

CONTACT = {
    "id": 7, "crm_id": 42, "status": "inactive", "origin": "crm", "correlation_id": None, "created_at": "2026-01-01T09:00:00",
    "updated_at": "t", "deactivated_at": "t", "crm_error": None, "first_name": "Ada", "last_name": "Lovelace",
    "phone": "+15550001", "account_number": "7000001", "email": "ada@example.test", "industry": "Retail",
    "lifecycle_stage": "MQL", "lead_score": None, "unsubscribed": True, "do_not_call": False, "field_times": {},
    "pending_for_crm": [],
    "campaigns": [{"id": 3, "name": "Onboarding 1a2b3c", "kind": "nurture", "status": "removed",
                   "enrolled_at": "t1", "removed_at": "t2", "removed_reason": "deleted in crm"}],
    "activities": [{"id": 1, "contact_id": 7, "kind": "email_sent", "subject": "Onboarding: welcome", "campaign_id": 3,
                    "occurred_at": "t0", "correlation_id": None}],
}
JOB = {"id": 12, "trigger": "retry", "status": "failed", "attempt": 2, "started_at": "s", "finished_at": "f",
       "error": "marketing unavailable (ingest): HTTP 500", "next_retry_at": "r",
       "stats": {"pulled": 120, "created_in_marketing": 50, "unchanged": 3, "errors": 1, "a_new_counter": 9}}
REPORT = {"ok": False, "checked_at": "c", "counts": {"crm_active": 1, "marketing_active": 1, "field_differences": 1},
          "fields_checked": ["phone"], "missing_in_marketing": [], "missing_in_crm": [5],
          "active_in_marketing_but_deleted_in_crm": [], "duplicate_emails_in_marketing": [],
          "differences": [{"crm_id": 42, "marketing_id": 7, "field": "phone", "crm_field": "phone",
                           "marketing_field": "phone", "direction": "crm_to_marketing", "crm": "+15550002",
                           "marketing": "+15550001"}]}


def test_a_marketing_contact_record_has_its_consent_campaigns_and_history():
    contact = contact_record(CONTACT)
    assert (contact.id, contact.crm_id, contact.full_name, contact.status, contact.origin) == \
        (7, 42, "Ada Lovelace", "inactive", "crm")
    assert (contact.lead_score, contact.lifecycle_stage, contact.unsubscribed, contact.do_not_call, contact.industry) == \
        (0, "MQL", True, False, "Retail")  # no score yet counts as 0
    assert contact.campaigns == (Enrolment(3, "removed", 7, "Onboarding 1a2b3c", "nurture", None, "t1", "t2",
                                           "deleted in crm"),)
    assert contact.activities == (MarketingActivity("email_sent", "Onboarding: welcome", 3, "t0"),)
    assert "status 'inactive'" in contact.describe()


def test_a_listed_contact_has_no_campaigns_or_history():
    listed = contact_record({k: v for k, v in CONTACT.items() if k not in ("campaigns", "activities")})
    assert (listed.campaigns, listed.activities) == ((), ())


def test_a_campaign_lists_its_members_by_status():
    campaign = campaign_record({"id": 3, "name": "Welcome", "kind": "nurture", "members": [
        {"id": 1, "contact_id": None, "waiting_for": "email:o@x.test", "status": "waiting", "requested_at": "r",
         "enrolled_at": None, "removed_at": None, "removed_reason": None},
        {"id": 2, "contact_id": 9, "status": "enrolled", "requested_at": "r", "enrolled_at": "e"}]})
    assert [(m.status, m.contact_id, m.campaign_id, m.campaign_name) for m in campaign.members] == \
        [("waiting", None, 3, "Welcome"), ("enrolled", 9, 3, "Welcome")]
    assert [m.contact_id for m in campaign.with_status("enrolled")] == [9]
    assert campaign.describe() == "the nurture 'Welcome' in marketing: 1 enrolled, 1 waiting"


def test_a_sync_job_keeps_the_counters_it_knows_and_says_what_it_changed():
    job = job_record(JOB)
    assert (job.id, job.trigger, job.status, job.attempt, job.next_retry_at) == (12, "retry", "failed", 2, "r")
    assert job.stats == SyncStats(pulled=120, created_in_marketing=50, unchanged=3, errors=1)
    assert job.stats.changes() == {"created_in_marketing": 50, "errors": 1}  # reading is no change
    assert "failed (marketing unavailable (ingest): HTTP 500)" in job.describe()
    assert SyncStats(pulled=5, unchanged=5).changes() == {}


def test_a_reconciliation_report_names_each_differing_field_in_words():
    report = report_record(REPORT)
    assert (report.ok, report.missing_in_crm, report.counts["field_differences"]) == (False, (5,), 1)
    difference = report.differences[0]
    assert (difference.crm_id, difference.marketing_id, difference.field, difference.crm_value) == (42, 7, "phone", "+15550002")
    assert "1 missing in crm" in report.describe()
    assert "field phone differs for CRM contact 42 / marketing contact 7: CRM '+15550002', marketing '+15550001'" \
        in report.summary()
    assert report_record({"ok": True, "differences": []}).describe() == "the reconciliation report shows no differences"


def test_sync_settings_come_from_the_mapping_schedule():
    settings = settings_record({"schedule": {"crm_to_marketing_every_seconds": 300, "marketing_to_crm_every_seconds": 600,
                                             "batch_size": 50, "retry_after_seconds": [60, 120]}})
    assert (settings.every_seconds, settings.marketing_to_crm_every_seconds, settings.batch_size,
            settings.retry_after_seconds) == (300, 600, 50, (60, 120))


def test_a_trigger_counts_its_firings_per_contact():
    trigger = trigger_record({"id": 4, "name": "Sales ready", "threshold": 50, "refire_on_recross": True, "stage": "MQL",
                              "active": True, "firings": [{"contact_id": 7, "fired_count": 2, "last_fired_at": "t",
                                                           "armed": 0}]})
    assert (trigger.times_fired_for(7), trigger.times_fired_for(8), trigger.refire_on_recross) == (2, 0, True)


def test_a_picklist_finds_values_that_differ_only_by_case_or_are_not_allowed():
    picklist = Picklist("industry", ("Retail", "Healthcare"), ("Healthcare", "Retail", "retail", "Shop"))
    assert picklist.same_but_for_case() == ["retail"]
    assert picklist.not_allowed_in_use() == ["retail", "Shop"]
    assert Picklist("industry", ("Retail",), ("Retail",)).same_but_for_case() == []


def test_the_sandbox_marketing_adapter_offers_every_method_of_the_port():
    assert [m for m in port_methods(MarketingPort) if not callable(getattr(SandboxMarketing, m, None))] == []


def test_contact_for_is_none_until_marketing_has_the_contact_and_refuses_two_copies():
    copies: list[dict] = []
    seen: list[httpx.Request] = []
    answers = {"/api/contacts": lambda r: (200, {"contacts": copies}), "/api/contacts/7": lambda r: (200, CONTACT)}
    marketing = SandboxMarketing(client_answering(MarketingClient, lambda r: answers[r.url.path](r), seen))
    assert marketing.contact_for(42) is None
    assert seen[-1].url.params["crm_id"] == "42"
    copies.append({**CONTACT, "campaigns": None})
    assert marketing.contact_for(42).campaigns[0].status == "removed"  # read in full, with its campaigns
    copies.append({**CONTACT, "id": 8})
    with pytest.raises(AssertionError, match="marketing has 2 contacts for CRM contact 42: 7, 8"):
        marketing.contact_for(42)


def test_a_form_post_sends_only_what_the_visitor_filled_in_and_a_repeat_is_a_duplicate():
    seen: list[httpx.Request] = []
    answer = {"submission_id": "s-1", "form": "f", "contact_id": 7, "campaign_id": 3, "new_contact": False,
              "received_at": "t", "duplicate": True}
    marketing = SandboxMarketing(client_answering(MarketingClient, lambda r: (200, answer), seen))
    result = marketing.submit_form(FormSubmission("s-1", "f", "ada@example.test", "Ada", "Lovelace", "+15550001",
                                                  campaign="Tour"))
    assert json.loads(seen[-1].content) == {"submission_id": "s-1", "form": "f", "email": "ada@example.test",
                                            "first_name": "Ada", "last_name": "Lovelace", "phone": "+15550001",
                                            "campaign": "Tour"}
    assert (result.contact_id, result.duplicate, result.new_contact) == (7, True, False)


def test_marketing_refusals_are_domain_refusals_and_unknown_fields_are_caught_before_sending():
    seen: list[httpx.Request] = []
    marketing = SandboxMarketing(client_answering(
        MarketingClient, lambda r: (409, {"detail": "contact 7 unsubscribed: no email is sent"}), seen))
    with pytest.raises(Refused, match="the marketing system refused to email contact 7: contact 7 unsubscribed"):
        marketing.send_email(7, "Spring offers")
    with pytest.raises(ValueError, match="no changeable fields \\['crm_pending'\\]"):
        marketing.update_contact(7, crm_pending=["email"])
    assert len(seen) == 1


def test_the_sync_error_log_of_one_run():
    errors = [{"id": 2, "job_id": 12, "direction": "sync", "record": None, "error": "marketing unavailable", "at": "t"},
              {"id": 1, "job_id": 11, "direction": "marketing_to_crm", "record": "marketing:3", "error": "refused", "at": "t"}]
    marketing = SandboxMarketing(client_answering(MarketingClient, lambda r: (200, {"errors": errors}), []))
    assert [e.error for e in marketing.sync_errors(job_id=12)] == ["marketing unavailable"]
    assert len(marketing.sync_errors()) == 2


def test_the_crm_keeps_marketings_fields_among_the_custom_fields():
    assert contact_fields({"email": "a@x.test", "industry": "rETAIL", "custom_fields": {"tier": "gold"}}) == \
        {"email": "a@x.test", "custom_fields": {"tier": "gold", "industry": "rETAIL"}}
    contact = crm_contact({"id": 42, "first_name": "Ada", "last_name": "Lovelace", "phone": "+15550001",
                           "custom_fields": {"industry": "Retail", "lead_score": 55, "lifecycle_stage": "MQL"}})
    assert (contact.industry, contact.lead_score, contact.lifecycle_stage) == ("Retail", 55, "MQL")


def test_a_crm_timeline_entry_says_who_logged_it_and_when_it_happened():
    logged = {"interaction_id": "marketing-email_sent-1", "status": "completed", "type": "email", "source": "marketing",
              "direction": "outbound", "subject": "Spring offers", "occurred_at": None, "created_at": "c"}
    log = call_log_record(logged)
    assert (log.kind, log.source, log.subject, log.occurred_at) == ("email", "marketing", "Spring offers", "c")
    assert call_log_record({**logged, "occurred_at": "o"}).occurred_at == "o"


def test_an_email_to_an_opted_out_contact_and_a_call_to_a_do_not_call_number_are_refused():
    crm = SandboxCrm(client_answering(CrmClient, lambda r: (409, {"detail": "Do not email: this contact unsubscribed"}), []))
    with pytest.raises(Refused, match="Do not email"):
        crm.email_contact(42, "Checking in")
    seen: list[httpx.Request] = []
    cti = SandboxCti(client_answering(
        CtiClient, lambda r: (403, {"detail": "call blocked: Marco Rossi is on the do-not-call list"}), seen))
    with pytest.raises(Refused, match="do-not-call") as refused:
        cti.dial("maya", "+15550001", record_id=42)
    assert refused.value.status == 403
    assert json.loads(seen[-1].content) == {"agent": "maya", "to_number": "+15550001", "record_id": "42"}
