"""cti API routes for interactions: reading them and their dispositions, the agent's call controls
(answer, reject, hold, mute, hang up, digits, transfers) and wrap-up (draft and complete)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from ..platform.auth import Principal
from ..platform.system import System
from .access import require_may_list_calls_of, require_may_read_call
from .api_bodies import DtmfIn, TransferIn, WrapupIn
from .model import Cti


def add_interaction_routes(api: APIRouter, system: System, cti: Cti) -> None:
    """One route per call control; each acts as the agent the call is offered or assigned to."""
    @api.get("/interactions", name="cti.interactions.list")
    def list_interactions(agent: str | None = None, state: str | None = None,
                          principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        require_may_list_calls_of(principal, agent)
        calls = cti.calls((state,) if state else None, agent=agent)
        return {"interactions": [cti.call_view(c) for c in calls]}

    @api.get("/interactions/{interaction_id}", name="cti.interactions.get")
    def get_interaction(interaction_id: str, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        call = cti.call_doc(interaction_id)
        require_may_read_call(principal, call)
        return cti.call_view(call)

    @api.get("/interactions/{interaction_id}/dispositions", name="cti.interactions.dispositions")
    def interaction_dispositions(interaction_id: str, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        call = cti.call_doc(interaction_id)
        cti.authorize(principal, call, consult_target_too=True)
        return {"queue": call["queue"], "wrapup_mode": call["wrapup_mode"] or cti.queue_doc(call["queue"])["wrapup_mode"],
                "dispositions": cti.dispositions(call["queue"])}

    def simple_action(action: str):
        def endpoint(interaction_id: str, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
            return cti.call_view(cti.act(interaction_id, principal, action.replace("/", "_")))
        return endpoint

    for action in ("answer", "reject", "hold", "resume", "mute", "unmute", "hangup",
                   "transfer/complete", "transfer/cancel"):
        api.add_api_route(f"/interactions/{{interaction_id}}/{action}", simple_action(action), methods=["POST"],
                          name=f"cti.interactions.{action.replace('/', '_')}",
                          summary=f"{action.replace('/', ' ').capitalize()} (the agent the call is offered or assigned to)")

    @api.post("/interactions/{interaction_id}/dtmf", name="cti.interactions.dtmf")
    def send_dtmf(interaction_id: str, body: DtmfIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        return cti.call_view(cti.act(interaction_id, principal, "dtmf", digits=body.digits))

    @api.post("/interactions/{interaction_id}/transfer", name="cti.interactions.transfer")
    def transfer(interaction_id: str, body: TransferIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        return cti.call_view(cti.act(interaction_id, principal, "transfer", type=body.type, queue=body.queue,
                                     agent=body.agent, note=body.note))

    @api.put("/interactions/{interaction_id}/wrapup", name="cti.interactions.wrapup_draft")
    def save_wrapup_draft(interaction_id: str, body: WrapupIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        fields = body.model_dump(include=body.model_fields_set)
        return cti.call_view(cti.save_draft(interaction_id, principal, fields))

    @api.post("/interactions/{interaction_id}/wrapup/complete", name="cti.interactions.wrapup_complete")
    def complete_wrapup(interaction_id: str, body: WrapupIn | None = None,
                        principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        fields = body.model_dump(include=body.model_fields_set) if body else {}
        return cti.call_view(cti.complete_wrapup(interaction_id, principal, fields))
