"""Builds one sandbox system: its FastAPI app with auth, events, faults and the test API."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from .auth import INTEGRATION_ADMIN, REFRESH_TTL_SECONDS, Auth
from .clock import Clock, ClockRefusal, parse_iso
from .correlation import CorrelationMiddleware
from .db import Database
from .errors import Refusal
from .guard import RequestGuard
from .events import EVENTS_SCHEMA, EventBus
from .faults import Faults, faults_router, faulty_route_class
from .service import OUTBOX_SCHEMA, Outbox, ServiceClient
from .webhook_targets import WebhookTargets

SUITE_CLIENT = "deskcheck-suite"
# The suite's client secret: this variable when set (the suite starts its sandbox with one made per run), else
# the demo secret the README gives to people clicking around with `deskcheck sandbox`.
SUITE_SECRET_VARIABLE, DEMO_SUITE_SECRET = "DESKCHECK_SANDBOX_CLIENT_SECRET", "suite-secret"
# The suite's client subscribes partners' webhooks; the systems' own clients only exchange data.
CLIENT_ROLES = {SUITE_CLIENT: INTEGRATION_ADMIN}


def service_client_id(system: str) -> str:
    return f"{system}-service"


def suite_secret_from(environ: Mapping[str, str] = os.environ) -> str:
    return environ.get(SUITE_SECRET_VARIABLE) or DEMO_SUITE_SECRET


VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "title": "HTTPValidationError", "type": "object", "required": ["detail"],
    "properties": {
        "detail": {"type": "string", "title": "Detail"},
        "errors": {"type": "array", "title": "Errors", "items": {
            "type": "object", "required": ["field", "message"],
            "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}},
    },
}


@dataclass
class SandboxConfig:
    urls: dict[str, str]
    data_dir: Path
    token_ttl: int = 300
    sandbox_mode: bool = True
    refresh_token_ttl: int = REFRESH_TTL_SECONDS
    webhook_allowlist: tuple[str, ...] = ()  # where webhooks may deliver (loopback too in sandbox mode)
    clock: Clock = field(default_factory=Clock)
    faults: Faults = field(default_factory=Faults)
    suite_secret: str = field(default=DEMO_SUITE_SECRET, repr=False)
    # the systems' own clients, one per system, with secrets made for this run: known only inside this process
    service_secrets: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for system in self.urls:
            self.service_secrets.setdefault(service_client_id(system), secrets.token_urlsafe(32))

    @property
    def clients(self) -> dict[str, str]:
        """Every client id the systems accept, with its secret."""
        return {SUITE_CLIENT: self.suite_secret, **self.service_secrets}


class ClockIn(BaseModel):
    advance_seconds: float | None = Field(default=None, ge=0, le=366 * 24 * 3600)
    set: str | None = None


class System:
    """What a system's routes need: its db, clock, events, auth, faults and peers."""

    def __init__(self, name: str, schema: str, config: SandboxConfig) -> None:
        self.name, self.config = name, config
        self.clock, self.faults = config.clock, config.faults
        self.db = Database(Path(config.data_dir) / f"{name}.sqlite3", schema + EVENTS_SCHEMA + OUTBOX_SCHEMA)
        targets = WebhookTargets(config.webhook_allowlist, allow_loopback=config.sandbox_mode,
                                 own_urls=config.urls.values())
        self.events = EventBus(self.db, name, self.clock, self.faults, targets)
        self.auth = Auth(self.clock, config.token_ttl, config.clients, client_roles=CLIENT_ROLES,
                         refresh_ttl_seconds=config.refresh_token_ttl)
        self.route_class = faulty_route_class(self.faults)
        self.peers: dict[str, ServiceClient] = {}
        self.outboxes: dict[str, Outbox] = {}
        client_id = service_client_id(name)
        secret = config.service_secrets[client_id]
        for peer, url in config.urls.items():
            if peer != name:
                client = ServiceClient(name, peer, url, client_id, secret, self.faults)
                self.peers[peer] = client
                self.outboxes[peer] = Outbox(self.db, self.clock, client)
        self._reset_hooks: list[Callable[[], None]] = []
        self._seed_hooks: list[Callable[[], None]] = []
        self._tick_hooks: list[Callable[[], None]] = []
        # UIs that count down (ACW) follow a clock jump at once instead of at their next resync
        self.clock.on_change(lambda: self.events.emit(
            "clock.changed", {"now": self.clock.iso(), "offset_seconds": self.clock.offset_seconds}))

    @property
    def url(self) -> str:
        return self.config.urls[self.name]

    def router(self, **kwargs: Any) -> APIRouter:
        """An APIRouter whose routes obey injected faults (target = route name)."""
        return APIRouter(route_class=self.route_class, **kwargs)

    def on_reset(self, hook: Callable[[], None]) -> None:
        self._reset_hooks.append(hook)

    def on_seed(self, hook: Callable[[], None]) -> None:
        self._seed_hooks.append(hook)

    def on_tick(self, hook: Callable[[], None]) -> None:
        """Timers: run by the ticker about every 100 ms and right after every clock change."""
        self._tick_hooks.append(hook)

    def tick(self) -> None:
        for hook in self._tick_hooks:
            hook()
        for outbox in self.outboxes.values():
            outbox.flush()

    def seed(self) -> None:
        for hook in self._seed_hooks:
            hook()

    def reset(self) -> None:
        self.db.wipe()
        for hook in self._reset_hooks:
            hook()
        self.seed()

    def create_app(self, title: str, description: str) -> FastAPI:
        app = FastAPI(title=title, description=description, version="1.0.0")
        app.add_middleware(RequestGuard)
        app.add_middleware(CorrelationMiddleware)  # outermost: refusals echo the correlation id too

        @app.exception_handler(RequestValidationError)
        async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
            problems = [
                # the location without its leading "body" (a field may itself be called "body")
                {"field": ".".join(str(p) for p in err["loc"][1 if err["loc"][:1] == ("body",) else 0:]),
                 "message": err["msg"]}
                for err in exc.errors()
            ]
            reason = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
            return JSONResponse({"detail": f"invalid request: {reason}", "errors": problems}, status_code=422)

        documented = app.openapi

        def openapi() -> dict[str, Any]:
            """FastAPI documents 422 as {detail: [...]}; say what the handler above really answers."""
            schema = documented()
            schema.get("components", {}).get("schemas", {})["HTTPValidationError"] = VALIDATION_ERROR_SCHEMA
            return schema

        app.openapi = openapi  # type: ignore[method-assign]

        @app.exception_handler(Refusal)
        async def refusal(request: Request, exc: Refusal) -> JSONResponse:
            return JSONResponse({"detail": exc.detail}, status_code=exc.status)

        @app.get("/healthz", tags=["health"])
        def healthz() -> dict[str, Any]:
            return {"status": "ok", "system": self.name, "now": self.clock.iso(), "clock_frozen": self.clock.frozen}

        app.include_router(self.auth.router())
        app.include_router(self.events.router(self.auth))
        if self.config.sandbox_mode:
            app.include_router(self._test_router())
            app.include_router(faults_router(self.faults))
        return app

    def _test_router(self) -> APIRouter:
        router = APIRouter(prefix="/_sandbox", tags=["sandbox test API"])

        @router.post("/reset")
        def reset() -> dict[str, Any]:
            self.faults.clear()
            self.reset()
            return {"reset": self.name}

        @router.post("/seed")
        def seed() -> dict[str, Any]:
            self.seed()
            return {"seeded": self.name}

        @router.get("/clock")
        def get_clock() -> dict[str, Any]:
            return {"now": self.clock.iso(), "offset_seconds": self.clock.offset_seconds, "frozen": self.clock.frozen}

        @router.post("/clock")
        def move_clock(body: ClockIn) -> JSONResponse:
            if (body.advance_seconds is None) == (body.set is None):
                return JSONResponse({"detail": "give exactly one of advance_seconds or set"}, status_code=422)
            try:
                if body.set is not None:
                    self.clock.set(parse_iso(body.set))
                else:
                    self.clock.advance(body.advance_seconds or 0)
            except ClockRefusal as exc:  # backwards, or past the latest time the sandbox keeps
                return JSONResponse({"detail": str(exc)}, status_code=422)
            except ValueError:
                return JSONResponse({"detail": f"set is not an ISO 8601 time: {body.set!r}"}, status_code=422)
            return JSONResponse({"now": self.clock.iso(), "offset_seconds": self.clock.offset_seconds})

        return router
