"""cti: agents and their state machine, queues and routing, the call simulator, call controls, transfers,
wrap-up, the embedded softphone and the supervisor board.

Routes are plain `def` (they touch the DB or call crm; both systems share one event loop).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field

from ..platform import correlation
from ..platform.auth import Principal
from ..platform.system import SandboxConfig, System
from .access import (agent_as_seen_by, event_as_seen_by, may_see_callback, require_may_list_calls_of,
                     require_may_read_call, require_may_see_callback, require_supervisor)
from .errors import CtiError
from .model import Cti
from .model_base import SCHEMA, WRAPUP_MODES, settings_view

HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class HoursIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days: list[int] = Field(min_length=1, max_length=7, description="0 = Monday ... 6 = Sunday")
    open: str = Field(pattern=HHMM, description="HH:MM UTC")
    close: str = Field(pattern=HHMM, description="HH:MM UTC, after open")

STATIC = Path(__file__).parent / "static"
SESSION_COOKIE = "cti_session"
E164 = r"^\+[1-9][0-9]{6,14}$"


class AgentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{1,39}$")
    name: str = Field(min_length=1, max_length=80)
    role: Literal["agent", "trainee", "supervisor"] = "agent"
    queues: list[str] | None = None
    skills: list[str] | None = None


class StateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: str = Field(min_length=1, max_length=20)
    reason: str | None = Field(default=None, min_length=1, max_length=40)


class PresenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["Online", "Busy", "Offline"]
    reason: str | None = Field(default=None, max_length=40)


class QueuePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    wrapup_mode: Literal[WRAPUP_MODES] | None = None  # type: ignore[valid-type]
    acw_seconds: int | None = Field(default=None, ge=5, le=3600)
    ring_timeout_seconds: int | None = Field(default=None, ge=5, le=600)
    hours: HoursIn | None = Field(default=None, description="business hours; null = always open")


class CallAttributes(BaseModel):
    model_config = ConfigDict(extra="allow")  # the IVR may hand over more context
    account_number: str | None = Field(default=None, max_length=40)
    verified: bool = False
    ivr_path: list[str] | str | None = None
    reason: str | None = Field(default=None, max_length=200)


class CallIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    from_number: str = Field(pattern=E164, description="the caller's E.164 number")
    queue: str = Field(min_length=1, max_length=40)
    attributes: CallAttributes | None = None


class DtmfIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    digits: str = Field(pattern=r"^[0-9*#]{1,32}$", description="only 0-9, * and #")


class TransferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["cold", "warm"] = "cold"
    queue: str | None = Field(default=None, max_length=40)
    agent: str | None = Field(default=None, max_length=40)
    note: str | None = Field(default=None, max_length=500)


class WrapupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    disposition: str | None = Field(default=None, max_length=40)
    notes: str | None = Field(default=None, max_length=2000)


class OutboundIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to_number: str = Field(min_length=1, max_length=40, description="the customer's number in any format; dialled in E.164")
    queue: str | None = Field(default=None, max_length=40, description="wrap-up rules to use; default the agent's first queue")
    record_id: str | None = Field(default=None, max_length=40, description="the crm record dialled from")
    agent: str | None = Field(default=None, max_length=40, description="who dials (service tokens only)")
    callback_id: str | None = Field(default=None, max_length=40, description="the callback this call works")


class CallbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: str = Field(pattern=E164)
    queue: str = Field(min_length=1, max_length=40)
    reason: Literal["after_hours", "requested", "missed", "abandoned"] = "requested"
    contact_id: int | None = None
    note: str | None = Field(default=None, max_length=200)


class CallbackDialIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agent: str | None = Field(default=None, max_length=40, description="who dials (service tokens only)")


class ChatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    conversation_id: str = Field(min_length=1, max_length=60)
    queue: str = Field(default="support", max_length=40)
    customer_name: str | None = Field(default=None, max_length=120)
    contact_id: int | None = None
    account_number: str | None = Field(default=None, max_length=40)
    phone: str | None = Field(default=None, pattern=E164)
    email: str | None = Field(default=None, max_length=200)
    transcript: list[dict[str, Any]] = Field(default_factory=list, max_length=500)
    intent_path: list[str] = Field(default_factory=list, max_length=50)
    sentiment: dict[str, Any] | None = None
    ticket_id: str | None = Field(default=None, max_length=20)


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    text: str = Field(min_length=1, max_length=2000)


class SsoIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=40)


def build(config: SandboxConfig) -> tuple[System, FastAPI]:
    system = System("cti", SCHEMA, config)
    cti = Cti(system)
    app = system.create_app(
        "deskcheck sandbox: cti",
        "Telephony/CTI of the reference contact center: agents and their states, queues and routing, the call "
        "simulator, call controls, transfers, wrap-up, the embedded softphone and the supervisor board.")

    def session_principal(request: Request) -> Principal | None:
        token = request.cookies.get(SESSION_COOKIE)
        agent = cti.session_user(token) if token else None
        return Principal("session", agent["username"], agent["role"]) if agent else None

    system.auth.session_lookup = session_principal
    system.events.user_view = lambda principal, event: event_as_seen_by(cti, principal, event)
    system.on_seed(cti.seed)
    system.on_reset(lambda: cti._outgoing.clear())
    system.on_tick(cti.tick)

    def service_only(principal: Principal, what: str) -> None:
        if principal.kind != "client":
            raise CtiError(403, f"{what} needs a service token")

    def self_or_service(principal: Principal, username: str) -> None:
        if principal.kind != "client" and principal.name != username:
            raise CtiError(403, f"{principal.name} may change only their own state")

    api = system.router(prefix="/api")

    # ---- agents ------------------------------------------------------------------------------------
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

    # ---- call simulator ----------------------------------------------------------------------------
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

    # ---- interactions ------------------------------------------------------------------------------
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

    # ---- SSO, the softphone's snapshot, the board ------------------------------------------------
    @api.post("/sso/codes", name="cti.sso.codes", status_code=201)
    def sso_code(body: SsoIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        service_only(principal, "issuing sign-in codes")
        return cti.new_sso_code(body.username)

    @api.get("/me", name="cti.me")
    def me(principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        if principal.kind == "client":
            raise CtiError(403, "a service token has no agent: open the softphone with a sign-in code")
        return cti.snapshot(principal.name)

    @api.get("/supervisor/board", name="cti.supervisor.board")
    def board(principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        require_supervisor(principal, "the supervisor board")
        rows = []
        for agent in cti.all_agents():
            if agent["role"] == "supervisor":
                continue
            call = cti.call_doc(agent["current_interaction_id"]) if agent["current_interaction_id"] else None
            rows.append({**cti.agent_view(agent), "interaction": None if call is None else {
                "id": call["id"], "from_number": call["from_number"], "queue": call["queue"], "state": call["state"],
                "summary": f"{call['from_number']} · {call['queue']} · {call['state']}"}})
        return {"agents": rows, "now": system.clock.iso()}

    app.include_router(api)

    # ---- pages -------------------------------------------------------------------------------------
    page_config = {"crmOrigin": config.urls.get("crm", "").rstrip("/")}

    def page(name: str, title: str, request: Request, code: str | None, supervisors_only: bool) -> Response:
        if code is not None:
            token = cti.redeem_sso_code(code)
            if token is None:
                return _message_page(title, "This sign-in link has expired or was already used. "
                                            "Open it again from the CRM console.", 401)
            redirect = RedirectResponse(request.url.path, status_code=303)
            redirect.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", path="/")
            return redirect
        principal = session_principal(request)
        if principal is None:
            return _message_page(title, "Not signed in. Open the softphone from the CRM console.", 401)
        if supervisors_only and principal.role != "supervisor":
            return _message_page(title, "The supervisor board is for supervisors.", 403)
        html = (STATIC / f"{name}.html").read_text(encoding="utf-8")
        html = html.replace("/*CONFIG*/", f"window.CTI_CONFIG = {json.dumps({**page_config, 'username': principal.name})};")
        return HTMLResponse(html, headers=_page_headers(page_config["crmOrigin"]))

    @app.get("/softphone", name="cti.pages.softphone", response_class=HTMLResponse, tags=["pages"])
    def softphone(request: Request, code: str | None = None) -> Response:
        return page("softphone", "Softphone", request, code, supervisors_only=False)

    @app.get("/supervisor", name="cti.pages.supervisor", response_class=HTMLResponse, tags=["pages"])
    def supervisor(request: Request, code: str | None = None) -> Response:
        return page("supervisor", "Supervisor board", request, code, supervisors_only=True)

    app.mount("/static", StaticFiles(directory=STATIC), name="cti.static")
    system.domain = cti  # vendor doors (the Amazon Connect door, connect.py) serve this same domain object
    return system, app


def _state_answer(cti: Cti, username: str, queued: bool) -> JSONResponse:
    """200 with the agent when applied; 202 {queued: true} when deferred until the call is wrapped up."""
    view = cti.agent_view(cti.agent_doc(username))
    return JSONResponse({**view, "queued": queued, "agent": view}, status_code=202 if queued else 200)


def _page_headers(crm_origin: str) -> dict[str, str]:
    # the softphone lives in the crm console's iframe; nobody else may frame it
    return {"Content-Security-Policy": f"frame-ancestors 'self' {crm_origin}".strip(), "Cache-Control": "no-store"}


def _message_page(title: str, message: str, status: int) -> HTMLResponse:
    return HTMLResponse(
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"<link rel='stylesheet' href='/static/cti.css'></head><body><main class='softphone'>"
        f"<h1>{title}</h1><p role='alert'>{message}</p></main></body></html>", status_code=status)
