"""Resilience: failures at the integration edges (sandbox faults) and in the agent's own browser
(request routing), expired tokens, dropped event streams and simultaneous changes."""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from fixtures.concurrency import at_the_same_moment
from fixtures.eventually import eventually
from pages.softphone import state_label

BACKEND_FAILURES = {"errors": "http_500", "an empty body": "null_body", "time-outs": "timeout"}
BROWSER_FAILURES = {"fail with a server error": "error", "cannot reach the server": "network",
                    "come back garbled": "corrupt", "hang": "hold"}
BROWSER_SERVICES = {"screen pop": "screen pops", "call control": "call controls"}
CTI_TO_CRM_STATUS = {"AVAILABLE": "Online", "NOT_READY": "Busy", "OFFLINE": "Offline"}


# --- backend faults (the sandbox) -----------------------------------------------------------------

@given(parsers.re(r"the CRM answers (?P<service>.+?) with (?P<failure>errors|an empty body|time-outs)"
                  r"(?: (?P<times>once|\d+ times))?$"))
def crm_answers_with(service, failure, times, backend_faults):
    """Makes the CRM fail a service it offers: every request until the CRM recovers, or only the next
    ones ("once", "3 times"). Failures: "errors" (HTTP 500), "an empty body" (200 with nothing in it,
    as if the CRM took the request and stored nothing), "time-outs". Services: screen pops, account
    lookups, contact records, call logs, presence updates, event deliveries."""
    count = None if times is None else 1 if times == "once" else int(times.split()[0])
    backend_faults.fail(service, BACKEND_FAILURES[failure], count=count)


@given(parsers.re(r"the CRM is slow to answer (?:(?P<service>.+?) )?by (?P<seconds>\d+) seconds?$"))
def crm_is_slow(service, seconds, backend_faults):
    backend_faults.fail(service or "screen pops", "delay", delay_ms=int(seconds) * 1000)


@given("the CRM stops accepting call logs")
def crm_refuses_call_logs(backend_faults):
    backend_faults.fail("call logs", "http_500")


@when("the CRM recovers")
def crm_recovers(backend_faults):
    backend_faults.recover()


# --- browser faults (request routing in the agent's browser) -----------------------------------------

@given(parsers.re(r"the (?P<service>screen pop|call control) requests from (?P<agent>\w+)'s (?:console|softphone) "
                  r"(?P<failure>fail with a server error|cannot reach the server|come back garbled|hang)$"))
def desktop_requests_fail(service, agent, failure, browser_faults):
    browser_faults.inject(agent, BROWSER_SERVICES[service], BROWSER_FAILURES[failure])


@when(parsers.parse("{agent}'s network recovers"))
def network_recovers(agent, browser_faults):
    browser_faults.clear()


@when("the held screen pop answers arrive")
def held_answers_arrive(browser_faults):
    assert browser_faults.hits("screen pops"), "no screen pop request was held"
    browser_faults.release()


# --- screen pop -----------------------------------------------------------------------------------

@then(parsers.parse("{agent}'s console says the screen pop failed and offers a retry"))
def console_says_pop_failed(agent, desktop, cti_api, actors, journey):
    desktop.console(agent).screen_pop.expect_failure()
    username = actors.user(agent).username
    # the failed pop does not hold up the call: it still rings for the agent
    call = cti_api.interaction(journey.require_call())
    assert call["state"] == "offered" and call["agent"] == username, call


@when(parsers.parse("{agent} retries the screen pop"))
def retry_pop(agent, desktop):
    desktop.console(agent).screen_pop.retry()


@then("the CRM has no screen pop of the call yet")
def crm_has_no_pop(crm_api, journey):
    pops = crm_api.screenpops(journey.require_call())["screenpops"]
    assert pops == [], f"the failed screen pop left something behind in the CRM: {pops}"


@then(parsers.parse("the CRM recorded one screen pop of the call for {agent}"))
def crm_recorded_one_pop(agent, crm_api, actors, journey, events):
    username, call_id = actors.user(agent).username, journey.require_call()
    pops = eventually(lambda: crm_api.screenpops(call_id)["screenpops"], until=lambda found: found,
                      description="the CRM's screen pop for the call")
    mine = [p for p in pops if p["agent"] == username]
    assert len(mine) == 1, pops
    events.wait_for("screenpop.performed", system="crm", interaction_id=call_id, agent=username)
    performed = events.of_type("screenpop.performed", interaction_id=call_id, agent=username)
    assert len(performed) == 1, f"the pop was performed {len(performed)} times: {performed}"


# --- call logs while the CRM is down ---------------------------------------------------------------

@then(parsers.parse('the CTI keeps the disposition "{code}" while the CRM\'s call log waits'))
def cti_keeps_disposition(code, cti_api, crm_api, journey):
    call_id = journey.require_call()
    call = eventually(lambda: cti_api.interaction(call_id), until=lambda i: i["state"] == "completed",
                      description="the call completed in the CTI")
    assert call["disposition"] == code, call
    log = crm_api.activities(interaction_id=call_id)
    assert all(a["status"] != "completed" for a in log), f"the CRM was down but has a completed log: {log}"


# --- tokens ----------------------------------------------------------------------------------------

@when("the access tokens expire during the call")
def tokens_expire(crm_api, cti_api, settings, sandbox_admin_api, journey):
    journey.notes["tokens"] = {name: (client.token(), client.token_requests)
                               for name, client in (("crm", crm_api), ("cti", cti_api))}
    sandbox_admin_api.advance_clock(settings.token_ttl + 1)


@then("the expired tokens are refused and the API clients renewed theirs")
def tokens_renewed(crm_api, cti_api, journey):
    for name, client in (("crm", crm_api), ("cti", cti_api)):
        old_token, requests_before = journey.notes["tokens"][name]
        assert not client.accepts_token(old_token), f"{name} still accepts a token past its expiry"
        client.get("/api/events", params={"limit": 1})  # an ordinary call: answered after a renewal
        assert client.token_requests > requests_before, f"the {name} client never renewed its token"
        assert client.token() != old_token


# --- the softphone's event stream -----------------------------------------------------------------------

@given(parsers.parse("{agent}'s softphone loses its connection to the telephony events"))
@when(parsers.parse("{agent}'s softphone loses its connection to the telephony events"))
def stream_drops(agent, browser_faults, backend_faults):
    service = "the softphone's event stream"
    browser_faults.inject(agent, service, "network")     # reconnects fail while the network is down
    backend_faults.fail(service, "drop_event")             # the open connection drops now
    eventually(lambda: browser_faults.hits(service), description="the softphone trying to reconnect in vain")


@when("the softphone's connection comes back")
def stream_comes_back(browser_faults):
    browser_faults.clear()


# --- call controls --------------------------------------------------------------------------------------

@when(parsers.parse("{agent} tries to put the call on hold"))
def try_hold(agent, desktop):
    desktop.console(agent).softphone.try_to_hold()


@then(parsers.parse("{agent}'s softphone says the action failed"))
def action_failed(agent, desktop, cti_api, journey):
    desktop.console(agent).softphone.expect_action_failed()
    call = cti_api.interaction(journey.require_call())
    assert call["state"] == "connected" and not call["on_hold"], call


# --- simultaneous changes -----------------------------------------------------------------------------

@given(parsers.parse("{first} and {second} both have {customer}'s contact record open"))
def both_open_record(first, second, customer, desktop, personas):
    name, phone = personas[customer].full_name, personas[customer].phone
    for agent in (first, second):
        console = desktop.console(agent)
        console.search(phone.lstrip("+"))  # the number is the scenario's own; names repeat across scenarios
        console.open_search_result(name)
        console.contact_record.expect_contact(name)


def _as_agent(crm_api, actors, agent):
    user = actors.user(agent)
    return crm_api.as_user(user.username, user.password)


@when(parsers.parse("{first} and {second} change {customer}'s email at the same moment"))
def both_change_email(first, second, customer, crm_api, actors, personas, journey):
    contact_id = personas[customer].id
    written = {agent: f"{customer.lower()}.from-{agent.lower()}@example.test" for agent in (first, second)}
    clients = {agent: _as_agent(crm_api, actors, agent) for agent in written}
    at_the_same_moment(*(lambda a=a: clients[a].update_contact(contact_id, email=written[a]) for a in written))
    journey.notes["written"] = {"Email": sorted(written.values())}
    journey.notes["agents"] = [first, second]
    journey.notes["contact_id"] = contact_id


@when(parsers.parse("{first} changes {customer}'s email while {second} changes {customer2}'s account number"))
def change_different_fields(first, customer, second, customer2, crm_api, actors, personas, journey):
    contact_id = personas[customer].id
    email, account = f"{customer.lower()}.new@example.test", f"ACC-NEW-{contact_id}"
    maya, leo = _as_agent(crm_api, actors, first), _as_agent(crm_api, actors, second)
    at_the_same_moment(lambda: maya.update_contact(contact_id, email=email),
                       lambda: leo.update_contact(contact_id, account_number=account))
    journey.notes["expected"] = {"Email": email, "Account number": account}
    journey.notes["agents"] = [first, second]


@then(parsers.parse("both consoles and the CRM show the same email for {customer}, the last one written"))
def same_email_everywhere(customer, crm_api, personas, desktop, journey):
    final = crm_api.contact(personas[customer].id)["email"]
    assert final in journey.notes["written"]["Email"], (final, journey.notes["written"])
    for agent in journey.notes["agents"]:
        desktop.console(agent).contact_record.expect_field_value("Email", final)
    assert crm_api.contact(personas[customer].id)["email"] == final, "the CRM changed its mind"


@then("the CRM recorded both email changes")
def both_changes_recorded(events, journey):
    contact_id = journey.notes["contact_id"]
    changes = eventually(lambda: events.of_type("contact.updated", id=contact_id,
                                                where=lambda e: "email" in e["data"]["changed"]),
                         until=lambda found: len(found) >= 2, description="two email changes as events")
    assert len(changes) == 2, changes


@then(parsers.parse("both consoles and the CRM show both of {customer}'s new details"))
def both_details_everywhere(customer, crm_api, personas, desktop, journey):
    contact = crm_api.contact(personas[customer].id)
    expected = journey.notes["expected"]
    assert (contact["email"], contact["account_number"]) == (expected["Email"], expected["Account number"]), contact
    for agent in journey.notes["agents"]:
        for label, value in expected.items():
            desktop.console(agent).contact_record.expect_field_value(label, value)


@when(parsers.parse('{agent}\'s softphone asks for "{reason}" while the CRM sets her "{status}" at the same moment'))
def presence_race(agent, reason, status, cti_api, crm_api, actors, journey):
    username = actors.user(agent).username
    at_the_same_moment(lambda: cti_api.set_state(username, "NOT_READY", reason),
                       lambda: crm_api.set_presence(username, status))
    journey.notes["race"] = {"reason": reason, "status": status}


@then(parsers.parse("{agent}'s softphone, console, the CTI and the CRM all agree on her last state"))
def presence_agrees(agent, cti_api, crm_api, actors, desktop, journey):
    username = actors.user(agent).username

    def settled():
        state = cti_api.agent(username)
        presence = crm_api.presence(username)
        assert CTI_TO_CRM_STATUS[state["state"]] == presence["status"], (state, presence)
        return state, presence

    state, presence = eventually(settled, description=f"{agent}'s CTI state and CRM presence in step")
    race = journey.notes["race"]
    assert (state["state"], state["reason"]) in (("NOT_READY", race["reason"]), ("OFFLINE", None)) \
        and presence["status"] in ("Busy", race["status"]), (state, presence)
    console = desktop.console(agent)
    console.softphone.expect_state(state_label(state["state"], state["reason"]))
    console.expect_crm_presence(presence["status"])
    assert settled() == (state, presence), "the state moved after the consoles caught up"


@then("both presence changes were recorded as events")
def race_recorded(events, actors, journey):
    username = actors.user(journey.desk_agent).username
    race = journey.notes["race"]
    events.wait_for("agent.state_changed", system="cti", username=username, state="NOT_READY", reason=race["reason"])
    events.wait_for("presence.changed", system="crm", username=username, status=race["status"], source="crm")
