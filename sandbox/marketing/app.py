"""marketing: contacts synced with the crm per field_mapping.json, web forms, campaigns, lead score
triggers, email activity to the crm timeline, unsubscribes to crm consent, bulk import, reconciliation."""
from __future__ import annotations

from fastapi import FastAPI

from ..platform.system import SandboxConfig, System
from .api import build_api
from .connector import Connector
from .mapping import Mapping
from .schema import SCHEMA_SQL
from .store import Marketing

DESCRIPTION = """The sandbox marketing-automation platform and its crm connector. APIs take a bearer token
from `/oauth/token` (client credentials). The connector executes `GET /api/mapping` (field_mapping.json):
a sync runs every `schedule.crm_to_marketing_every_seconds` on the sandbox clock, or now with
`POST /api/sync/run`; failures are logged (`/api/sync/errors`) and retried with back-off."""


def build(config: SandboxConfig) -> tuple[System, FastAPI]:
    system = System("marketing", SCHEMA_SQL, config)
    mapping = Mapping.load()
    store = Marketing(system, mapping)
    connector = Connector(system, store, mapping)
    system.on_seed(connector.start_schedule)
    system.on_tick(connector.tick)
    app = system.create_app("deskcheck marketing", DESCRIPTION)
    app.include_router(build_api(system, store, connector, mapping))
    return system, app
