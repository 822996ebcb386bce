"""Business hours (UTC): is a queue open, when does it open, how much business time lies between two times.

cti routes by them (after hours offers a callback) and helpdesk counts SLA time in them.
`hours` is `{"days": [0..6] (Monday = 0), "open": "HH:MM", "close": "HH:MM"}`; None means always open.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from typing import Any

Hours = dict[str, Any] | None
WEEKDAYS_9_TO_5 = {"days": [0, 1, 2, 3, 4], "open": "09:00", "close": "17:00"}


def _window(hours: dict[str, Any], day: datetime) -> tuple[float, float] | None:
    """Today's opening window as timestamps, or None on a closed day."""
    if day.weekday() not in hours["days"]:
        return None
    opens, closes = (time.fromisoformat(hours[k]) for k in ("open", "close"))
    start = datetime.combine(day.date(), opens, tzinfo=timezone.utc).timestamp()
    end = datetime.combine(day.date(), closes, tzinfo=timezone.utc).timestamp()
    return (start, end) if end > start else None


def _days_from(ts: float, limit: int = 400):
    day = datetime.fromtimestamp(ts, tz=timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    for _ in range(limit):
        yield day
        day += timedelta(days=1)


def is_open(hours: Hours, ts: float) -> bool:
    if not hours:
        return True
    window = _window(hours, datetime.fromtimestamp(ts, tz=timezone.utc))
    return window is not None and window[0] <= ts < window[1]


def next_open(hours: Hours, ts: float) -> float:
    """ts itself when open, else the next opening time."""
    if not hours or is_open(hours, ts):
        return ts
    for day in _days_from(ts):
        window = _window(hours, day)
        if window and window[0] >= ts:
            return window[0]
    raise ValueError("business hours never open")


def business_seconds(hours: Hours, start: float, end: float) -> float:
    """Open time between start and end (wall time when there are no business hours)."""
    if end <= start:
        return 0.0
    if not hours:
        return end - start
    total = 0.0
    for day in _days_from(start):
        if day.timestamp() >= end:
            break
        window = _window(hours, day)
        if window:
            total += max(0.0, min(end, window[1]) - max(start, window[0]))
    return total


def add_business_seconds(hours: Hours, start: float, seconds: float) -> float:
    """The moment `seconds` of open time after start."""
    if not hours:
        return start + seconds
    left = seconds
    for day in _days_from(start):
        window = _window(hours, day)
        if not window or window[1] <= start:
            continue
        begin = max(start, window[0])
        if begin + left <= window[1]:
            return begin + left
        left -= window[1] - begin
    raise ValueError("business hours never open")
