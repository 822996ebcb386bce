"""helpdesk: tickets from phone, chat and email, SLA timers over business hours, customer notifications,
ticket-to-crm links, and the ticket view that agents open from the console.

Routes are plain `def` (they touch the DB or call crm).
"""
from __future__ import annotations

import html
import re
from typing import Any, Literal

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ..platform.auth import Principal
from ..platform.guard import RecordId
from ..platform.system import SandboxConfig, System
from .store import (BUSINESS_HOURS, CHANNELS, ESCALATION_GROUP, LIFECYCLE, PRIORITIES, SCHEMA, SLA_POLICIES,
                    STATUS_LABELS, STATUSES, WARN_AT, Helpdesk, HelpdeskError)

SESSION_COOKIE = "helpdesk_session"
Channel = Literal[CHANNELS]  # type: ignore[valid-type]
Priority = Literal[PRIORITIES]  # type: ignore[valid-type]
Status = Literal[STATUSES]  # type: ignore[valid-type]
TICKET_REF = re.compile(r"\[(T-\d+)\]", re.IGNORECASE)


class TicketIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    subject: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=20_000)
    channel: Channel
    priority: Priority | None = None
    category: str | None = Field(default=None, max_length=40)
    contact_id: int | None = None
    requester_name: str | None = Field(default=None, max_length=120)
    requester_email: str | None = Field(default=None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = Field(default=None, max_length=40)
    tags: list[str] | None = Field(default=None, max_length=20)
    source_ref: str | None = Field(default=None, max_length=100, description="the call or conversation it came from")
    idempotency_key: str | None = Field(default=None, min_length=1, max_length=120,
                                        description="a retried request with the same key gets the first ticket back")


class TicketPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Status | None = None
    priority: Priority | None = None
    via: Channel = "web"


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    body: str = Field(min_length=1, max_length=5000)
    author: str = Field(min_length=1, max_length=120)
    author_type: Literal["agent", "customer"] = "agent"
    channel: Channel = "web"
    public: bool = True
    status: Status | None = Field(default=None, description="status after the comment (e.g. pending)")


class EmailIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    from_email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20_000)


class SsoIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=120)


def build(config: SandboxConfig) -> tuple[System, FastAPI]:
    system = System("helpdesk", SCHEMA, config)
    desk = Helpdesk(system)
    system.on_tick(desk.tick)
    app = system.create_app(
        "deskcheck sandbox: helpdesk",
        "Tickets from phone, chat and email; SLA policies (first reply, resolution) over business hours "
        "(weekdays 09:00-17:00 UTC) on the sandbox clock; customer notifications; links to crm contacts.")

    api = system.router(prefix="/api", tags=["tickets"])

    @api.get("/sla/policies", name="helpdesk.sla.policies")
    def policies(principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        return {"business_hours": {"timezone": "UTC", "days": "Mon-Fri", "open": "09:00", "close": "17:00"},
                "policies": [{"priority": p, "first_reply_seconds": f, "resolution_seconds": r}
                             for p, (f, r) in SLA_POLICIES.items()]}

    @api.get("/settings", name="helpdesk.settings")
    def settings(principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        """Business hours, SLA policies by priority, ticket statuses as the screens show them, channels, and
        what a breach does."""
        return {"business_hours": {"timezone": "UTC", **BUSINESS_HOURS},
                "sla_policies": [{"priority": p, "first_reply_seconds": f, "resolution_seconds": r}
                                 for p, (f, r) in SLA_POLICIES.items()],
                "priorities": list(PRIORITIES), "channels": list(CHANNELS),
                "statuses": [{"status": s, "label": STATUS_LABELS[s]} for s in STATUSES],
                "sla_warning_at": WARN_AT, "escalation_group": ESCALATION_GROUP, "lifecycle": LIFECYCLE}

    @api.post("/tickets", name="helpdesk.tickets.create", status_code=201)
    def create_ticket(body: TicketIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        return desk.create(body.model_dump())

    @api.get("/tickets", name="helpdesk.tickets.list")
    def list_tickets(contact_id: RecordId | None = None, status: str | None = None, category: str | None = None,
                     channel: str | None = None, source_ref: str | None = None, correlation_id: str | None = None,
                     principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        return {"tickets": desk.all(contact_id=contact_id, status=status, category=category, channel=channel,
                                    source_ref=source_ref, correlation_id=correlation_id)}

    @api.get("/tickets/{key}", name="helpdesk.tickets.get")
    def get_ticket(key: str, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        return desk.get(key)

    @api.patch("/tickets/{key}", name="helpdesk.tickets.update")
    def update_ticket(key: str, body: TicketPatch, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        return desk.update(key, body.model_dump(exclude_unset=True, exclude={"via"}), body.via)

    @api.post("/tickets/{key}/comments", name="helpdesk.tickets.comment", status_code=201)
    def comment(key: str, body: CommentIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        return desk.add_comment(key, body.body, body.author, body.author_type, body.channel, body.public, body.status)

    @api.post("/tickets/{key}/status-read", name="helpdesk.tickets.status_read", status_code=204)
    def status_read(key: str, via: Channel = "phone", principal: Principal = Depends(system.auth)) -> Response:
        desk.note_read(key, via)
        return Response(status_code=204)

    @api.get("/tickets/{key}/notifications", name="helpdesk.tickets.notifications")
    def notifications(key: str, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        return {"notifications": desk.get(key)["notifications"]}

    @api.post("/inbound/email", name="helpdesk.inbound.email", status_code=201)
    def inbound_email(body: EmailIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        """An email from a customer: a reply to [T-1234] in the subject updates that ticket, else a new one."""
        ref = TICKET_REF.search(body.subject)
        if ref:
            return desk.add_comment(ref.group(1).upper(), body.body, body.from_email, "customer", "email", True)
        return desk.create({"subject": body.subject, "description": body.body, "channel": "email",
                            "requester_email": body.from_email, "category": "email"})

    @api.post("/sso/codes", name="helpdesk.sso.codes", status_code=201)
    def sso_code(body: SsoIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        if principal.kind != "client":
            raise HelpdeskError(403, "sign-in codes need a service token")
        return desk.new_sso_code(body.username, body.name)

    app.include_router(api)
    crm_url = config.urls.get("crm", "").rstrip("/")

    # ---- the ticket view ---------------------------------------------------------------------------
    def agent_of(request: Request) -> dict[str, Any] | None:
        return desk.session(request.cookies.get(SESSION_COOKIE))

    @app.get("/tickets/{key}", name="helpdesk.pages.ticket", response_class=HTMLResponse, tags=["pages"])
    def ticket_page(key: str, request: Request, code: str | None = None) -> Response:
        if code is not None:
            token = desk.redeem_sso_code(code)
            if token is None:
                return _page("Ticket", "<p role='alert'>This sign-in link has expired. Open the ticket again "
                                       "from the CRM console.</p>", 401)
            redirect = RedirectResponse(request.url.path, status_code=303)
            redirect.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", path="/")
            return redirect
        agent = agent_of(request)
        if agent is None:
            return _page("Ticket", "<p role='alert'>Not signed in. Open the ticket from the CRM console.</p>", 401)
        try:
            ticket = desk.get(key)
        except HelpdeskError as exc:
            return _page("Ticket", f"<p role='alert'>{html.escape(exc.detail)}</p>", exc.status)
        return _page(f"{ticket['id']} · Helpdesk", _ticket_html(ticket, agent, crm_url), 200)

    @app.post("/tickets/{key}/reply", name="helpdesk.pages.reply", tags=["pages"])
    def reply(key: str, request: Request, body: str = Form(default=""), status: str = Form(default=""),
              via: str = Form(default="email")) -> Response:
        agent = agent_of(request)
        if agent is None:
            return _page("Ticket", "<p role='alert'>Not signed in.</p>", 401)
        if not body.strip() or status not in ("", *STATUSES) or via not in CHANNELS:
            return _page("Ticket", "<p role='alert'>A reply needs text, a known status and channel.</p>", 422)
        desk.add_comment(key, body.strip(), agent["name"], "agent", via, True, status or None)
        return RedirectResponse(f"/tickets/{key}", status_code=303)

    return system, app


def _page(title: str, body: str, status: int) -> HTMLResponse:
    return HTMLResponse(f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; background: #f4f6f9; color: #1d2430; margin: 0; }}
main {{ max-width: 880px; margin: 0 auto; padding: 16px; }}
section, .card {{ background: #fff; border-radius: 8px; padding: 12px 16px; margin-top: 12px; box-shadow: 0 1px 2px #0002; }}
dl {{ display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }}
dt {{ color: #4a5568; }} dd {{ margin: 0; font-weight: 600; }}
.breached {{ color: #c53030; font-weight: 600; }} .warning {{ color: #c05621; }} .paused {{ color: #6b46c1; }}
li {{ margin: 4px 0; white-space: pre-line; }} textarea, select {{ font: inherit; width: 100%; }}
button {{ padding: 6px 14px; border-radius: 6px; border: 0; background: #2b6cb0; color: #fff; font: inherit; margin-top: 8px; }}
.muted {{ color: #4a5568; }}  /* 7:1 on the page background; #718096 was 3.7:1 (WCAG AA wants 4.5) */
</style></head><body><main>{body}</main></body></html>""", status_code=status, headers={"cache-control": "no-store"})


def _duration(seconds: int) -> str:
    hours, minutes = divmod(max(0, seconds) // 60, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def sla_text(metric: str, sla: dict[str, Any]) -> str:
    """How the ticket view words one SLA metric: "Resolution: due in 3 h 00 min (business hours)"."""
    label = {"first_reply": "First reply", "resolution": "Resolution"}[metric]
    state = sla[metric]
    if state["state"] == "met":
        return f"{label}: met"
    if state["state"] == "breached":
        return f"{label}: breached"
    if state["state"] == "paused":
        return f"{label}: paused while pending customer ({_duration(state['remaining_seconds'])} left)"
    warning = " (warning)" if state["state"] == "warning" else ""
    return f"{label}: due in {_duration(state['remaining_seconds'])}{warning}"


def _ticket_html(ticket: dict[str, Any], agent: dict[str, Any], crm_url: str) -> str:
    e = html.escape
    contact_link = (f'<a href="{e(crm_url)}/console#contact/{ticket["contact_id"]}">Open contact in CRM</a>'
                    if ticket["contact_id"] else '<span class="muted">No CRM contact linked</span>')
    sla = ticket["sla"]
    sla_items = "".join(f'<li class="{sla[m]["state"]}">{e(sla_text(m, sla))}</li>' for m in ("first_reply", "resolution"))
    escalated = f"<p class='breached'>Escalated to {e(ticket['group'])}</p>" if ticket["escalated"] else ""
    comments = "".join(
        f"<li>{e(c['author'])} via {e(c['channel'])}{'' if c['public'] else ' (internal)'}: {e(c['body'])}</li>"
        for c in ticket["comments"]) or "<li class='muted'>No messages yet</li>"
    notes = "".join(f"<li>Email to {e(n['to'])}: {e(n['subject'])}</li>" for n in ticket["notifications"]) \
        or "<li class='muted'>None sent</li>"
    status_options = "".join(f'<option value="{v}">{label}</option>' for v, label in
                             (("", "Keep status"), ("open", "Open"), ("pending", "Pending customer"), ("solved", "Solved")))
    via_options = "".join(f'<option value="{v}">{v.capitalize()}</option>' for v in ("email", "phone", "chat"))
    return f"""
<p class="muted">Helpdesk · signed in as {e(agent['name'])}</p>
<h1>{e(ticket['id'])}: {e(ticket['subject'])}</h1>
<section aria-label="Ticket details"><dl>
  <dt>Status</dt><dd>{e(ticket['status_label'])}</dd>
  <dt>Priority</dt><dd>{e(ticket['priority'].capitalize())}</dd>
  <dt>Channel</dt><dd>{e(ticket['channel'].capitalize())}</dd>
  <dt>Category</dt><dd>{e(ticket['category'])}</dd>
  <dt>Requester</dt><dd>{e(ticket['requester_name'] or ticket['requester_email'] or ticket['phone'] or 'Unknown')}</dd>
  <dt>Group</dt><dd>{e(ticket['group'])}</dd>
</dl><p>{contact_link}</p></section>
<section aria-label="SLA"><h2>SLA ({e(sla['policy'])} priority, business hours)</h2><ul>{sla_items}</ul>{escalated}</section>
<section aria-label="Conversation"><h2>Conversation</h2><ul>{comments}</ul></section>
<section aria-label="Customer notifications"><h2>Customer notifications</h2><ul>{notes}</ul></section>
<form class="card" aria-label="Reply" method="post" action="/tickets/{e(ticket['id'])}/reply">
  <label for="reply-body">Reply</label><textarea id="reply-body" name="body" rows="3" required></textarea>
  <label for="reply-via">Reply via</label><select id="reply-via" name="via">{via_options}</select>
  <label for="reply-status">Status after reply</label><select id="reply-status" name="status">{status_options}</select>
  <button type="submit">Send reply</button>
</form>"""
