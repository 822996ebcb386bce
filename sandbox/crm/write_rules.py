"""Which role may make which crm write, enforced by the API whatever the console shows.

Service clients (the cti integration writing call logs, marketing, the suite) may make every write.
Users (console sessions, password grants):
- only supervisors soft-delete contacts;
- an agent or a trainee writes only their own call log while it is in progress; a supervisor any
  in-progress log. A completed call log is the record of the call: only the integration that
  completed it (a service client) writes it again, so nobody overwrites its disposition or notes.
  Linking a call to a contact is a call-log write like any other;
- a follow-up is the telephony integration's record of a callback: a user only updates the one of the
  callback they are on (in progress, its last attempt theirs; a supervisor any in progress), keeps it in
  progress and keeps its attempts; starting, rescheduling or closing one is the integration's.
"""
from __future__ import annotations

from typing import Any

from fastapi import HTTPException

from ..platform.auth import Principal
from .visibility import is_user

SUPERVISOR = "supervisor"
IN_PROGRESS = "in_progress"


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


def require_may_write_followup(principal: Principal, existing: dict[str, Any] | None, status: str,
                               attempts: list[dict[str, Any]]) -> None:
    """``existing``: the stored follow-up or None; ``status`` and ``attempts``: what the write asks for."""
    if not is_user(principal):
        return
    if existing is None:
        raise HTTPException(403, "follow-ups come from the telephony integration's callbacks; "
                                 f"{principal.name} may only update one they are on")
    if existing.get("status") != IN_PROGRESS or status != IN_PROGRESS:
        raise HTTPException(403, f"a {existing.get('status')} follow-up is written only by the telephony integration; "
                                 f"{principal.name} may update one only while its callback is in progress")
    if attempts != existing.get("attempts", []):
        raise HTTPException(403, "the attempts are the telephony integration's record of the calls: "
                                 "send them as stored")
    owner = (existing.get("attempts") or [{}])[-1].get("agent")
    if principal.role != SUPERVISOR and owner != principal.name:
        raise HTTPException(403, f"the follow-up belongs to {owner}; {principal.name} writes only their own")
