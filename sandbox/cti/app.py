"""cti: agents and their state machine, queues and routing, the call simulator, call controls, transfers,
wrap-up, the embedded softphone and the supervisor board.

Routes are plain `def` (they touch the DB or call crm; both systems share one event loop).

This module builds the app: its routes by area in api_agents.py, api_calls.py, api_interactions.py and
desktop.py (sign-in, the softphone and the board, their pages); request bodies in api_bodies.py.
"""
from __future__ import annotations

from fastapi import FastAPI

from ..platform.system import SandboxConfig, System
from .access import event_as_seen_by
from .api_agents import add_agent_routes
from .api_calls import add_call_routes
from .api_interactions import add_interaction_routes
from .desktop import add_desktop_pages, add_desktop_routes, session_principal_of
from .model import Cti
from .model_base import SCHEMA


def build(config: SandboxConfig) -> tuple[System, FastAPI]:
    system = System("cti", SCHEMA, config)
    cti = Cti(system)
    app = system.create_app(
        "deskcheck sandbox: cti",
        "Telephony/CTI of the reference contact center: agents and their states, queues and routing, the call "
        "simulator, call controls, transfers, wrap-up, the embedded softphone and the supervisor board.")

    session_principal = session_principal_of(cti)

    system.auth.session_lookup = session_principal
    system.events.user_view = lambda principal, event: event_as_seen_by(cti, principal, event)
    system.on_seed(cti.seed)
    system.on_reset(lambda: cti._outgoing.clear())
    system.on_tick(cti.tick)

    api = system.router(prefix="/api")
    add_agent_routes(api, system, cti)
    add_call_routes(api, system, cti)
    add_interaction_routes(api, system, cti)
    add_desktop_routes(api, system, cti)
    app.include_router(api)

    add_desktop_pages(app, config, cti, session_principal)
    system.domain = cti  # vendor doors (the Amazon Connect door, connect.py) serve this same domain object
    return system, app
