"""Which scenarios get the journey timeline, and what it is made of."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from deskcheck.records import Event
from fixtures import report_journey
from fixtures.report_journey import is_journey_scenario, render_timeline


@pytest.mark.parametrize("path, journey", [
    ("features/journeys/journeys.feature", True),             # the journeys area
    ("features/events/journeys.feature", True),               # a journeys.feature elsewhere
    ("features/marketing_sync/journeys.feature", True),
    ("features/screen_pop/screen_pop.feature", False),
])
def test_journey_scenarios_are_the_journeys_features(monkeypatch, tmp_path, path, journey):
    monkeypatch.setattr(report_journey, "_feature_path", lambda item: str(tmp_path / path))
    item = SimpleNamespace(config=SimpleNamespace(rootpath=tmp_path))
    assert is_journey_scenario(item) is journey


def test_the_page_escapes_what_systems_sent():
    event = Event("crm", "contact.updated", None, "corr-<1>", {"note": "<script>alert(1)</script>"})
    page = render_timeline([event], ["corr-<1>"], "A <b> title", received=[1.0])
    assert "<script>" not in page and "&lt;script&gt;" in page and "corr-&lt;1&gt;" in page
