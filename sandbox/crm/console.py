"""The agent console: login form, the single-page console with the embedded softphone, logout."""
from __future__ import annotations

import html
import json
from pathlib import Path
from urllib.parse import quote
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..platform.faults import EdgeError
from ..platform.system import System
from .store import Crm

SESSION_COOKIE = "crm_session"
STATIC_DIR = Path(__file__).parent / "static"


# The softphone may speak (e.g. re-send a screen pop after a reload) before console.js has loaded:
# keep what arrives until the console is ready to handle it.
BRIDGE_INBOX = ('<script>window.deskcheckInbox = [];'
                'window.deskcheckKeep = function (e) { window.deskcheckInbox.push(e); };'
                'window.addEventListener("message", window.deskcheckKeep);</script>')


def _page(title: str, body: str, scripts: str = "", head: str = "") -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/console.css">
{head}
</head>
<body>
{body}
{scripts}
</body>
</html>"""


def _login_page(error: str | None = None, username: str = "") -> str:
    alert = f'<p role="alert" class="alert">{html.escape(error)}</p>' if error else ""
    return _page("Sign in · deskcheck CRM", f"""
<main class="login">
  <div class="login-card">
    <div class="brand brand-large">deskcheck <span>CRM</span></div>
    <h1>Sign in</h1>
    {alert}
    <form method="post" action="/login" class="stack">
      <label for="username">Username</label>
      <input id="username" name="username" autocomplete="username" value="{html.escape(username)}" required autofocus>
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>
      <button type="submit" class="primary">Sign in</button>
    </form>
    <p class="hint">Demo logins: maya / maya-pass, tia / tia-pass, sam / sam-pass</p>
  </div>
</main>""")


def _script_json(value: Any) -> str:
    """JSON safe to place inside a <script> element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _console_page(user: dict[str, Any], config: dict[str, Any], softphone_src: str | None, sso_error: str | None) -> str:
    name = html.escape(user["name"])
    supervisor_link = ('<a class="button-link" href="/console/supervisor">Supervisor board</a>'
                       if user["role"] == "supervisor" else "")
    if softphone_src:
        softphone = (f'<iframe title="Softphone" id="softphone" src="{html.escape(softphone_src)}"'
                     ' width="360" height="640"></iframe>')
    else:
        softphone = (f'<div class="softphone-missing"><p role="alert" class="alert">Softphone unavailable: '
                     f'{html.escape(sso_error or "unknown error")}</p><p>Reload the page to try again.</p></div>')
    body = f"""
<header class="topbar">
  <div class="brand">deskcheck <span>CRM</span></div>
  <div class="topbar-right">
    <span class="who">Signed in as {name}</span>
    <span class="role-badge">{html.escape(user["role"])}</span>
    <label for="presence" class="presence-label">CRM presence</label>
    <select id="presence" name="presence">
      <option value="Online">Online</option>
      <option value="Busy">Busy</option>
      <option value="Offline">Offline</option>
    </select>
    {supervisor_link}
    <form method="post" action="/logout" class="inline"><button type="submit">Sign out</button></form>
  </div>
</header>
<div class="layout">
  <main class="workspace">
    <section aria-label="Search" class="card">
      <form role="search" id="search-form" class="search-row">
        <input type="search" id="search-input" aria-label="Search contacts" placeholder="Name, phone, email or account">
        <button type="submit">Search</button>
      </form>
      <ul aria-label="Search results" id="search-results" class="results"></ul>
      <p id="search-empty" class="muted" hidden>No contacts found</p>
    </section>
    <div id="notice" role="status" class="notice"></div>
    <section aria-label="Screen pop" class="card" id="screen-pop">
      <p class="muted">No incoming call</p>
    </section>
    <section aria-label="Contact record" class="card" id="contact-record">
      <p class="muted">No contact open. Search for a contact or take a call.</p>
    </section>
  </main>
  <aside class="softphone-panel">
    {softphone}
  </aside>
</div>"""
    scripts = (f'<script id="console-config" type="application/json">{_script_json(config)}</script>\n'
               '<script src="/static/console.js"></script>')
    return _page("Console · deskcheck CRM", body, scripts, head=BRIDGE_INBOX)


def build_console(system: System, crm: Crm) -> APIRouter:
    router = system.router(tags=["console"])

    def session_user(request: Request) -> dict[str, Any] | None:
        principal = crm.session_principal(request.cookies.get(SESSION_COOKIE))
        return crm.user(principal.name) if principal else None

    def sso_code(username: str) -> str:
        answer = system.peers["cti"].request("POST", "/api/sso/codes", edge="sso", json={"username": username})
        if not isinstance(answer, dict) or not answer.get("code"):
            raise EdgeError("crm->cti.sso", "no code in the answer")
        return str(answer["code"])

    @router.get("/", name="crm.console.root", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/console", status_code=303)

    @router.get("/login", name="crm.console.login_form", response_class=HTMLResponse)
    def login_form(request: Request) -> Response:
        if session_user(request):
            return RedirectResponse("/console", status_code=303)
        return HTMLResponse(_login_page())

    @router.post("/login", name="crm.console.login", response_class=HTMLResponse)
    def login(username: str = Form(default=""), password: str = Form(default="")) -> Response:
        principal = crm.verify_user(username.strip(), password)
        if principal is None:
            return HTMLResponse(_login_page("Wrong username or password.", username), status_code=401)
        response = RedirectResponse("/console", status_code=303)
        response.set_cookie(SESSION_COOKIE, crm.open_session(principal.name), httponly=True, samesite="lax", path="/")
        return response

    @router.post("/logout", name="crm.console.logout")
    def logout(request: Request) -> Response:
        token = request.cookies.get(SESSION_COOKIE)
        principal = crm.session_principal(token)
        if principal is not None:
            crm.set_presence(principal.name, "Offline", None, "crm")
            # pushed even when crm already says Offline: signing out must take the agent out of routing
            crm.push_presence_to_cti(principal.name, "Offline", None)
            crm.close_session(token)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
        return response

    @router.get("/console", name="crm.console.page", response_class=HTMLResponse)
    def console(request: Request) -> Response:
        user = session_user(request)
        if user is None:
            return RedirectResponse("/login", status_code=303)
        softphone_src, sso_error = None, None
        try:  # a fresh one-time code per page load: the softphone logs in as this agent
            softphone_src = f"{system.config.urls['cti']}/softphone?code={sso_code(user['username'])}"
        except EdgeError as exc:
            sso_error = exc.reason
        config = {"user": {"username": user["username"], "name": user["name"], "role": user["role"]},
                  "ctiOrigin": system.config.urls["cti"], "crmOrigin": system.url}
        response = HTMLResponse(_console_page(user, config, softphone_src, sso_error))
        response.headers["cache-control"] = "no-store"
        return response

    @router.get("/console/supervisor", name="crm.console.supervisor")
    def supervisor(request: Request) -> Response:
        user = session_user(request)
        if user is None:
            return RedirectResponse("/login", status_code=303)
        if user["role"] != "supervisor":
            return HTMLResponse(_page("Not allowed", '<main class="login"><div class="login-card"><h1>Not allowed</h1>'
                                      '<p role="alert" class="alert">Only supervisors can open the supervisor board.</p>'
                                      '<a href="/console">Back to the console</a></div></main>'), status_code=403)
        try:
            code = sso_code(user["username"])
        except EdgeError as exc:
            return HTMLResponse(_page("Supervisor board unavailable", '<main class="login"><div class="login-card">'
                                      '<h1>Supervisor board unavailable</h1><p role="alert" class="alert">'
                                      f'{html.escape(exc.reason)}</p><a href="/console">Back to the console</a>'
                                      '</div></main>'), status_code=502)
        return RedirectResponse(f"{system.config.urls['cti']}/supervisor?code={code}", status_code=303)

    @router.get("/console/tickets/{ticket_id}", name="crm.console.ticket")
    def ticket(ticket_id: str, request: Request) -> Response:
        """Opens a linked helpdesk ticket, signed in as this agent (a one-time code, like the softphone)."""
        user = session_user(request)
        if user is None:
            return RedirectResponse("/login", status_code=303)
        try:
            answer = system.peers["helpdesk"].request("POST", "/api/sso/codes", edge="sso",
                                                      json={"username": user["username"], "name": user["name"]})
            code = answer["code"]
        except (EdgeError, KeyError, TypeError) as exc:
            return HTMLResponse(_page("Ticket unavailable", '<main class="login"><div class="login-card">'
                                      '<h1>Ticket unavailable</h1><p role="alert" class="alert">'
                                      f'{html.escape(str(exc))}</p><a href="/console">Back to the console</a>'
                                      '</div></main>'), status_code=502)
        target = f"{system.config.urls['helpdesk']}/tickets/{quote(ticket_id)}?code={code}"
        return RedirectResponse(target, status_code=303)

    @router.get("/static/{name}", name="crm.console.static", include_in_schema=False)
    def static(name: str) -> Response:
        path = STATIC_DIR / name
        if "/" in name or not path.is_file():
            return Response(status_code=404)
        media = {"css": "text/css", "js": "text/javascript"}.get(path.suffix.lstrip("."), "application/octet-stream")
        return Response(path.read_bytes(), media_type=f"{media}; charset=utf-8", headers={"cache-control": "no-cache"})

    return router
