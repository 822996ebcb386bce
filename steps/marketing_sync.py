"""Steps for the marketing_sync area, the sync itself: the CRM <-> marketing connector as marketing
operations test it (touchpoints, bulk import, outages, update loops, reconciliation).

Campaigns, emails, forms, lead scores and what agents see of them: steps/marketing_campaigns.py.
Everything goes through the ``marketing`` and ``crm`` ports (fixtures/marketing.py keeps what the
scenario touched). Time passes only through the target's clock: "the scheduled sync runs" moves it
to the connector's next scheduled run.
"""
from __future__ import annotations

import uuid

from pytest_bdd import given, parsers, then, when

from deskcheck.capabilities import needs
from deskcheck.names import PERSONA
from fixtures.agreement import expect_agreement, expect_value
from fixtures.eventually import eventually
from fixtures.marketing import synthetic_contacts
from fixtures.personas import fresh_number

CRM_LONGEST_SURNAME = 80  # Salesforce's Contact.LastName holds 80 characters
NAME = r'"(?P<name>[^"]+)"'
#: where the sync stores what it pulled from the CRM into marketing (a fault target of the controls port)
SYNC_INGEST = "marketing.sync.ingest"


def _jobs_described(jobs) -> str:
    return "; ".join(j.describe() for j in jobs) or "no sync run"


# --- set-up -----------------------------------------------------------------------------------------

@given("marketing is in step with the CRM")
@needs("marketing")
def marketing_in_step(marketing_sync):
    """Set-up: runs the CRM <-> marketing sync once now, so whatever other work left queued is synced
    before the scenario starts; the run must succeed."""
    job = marketing_sync.marketing.run_sync()
    if job.status != "succeeded":
        raise AssertionError(f"the catch-up sync should succeed: {job.describe()}")


@given(parsers.re(r'a prospect ' + NAME + r' in neither system'))
@needs("marketing")
def prospect(name, marketing_sync):
    """Set-up: a person with that full name who is neither in the CRM nor in marketing yet (nothing is
    created; later steps add them)."""
    marketing_sync.prospects[name] = {}


@given(parsers.re(r'a customer ' + NAME + r' only in the CRM'))
@needs("marketing")
def customer_only_in_crm(name, marketing_sync):
    """Set-up in the CRM: a new contact with that full name, a fresh phone number and an email; no sync
    runs, so marketing does not have them yet."""
    marketing_sync.add_to_crm(name)


@given(parsers.re(r'a customer ' + NAME + r' synced to marketing$'))
@needs("marketing")
def customer_synced(name, marketing_sync):
    """Set-up: a new CRM contact with that full name, then a sync run; waits until marketing has the
    contact linked to the CRM contact."""
    marketing_sync.synced_customer(name)


@given(parsers.re(r'a file of (?P<count>\d+) (?:synthetic )?contacts with (?P<contents>.+)'), target_fixture="import_rows")
def import_file(count, contents):
    """Set-up: a contact file of that many synthetic people (made up, not real), with accents,
    apostrophes, non-Latin scripts, 100-character surnames, phone numbers typed in several countries'
    styles and industries typed freely, whatever the line says after "with" (those words are for the
    reader). Each row knows the E.164 number and industry picklist value it must end up with. Nothing is
    imported yet."""
    return synthetic_contacts(int(count))


@given(parsers.parse("{count:d} new customers in the CRM"), target_fixture="import_rows")
@needs("marketing")
def new_customers_in_crm(count, marketing_sync):
    """Set-up: runs a sync first (so the next one carries only this scenario's contacts), then creates that
    many synthetic contacts in the CRM in one batch (long surnames at the 80 characters a CRM such as
    Salesforce takes); marketing does not have them yet."""
    marketing_sync.settle()
    rows = synthetic_contacts(count, longest=CRM_LONGEST_SURNAME)
    created = marketing_sync.crm.create_contacts(
        [{k: v for k, v in r.items() if k not in ("expected", "industry")} for r in rows])
    for contact in created:
        marketing_sync.track(crm_id=contact.id)
    return rows


# --- the sync and the clock -------------------------------------------------------------------------

@when(parsers.re(r"the scheduled sync runs(?: again)?$"))
@needs("marketing", "clock")
def scheduled_sync_runs(marketing_sync, controls):
    """Moves the clock to the sync's next scheduled time, so the connector runs on its own schedule;
    waits until marketing lists a new sync run (it may have failed: later steps check)."""
    before = marketing_sync.marketing.sync_jobs(limit=1)
    # To the next scheduled time (plus the millisecond the ISO times round away): jumping a whole interval
    # from wherever the clock stands would leave the schedule anywhere up to an interval ahead, so a
    # later retry could meet a scheduled run.
    controls.advance_clock(marketing_sync.seconds_to_next_sync(controls) + 0.001)
    last_seen = before[0].id if before else None
    jobs = eventually(lambda: marketing_sync.marketing.sync_jobs(limit=5),
                      until=lambda jobs: any(last_seen is None or j.id > last_seen for j in jobs),
                      description="a sync run once the clock reached the next scheduled sync", describe=_jobs_described)
    marketing_sync.jobs.extend(reversed([j for j in jobs if last_seen is None or j.id > last_seen]))


@given("marketing will go down after the sync has stored the first batch")
@needs("backend_faults")
def marketing_goes_down_mid_sync(controls):
    """Set-up: marketing stores the first batch of the next sync, then fails (server error) on every
    later batch until "marketing is back"."""
    controls.add_fault(SYNC_INGEST, "http_500", after=1)


@when("marketing is back")
@needs("backend_faults")
def marketing_back(controls):
    """Ends every injected fault: marketing stores what the sync brings again."""
    controls.clear_faults()


@when("the retry interval of the mapping passes")
@needs("marketing", "clock")
def retry_interval_passes(marketing_sync, controls):
    """Moves the clock by the first retry back-off of the sync settings (the wait after a failed run), so
    the connector retries on its own."""
    controls.advance_clock(marketing_sync.settings.retry_after_seconds[0])


# --- touchpoint actions -----------------------------------------------------------------------------

@when(parsers.re(rf"(?P<first>{PERSONA}) is added to the CRM$"))
@needs("marketing")
def added_to_crm(first, marketing_sync):
    """In the CRM: creates the prospect with that first name as a contact (with the email an earlier
    step gave them, if any)."""
    marketing_sync.add_to_crm(marketing_sync.prospect(first))


@when(parsers.re(rf"(?P<first>{PERSONA})'s email changes in the CRM and later in marketing"))
@needs("marketing", "clock")
def email_changes_both_sides(first, marketing_sync, controls):
    """Changes the customer's email in the CRM, lets a minute pass on the clock, then changes it to
    another address in marketing: both changes fall between two scheduled syncs, so the next sync meets
    a conflict (the newer value, marketing's, must win)."""
    persona, contact = marketing_sync.personas[first], marketing_sync.in_marketing(first)
    gap = 60
    # Both changes must fall between two scheduled syncs, or there is no conflict to resolve: when the
    # next run is due within the gap, let it pass first.
    due_in = marketing_sync.seconds_to_next_sync(controls)
    if due_in <= gap:
        controls.advance_clock(due_in + 1)
    marketing_sync.crm.update_contact(persona.id, email=f"{first.lower()}.crm.{uuid.uuid4().hex[:6]}@example.test")
    controls.advance_clock(gap)
    newer = f"{first.lower()}.newer.{uuid.uuid4().hex[:6]}@example.test"
    marketing_sync.marketing.update_contact(contact.id, email=newer)
    marketing_sync.newer_email = newer


@when(parsers.re(rf"(?P<first>{PERSONA}) is deleted from the CRM"))
def deleted_from_crm(first, personas, crm):
    """In the CRM: deletes the customer's contact (the CRM keeps it as deleted)."""
    crm.delete_contact(personas[first].id)


@when("the file is imported into marketing")
@needs("marketing")
def file_imported(import_rows, marketing_sync):
    """Imports the contact file into marketing in one go; every row must be created (none refused, none
    already known)."""
    result = marketing_sync.import_file(import_rows)
    if (result.created, result.errors) != (len(import_rows), ()):
        raise AssertionError(f"marketing should create all {len(import_rows)} rows: {result.describe()}")


@when(parsers.re(rf"(?P<first>{PERSONA})'s industry is typed as \"(?P<text>[^\"]+)\" in the CRM"))
def industry_typed(first, text, personas, crm):
    """In the CRM: types the text (any letter case, e.g. "rETAIL") into the customer's free-text industry field."""
    crm.update_contact(personas[first].id, industry=text)


@when(parsers.re(rf"(?P<first>{PERSONA}) sets do not call in marketing"))
@needs("marketing")
def do_not_call_in_marketing(first, marketing_sync):
    """In marketing: sets the customer's do-not-call flag (a consent change taken by marketing)."""
    marketing_sync.marketing.update_contact(marketing_sync.in_marketing(first).id, do_not_call=True)


@when(parsers.re(rf"(?P<first>{PERSONA})'s phone number changes in the CRM"))
def phone_changes_in_crm(first, personas, crm):
    """In the CRM: gives the customer a new phone number (no sync runs yet)."""
    crm.update_contact(personas[first].id, phone=fresh_number())


# --- touchpoint outcomes ----------------------------------------------------------------------------

@then(parsers.re(rf"(?P<first>{PERSONA}) appears in marketing within (?P<minutes>\d+) minutes"))
@needs("marketing")
def appears_within(first, minutes, marketing_sync):
    """Checks the sync settings run the CRM -> marketing sync at least that often, and that marketing has
    the customer linked to their CRM contact with the CRM's first name, last name and phone number."""
    if marketing_sync.sync_interval > int(minutes) * 60:
        raise AssertionError(f"the sync runs every {marketing_sync.sync_interval} s, slower than {minutes} minutes")
    contact, persona = marketing_sync.in_marketing(first), marketing_sync.personas[first]
    expect_value(f"{first}'s name and number in marketing", (persona.first_name, persona.last_name, persona.phone),
                 "marketing", (contact.first_name, contact.last_name, contact.phone))


@then(parsers.re(rf"both systems keep (?P<first>{PERSONA})'s newer email from marketing"))
@needs("marketing")
def newer_email_kept(first, marketing_sync):
    """Checks the CRM and marketing both hold the email last set in marketing (the newer change won)."""
    expect_agreement(f"{first}'s email", marketing_sync.newer_email,
                     {"the CRM": marketing_sync.crm.contact(marketing_sync.personas[first].id).email,
                      "marketing": marketing_sync.in_marketing(first).email})


@then(parsers.re(rf"(?P<first>{PERSONA}) is inactive in marketing, out of the nurture, her history kept"))
@needs("marketing")
def inactive_history_kept(first, marketing_sync):
    """Checks marketing keeps the customer as inactive (not erased), removed from the one nurture they
    were in, with their email history; the CRM shows the contact deleted and keeps its timeline."""
    contact = marketing_sync.in_marketing(first)
    expect_value(f"{first}'s status", "inactive", "marketing", contact.status)
    expect_value(f"{first}'s campaign memberships", ["removed"], "marketing", [c.status for c in contact.campaigns])
    if not contact.activities:
        raise AssertionError(f"marketing lost {first}'s email history with the contact: {contact.describe()}")
    expect_value(f"whether {first}'s contact is deleted", True, "the CRM",
                 marketing_sync.crm.contact(marketing_sync.personas[first].id).deleted)
    if not marketing_sync.crm_timeline(first):
        raise AssertionError(f"the CRM lost {first}'s timeline with the contact")


@then(parsers.re(r"all (?P<count>\d+) contacts arrive in the CRM intact"))
@needs("marketing")
def import_arrives_intact(count, import_rows, marketing_sync):
    """Checks every imported contact reached the CRM, each with exactly the names and email of its row,
    its phone number in E.164 and its industry as the picklist value (no character lost or mangled)."""
    mine = set(marketing_sync.marketing_ids)
    arrived = [c for c in marketing_sync.marketing.contacts(origin="import") if c.id in mine]
    if len(arrived) != int(count) or not all(c.crm_id for c in arrived):
        raise AssertionError(f"{sum(1 for c in arrived if c.crm_id)} of {count} imported contacts reached the CRM")
    crm_id_of = {c.email: c.crm_id for c in arrived}
    in_crm = {c.id: c for c in marketing_sync.crm.contacts(list(crm_id_of.values()))}
    broken = []
    for row in import_rows:
        crm_id = crm_id_of[row["email"]]
        marketing_sync.track(crm_id=crm_id)
        contact = in_crm[crm_id]
        expected = (row["first_name"], row["last_name"], row["email"], row["expected"]["phone"], row["expected"]["industry"])
        seen = (contact.first_name, contact.last_name, contact.email, contact.phone, contact.industry)
        if seen != expected:
            broken.append(f"expected {expected}, the CRM has {seen}")
    if broken:
        raise AssertionError(f"{len(broken)} contacts changed on the way to the CRM, e.g. " + "; ".join(broken[:3]))


@then(parsers.re(rf"marketing shows (?P<first>{PERSONA})'s industry as the picklist value \"(?P<value>[^\"]+)\""))
@needs("marketing")
def industry_picklist(first, value, marketing_sync):
    """Checks marketing holds the customer's industry as that picklist value, and that every industry
    value marketing's contacts hold is one of the picklist's values."""
    expect_value(f"{first}'s industry", value, "marketing", marketing_sync.in_marketing(first).industry)
    picklist = marketing_sync.marketing.picklist("industry")
    expect_value("industry values in use that the picklist does not allow", [], "marketing",
                 picklist.not_allowed_in_use())


@then(parsers.parse('the sync shows no sign of "{failure}"'))
@needs("marketing")
def no_sign_of(failure, marketing_sync):
    """Checks every sync run of the scenario succeeded, that the last one shows the touchpoint worked
    despite the common failure named, and that the reconciliation report of the scenario's records
    shows no difference. Failures: "API rate limiting delays the sync" (the contact was created in
    marketing by that run), "conflict rules overwrite newer data" (it kept marketing's newer value),
    "a hard delete orphans related records" (it deactivated exactly one contact), "character encoding
    breaks special characters" (no errors), "case sensitivity creates duplicate values" (no industry
    values in use that differ only by letter case) and "the activity type is mapped wrongly" (it
    carried activities to the CRM)."""
    jobs = marketing_sync.jobs
    if not jobs or any(j.status != "succeeded" for j in jobs):
        raise AssertionError(f"every sync run should succeed: {_jobs_described(jobs)}")
    stats = jobs[-1].stats
    checks = {
        "API rate limiting delays the sync": lambda: stats.created_in_marketing >= 1,
        "conflict rules overwrite newer data": lambda: stats.kept_newer_in_marketing >= 1,
        "a hard delete orphans related records": lambda: stats.deactivated_in_marketing == 1,
        "character encoding breaks special characters": lambda: stats.errors == 0,
        "case sensitivity creates duplicate values":
            lambda: not marketing_sync.marketing.picklist("industry").same_but_for_case(),
        "the activity type is mapped wrongly": lambda: stats.activities_to_crm >= 1,
    }
    if failure not in checks:
        raise KeyError(f"no check for the failure {failure!r}; known: {', '.join(checks)}")
    if not checks[failure]():
        raise AssertionError(f"{failure}: {jobs[-1].describe()}")
    report = marketing_sync.reconciliation()
    if not report.ok:
        raise AssertionError(report.describe())


@then("the sync error log is empty")
@needs("marketing")
def error_log_empty(marketing_sync):
    """Checks marketing's sync error log has no entry for any sync run of the scenario."""
    errors = [e for job in marketing_sync.jobs for e in marketing_sync.marketing.sync_errors(job_id=job.id)]
    expect_value("the sync error log of the scenario's runs", [], "marketing", [e.error for e in errors])


# --- outages and loops ------------------------------------------------------------------------------

@then("the sync job failed and its error log names the outage")
@needs("marketing")
def job_failed(marketing_sync):
    """Checks the last sync run failed with a retry scheduled, and that the sync error log of that run
    says marketing was unavailable."""
    job = marketing_sync.last_job()
    if job.status != "failed" or not job.next_retry_at:
        raise AssertionError(f"the sync run should have failed with a retry scheduled: {job.describe()}")
    errors = [e.error for e in marketing_sync.marketing.sync_errors(job_id=job.id)]
    if not any("marketing unavailable" in e for e in errors):
        raise AssertionError(f"the error log of sync run {job.id} should name the outage (marketing unavailable): {errors}")


@then(parsers.re(r"(?P<stored>\d+) of the (?P<total>\d+) customers are in marketing"))
@needs("marketing")
def some_in_marketing(stored, total, marketing_sync):
    """Checks how many of the scenario's new CRM customers marketing holds (those of the batches stored
    before the outage)."""
    copies = marketing_sync.copies_in_marketing()
    expect_value("the number of customers the scenario made", int(total), "the CRM", len(copies))
    expect_value(f"how many of the {total} customers are in marketing", int(stored), "marketing", sum(copies))


@then(parsers.re(r"all (?P<total>\d+) customers are in marketing exactly once"))
@needs("marketing")
def all_once(total, marketing_sync):
    """Waits until marketing holds every one of the scenario's new CRM customers exactly once (nothing
    lost, nothing doubled by the retry)."""
    seen = eventually(marketing_sync.copies_in_marketing, until=lambda c: all(n == 1 for n in c),
                      description="every customer once in marketing",
                      describe=lambda c: f"copies per customer: {dict(sorted((n, c.count(n)) for n in set(c)))}")
    expect_value("the number of customers the scenario made", int(total), "the CRM", len(seen))


@then("the sync history shows the retry succeeded")
@needs("marketing")
def retry_succeeded(marketing_sync):
    """Checks marketing's sync history: the first run after the failed one is a retry, and it succeeded."""
    failed = marketing_sync.last_job()
    later = [j for j in marketing_sync.marketing.sync_jobs() if j.id > failed.id]  # newest first
    if not later or (later[-1].trigger, later[-1].status) != ("retry", "succeeded"):
        raise AssertionError(f"the first sync run after the failed run {failed.id} should be a successful retry: "
                             f"{_jobs_described(later)}")


@then(parsers.re(rf"the CRM has (?P<first>{PERSONA}) on the do-not-call list"))
def crm_do_not_call(first, personas, crm):
    """Checks the customer's CRM contact has the do-not-call flag set."""
    expect_value(f"whether {first} is on the do-not-call list", True, "the CRM", crm.contact(personas[first].id).do_not_call)


@then("the second sync changed nothing in either system")
@needs("marketing")
def second_sync_idle(marketing_sync):
    """Checks the last sync run only read changes and changed nothing in the CRM or marketing (a change
    that echoed back would show as an update loop)."""
    job = marketing_sync.last_job()
    expect_value(f"what sync run {job.id} changed (an update loop?)", {}, "marketing", job.stats.changes())


@then(parsers.re(rf'the reconciliation report names the field "(?P<field>[^"]+)" for (?P<first>{PERSONA})'))
@needs("marketing")
def report_names_field(field, first, marketing_sync):
    """Reconciles the scenario's records between the CRM and marketing: the report must show exactly one
    difference, in that mapped field (e.g. "phone"), for that customer."""
    report = marketing_sync.reconciliation()
    crm_id = marketing_sync.personas[first].id
    if report.ok or [(d.crm_id, d.field) for d in report.differences] != [(crm_id, field)]:
        raise AssertionError(f"the reconciliation report should name only the field {field!r} of {first} "
                             f"(CRM contact {crm_id}): {report.describe()}")


@then("the reconciliation report shows no differences")
@needs("marketing")
def report_clean(marketing_sync):
    """Reconciles the scenario's records between the CRM and marketing: no record missing, no field different."""
    report = marketing_sync.reconciliation()
    if not report.ok:
        raise AssertionError(report.describe())
