"""Time in business terms: what day and hour it is, hours passing, a line's opening hours."""
from __future__ import annotations

from pytest_bdd import given, parsers, when

WEEKDAYS = [0, 1, 2, 3, 4]


@given(parsers.re(r"it is (?P<day>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) (?P<hhmm>\d\d:\d\d)$"))
@when(parsers.re(r"it is (?P<day>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) (?P<hhmm>\d\d:\d\d)$"))
def it_is(day, hhmm, business_time):
    business_time.set(day, hhmm)


@when(parsers.re(r"(?P<amount>\d+) (?P<unit>hours?|minutes?) pass$"))
def time_passes(amount, unit, business_time):
    business_time.pass_time(int(amount) * (3600 if unit.startswith("hour") else 60))


@given(parsers.parse("the {queue} line is open on weekdays from {opens} to {closes}"))
def line_open_on_weekdays(queue, opens, closes, business_time, cti_api):
    business_time.open_queue(queue, WEEKDAYS, opens, closes)
    assert cti_api.queue(queue)["hours"] == {"days": WEEKDAYS, "open": opens, "close": closes}
