"""Time rules one second either side of the line: ring timeouts, wrap-up limits, SLA warnings and breaches,
opening hours. Time passes only on the target's clock (steps/common.py, steps/business_time.py); these
steps read where each rule stands through the CTI and helpdesk ports."""
from __future__ import annotations

from pytest_bdd import parsers, then

from deskcheck.capabilities import needs
from fixtures.agreement import expect_value
from fixtures.eventually import eventually
from steps._agents import expect_agent
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
