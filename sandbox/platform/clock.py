"""One clock for every timer of a sandbox process (ring timeout, ACW, token expiry, SLAs).

Time flows like the wall clock plus an offset the test API can advance or set, so a scenario
makes 31 seconds pass without waiting for them. A frozen clock (the suite's choice) moves only
when told to, so durations and countdowns are exact however slow the machine is.
"""
from __future__ import annotations

import threading
import time
from datetime import datetime, timezone
from typing import Callable

# Far enough for any scenario; every date the sandbox prints and stores stays a valid four-digit year.
LATEST = datetime(2100, 1, 1, tzinfo=timezone.utc)


class ClockRefusal(ValueError):
    """A move the clock will not make (backwards, or past LATEST); the message says why."""


class Clock:
    def __init__(self, frozen: bool = False) -> None:
        self._offset = 0.0
        self._frozen_at: float | None = time.time() if frozen else None
        self._lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def timestamp(self) -> float:
        if self._frozen_at is not None:
            return self._frozen_at + self._offset
        return time.time() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp(), tz=timezone.utc)

    def iso(self, ts: float | None = None) -> str:
        value = self.timestamp() if ts is None else ts
        return datetime.fromtimestamp(value, tz=timezone.utc).isoformat(timespec="milliseconds")

    @property
    def offset_seconds(self) -> float:
        return self._offset

    def advance(self, seconds: float) -> None:
        if not seconds >= 0:  # NaN too
            raise ClockRefusal(f"the clock only moves forward: cannot advance {seconds} seconds")
        with self._lock:
            if self.timestamp() + seconds > LATEST.timestamp():
                raise ClockRefusal(f"the clock stops at {LATEST.isoformat()}: cannot advance {seconds:g} more seconds")
            self._offset += seconds
        self._notify()

    def set(self, when: datetime) -> None:
        """Moves the clock to ``when``: forward only (timers that fired stay fired), and not past LATEST."""
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        if when > LATEST:
            raise ClockRefusal(f"the clock stops at {LATEST.isoformat()}: cannot set it to {when.isoformat()}")
        target = when.timestamp()
        with self._lock:
            if target < self.timestamp():
                raise ClockRefusal(f"the clock only moves forward: {when.isoformat()} is before now ({self.iso()})")
            self._offset = target - (self._frozen_at if self._frozen_at is not None else time.time())
        self._notify()

    def reset(self) -> None:
        with self._lock:
            self._offset = 0.0

    def on_change(self, listener: Callable[[], None]) -> None:
        """Timers register here so they fire before the clock change is answered."""
        self._listeners.append(listener)

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()


def parse_iso(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
