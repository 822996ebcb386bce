"""Fault injection: make an endpoint or an integration edge fail, for N calls or until cleared."""
from __future__ import annotations

import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Literal

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

FaultMode = Literal["http_500", "timeout", "null_body", "drop_event", "duplicate_event", "delay"]
TIMEOUT_SECONDS = 15.0  # longer than any client in the sandbox waits


class FaultIn(BaseModel):
    target: str = Field(min_length=3, max_length=120, pattern=r"^[a-z_]+(->[a-z_]+)?\.[a-z_.]+$")
    mode: FaultMode
    count: int | None = Field(default=None, ge=1, le=10_000)
    delay_ms: int = Field(default=0, ge=0, le=60_000)
    after: int = Field(default=0, ge=0, le=10_000, description="let this many calls through first (a fault mid-run)")


@dataclass
class Fault:
    target: str
    mode: str
    count: int | None
    delay_ms: int
    after: int = 0
    id: str = field(default_factory=lambda: f"fault-{uuid.uuid4().hex[:8]}")
    hits: int = 0
    passed: int = 0


class Faults:
    """Registry shared by the systems of one sandbox process."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._cleared = threading.Event()
        self._on_add: list[Callable[[Fault], None]] = []

    def on_add(self, listener: Callable[[Fault], None]) -> None:
        """Called with each new fault (event streams drop their connections at once)."""
        self._on_add.append(listener)

    def add(self, spec: FaultIn) -> Fault:
        fault = Fault(spec.target, spec.mode, spec.count, spec.delay_ms, spec.after)
        with self._lock:
            self._faults.append(fault)
            self._cleared.clear()
        for listener in list(self._on_add):
            listener(fault)
        return fault

    def clear(self, target: str | None = None) -> int:
        with self._lock:
            before = len(self._faults)
            self._faults = [f for f in self._faults if target is not None and f.target != target]
            removed = before - len(self._faults)
            if not self._faults:
                self._cleared.set()
        return removed

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(f) for f in self._faults]

    def take(self, target: str) -> Fault | None:
        """The active fault for target, consuming one of its counted calls."""
        with self._lock:
            for fault in self._faults:
                if fault.target == target:
                    if fault.passed < fault.after:
                        fault.passed += 1
                        return None
                    fault.hits += 1
                    if fault.count is not None and fault.hits >= fault.count:
                        self._faults.remove(fault)
                    return fault
        return None

    def hang(self) -> None:
        """A timeout: hold the caller until it gives up, or until faults are cleared."""
        self._cleared.wait(TIMEOUT_SECONDS)


def faulty_route_class(faults: Faults) -> type[APIRoute]:
    """A route class whose endpoints obey faults targeted at the route's name."""

    class FaultyRoute(APIRoute):
        def get_route_handler(self) -> Callable:
            handler = super().get_route_handler()
            target = self.name

            async def with_faults(request: Request) -> Response:
                fault = faults.take(target)
                if fault is not None:
                    import anyio

                    if fault.mode == "http_500":
                        return JSONResponse({"detail": f"injected fault on {target}"}, status_code=500)
                    if fault.mode == "timeout":
                        await anyio.to_thread.run_sync(faults.hang)
                        return JSONResponse({"detail": f"injected timeout on {target}"}, status_code=504)
                    if fault.mode == "null_body":
                        return Response("null", media_type="application/json")
                    if fault.mode == "delay":
                        await anyio.sleep(fault.delay_ms / 1000)
                return await handler(request)

            return with_faults

    return FaultyRoute


def faults_router(faults: Faults) -> APIRouter:
    router = APIRouter(prefix="/_sandbox", tags=["sandbox test API"])

    @router.get("/faults")
    def list_faults() -> dict[str, Any]:
        return {"faults": faults.list()}

    @router.post("/faults", status_code=201)
    def add_fault(body: FaultIn) -> dict[str, Any]:
        return asdict(faults.add(body))

    @router.delete("/faults")
    def clear_faults(target: str | None = None) -> dict[str, Any]:
        return {"cleared": faults.clear(target)}

    return router


def raise_for_edge_fault(faults: Faults, edge: str) -> Fault | None:
    """Applies a fault on an outgoing integration edge; answers the fault for null_body."""
    fault = faults.take(edge)
    if fault is None:
        return None
    if fault.mode == "http_500":
        raise EdgeError(edge, "injected HTTP 500")
    if fault.mode == "timeout":
        raise EdgeError(edge, "injected timeout")
    if fault.mode == "delay":
        time.sleep(fault.delay_ms / 1000)  # sandbox-side latency, not a test wait
        return None
    return fault


class EdgeError(Exception):
    def __init__(self, edge: str, reason: str) -> None:
        super().__init__(f"{edge}: {reason}")
        self.edge, self.reason = edge, reason


def not_found(detail: str) -> HTTPException:
    return HTTPException(status_code=404, detail=detail)
