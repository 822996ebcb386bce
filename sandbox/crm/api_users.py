"""crm API routes for users and roles, and each user's CRM presence (pushed on to cti)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Path

from ..platform.auth import Principal
from ..platform.faults import EdgeError
from ..platform.system import System
from .api_bodies import PresenceIn, UserIn
from .errors import call
from .store import Crm
from .visibility import hidden_fields, is_user, roles_view


def add_user_routes(router: APIRouter, system: System, crm: Crm) -> None:
    """Who is signed in, the roles and their hidden fields, and adding and removing users."""
    @router.get("/users/me", name="crm.users.me", tags=["users"])
    def me(principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        user = crm.user(principal.name) if is_user(principal) else None
        if user is None:
            return {"username": principal.name, "name": principal.name, "role": principal.role, "kind": principal.kind,
                    "hidden_fields": []}
        return {**user, "kind": principal.kind, "hidden_fields": hidden_fields(principal)}

    @router.get("/roles", name="crm.roles.list", tags=["users"])
    def roles() -> dict[str, Any]:
        """The console roles and the contact fields each may not see."""
        return {"roles": roles_view()}

    @router.get("/users", name="crm.users.list", tags=["users"])
    def list_users() -> dict[str, Any]:
        return {"users": crm.users()}

    @router.get("/users/{username}", name="crm.users.get", tags=["users"])
    def get_user(username: str) -> dict[str, Any]:
        user = crm.user(username)
        if user is None:
            raise HTTPException(404, f"no user {username}")
        return user

    @router.post("/users", status_code=201, name="crm.users.create", tags=["users"])
    def create_user(body: UserIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        if is_user(principal) and principal.role != "supervisor":
            raise HTTPException(403, "only supervisors and service clients create users")
        if crm.user(body.username) is not None:
            raise HTTPException(409, f"user {body.username!r} already exists")
        try:  # the agent must exist in cti before the user can log in to the console
            system.peers["cti"].request("POST", "/api/agents", edge="agents", json={
                "username": body.username, "name": body.name, "role": body.role, "queues": body.queues})
        except EdgeError as exc:
            if "HTTP 409" not in exc.reason:  # already an agent in cti (its own seed): fine
                raise HTTPException(502, f"could not create the cti agent: {exc.reason}")
        return call(crm.insert_user, body.username, body.password, body.name, body.role, list(body.queues))

    @router.delete("/users/{username}", name="crm.users.delete", tags=["users"])
    def delete_user(username: str = Path(max_length=40),
                    principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        """Removes a user (their sign-in, sessions and presence; their call logs stay): supervisors and services."""
        if is_user(principal) and principal.role != "supervisor":
            raise HTTPException(403, "only supervisors and service clients remove users")
        if is_user(principal) and principal.name == username:
            raise HTTPException(409, "a supervisor cannot remove their own user")
        call(crm.delete_user, username)
        return {"username": username, "deleted": True}


def add_presence_routes(router: APIRouter, system: System, crm: Crm) -> None:
    """Reading and setting a user's CRM presence; a crm-side change is pushed to cti."""
    @router.get("/presence/{username}", name="crm.presence.get", tags=["presence"])
    def get_presence(username: str) -> dict[str, Any]:
        return call(crm.presence, username)

    @router.put("/presence/{username}", name="crm.presence.set", tags=["presence"])
    def set_presence(username: str, body: PresenceIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        # cti's pushes are never echoed back (no sync loop); their source says where the change began,
        # and cti answers every crm-side change with the state it settled on, so crm ends in step
        # even when a crm change and an older cti push cross on the way.
        from_cti = principal.name == "cti-service"
        source = body.source
        if is_user(principal) and principal.name != username and principal.role != "supervisor":
            raise HTTPException(403, "agents may only change their own presence")
        reason = body.reason or None
        presence, _changed = call(crm.set_presence, username, body.status, reason, source)
        if source == "crm" and not from_cti:
            crm.push_presence_to_cti(username, body.status, reason)
        return presence
