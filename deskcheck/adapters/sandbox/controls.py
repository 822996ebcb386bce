"""The sandbox's test API behind the controls port: one clock for every system, and faults."""
from __future__ import annotations

from deskcheck.adapters.sandbox.api_channels import SandboxAdmin


class SandboxControls:
    """Clock and faults of the sandbox (``/_sandbox/``): what only a test environment offers."""

    capabilities = frozenset({"clock", "backend_faults"})

    def __init__(self, api: SandboxAdmin) -> None:
        self.api = api

    def now(self) -> str:
        """The sandbox clock's time, ISO 8601."""
        return self.api.clock()["now"]

    def advance_clock(self, seconds: float) -> str:
        return self.api.advance_clock(seconds)["now"]

    def set_clock(self, iso: str) -> str:
        return self.api.set_clock(iso)["now"]

    def add_fault(self, target: str, mode: str, count: int | None = None, delay_ms: int | None = None,
                  after: int | None = None) -> None:
        self.api.add_fault(target, mode, count=count, delay_ms=delay_ms, after=after)

    def clear_faults(self) -> None:
        self.api.clear_faults()
