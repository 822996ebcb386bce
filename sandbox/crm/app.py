"""crm: contacts and their 360 view, call activities, screen pops, dispositions, users and roles,
CRM presence, and the agent console that embeds the cti softphone."""
from __future__ import annotations

from fastapi import FastAPI, Request

from ..platform.auth import Principal
from ..platform.framing import NoFraming
from ..platform.system import SandboxConfig, System
from .api import build_api
from .console import SESSION_COOKIE, build_console
from .schema import SCHEMA_SQL
from .seed import seed
from .store import Crm
from .visibility import event_as_seen_by

DESCRIPTION = """The sandbox CRM. APIs take a bearer token from `/oauth/token` (client credentials, or a
password grant for a user: the user's role then hides fields) or the console's `crm_session` cookie.
Field visibility: trainee cannot see date_of_birth, tax_id, billing.balance; agent cannot see tax_id."""


def build(config: SandboxConfig) -> tuple[System, FastAPI]:
    system = System("crm", SCHEMA_SQL, config)
    crm = Crm(system)

    def session_lookup(request: Request) -> Principal | None:
        return crm.session_principal(request.cookies.get(SESSION_COOKIE))

    system.auth.session_lookup = session_lookup
    system.auth.verify_user = crm.verify_user
    system.events.user_view = event_as_seen_by
    system.on_seed(lambda: seed(system.db))

    app = system.create_app("deskcheck crm", DESCRIPTION)
    app.add_middleware(NoFraming)  # the console is a top-level page: nobody frames it
    app.include_router(build_api(system, crm))
    app.include_router(build_console(system, crm))
    return system, app
