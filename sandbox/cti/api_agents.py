"""cti API routes for agents (their state and presence), the settings screens share, and queues."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response

from ..platform.auth import Principal
from ..platform.system import System
from .access import agent_as_seen_by, self_or_service, service_only
from .api_bodies import AgentIn, PresenceIn, QueuePatch, StateIn
from .errors import CtiError
from .model import Cti
from .model_base import settings_view


def add_agent_routes(api: APIRouter, system: System, cti: Cti) -> None:
    """Agents and their state; the settings every screen shows; queues and their wrap-up and hours."""
    @api.get("/agents", name="cti.agents.list")
    def list_agents(principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        """Every agent: in full for supervisors, services and the agent themselves; others as a roster entry."""
        return {"agents": [agent_as_seen_by(principal, cti.agent_view(a)) for a in cti.all_agents()]}

    @api.post("/agents", name="cti.agents.create", status_code=201)
    def create_agent(body: AgentIn, response: Response, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        service_only(principal, "creating agents")
        agent, created = cti.upsert_agent(body.username, body.name, body.role, body.queues, body.skills)
        if not created:
            response.status_code = 200
        return cti.agent_view(agent)

    @api.get("/agents/{username}", name="cti.agents.get")
    def get_agent(username: str, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        return agent_as_seen_by(principal, cti.agent_view(cti.agent_doc(username)))

    @api.post("/agents/{username}/state", name="cti.agents.state")
    def set_state(username: str, body: StateIn, principal: Principal = Depends(system.auth)) -> JSONResponse:
        self_or_service(principal, username)
        agent, queued = cti.request_state(username, body.state, body.reason, source="cti")
        return _state_answer(cti, username, queued)

    @api.post("/agents/{username}/presence", name="cti.agents.presence")
    def set_presence(username: str, body: PresenceIn, principal: Principal = Depends(system.auth)) -> JSONResponse:
        self_or_service(principal, username)
        agent, queued = cti.presence_from_crm(username, body.status, body.reason)
        return _state_answer(cti, username, queued)

    @api.get("/settings", name="cti.settings")
    def settings(principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        """Agent states as every screen shows them, the presence menus, the wrap-up modes."""
        return settings_view()

    # ---- queues ------------------------------------------------------------------------------------
    @api.get("/queues", name="cti.queues.list")
    def list_queues(principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        return {"queues": [cti.queue_view(q) for q in cti.all_queues()]}

    @api.get("/queues/{name}", name="cti.queues.get")
    def get_queue(name: str, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        return cti.queue_view(cti.queue_doc(name))

    @api.patch("/queues/{name}", name="cti.queues.update")
    def update_queue(name: str, body: QueuePatch, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        service_only(principal, "changing queues")
        changes = body.model_dump(exclude_unset=True)
        if changes.get("hours") and changes["hours"]["close"] <= changes["hours"]["open"]:
            raise CtiError(422, "hours: close must be after open")
        if changes.get("hours") and not set(changes["hours"]["days"]) <= set(range(7)):
            raise CtiError(422, "hours: days are 0 (Monday) to 6 (Sunday)")
        return cti.queue_view(cti.update_queue(name, changes))


def _state_answer(cti: Cti, username: str, queued: bool) -> JSONResponse:
    """200 with the agent when applied; 202 {queued: true} when deferred until the call is wrapped up."""
    view = cti.agent_view(cti.agent_doc(username))
    return JSONResponse({**view, "queued": queued, "agent": view}, status_code=202 if queued else 200)
