"""Every agent state and call state on every surface that shows it: the softphone, the supervisor board,
the console's CRM presence, the CTI and the CRM (records through the CTI and CRM ports)."""
from __future__ import annotations

from pytest_bdd import parsers, then

from deskcheck.capabilities import needs
from fixtures.eventually import eventually
from steps._agents import expect_agent

#: the agent state as the softphone and the board word it -> (CTI state, reason, CRM presence, its reason)
AGENT_STATES = {
    "Available": ("AVAILABLE", None, "Online", None),
    "Ringing": ("RESERVED", None, "Busy", "Ringing"),
    "On call": ("ON_INTERACTION", None, "Busy", "On call"),
    "After call work": ("ACW", None, "Busy", "After call work"),
    "Offline": ("OFFLINE", None, "Offline", None),
}
LIVE_CALL_STATES = ("offered", "connected", "held", "wrapup")
#: the call state -> the CRM call log's statuses then (the screen pop opens the log while the call rings;
#: a call nobody took is never logged completed)
CALL_LOG_STATUS = {"offered": ("in_progress",), "connected": ("in_progress",), "held": ("in_progress",),
                   "wrapup": ("in_progress",), "completed": ("completed",), "missed": (None, "in_progress"),
                   "abandoned": (None, "in_progress")}


def _agent_state(label: str) -> tuple[str, str | None, str, str | None]:
    if label.startswith("Not ready (") and label.endswith(")"):
        reason = label[len("Not ready ("):-1]
        return "NOT_READY", reason, "Busy", reason
    if label not in AGENT_STATES:
        raise KeyError(f"no agent state reads {label!r}; known: {', '.join(AGENT_STATES)}, Not ready (<reason>)")
    return AGENT_STATES[label]


@then(parsers.re(r'(?P<agent>\w+) is "(?P<label>[^"]+)" on every surface$'))
@needs("crm_presence")
def agent_state_everywhere(agent, label, desktop, board, cti, crm, actors):
    """Checks one agent state on every surface that shows it: the agent's softphone and the supervisor
    board read the label ("Available", "Ringing", "On call", "After call work", "Not ready (Lunch)",
    "Not ready (Missed)", "Offline"); the agent's console shows the CRM presence it maps to (Online, Busy
    or Offline); the CTI has the agent in that state (and reason); the CRM has that presence and reason
    (Busy with "Ringing", "On call", "After call work" or the not-ready reason). Needs the supervisor board
    open ("the supervisor ... is watching the supervisor board")."""
    state, reason, crm_status, crm_reason = _agent_state(label)
    user = actors.user(agent)
    console = desktop.console(agent)
    console.softphone.expect_state(label)
    board.expect_agent_state(user.name, label)
    console.expect_crm_presence(crm_status)
    expect_agent(cti, actors, agent, label, lambda a: (a.state, a.reason) == (state, reason))
    eventually(lambda: crm.presence(user.username), until=lambda p: (p.status, p.reason) == (crm_status, crm_reason),
               description=f"{agent}'s CRM presence {crm_status}" + (f" ({crm_reason})" if crm_reason else ""),
               describe=lambda p: p.describe())


@then(parsers.re(r'(?P<caller>\w+)\'s call is "(?P<state>[a-z]+)" on every surface$'))
def call_state_everywhere(caller, state, desktop, board, cti, crm, personas, journey, actors):
    """Checks one call state on every surface that shows it: the desk agent's softphone (ringing with the
    caller's number, connected, on hold, the wrap-up form, no call once it is completed or missed, and no
    longer ringing once the caller abandoned it); the console's screen pop of the incoming call while it is
    offered; the supervisor board's row for the agent ("<number> · <queue> · <state>" while the call is live, "-"
    after); the CTI has the call in that state (offered, connected, held, wrapup, completed, missed,
    abandoned); the
    CRM's call log is in progress from the screen pop while the call rings until its wrap-up, completed
    after, and never completed for a missed or abandoned call."""
    number, call_id = personas[caller].phone, journey.require_call()
    call = eventually(lambda: cti.interaction(call_id), until=lambda c: c.state == state,
                      description=f"{caller}'s call {state} in the CTI", describe=lambda c: c.describe("state", "agent"))
    agent = journey.desk_agent
    softphone = desktop.console(agent).softphone
    {"offered": lambda: softphone.expect_ringing(number), "connected": lambda: softphone.expect_connected(number),
     "held": softphone.expect_on_hold, "wrapup": softphone.wrap_up.expect_open,
     "completed": softphone.expect_no_active_call, "missed": softphone.expect_no_active_call,
     "abandoned": softphone.expect_not_ringing}[state]()
    if state == "offered":
        desktop.console(agent).screen_pop.expect_incoming_call(number)
    agent_name = actors.user(agent).name
    if state in LIVE_CALL_STATES:
        board.expect_agent_interaction(agent_name, f"{number} · {call.queue} · {state}")
    else:
        board.expect_agent_interaction(agent_name, "-")
    wanted = CALL_LOG_STATUS[state]
    eventually(lambda: crm.call_log(call_id), until=lambda log: (log.status if log else None) in wanted,
               description=f"the CRM call log of {caller}'s call " + " or ".join(w or "absent" for w in wanted),
               describe=lambda log: log.describe("status") if log else "no call log")
