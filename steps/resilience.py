"""Resilience: failures at the integration edges (backend faults) and in the agent's own browser
(request routing), expired tokens, dropped event streams and simultaneous changes."""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from deskcheck.capabilities import checks_if_offered, needs
from deskcheck.names import ACTOR, phrase
from fixtures.agreement import expect_value
from fixtures.concurrency import at_the_same_moment
from fixtures.eventually import eventually
from deskcheck.records.cti import state_label
from steps._tokens import token_clients

BACKEND_FAILURES = {"errors": "http_500", "an empty body": "null_body", "time-outs": "timeout"}
BROWSER_FAILURES = {"fail with a server error": "error", "cannot reach the server": "network",
                    "come back garbled": "corrupt", "hang": "hold"}
BROWSER_SERVICES = {"screen pop": "screen pops", "call control": "call controls"}
CTI_TO_CRM_STATUS = {"AVAILABLE": "Online", "NOT_READY": "Busy", "OFFLINE": "Offline"}


# --- backend faults ------------------------------------------------------------------------------

@given(parsers.re(r"the CRM answers (?P<service>.+?) with (?P<failure>errors|an empty body|time-outs)"
                  r"(?: (?P<times>once|\d+ times))?$"))
@needs("backend_faults")
def crm_answers_with(service, failure, times, backend_faults):
    """Makes the CRM fail a service it offers: every request until the CRM recovers, or only the next
    ones ("once", "3 times"). Failures: "errors" (HTTP 500), "an empty body" (200 with nothing in it,
    as if the CRM took the request and stored nothing), "time-outs". Services: screen pops, account
    lookups, contact records, call logs, presence updates, event deliveries."""
    count = None if times is None else 1 if times == "once" else int(times.split()[0])
    backend_faults.fail(service, BACKEND_FAILURES[failure], count=count)


@given(parsers.re(r"the CRM is slow to answer (?:(?P<service>.+?) )?by (?P<seconds>\d+) seconds?$"))
@needs("backend_faults")
def crm_is_slow(service, seconds, backend_faults):
    """Makes the CRM answer a service (screen pops when none is named; or account lookups, contact
    records, call logs, presence updates) the given number of seconds late, until the scenario ends."""
    backend_faults.fail(service or "screen pops", "delay", delay_ms=int(seconds) * 1000)


@given("the CRM stops accepting call logs")
@needs("backend_faults")
def crm_refuses_call_logs(backend_faults):
    """Makes the CRM answer every call log the CTI sends with a server error (HTTP 500), until the CRM
    recovers."""
    backend_faults.fail("call logs", "http_500")


@when("the CRM recovers")
@needs("backend_faults")
def crm_recovers(backend_faults):
    """Takes every backend fault of the scenario away: the CRM answers normally again."""
    backend_faults.recover()


# --- browser faults (request routing in the agent's browser) -----------------------------------------

@given(parsers.re(rf"the (?P<service>screen pop|call control) requests from (?P<agent>{ACTOR})'s (?:console|softphone) "
                  r"(?P<failure>fail with a server error|cannot reach the server|come back garbled|hang)$"))
def desktop_requests_fail(service, agent, failure, browser_faults):
    """In the agent's own browser (no help from the servers): the console's screen pop requests, or the
    softphone's call control requests (answer, hold, mute, transfer, hang up, ...), "fail with a server
    error", "cannot reach the server", "come back garbled" or "hang" (no answer until released)."""
    browser_faults.inject(agent, BROWSER_SERVICES[service], BROWSER_FAILURES[failure])


@when(phrase("{agent:Actor}'s network recovers"))
def network_recovers(agent, browser_faults):
    """Takes every fault out of the agents' browsers; requests still held go on to the server."""
    browser_faults.clear()


@when("the held screen pop answers arrive")
def held_answers_arrive(browser_faults):
    """Checks a screen pop request was held in the agent's browser, then lets the held requests go on
    to the server (a slow answer finally arrives)."""
    assert browser_faults.hits("screen pops"), "no screen pop request was held"
    browser_faults.release()


# --- screen pop -----------------------------------------------------------------------------------

@then(phrase("{agent:Actor}'s console says the screen pop failed and offers a retry"))
def console_says_pop_failed(agent, desktop, cti, actors, journey):
    """In the agent's console: the screen pop panel says the pop failed and offers a Retry button; the
    failed pop does not hold up the call: the CTI still has it offered (ringing) to the agent."""
    desktop.console(agent).screen_pop.expect_failure()
    call = cti.interaction(journey.require_call())
    expect_value(f"the state of call {call.id} and its agent after the failed screen pop",
                 ("offered", actors.user(agent).username), "the CTI", (call.state, call.agent))


@when(phrase("{agent:Actor} retries the screen pop"))
def retry_pop(agent, desktop):
    """In the agent's console: presses Retry on the failed screen pop."""
    desktop.console(agent).screen_pop.retry()


@then("the CRM has no screen pop of the call yet")
@needs("event_stream")
@checks_if_offered("screen_pop_audit")
def crm_has_no_pop(crm, journey, events, optional_checks):
    """Checks the CRM announced no screen pop of the scenario's call, and, where the CRM records its screen
    pops (screen_pop_audit), that it recorded none: the failed attempt left nothing behind."""
    call_id = journey.require_call()
    announced = events.of_type("screenpop.performed", system="crm", interaction_id=call_id)
    expect_value(f"the screen pops the CRM announced for call {call_id} after the failure", 0, "the CRM's events",
                 len(announced))

    def none_recorded() -> None:
        pops = crm.screen_pops(call_id)
        expect_value(f"the screen pops the CRM recorded for call {call_id} after the failure", "none", "the CRM",
                     "; ".join(p.describe() for p in pops) or "none")
    optional_checks.check("screen_pop_audit", f"the CRM's own record of call {call_id}'s screen pops (none yet)",
                          none_recorded)


@then(phrase("the CRM recorded one screen pop of the call for {agent:Actor}"))
@needs("event_stream")
@checks_if_offered("screen_pop_audit")
def crm_recorded_one_pop(agent, crm, actors, journey, events, optional_checks):
    """Checks the CRM announced exactly one screen pop of the call for the agent (a retry or a reconnect
    must not pop twice), and, where the CRM records its screen pops (screen_pop_audit), that it recorded
    exactly one for the agent."""
    username, call_id = actors.user(agent).username, journey.require_call()

    def one_recorded() -> None:
        pops = eventually(lambda: crm.screen_pops(call_id), until=lambda found: found,
                          description=f"the CRM's screen pop of call {call_id}")
        expect_value(f"the number of screen pops of call {call_id} for {agent}", 1, "the CRM",
                     len([p for p in pops if p.agent == username]))
    optional_checks.check("screen_pop_audit", f"the CRM's own record of one screen pop of call {call_id} for {agent}",
                          one_recorded)
    events.wait_for("screenpop.performed", system="crm", interaction_id=call_id, agent=username)
    performed = events.of_type("screenpop.performed", interaction_id=call_id, agent=username)
    expect_value(f"the number of screen pops of call {call_id} for {agent} the CRM announced", 1,
                 "the CRM's events", len(performed))


# --- call logs while the CRM is down ---------------------------------------------------------------

@then(parsers.parse('the CTI keeps the disposition "{code}" while the CRM\'s call log waits'))
def cti_keeps_disposition(code, cti, crm, journey):
    """Waits until the CTI has the scenario's call completed; checks the CTI kept the disposition code,
    and that the CRM (still down) has no completed call log of the call."""
    call_id = journey.require_call()
    call = eventually(lambda: cti.interaction(call_id), until=lambda i: i.state == "completed",
                      description=f"call {call_id} completed in the CTI", describe=lambda i: i.describe())
    expect_value(f"the disposition of call {call_id}", code, "the CTI", call.disposition)
    completed = [log for log in crm.call_logs(call_id=call_id) if log.status == "completed"]
    expect_value(f"the completed call logs of call {call_id} while the CRM is down", "none", "the CRM",
                 "; ".join(log.describe() for log in completed) or "none")


# --- tokens ----------------------------------------------------------------------------------------

@when("the access tokens expire during the call")
@needs("clock")
@checks_if_offered("token_audit")
def tokens_expire(crm, cti, controls, settings, journey):
    """Notes which access token each of the suite's API clients (the CRM's, the CTI's) holds, where it holds
    one (token_audit), then moves the target's clock past the tokens' lifetime (the token_ttl setting, plus
    one second) while the call goes on."""
    journey.notes["sessions"] = {system: port.api_session() for system, port in token_clients(crm, cti).items()}
    controls.advance_clock(settings.token_ttl + 1)


@then("the expired tokens are refused and the API clients renewed theirs")
@needs("crm_presence")
@checks_if_offered("token_audit")
def tokens_renewed(crm, cti, actors, journey, optional_checks):
    """For the CRM and the CTI: the access token held before the expiry is refused now; an ordinary
    request (the desk agent's presence in the CRM, their state in the CTI) is answered all the same,
    because the client fetched a new token. A client that holds no token (it signs every request, as
    Amazon Connect's SigV4 does: nothing to expire) has its check reported as not applicable."""
    username = actors.user(journey.desk_agent).username
    holders = token_clients(crm, cti)
    for system, port, ordinary_request in (("the CRM", crm, lambda: crm.presence(username)),
                                           ("the CTI", cti, lambda: cti.agent(username))):
        if system not in holders:
            optional_checks.report_not_made("token_audit", f"{system}'s API client's expired access token refused "
                                            "and renewed (the client holds no access token)")
            ordinary_request()  # answered all the same after the expiry
            continue
        before = journey.notes["sessions"][system]
        expect_value(f"whether the access token from before the expiry ({before.token_fingerprint}) is taken",
                     False, system, port.accepts_session(before))
        ordinary_request()
        now = port.api_session()
        assert now.tokens_fetched > before.tokens_fetched and now.token_fingerprint != before.token_fingerprint, \
            f"the suite's client of {system} never renewed its token: before the expiry {before.describe()}; " \
            f"now {now.describe()}"


# --- the softphone's event stream -----------------------------------------------------------------------

@given(phrase("{agent:Actor}'s softphone loses its connection to the telephony events"))
@when(phrase("{agent:Actor}'s softphone loses its connection to the telephony events"))
@needs("backend_faults")
def stream_drops(agent, browser_faults, backend_faults):
    """The CTI drops the agent's softphone's open event stream, and the agent's browser cannot reconnect
    to it (until "the softphone's connection comes back"); waits until the softphone has tried to reconnect."""
    service = "the softphone's event stream"
    browser_faults.inject(agent, service, "network")     # reconnects fail while the network is down
    backend_faults.fail(service, "drop_event")             # the open connection drops now
    eventually(lambda: browser_faults.hits(service), description="the softphone trying to reconnect in vain")


@when("the softphone's connection comes back")
def stream_comes_back(browser_faults):
    """Takes the faults out of the agents' browsers: the softphone can reconnect to its event stream."""
    browser_faults.clear()


# --- call controls --------------------------------------------------------------------------------------

@when(phrase("{agent:Actor} tries to put the call on hold"))
def try_hold(agent, desktop):
    """In the agent's softphone: presses Hold, without waiting for the call to show on hold."""
    desktop.console(agent).softphone.try_to_hold()


@then(phrase("{agent:Actor}'s softphone says the action failed"))
def action_failed(agent, desktop, cti, journey):
    """In the agent's softphone: a message says the action failed; the CTI has the call as it was:
    connected and not on hold."""
    desktop.console(agent).softphone.expect_action_failed()
    call = cti.interaction(journey.require_call())
    expect_value(f"the state of call {call.id} after the failed action (state, on hold)", ("connected", False),
                 "the CTI", (call.state, call.on_hold))


# --- simultaneous changes -----------------------------------------------------------------------------

@given(phrase("{first:Actor} and {second:Actor} both have {customer:Persona}'s contact record open"))
@when(phrase("{first:Actor} and {second:Actor} both open {customer:Persona}'s contact record"))
def both_open_record(first, second, customer, desktop, personas):
    """In each of the two agents' consoles: searches the customer's number and opens their contact record
    from the results (a Given for the set-up; the When form does the same mid-scenario)."""
    name, phone = personas[customer].full_name, personas[customer].phone
    for agent in (first, second):
        console = desktop.console(agent)
        console.search(phone.lstrip("+"))  # the number is the scenario's own; names repeat across scenarios
        console.open_search_result(name)
        console.contact_record.expect_contact(name)


def _as_agent(crm, actors, agent):
    """The CRM as the agent's own user sees it (their role applies)."""
    user = actors.user(agent)
    return crm.as_user(user.username, user.password)


@when(phrase("{first:Actor} and {second:Actor} change {customer:Persona}'s email at the same moment"))
def both_change_email(first, second, customer, crm, actors, personas, journey):
    """Each agent, signed in to the CRM as themselves, writes a different email address on the customer's
    contact at the same moment."""
    contact_id = personas[customer].id
    written = {agent: f"{customer.lower()}.from-{agent.lower()}@example.test" for agent in (first, second)}
    agents_crm = {agent: _as_agent(crm, actors, agent) for agent in written}
    at_the_same_moment(*(lambda a=a: agents_crm[a].update_contact(contact_id, email=written[a]) for a in written))
    journey.notes["written"] = {"Email": sorted(written.values())}
    journey.notes["agents"] = [first, second]
    journey.notes["contact_id"] = contact_id


@when(phrase("{first:Actor} changes {customer:Persona}'s email while {second:Actor} changes {customer2:Persona}'s account number"))
def change_different_fields(first, customer, second, customer2, crm, actors, personas, journey):
    """At the same moment, signed in to the CRM as themselves: the first agent writes a new email on the
    customer's contact, the second a new account number on the same contact."""
    contact_id = personas[customer].id
    email, account = f"{customer.lower()}.new@example.test", f"ACC-NEW-{contact_id}"
    first_crm, second_crm = _as_agent(crm, actors, first), _as_agent(crm, actors, second)
    at_the_same_moment(lambda: first_crm.update_contact(contact_id, email=email),
                       lambda: second_crm.update_contact(contact_id, account_number=account))
    journey.notes["expected"] = {"Email": email, "Account number": account}
    journey.notes["agents"] = [first, second]


@then(phrase("both consoles and the CRM show the same email for {customer:Persona}, the last one written"))
def same_email_everywhere(customer, crm, personas, desktop, journey):
    """Checks the CRM keeps one of the two emails written; both agents' consoles show that email on the
    customer's record, and the CRM still has it afterwards."""
    final = crm.contact(personas[customer].id).email
    written = journey.notes["written"]["Email"]
    assert final in written, f"the CRM has {customer}'s email {final!r}, neither of the two written: {written}"
    for agent in journey.notes["agents"]:
        desktop.console(agent).contact_record.expect_field_value("Email", final)
    expect_value(f"{customer}'s email after both consoles showed it", final, "the CRM",
                 crm.contact(personas[customer].id).email)


@then("the CRM recorded both email changes")
@needs("event_stream")
def both_changes_recorded(events, journey):
    """Waits until the CRM has announced two changes of the contact's email (one per agent), and checks
    there are exactly two."""
    contact_id = journey.notes["contact_id"]
    changes = eventually(lambda: events.of_type("contact.updated", system="crm", id=contact_id, changed=["email"]),
                         until=lambda found: len(found) >= 2, description="two email changes announced by the CRM")
    expect_value(f"the email changes of contact {contact_id} the CRM announced", 2, "the CRM's events", len(changes))


@then(phrase("both consoles and the CRM show both of {customer:Persona}'s new details"))
def both_details_everywhere(customer, crm, personas, desktop, journey):
    """Checks the CRM has both new details on the customer's contact (the email and the account number:
    neither change lost), and both agents' consoles show them."""
    contact = crm.contact(personas[customer].id)
    expected = journey.notes["expected"]
    expect_value(f"{customer}'s email and account number", (expected["Email"], expected["Account number"]),
                 "the CRM", (contact.email, contact.account_number))
    for agent in journey.notes["agents"]:
        for label, value in expected.items():
            desktop.console(agent).contact_record.expect_field_value(label, value)


@when(phrase('{agent:Actor}\'s softphone asks for "{reason}" while the CRM sets her "{status}" at the same moment'))
@needs("crm_presence_set")
def presence_race(agent, reason, status, cti, crm, actors, journey):
    """At the same moment: the agent's softphone asks the CTI for Not ready with the reason (e.g.
    "Break"), and the CRM sets the agent's presence to the status (Online, Busy or Offline)."""
    username = actors.user(agent).username
    at_the_same_moment(lambda: cti.set_agent_state(username, "NOT_READY", reason),
                       lambda: crm.set_presence(username, status))
    journey.notes["race"] = {"reason": reason, "status": status}


@then(phrase("{agent:Actor}'s softphone, console, the CTI and the CRM all agree on her last state"))
@needs("crm_presence")
def presence_agrees(agent, cti, crm, actors, desktop, journey):
    """Waits until the CTI's state of the agent and the CRM's presence match (Available = Online, Not
    ready = Busy, Offline = Offline); checks the state is one of the two asked for; the softphone and the
    console show it; and the CTI and CRM have not moved since."""
    username = actors.user(agent).username

    def settled():
        state, presence = cti.agent(username), crm.presence(username)
        expect_value(f"{agent}'s CRM presence while the CTI has {state.state}", CTI_TO_CRM_STATUS.get(state.state),
                     "the CRM", presence.status)
        return state, presence

    state, presence = eventually(settled, description=f"{agent}'s CTI state and CRM presence in step")
    race = journey.notes["race"]
    assert (state.state, state.reason) in (("NOT_READY", race["reason"]), ("OFFLINE", None)) \
        and presence.status in ("Busy", race["status"]), \
        f"{agent}'s last state is neither of the two asked for: {state.describe()}; {presence.describe()}"
    console = desktop.console(agent)
    console.softphone.expect_state(state_label(state.state, state.reason))
    console.expect_crm_presence(presence.status)
    state_now, presence_now = settled()
    assert (state_now, presence_now) == (state, presence), \
        f"the state moved after the consoles caught up: {state_now.describe()}; {presence_now.describe()}"


@then("both presence changes were recorded as events")
@needs("event_stream")
def race_recorded(events, actors, journey):
    """Waits for the CTI's announcement of the agent's Not ready state with the reason, and the CRM's
    announcement of the presence the CRM set (source: the CRM)."""
    username = actors.user(journey.desk_agent).username
    race = journey.notes["race"]
    events.wait_for("agent.state_changed", system="cti", username=username, state="NOT_READY", reason=race["reason"])
    events.wait_for("presence.changed", system="crm", username=username, status=race["status"], source="crm")
