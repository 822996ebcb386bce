"""cti API routes by which calls and chats begin: the call simulator (the customer's side), outbound
dialling, callbacks (booked, listed, dialled, cancelled) and chats handed over by the chat bot."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from ..platform import correlation
from ..platform.auth import Principal
from ..platform.system import System
from .access import may_see_callback, require_may_see_callback, require_supervisor, service_only
from .api_bodies import CallbackDialIn, CallbackIn, CallIn, ChatIn, MessageIn, OutboundIn
from .errors import CtiError
from .model import Cti


def add_call_routes(api: APIRouter, system: System, cti: Cti) -> None:
    """Calls in (simulated), calls out (dialled), callbacks and chats."""
    @api.post("/simulator/calls", name="cti.simulator.calls", status_code=201)
    def simulate_call(body: CallIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        service_only(principal, "the call simulator")
        attributes = body.attributes.model_dump(exclude_none=True) if body.attributes else {}
        call = cti.create_call(body.from_number, body.queue, attributes, correlation.current() or correlation.new_id())
        return cti.call_view(cti.call_doc(call["id"]))

    @api.post("/simulator/calls/{interaction_id}/hangup", name="cti.simulator.hangup")
    def simulate_hangup(interaction_id: str, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        service_only(principal, "the call simulator")
        return cti.call_view(cti.customer_hangup(interaction_id))

    @api.post("/calls/outbound", name="cti.calls.outbound", status_code=201)
    def outbound_call(body: OutboundIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        if principal.kind == "client":
            if not body.agent:
                raise CtiError(422, "agent: a service token must say which agent dials")
            username = body.agent
        else:
            if body.agent and body.agent != principal.name:
                raise CtiError(403, f"{principal.name} may dial only as themselves")
            username = principal.name
        call = cti.dial(username, body.to_number, body.queue, body.record_id, body.callback_id)
        return cti.call_view(cti.call_doc(call["id"]))

    # ---- callbacks ---------------------------------------------------------------------------------
    @api.post("/callbacks", name="cti.callbacks.create", status_code=201)
    def create_callback(body: CallbackIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        service_only(principal, "booking callbacks")
        cti.queue_doc(body.queue)
        with cti.change():
            callback = cti.schedule_callback(body.number, body.queue, body.reason, correlation.current(),
                                             contact_id=body.contact_id, note=body.note)
        return cti.callback_view(callback)

    @api.get("/callbacks", name="cti.callbacks.list")
    def list_callbacks(status: str | None = None, number: str | None = None,
                       principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        return {"callbacks": [cti.callback_view(c) for c in cti.callbacks(status, number)
                              if may_see_callback(cti, principal, c)]}

    @api.get("/callbacks/{callback_id}", name="cti.callbacks.get")
    def get_callback(callback_id: str, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        callback = cti.callback_doc(callback_id)
        require_may_see_callback(cti, principal, callback)
        return cti.callback_view(callback)

    @api.post("/callbacks/{callback_id}/dial", name="cti.callbacks.dial", status_code=201)
    def dial_callback(callback_id: str, body: CallbackDialIn | None = None,
                      principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        username = (body.agent if body else None) if principal.kind == "client" else principal.name
        if not username:
            raise CtiError(422, "agent: a service token must say which agent dials")
        callback = cti.callback_doc(callback_id)
        require_may_see_callback(cti, principal, callback)
        call = cti.dial(username, callback["number"], callback["queue"], None, callback_id)
        return cti.call_view(cti.call_doc(call["id"]))

    @api.delete("/callbacks/{callback_id}", name="cti.callbacks.cancel")
    def cancel_callback(callback_id: str, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        require_supervisor(principal, "cancelling a customer's callback")
        return cti.callback_view(cti.cancel_callback(callback_id))

    # ---- chats -------------------------------------------------------------------------------------
    @api.post("/chats", name="cti.chats.create", status_code=201)
    def create_chat(body: ChatIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        service_only(principal, "handing chats to agents")
        call = cti.create_chat(body.model_dump(), correlation.current() or correlation.new_id())
        return cti.call_view(cti.call_doc(call["id"]))

    @api.post("/interactions/{interaction_id}/messages", name="cti.interactions.messages", status_code=201)
    def chat_message(interaction_id: str, body: MessageIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        return cti.call_view(cti.add_message(interaction_id, principal, body.text))
