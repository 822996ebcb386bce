"""Which role may make which crm write, enforced by the API whatever the console shows.

Service clients (the cti integration writing call logs, marketing, the suite) may make every write.
Users (console sessions, password grants):
- only supervisors soft-delete contacts;
- an agent or a trainee writes only their own call log while it is in progress; a supervisor any
  in-progress log. A completed call log is the record of the call: only the integration that
  completed it (a service client) writes it again, so nobody overwrites its disposition or notes.
"""
from __future__ import annotations

from typing import Any

from fastapi import HTTPException

from ..platform.auth import Principal
from .visibility import is_user

SUPERVISOR = "supervisor"


def require_may_delete_contacts(principal: Principal) -> None:
    if is_user(principal) and principal.role != SUPERVISOR:
        raise HTTPException(403, f"only supervisors delete contacts; {principal.name} is {principal.role}")


def require_service(principal: Principal, what: str) -> None:
    if is_user(principal):
        raise HTTPException(403, f"{what} is for system integrations (a service token), not users")


def require_may_write_call_log(principal: Principal, existing: dict[str, Any] | None,
                               agent: str | None, status: str | None) -> None:
    """``existing``: the stored log or None; ``agent`` and ``status``: what the write asks for."""
    if not is_user(principal):
        return
    if status == "completed" or (existing is not None and existing["status"] == "completed"):
        raise HTTPException(403, "a completed call log is written only by the telephony integration; "
                                 f"{principal.name} may not complete or change it")
    if principal.role == SUPERVISOR:
        return
    owner = existing["agent"] if existing is not None else None
    for someone in (owner, agent):
        if someone not in (None, principal.name):
            raise HTTPException(403, f"the call log belongs to {someone}; {principal.name} writes only their own")
    if existing is not None and owner is None:
        raise HTTPException(403, f"the call log has no agent yet; {principal.name} writes only their own")
