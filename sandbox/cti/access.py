"""Who may read what in the cti API: the API checks the caller's role itself, not only its pages.

Service tokens (system integrations, the suite) see everything; a supervisor sees every agent and call;
an agent or a trainee sees the calls they take part in: offered or assigned to them (now or before),
consulted on, or transferred from or to them. Of their events they read those of their own calls, of their
own agent record, of callbacks waiting in their queues, and the clock's and queues'; of the other agents,
the roster the softphone's transfer list shows (username, name, state), not their reasons or calls.
"""
from __future__ import annotations

from typing import Any

from ..platform.auth import Principal
from .errors import CtiError

SUPERVISOR = "supervisor"
ROSTER_FIELDS = ("username", "name", "state")
EVENTS_FOR_EVERYONE = ("clock.changed", "queue.updated")  # no agent's or caller's data: every softphone follows them


def sees_everything(principal: Principal) -> bool:
    return principal.kind == "client" or principal.role == SUPERVISOR


def require_supervisor(principal: Principal, what: str) -> None:
    if not sees_everything(principal):
        raise CtiError(403, f"{what} is for supervisors; {principal.name} is {principal.role}")


def service_only(principal: Principal, what: str) -> None:
    """Only a system integration (a service token) may do this."""
    if principal.kind != "client":
        raise CtiError(403, f"{what} needs a service token")


def self_or_service(principal: Principal, username: str) -> None:
    """An agent changes only their own state; a service token anyone's."""
    if principal.kind != "client" and principal.name != username:
        raise CtiError(403, f"{principal.name} may change only their own state")


def participants(call: dict[str, Any]) -> set[str]:
    """Every agent who took part in the call (including a consult and earlier transfers)."""
    names = {call.get("agent")}
    if call.get("consult"):
        names |= {call["consult"].get("to_agent"), call["consult"].get("from_agent")}
    if call.get("offer"):
        names.add(call["offer"].get("to_agent"))
    names |= {outcome.get("agent") for outcome in call.get("offer_outcomes") or ()}  # offered, then missed or rejected
    for transfer in call.get("transfers") or ():
        names |= {transfer.get("from_agent"), transfer.get("to_agent")}
    return {name for name in names if name}


def require_may_read_call(principal: Principal, call: dict[str, Any]) -> None:
    if not sees_everything(principal) and principal.name not in participants(call):
        raise CtiError(403, f"interaction {call['id']} is another agent's; {principal.name} sees only their own calls")


def require_may_list_calls_of(principal: Principal, agent: str | None) -> None:
    """An agent lists their own calls (``agent=`` their username); only supervisors list everyone's."""
    if sees_everything(principal) or agent == principal.name:
        return
    if agent is None:
        raise CtiError(403, f"{principal.name} sees only their own calls: ask for agent={principal.name}")
    raise CtiError(403, f"the calls of {agent} are not {principal.name}'s to see")


def may_see_callback(cti: Any, principal: Principal, callback: dict[str, Any]) -> bool:
    """Services and supervisors see every callback; an agent those waiting in their queues or assigned to them."""
    if sees_everything(principal) or callback.get("agent") == principal.name:
        return True
    agent = cti.find_agent(principal.name)
    return agent is not None and callback["queue"] in agent["queues"]


def require_may_see_callback(cti: Any, principal: Principal, callback: dict[str, Any]) -> None:
    if not may_see_callback(cti, principal, callback):
        raise CtiError(403, f"callback {callback['id']} waits in {callback['queue']}, not one of {principal.name}'s queues")


def agent_as_seen_by(principal: Principal, agent: dict[str, Any]) -> dict[str, Any]:
    """An agent's full view for themselves, supervisors and services; for other agents a roster entry."""
    if sees_everything(principal) or agent["username"] == principal.name:
        return agent
    return {field: agent[field] for field in ROSTER_FIELDS}


def event_as_seen_by(cti: Any, principal: Principal, event: dict[str, Any]) -> dict[str, Any] | None:
    """The event when the user may read it, else None (the event bus's user view for the cti)."""
    if sees_everything(principal) or event["type"] in EVENTS_FOR_EVERYONE:
        return event
    data, kind = event["data"], event["type"].split(".")[0]
    if kind == "agent":
        return event if data.get("username") == principal.name else None
    if kind == "callback":
        callback = _found(cti.callback_doc, data.get("callback_id"))
        return event if callback is not None and may_see_callback(cti, principal, callback) else None
    if "interaction_id" in data:
        call = _found(cti.call_doc, data["interaction_id"])
        return event if call is not None and principal.name in participants(call) else None
    return event if data.get("agent") == principal.name else None  # e.g. their own dial the do-not-call list blocked


def _found(read: Any, key: Any) -> dict[str, Any] | None:
    try:
        return read(key) if key else None
    except CtiError:  # gone since (a reset): nobody's to read
        return None
