"""The journey as a picture: the HTML timeline, rendered in Chromium, has one lane per system and one mark
per event with its type and time, and names the correlation id."""
from __future__ import annotations

from typing import Iterator

import pytest

from deskcheck.records import Event
from fixtures.report_journey import render_timeline

STAMP = "2026-12-02T09:00:00.000+00:00"  # the sandbox's frozen business clock: every event the same stamp
JOURNEY = [("ivr", "ivr.session.started", "corr-1"), ("ivr", "ivr.lookup.succeeded", "corr-1"),
           ("cti", "interaction.queued", "corr-1"), ("cti", "interaction.offered", "corr-1"),
           ("crm", "screenpop.performed", "corr-1"), ("cti", "interaction.connected", "corr-1"),
           ("helpdesk", "ticket.updated", "corr-1"), ("crm", "activity.completed", "corr-1"),
           ("cti", "interaction.completed", "corr-1"), ("crm", "contact.updated", "corr-2")]


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    yield context.new_page()
    context.close()


def journey() -> tuple[list[Event], list[float]]:
    events = [Event(system, kind, STAMP, cid, {"interaction_id": "int-1"}, seq=n)
              for n, (system, kind, cid) in enumerate(JOURNEY, 1)]
    return events, [1_796_200_000.0 + 0.125 * n for n in range(len(events))]


def test_the_timeline_has_a_lane_per_system_and_a_mark_per_event(page):
    events, received = journey()
    page.set_content(render_timeline(events, ["corr-1"], "A verified caller reaches an agent", received=received))

    lanes = page.locator("section.lane")
    assert lanes.evaluate_all("all => all.map(l => l.getAttribute('aria-label'))") == \
        ["IVR", "CTI", "CRM", "Helpdesk", "Marketing"]
    for name, system in (("IVR", "ivr"), ("CTI", "cti"), ("CRM", "crm"), ("Helpdesk", "helpdesk")):
        marks = page.get_by_role("region", name=name).get_by_role("list", name=f"{name} events").get_by_role("listitem")
        wanted = [kind for s, kind, _ in JOURNEY if s == system]
        assert marks.evaluate_all("all => all.map(m => m.dataset.type)") == wanted, name
    assert page.get_by_role("list", name="Marketing events").get_by_role("listitem").inner_text() == "no events"

    offered = page.get_by_role("list", name="CTI events").locator("li[data-type='interaction.offered']")
    assert "+0.375 s" in offered.inner_text(), "each mark shows when it happened, from the journey's start"
    assert offered.get_attribute("data-correlation-id") == "corr-1"
    assert page.get_by_text("corr-1", exact=True).first.is_visible() and page.get_by_text("corr-2", exact=True).first.is_visible()


def test_marks_follow_the_journey_order_and_no_two_overlap(page):
    events, received = journey()
    page.set_content(render_timeline(events, ["corr-1"], "A verified caller reaches an agent", received=received))
    boxes = page.locator("li.mark").evaluate_all(
        "all => all.map(m => { const r = m.getBoundingClientRect(); "
        "return {type: m.dataset.type, lane: m.closest('section').getAttribute('aria-label'), "
        "left: r.left, right: r.right, top: r.top, bottom: r.bottom}; })")
    tops = {b["type"]: b["top"] for b in boxes}
    order = [kind for _, kind, _ in JOURNEY]
    assert [tops[kind] for kind in order] == sorted(tops[kind] for kind in order), "top to bottom in journey order"
    assert len(set(tops.values())) == len(order), "one row per event"
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart = a["right"] <= b["left"] or b["right"] <= a["left"] or a["bottom"] <= b["top"] or b["bottom"] <= a["top"]
            assert apart, f"{a['type']} ({a['lane']}) and {b['type']} ({b['lane']}) overlap"


def test_a_failed_journey_says_its_events_are_the_ones_seen_so_far(page):
    events, received = journey()
    page.set_content(render_timeline(events[:4], ["corr-1"], "A journey that stopped", "failed", received=received[:4]))
    assert page.get_by_text("the scenario failed: the events seen so far").is_visible()
    assert page.get_by_role("list", name="CRM events").get_by_role("listitem").inner_text() == "no events"
