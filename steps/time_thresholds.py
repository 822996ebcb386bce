"""Time rules one second either side of the line: ring timeouts, wrap-up limits, SLA warnings and breaches,
opening hours, access-token lifetimes. Time passes only on the target's clock (steps/common.py, steps/business_time.py); these
steps read where each rule stands through the CTI and helpdesk ports."""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from deskcheck.capabilities import checks_if_offered, needs
from fixtures.agreement import expect_value
from fixtures.eventually import eventually
from steps._agents import expect_agent
from steps._tokens import require_a_token_holder, token_clients
from steps._tickets import current_ticket


@then(parsers.re(r'the CTI has the call "(?P<call_state>\w+)" and (?P<agent>\w+) "(?P<agent_state>[A-Z_]+)"$'))
def cti_call_and_agent(call_state, agent, agent_state, cti, actors, journey):
    """Checks the CTI has the scenario's call in the given state (queued, offered, connected, wrapup,
    completed, missed, ...) and the agent in the given state (AVAILABLE, RESERVED, ON_INTERACTION, ACW,
    NOT_READY, OFFLINE). Timers run when the clock moves, so a state that is "not yet" is read as it stands."""
    call_id = journey.require_call()
    eventually(lambda: cti.interaction(call_id), until=lambda call: call.state == call_state,
               description=f"call {call_id} {call_state} in the CTI", describe=lambda call: call.describe("state", "agent"))
    expect_agent(cti, actors, agent, agent_state, lambda a: a.state == agent_state)


@then(parsers.parse('the helpdesk has the resolution SLA "{state}" with {left:d} seconds of business time left'))
@needs("helpdesk")
def resolution_sla_at(state, left, helpdesk, journey):
    """Checks the helpdesk's resolution SLA clock of the scenario's ticket: its state (running, warning,
    paused, met, breached) and the business-time seconds left to the target, exactly."""
    def clock():
        return current_ticket(helpdesk, journey).sla_clock("resolution")

    found = eventually(clock, until=lambda c: c.state == state,
                       description=f"the resolution SLA of the ticket {state}",
                       describe=lambda c: f"the helpdesk has it {c.state} with {c.remaining_seconds} s left")
    expect_value("the business-time seconds left to the resolution target", left, "the helpdesk",
                 found.remaining_seconds)


@then(parsers.re(r"the CTI has the (?P<queue>support|sales|billing) line (?P<status>open|closed)$"))
@needs("agent_admin")
def line_open_or_closed(queue, status, cti):
    """Checks the CTI has the queue's line (support, sales, billing) open or closed now, by its opening
    hours and the target's clock."""
    expect_value(f"whether the {queue} line is open now", status == "open", "the CTI", cti.queue(queue).open_now)


# --- access tokens ---------------------------------------------------------------------------------

def _ordinary_read(system: str, port):
    """An ordinary read through the suite's client of the system (which renews a refused token)."""
    return port.dispositions if system == "the CRM" else port.queues


@given("the CRM and the CTI have just issued the suite's API clients new access tokens")
@needs("clock")
@checks_if_offered("token_audit")
def tokens_just_issued(crm, cti, controls, settings, journey, optional_checks):
    """Set-up on the target's clock: lets the access tokens the suite's CRM and CTI clients hold run out
    (their lifetime: the token_ttl setting), then makes an ordinary request to each, which the client renews
    its token for; notes the new tokens. The clock stands still until the scenario moves it, so both were
    issued at this second. A client that holds no token (it signs every request, as Amazon Connect's SigV4
    does) has its checks reported as not applicable; with no token on either side the scenario is skipped."""
    holders = token_clients(crm, cti)
    require_a_token_holder(holders)
    held = {system: port.api_session() for system, port in holders.items()}  # a client signs in on first use
    controls.advance_clock(settings.token_ttl)
    issued = {}
    for system, port in holders.items():
        before = held[system]
        _ordinary_read(system, port)()
        issued[system] = port.api_session()
        assert issued[system].token_fingerprint != before.token_fingerprint, \
            f"the suite's client of {system} kept its token past the token's lifetime: {issued[system].describe()}"
    for system in sorted({"the CRM", "the CTI"} - set(holders)):
        optional_checks.report_not_made("token_audit", f"{system}'s API client's new access token (the client "
                                        "holds no access token)")
    journey.notes["issued tokens"] = issued


@when(parsers.re(r"(?P<part>all but the last second|all) of the access tokens' lifetime passes$"))
@needs("clock")
def token_lifetime_passes(part, controls, settings):
    """On the target's clock: moves time on by the access tokens' lifetime (the token_ttl setting), "all" of
    it or "all but the last second"."""
    controls.advance_clock(settings.token_ttl - (1 if part.startswith("all but") else 0))


@then(parsers.re(r"the CRM and the CTI (?P<verdict>still take|refuse) the access tokens they issued$"))
@checks_if_offered("token_audit")
def tokens_taken_or_refused(verdict, crm, cti, journey, optional_checks):
    """For the CRM and the CTI: whether the access token noted when it was issued is taken on an ordinary
    call ("still take") or refused ("refuse"). When refused, an ordinary request through the suite's client
    is answered all the same, with a new token. A client that holds no token has this check reported as not
    applicable (its ordinary request must still be answered)."""
    taken = verdict == "still take"
    issued_tokens = journey.notes["issued tokens"]
    for system, port in (("the CRM", crm), ("the CTI", cti)):
        if system not in issued_tokens:
            optional_checks.report_not_made("token_audit", f"whether {system} {verdict} the access token it "
                                            "issued (the client holds no access token)")
            _ordinary_read(system, port)()
            continue
        issued = issued_tokens[system]
        expect_value(f"whether the access token {issued.token_fingerprint} is taken", taken, system,
                     port.accepts_session(issued))
        if not taken:
            _ordinary_read(system, port)()
            now = port.api_session()
            assert now.token_fingerprint != issued.token_fingerprint, \
                f"the suite's client of {system} still holds the refused token: {now.describe()}"
