"""Steps for the marketing_sync area: the crm <-> marketing connector as marketing operations test it.

Each step delegates to the marketing_sync helper (fixtures/marketing.py), the API clients and the
console's page objects. Time passes only through the sandbox clock: "the scheduled sync runs" moves
it to the connector's next scheduled run.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from concurrent.futures import ThreadPoolExecutor

from pytest_bdd import given, parsers, then, when

from fixtures.eventually import eventually
from fixtures.marketing import synthetic_contacts
from fixtures.personas import fresh_number
from fixtures.reporting import soft_attach

NAME = r'"(?P<name>[^"]+)"'


def seconds_to_next_scheduled_sync(marketing_sync, sandbox_admin_api) -> float:
    """From the sandbox clock's now to the connector's ``next_run_at`` (0 when it is already due)."""
    due = datetime.fromisoformat(marketing_sync.marketing.sync_status()["next_run_at"])
    now = datetime.fromisoformat(sandbox_admin_api.clock()["now"])
    return max((due - now).total_seconds(), 0.0)
TIMES = {"0 times": 0, "once": 1, "twice": 2}


# --- set-up -----------------------------------------------------------------------------------------

@given("marketing is in step with the CRM")
def marketing_in_step(marketing_sync):
    job = marketing_sync.marketing.run_sync()
    assert job["status"] == "succeeded", f"the catch-up sync failed: {job}"


@given(parsers.re(r'a prospect ' + NAME + r' in neither system'))
def prospect(name, marketing_sync):
    marketing_sync.prospects[name] = {}


@given(parsers.re(r'a customer ' + NAME + r' only in the CRM'))
def customer_only_in_crm(name, marketing_sync):
    marketing_sync.add_to_crm(name)


@given(parsers.re(r'a customer ' + NAME + r' synced to marketing$'))
def customer_synced(name, marketing_sync):
    marketing_sync.synced_customer(name)


@given(parsers.re(r'a customer ' + NAME + r' in the "(?P<nurture>[^"]+)" nurture'))
def customer_in_nurture(name, nurture, marketing_sync):
    contact = marketing_sync.synced_customer(name)
    campaign = marketing_sync.campaign(nurture, "nurture")
    marketing_sync.marketing.enrol(campaign["id"], contact_id=contact["id"])
    marketing_sync.marketing.send_email(contact["id"], f"{nurture}: welcome", campaign["id"])


@given(parsers.re(r'(?P<first>\w+) is in the "(?P<nurture>[^"]+)" nurture'))
def synced_customer_in_nurture(first, nurture, marketing_sync):
    contact = marketing_sync.in_marketing(first)
    marketing_sync.marketing.enrol(marketing_sync.campaign(nurture, "nurture")["id"], contact_id=contact["id"])


@given(parsers.parse('the nurture "{name}" exists'))
def nurture_exists(name, marketing_sync):
    marketing_sync.campaign(name, "nurture")


@given(parsers.parse('the webinar "{name}" is open for registration'))
def webinar_open(name, marketing_sync):
    marketing_sync.campaign(name, "webinar")


@given(parsers.re(r'a file of (?P<count>\d+) (?:synthetic )?contacts with .+'), target_fixture="import_rows")
def import_file(count, marketing_sync):
    return synthetic_contacts(int(count))


@given(parsers.parse("{count:d} new customers in the CRM"), target_fixture="import_rows")
def new_customers_in_crm(count, marketing_sync):
    marketing_sync.settle()
    rows = synthetic_contacts(count)
    results = marketing_sync.crm.create_contacts_bulk(
        [{k: v for k, v in r.items() if k not in ("expected", "industry")} for r in rows])
    assert all(r["status"] == "created" for r in results), results
    for result in results:
        marketing_sync.track(crm_id=result["id"])
    return rows


# --- the sync and the clock -------------------------------------------------------------------------

@when(parsers.re(r"the scheduled sync runs(?: again)?$"))
def scheduled_sync_runs(marketing_sync, sandbox_admin_api):
    before = marketing_sync.marketing.sync_jobs(limit=1)
    # To the next scheduled time (plus the millisecond the ISO times round away): jumping a whole interval
    # from wherever the clock stands would leave the schedule anywhere up to an interval ahead, so a
    # later retry could meet a scheduled run.
    sandbox_admin_api.advance_clock(seconds_to_next_scheduled_sync(marketing_sync, sandbox_admin_api) + 0.001)
    jobs = marketing_sync.marketing.sync_jobs(limit=5)
    newer = [j for j in jobs if not before or j["id"] > before[0]["id"]]
    assert newer, f"no sync ran when the clock reached the next scheduled run; last jobs: {jobs}"
    marketing_sync.results.setdefault("jobs", []).extend(reversed(newer))


@given("marketing will go down after the sync has stored the first batch")
def marketing_goes_down_mid_sync(sandbox_admin_api):
    sandbox_admin_api.add_fault("marketing.sync.ingest", "http_500", after=1)


@when("marketing is back")
def marketing_back(sandbox_admin_api):
    sandbox_admin_api.clear_faults()


@when("the retry interval of the mapping passes")
def retry_interval_passes(marketing_sync, sandbox_admin_api):
    sandbox_admin_api.advance_clock(marketing_sync.mapping["schedule"]["retry_after_seconds"][0])


# --- touchpoint actions -----------------------------------------------------------------------------

@when(parsers.re(r"(?P<first>\w+) is added to the CRM$"))
def added_to_crm(first, marketing_sync):
    name = next(n for n in marketing_sync.prospects if n.split()[0] == first)
    persona = marketing_sync.add_to_crm(name)
    marketing_sync.results["added_at"] = marketing_sync.crm.contact(persona.id)["created_at"]


@when(parsers.re(r"(?P<first>\w+)'s email changes in the CRM and later in marketing"))
def email_changes_both_sides(first, marketing_sync, sandbox_admin_api):
    persona, contact = marketing_sync.personas[first], marketing_sync.in_marketing(first)
    gap = 60
    # Both changes must fall between two scheduled syncs, or there is no conflict to resolve: when the
    # next run is due within the gap, let it pass first.
    due_in = seconds_to_next_scheduled_sync(marketing_sync, sandbox_admin_api)
    if due_in <= gap:
        sandbox_admin_api.advance_clock(due_in + 1)
    marketing_sync.crm.update_contact(persona.id, email=f"{first.lower()}.crm.{uuid.uuid4().hex[:6]}@example.test")
    sandbox_admin_api.advance_clock(gap)
    newer = f"{first.lower()}.newer.{uuid.uuid4().hex[:6]}@example.test"
    marketing_sync.marketing.update_contact(contact["id"], email=newer)
    marketing_sync.results["newer_email"] = newer


@when(parsers.re(r"(?P<first>\w+) is deleted from the CRM"))
def deleted_from_crm(first, marketing_sync):
    marketing_sync.crm.delete_contact(marketing_sync.personas[first].id)


@when("the file is imported into marketing")
def file_imported(import_rows, marketing_sync):
    answer = marketing_sync.import_file(import_rows)
    assert answer["created"] == len(import_rows) and not answer["errors"], \
        {k: answer[k] for k in ("received", "created", "existing", "errors")}


@when(parsers.re(r"(?P<first>\w+)'s industry is typed as \"(?P<text>[^\"]+)\" in the CRM"))
def industry_typed(first, text, marketing_sync):
    marketing_sync.crm.update_contact(marketing_sync.personas[first].id, custom_fields={"industry": text})


@when(parsers.re(r"marketing sends (?P<first>\w+) the email \"(?P<subject>[^\"]+)\""))
def marketing_sends_email(first, subject, marketing_sync):
    marketing_sync.marketing.send_email(marketing_sync.in_marketing(first)["id"], subject)


@when(parsers.re(r"(?P<first>\w+) unsubscribes from marketing email"))
def unsubscribes(first, marketing_sync):
    marketing_sync.marketing.unsubscribe(marketing_sync.in_marketing(first)["id"])


@when(parsers.re(r"(?P<first>\w+) sets do not call in marketing"))
def do_not_call_in_marketing(first, marketing_sync):
    marketing_sync.marketing.update_contact(marketing_sync.in_marketing(first)["id"], do_not_call=True)


@when(parsers.re(r"(?P<first>\w+)'s phone number changes in the CRM"))
def phone_changes_in_crm(first, marketing_sync):
    marketing_sync.crm.update_contact(marketing_sync.personas[first].id, phone=fresh_number())


# --- touchpoint outcomes ----------------------------------------------------------------------------

@then(parsers.re(r"(?P<first>\w+) appears in marketing within (?P<minutes>\d+) minutes"))
def appears_within(first, minutes, marketing_sync):
    assert marketing_sync.sync_interval <= int(minutes) * 60, \
        f"the mapping syncs every {marketing_sync.sync_interval} s, slower than {minutes} minutes"
    contact = marketing_sync.in_marketing(first)
    persona = marketing_sync.personas[first]
    assert (contact["first_name"], contact["last_name"], contact["phone"]) == \
        (persona.first_name, persona.last_name, persona.phone), contact


@then(parsers.re(r"both systems keep (?P<first>\w+)'s newer email from marketing"))
def newer_email_kept(first, marketing_sync):
    newer = marketing_sync.results["newer_email"]
    assert marketing_sync.crm.contact(marketing_sync.personas[first].id)["email"] == newer
    assert marketing_sync.in_marketing(first)["email"] == newer


@then(parsers.re(r"(?P<first>\w+) is inactive in marketing, out of the nurture, her history kept"))
def inactive_history_kept(first, marketing_sync):
    contact = marketing_sync.in_marketing(first)
    assert contact["status"] == "inactive", contact
    assert [c["status"] for c in contact["campaigns"]] == ["removed"], contact["campaigns"]
    assert contact["activities"], "the email history was lost with the contact"
    crm_contact = marketing_sync.crm.contact(marketing_sync.personas[first].id)
    assert crm_contact["deleted_at"], crm_contact
    assert marketing_sync.crm_timeline(first), "the CRM lost the contact's timeline"


@then(parsers.re(r"all (?P<count>\d+) contacts arrive in the CRM intact"))
def import_arrives_intact(count, import_rows, marketing_sync):
    contacts = marketing_sync.marketing.contacts(origin="import")
    mine = {c["id"]: c for c in contacts if c["id"] in set(marketing_sync.marketing_ids)}
    assert len(mine) == int(count) and all(c["crm_id"] for c in mine.values()), \
        f"{sum(1 for c in mine.values() if c['crm_id'])} of {count} contacts reached the CRM"
    by_email = {c["email"]: c for c in mine.values()}
    crm_by_id = {c["id"]: c for c in marketing_sync.crm.contacts_by_ids([c["crm_id"] for c in mine.values()])}
    broken = []
    for row in import_rows:
        sent = by_email[row["email"]]
        marketing_sync.track(crm_id=sent["crm_id"])
        crm_api = crm_by_id[sent["crm_id"]]
        expected = {"first_name": row["first_name"], "last_name": row["last_name"], "email": row["email"],
                    "phone": row["expected"]["phone"], "industry": row["expected"]["industry"]}
        seen = {**{k: crm_api[k] for k in ("first_name", "last_name", "email", "phone")},
                "industry": (crm_api.get("custom_fields") or {}).get("industry")}
        if seen != expected:
            broken.append({"expected": expected, "crm": seen})
    assert not broken, f"{len(broken)} contacts changed on the way, e.g. {broken[:3]}"


@then(parsers.re(r"marketing shows (?P<first>\w+)'s industry as the picklist value \"(?P<value>[^\"]+)\""))
def industry_picklist(first, value, marketing_sync):
    assert marketing_sync.in_marketing(first)["industry"] == value
    picklist = marketing_sync.marketing.picklist("industry")
    assert set(picklist["values_in_use"]) <= set(picklist["values"]), picklist


@then(parsers.re(r"the CRM timeline shows the marketing email \"(?P<subject>[^\"]+)\" for (?P<first>\w+)"))
def crm_timeline_email(subject, first, marketing_sync):
    emails = [a for a in marketing_sync.crm_timeline(first) if a["subject"] == subject]
    assert len(emails) == 1, f"expected the email once on the CRM timeline: {emails}"
    assert (emails[0]["type"], emails[0]["source"], emails[0]["direction"]) == ("email", "marketing", "outbound"), \
        emails[0]


@then(parsers.parse('the sync shows no sign of "{failure}"'))
def no_sign_of(failure, marketing_sync):
    jobs = marketing_sync.results.get("jobs", [])
    assert jobs and all(j["status"] == "succeeded" for j in jobs), jobs
    stats = jobs[-1]["stats"]
    checks = {
        "API rate limiting delays the sync": lambda: stats["created_in_marketing"] >= 1,
        "conflict rules overwrite newer data": lambda: stats["kept_newer_in_marketing"] >= 1,
        "a hard delete orphans related records": lambda: stats["deactivated_in_marketing"] == 1,
        "character encoding breaks special characters": lambda: stats["errors"] == 0,
        "case sensitivity creates duplicate values":
            lambda: len(set(marketing_sync.marketing.picklist("industry")["values"])) == 6,
        "the activity type is mapped wrongly": lambda: stats["activities_to_crm"] >= 1,
    }
    assert checks[failure](), f"{failure}: last sync job {jobs[-1]}"
    report = marketing_sync.reconciliation()
    assert report["ok"], report


# --- volume -----------------------------------------------------------------------------------------

@then("the sync error log is empty")
def error_log_empty(marketing_sync):
    job_ids = {j["id"] for j in marketing_sync.results.get("jobs", [])}
    errors = [e for e in marketing_sync.marketing.sync_errors() if e["job_id"] in job_ids]
    assert not errors, errors


@when(parsers.re(r'(?P<people>\d+) people register for "(?P<webinar>[^"]+)" at the same moment, (?P<twice>\d+) of them twice'))
def people_register(people, webinar, twice, marketing_sync):
    marketing_sync.register_many(webinar, int(people), int(twice))


@then(parsers.re(r'marketing has exactly (?P<people>\d+) registrants in "(?P<webinar>[^"]+)"'))
def registrants(people, webinar, marketing_sync):
    members = marketing_sync.marketing.campaign(marketing_sync.campaigns[webinar]["id"])["members"]
    enrolled = [m["contact_id"] for m in members if m["status"] == "enrolled"]
    assert len(enrolled) == len(set(enrolled)) == int(people), f"{len(enrolled)} members, {len(set(enrolled))} distinct"
    registrations = marketing_sync.results["registrations"]
    assert registrations["duplicates_answered"] == registrations["posted"] - registrations["people"], \
        "a repeated submission was not recognised as the same registration"


@then(parsers.re(r"the CRM has exactly one contact for each of the (?P<people>\d+) registrants"))
def one_crm_contact_each(people, marketing_sync):
    mine = set(marketing_sync.marketing_ids)
    contacts = [c for c in marketing_sync.marketing.contacts(origin="form") if c["id"] in mine]
    crm_ids = [c["crm_id"] for c in contacts]
    assert len(contacts) == int(people) and None not in crm_ids and len(set(crm_ids)) == int(people), \
        f"{len(contacts)} marketing contacts, {len(set(crm_ids) - {None})} distinct crm contacts"
    for crm_id in crm_ids:
        marketing_sync.track(crm_id=crm_id)
    crm_emails = [c["email"] for c in marketing_sync.crm.contacts_by_ids(crm_ids)]
    assert sorted(crm_emails) == sorted(marketing_sync.results["registrations"]["emails"])


@then("the registration throughput is in the report")
def throughput_reported(marketing_sync):
    result = {k: v for k, v in marketing_sync.results["registrations"].items() if k != "emails"}
    summary = (f"{result['posted']} form posts ({result['people']} people) from {result['workers']} threads in "
               f"{result['seconds']} s = {result['per_second']} submissions/s; repeats answered as duplicates: "
               f"{result['duplicates_answered']}")
    soft_attach(summary, "registration throughput")
    assert result["per_second"] > 0, summary


# --- triggers and sequences -------------------------------------------------------------------------

@given(parsers.re(r'a "(?P<name>[^"]+)" trigger at a lead score of (?P<threshold>\d+)'
                  r'(?: that (?P<refire>does not fire again|fires again) on a new crossing| starts watching)$'))
def score_trigger(name, threshold, refire, marketing_sync):
    marketing_sync.triggers[name] = marketing_sync.marketing.create_trigger(
        f"{name} {uuid.uuid4().hex[:6]}", int(threshold), refire_on_recross=refire == "fires again")


@given(parsers.re(r"(?P<first>\w+)'s lead score is (?P<score>\d+)$"))
def lead_score_is(first, score, marketing_sync):
    marketing_sync.marketing.score(marketing_sync.in_marketing(first)["id"], set=int(score))


@when(parsers.re(r"(?P<first>\w+)'s lead score changes by (?P<delta>-?\d+)$"))
def lead_score_changes(first, delta, marketing_sync):
    marketing_sync.marketing.score(marketing_sync.in_marketing(first)["id"], delta=int(delta))


@then(parsers.re(r'the "(?P<name>[^"]+)" trigger has fired (?P<times>0 times|once|twice) for (?P<first>\w+)'))
def trigger_fired(name, times, first, marketing_sync):
    contact_id = marketing_sync.in_marketing(first)["id"]
    trigger = marketing_sync.marketing.trigger(marketing_sync.triggers[name]["id"])
    fired = sum(f["fired_count"] for f in trigger["firings"] if f["contact_id"] == contact_id)
    assert fired == TIMES[times], f"fired {fired} times: {trigger}"


@then(parsers.re(r"the CRM shows (?P<first>\w+)'s lead score as (?P<score>\d+) and stage \"(?P<stage>[^\"]*)\""))
def crm_shows_score(first, score, stage, marketing_sync, sandbox_admin_api):
    sandbox_admin_api.advance_clock(marketing_sync.sync_interval)
    custom = eventually(lambda: marketing_sync.crm.contact(marketing_sync.personas[first].id)["custom_fields"],
                        until=lambda c: c.get("lead_score") == int(score),
                        description=f"{first}'s lead score {score} in the CRM")
    assert custom.get("lifecycle_stage") == (stage or None), custom


@when(parsers.re(r'marketing is asked to enrol (?P<first>\w+) in "(?P<nurture>[^"]+)" before \w+ exists'))
def enrol_before_exists(first, nurture, marketing_sync):
    name = next(n for n in marketing_sync.prospects if n.split()[0] == first)
    email = f"{first.lower()}.{uuid.uuid4().hex[:6]}@example.test"
    marketing_sync.prospects[name] = {"email": email}
    marketing_sync.results["enrolment"] = marketing_sync.marketing.enrol(
        marketing_sync.campaigns[nurture]["id"], email=email)


@then(parsers.re(r'(?P<first>\w+)\'s enrolment in "(?P<nurture>[^"]+)" is waiting'))
def enrolment_waiting(first, nurture, marketing_sync):
    members = marketing_sync.marketing.campaign(marketing_sync.campaigns[nurture]["id"])["members"]
    waiting = [m for m in members if m["status"] == "waiting"]
    assert len(waiting) == 1 and waiting[0]["contact_id"] is None, members


@then(parsers.re(r'(?P<first>\w+) is enrolled in "(?P<nurture>[^"]+)" after his contact was created'))
def enrolled_after_creation(first, nurture, marketing_sync):
    contact = marketing_sync.in_marketing(first)
    members = marketing_sync.marketing.campaign(marketing_sync.campaigns[nurture]["id"])["members"]
    assert [(m["contact_id"], m["status"]) for m in members] == [(contact["id"], "enrolled")], members
    assert members[0]["enrolled_at"] >= contact["created_at"] >= members[0]["requested_at"], (members, contact)


# --- outages and loops ------------------------------------------------------------------------------

@then("the sync job failed and its error log names the outage")
def job_failed(marketing_sync):
    job = marketing_sync.results["jobs"][-1]
    assert job["status"] == "failed" and job["next_retry_at"], job
    errors = [e for e in marketing_sync.marketing.sync_errors() if e["job_id"] == job["id"]]
    assert any("marketing unavailable" in e["error"] for e in errors), errors


@then(parsers.re(r"(?P<stored>\d+) of the (?P<total>\d+) customers are in marketing"))
def some_in_marketing(stored, total, marketing_sync):
    copies = marketing_sync.copies_in_marketing()
    assert len(copies) == int(total), f"the scenario made {len(copies)} customers, not {total}"
    assert sum(copies) == int(stored), f"{sum(copies)} of {total} in marketing"


@then(parsers.re(r"all (?P<total>\d+) customers are in marketing exactly once"))
def all_once(total, marketing_sync):
    seen = eventually(marketing_sync.copies_in_marketing, until=lambda c: all(n == 1 for n in c), description="every customer once in marketing")
    assert len(seen) == int(total)


@then("the sync history shows the retry succeeded")
def retry_succeeded(marketing_sync):
    failed = marketing_sync.results["jobs"][-1]
    jobs = [j for j in marketing_sync.marketing.sync_jobs() if j["id"] > failed["id"]]
    assert jobs and jobs[-1]["trigger"] == "retry" and jobs[-1]["status"] == "succeeded", jobs


@then(parsers.re(r"the CRM has (?P<first>\w+) on the do-not-call list"))
def crm_do_not_call(first, marketing_sync):
    assert marketing_sync.crm.contact(marketing_sync.personas[first].id)["do_not_call"] is True


@then("the second sync changed nothing in either system")
def second_sync_idle(marketing_sync):
    last = marketing_sync.results["jobs"][-1]["stats"]
    moved = {k: v for k, v in last.items() if k not in ("pulled", "unchanged") and v}
    assert not moved, f"the second sync still moved data (an update loop?): {last}"


@then(parsers.re(r'the reconciliation report names the field "(?P<field>[^"]+)" for (?P<first>\w+)'))
def report_names_field(field, first, marketing_sync):
    report = marketing_sync.reconciliation()
    crm_id = marketing_sync.personas[first].id
    assert not report["ok"] and [(d["crm_id"], d["field"]) for d in report["differences"]] == [(crm_id, field)], report
    soft_attach(str(report["differences"]), "reconciliation while out of step")


@then("the reconciliation report shows no differences")
def report_clean(marketing_sync):
    report = marketing_sync.reconciliation()
    assert report["ok"], report


# --- the agent desktop ------------------------------------------------------------------------------

@when(parsers.re(r"(?P<agent>\w+) opens (?P<first>\w+)'s record in the console"))
def agent_opens_record(agent, first, desktop, marketing_sync):
    persona = marketing_sync.personas[first]
    console = desktop.console(agent)
    console.search(persona.phone[-7:])  # the number: names may repeat
    console.open_search_result(persona.full_name)
    console.contact_record.expect_contact(persona.full_name)


@then(parsers.re(r'the console timeline shows the marketing email "(?P<subject>[^"]+)"'))
def console_timeline_email(subject, desktop, journey, marketing_sync):
    desktop.console(journey.desk_agent).contact_record.expect_marketing_email(subject)
    assert any(a["subject"] == subject and a["type"] == "email"
               for a in marketing_sync.crm.activities()), "the CRM has no such email activity"


@then(parsers.re(r'the console shows "(?P<flag>Do not email|Do not call)" for (?P<first>\w+)'))
def console_shows_flag(flag, first, desktop, journey, marketing_sync):
    desktop.console(journey.desk_agent).contact_record.expect_flag(flag)
    field = {"Do not email": "email_opt_out", "Do not call": "do_not_call"}[flag]
    assert marketing_sync.crm.contact(marketing_sync.personas[first].id)[field] is True


@then(parsers.re(r"(?P<agent>\w+) cannot email (?P<first>\w+) from the console"))
def cannot_email(agent, first, desktop, marketing_sync):
    desktop.console(agent).contact_record.expect_email_blocked()
    contact_id = marketing_sync.personas[first].id
    refused = marketing_sync.crm.email_contact(contact_id, "Checking in", expect=(409,))
    assert "Do not email" in refused["detail"], refused
    assert not [a for a in marketing_sync.crm_timeline(first) if a["type"] == "email" and a["source"] != "marketing"]


@then(parsers.re(r"(?P<agent>\w+) cannot call (?P<first>\w+) from the console"))
def cannot_call(agent, first, desktop, actors, cti_api, marketing_sync):
    desktop.console(agent).contact_record.expect_call_blocked()
    persona = marketing_sync.personas[first]
    refused = cti_api.call("POST", "/api/calls/outbound", expect=(403,),
                       json={"agent": actors.user(agent).username, "to_number": persona.phone,
                             "record_id": str(persona.id)})
    assert "do-not-call" in refused["detail"], refused


# --- parallel journeys ------------------------------------------------------------------------------

@when(parsers.re(r'at the same time the nurture emails (?P<first>\w+) "(?P<subject>[^"]+)", \w+ registers for '
                 r'"(?P<webinar>[^"]+)" and sales logs a call with \w+'))
def parallel_touches(first, subject, webinar, marketing_sync):
    contact = marketing_sync.in_marketing(first)
    persona = marketing_sync.personas[first]
    nurture = next(c for c in marketing_sync.campaigns.values() if c["kind"] == "nurture")
    call_id = f"sales-call-{uuid.uuid4().hex[:8]}"
    touches = [
        lambda: marketing_sync.marketing.send_email(contact["id"], subject, nurture["id"]),
        lambda: marketing_sync.marketing.submit_form({
            "submission_id": f"reg-{uuid.uuid4().hex[:8]}", "form": f"{webinar} registration",
            "campaign": marketing_sync.campaigns[webinar]["name"], "email": contact["email"],
            "first_name": persona.first_name, "last_name": persona.last_name, "phone": persona.phone}),
        lambda: marketing_sync.crm.put_activity(call_id, direction="outbound", status="completed", queue="sales",
                                                contact_id=persona.id, agent="maya", disposition="CALLBACK"),
    ]
    with ThreadPoolExecutor(max_workers=len(touches)) as pool:
        list(pool.map(lambda touch: touch(), touches))
    marketing_sync.results["journey"] = [subject, f"{webinar} registration", marketing_sync.campaigns[webinar]["name"],
                                         call_id]


@when(parsers.re(r'a minute later the nurture emails (?P<first>\w+) "(?P<subject>[^"]+)" while the scheduled sync runs'))
def email_during_sync(first, subject, marketing_sync, sandbox_admin_api):
    sandbox_admin_api.advance_clock(60)
    contact = marketing_sync.in_marketing(first)
    nurture = next(c for c in marketing_sync.campaigns.values() if c["kind"] == "nurture")
    with ThreadPoolExecutor(max_workers=2) as pool:
        sync = pool.submit(marketing_sync.marketing.run_sync)
        pool.submit(marketing_sync.marketing.send_email, contact["id"], subject, nurture["id"]).result()
        sync.result()
    marketing_sync.results["journey"].append(subject)


@then(parsers.re(r"the CRM timeline has each of (?P<first>\w+)'s activities once, in the order they happened"))
def timeline_once_in_order(first, marketing_sync):
    expected = marketing_sync.results["journey"]
    timeline = list(reversed(marketing_sync.crm_timeline(first)))  # oldest first
    labels = [a["subject"] or a["interaction_id"] for a in timeline]
    assert sorted(labels) == sorted(expected), f"CRM timeline {labels}, expected each of {expected} once"
    times = [a["occurred_at"] or a["created_at"] for a in timeline]
    assert times == sorted(times) and labels[-1] == expected[-1], list(zip(labels, times))


@then(parsers.re(r'marketing has one contact for (?P<first>\w+), in "(?P<one>[^"]+)" and "(?P<two>[^"]+)"'))
def one_contact_two_campaigns(first, one, two, marketing_sync):
    persona = marketing_sync.personas[first]
    same_email = marketing_sync.marketing.contacts(email=marketing_sync.in_marketing(first)["email"])
    assert len(same_email) == 1 and same_email[0]["crm_id"] == persona.id, same_email
    campaigns = {c["name"]: c["status"] for c in marketing_sync.in_marketing(first)["campaigns"]}
    assert campaigns == {marketing_sync.campaigns[one]["name"]: "enrolled",
                         marketing_sync.campaigns[two]["name"]: "enrolled"}, campaigns
