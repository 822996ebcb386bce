"""Time in business terms: what day and hour it is, hours passing, a line's opening hours."""
from __future__ import annotations

from pytest_bdd import given, parsers, when

from deskcheck.capabilities import needs
from deskcheck.records import OpeningHours
from fixtures.agreement import expect_value

WEEKDAYS = [0, 1, 2, 3, 4]


@given(parsers.re(r"it is (?P<day>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) (?P<hhmm>\d\d:\d\d)$"))
@when(parsers.re(r"it is (?P<day>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) (?P<hhmm>\d\d:\d\d)$"))
@needs("clock")
def it_is(day, hhmm, business_time):
    """Moves the target's clock forward to the next given weekday at the given time (24-hour "HH:MM", UTC),
    e.g. "it is Monday 09:00". The clock only moves forward: every system sees the new time."""
    business_time.set(day, hhmm)


@when(parsers.re(r"(?P<amount>\d+) (?P<unit>hours?|minutes?) pass$"))
@needs("clock")
def time_passes(amount, unit, business_time):
    """Moves the target's clock forward by whole hours or minutes, e.g. "5 hours pass", "30 minutes pass"."""
    business_time.pass_time(int(amount) * (3600 if unit.startswith("hour") else 60))


@given(parsers.parse("the {queue} line is open on weekdays from {opens} to {closes}"))
@needs("agent_admin")
def line_open_on_weekdays(queue, opens, closes, business_time, cti):
    """Set-up in the CTI: the queue's line (support, sales, billing) opens Monday to Friday between the
    two times ("HH:MM", UTC) and is closed otherwise; checks the CTI keeps exactly these hours. The
    hours are taken off again after the scenario."""
    business_time.open_queue(queue, WEEKDAYS, opens, closes)
    expect_value(f"the opening hours of the {queue!r} queue", OpeningHours(tuple(WEEKDAYS), opens, closes), "the CTI",
                 cti.queue(queue).hours)
