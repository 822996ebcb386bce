"""The agent's and the supervisor's desktop in cti: sign-in codes (SSO from the crm console), the
softphone's snapshot, the supervisor board's data, and the two pages, framed only by the crm console."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from ..platform.auth import Principal
from ..platform.system import SandboxConfig, System
from .access import require_supervisor, service_only
from .api_bodies import SsoIn
from .errors import CtiError
from .model import Cti

STATIC = Path(__file__).parent / "static"
SESSION_COOKIE = "cti_session"


def add_desktop_routes(api: APIRouter, system: System, cti: Cti) -> None:
    """Sign-in codes, the signed-in agent's snapshot and the supervisor board."""
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


def session_principal_of(cti: Cti) -> Callable[[Request], Principal | None]:
    """The agent signed in to the softphone or the board by the cti session cookie, or None."""
    def session_principal(request: Request) -> Principal | None:
        token = request.cookies.get(SESSION_COOKIE)
        agent = cti.session_user(token) if token else None
        return Principal("session", agent["username"], agent["role"]) if agent else None
    return session_principal


def add_desktop_pages(app: FastAPI, config: SandboxConfig, cti: Cti,
                      session_principal: Callable[[Request], Principal | None]) -> None:
    """The softphone and supervisor pages (a sign-in code in the link opens a session) and their static files."""
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


def _page_headers(crm_origin: str) -> dict[str, str]:
    # the softphone lives in the crm console's iframe; nobody else may frame it
    return {"Content-Security-Policy": f"frame-ancestors 'self' {crm_origin}".strip(), "Cache-Control": "no-store"}


def _message_page(title: str, message: str, status: int) -> HTMLResponse:
    return HTMLResponse(
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"<link rel='stylesheet' href='/static/cti.css'></head><body><main class='softphone'>"
        f"<h1>{title}</h1><p role='alert'>{message}</p></main></body></html>", status_code=status)
