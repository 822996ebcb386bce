"""Who may read what in the cti API: the API checks the caller's role itself, not only its pages.

Service tokens (system integrations, the suite) see everything; a supervisor sees every agent and call;
an agent or a trainee sees the calls they take part in: offered or assigned to them, consulted on,
or transferred from or to them.
"""
from __future__ import annotations

from typing import Any

from ..platform.auth import Principal
from .errors import CtiError

SUPERVISOR = "supervisor"


def sees_everything(principal: Principal) -> bool:
    return principal.kind == "client" or principal.role == SUPERVISOR


def require_supervisor(principal: Principal, what: str) -> None:
    if not sees_everything(principal):
        raise CtiError(403, f"{what} is for supervisors; {principal.name} is {principal.role}")


def participants(call: dict[str, Any]) -> set[str]:
    """Every agent who took part in the call (including a consult and earlier transfers)."""
    names = {call.get("agent")}
    if call.get("consult"):
        names |= {call["consult"].get("to_agent"), call["consult"].get("from_agent")}
    if call.get("offer"):
        names.add(call["offer"].get("to_agent"))
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
