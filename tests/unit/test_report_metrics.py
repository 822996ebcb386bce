"""The run's figures: screen-pop latency from the offer to the record on screen, API p95 per system, and
how they reach Allure 3's Metrics and environment.properties."""
from __future__ import annotations

import json

from deskcheck.records import Event
from fixtures.nightly import quality_gate
from fixtures.report_metrics import Request, add_environment, perf_entries, screen_pop_latencies, summarise

T0 = 1_796_200_000.0  # epoch seconds
CRM = "http://127.0.0.1:5000"


def offered(at_s: float, agent="maya", iid="int-1") -> tuple[Event, float]:
    return Event("cti", "interaction.offered", "2026-12-02T09:00:00.000+00:00", "c1",
                 {"interaction_id": iid, "agent": agent}), at_s


def performed(at_s: float, match="single", contacts=(12,), agent="maya", iid="int-1") -> tuple[Event, float]:
    return Event("crm", "screenpop.performed", "2026-12-02T09:00:00.000+00:00", "c1",
                 {"interaction_id": iid, "agent": agent, "match": match, "contact_ids": list(contacts)}), at_s


def ms(seconds: float) -> float:
    return seconds * 1000


def record_load(pop_start: float, pop_end: float, contact=12, answered=(0.060, 0.080, 0.150, 0.070)) -> list[Request]:
    """The console's pop request, then the four requests that load the record (as the sandbox console makes them)."""
    urls = [f"{CRM}/api/contacts/{contact}", f"{CRM}/api/activities?contact_id={contact}",
            f"{CRM}/api/contacts/{contact}/tickets", f"{CRM}/api/followups?contact_id={contact}"]
    return [Request(f"{CRM}/api/screenpops", ms(pop_start), ms(pop_end))] + \
        [Request(url, ms(pop_end + 0.004), ms(pop_end + took)) for url, took in zip(urls, answered)]


def latencies(pairs, requests):
    received = {id(event): at for event, at in pairs}
    return screen_pop_latencies([e for e, _ in pairs], requests, lambda e: received.get(id(e)))


def test_latency_runs_from_the_offer_to_the_last_request_of_the_record():
    pairs = [offered(T0), performed(T0 + 0.050)]
    requests = [Request(f"{CRM}/api/presence/maya", ms(T0 - 1), ms(T0 - 0.9))] + record_load(T0 + 0.030, T0 + 0.060)
    [latency] = latencies(pairs, requests)
    assert round(latency, 3) == round(ms(0.060 + 0.150), 3)  # the tickets list answered last


def test_a_pop_with_several_or_no_matches_shows_no_record_and_is_not_counted():
    pairs = [offered(T0), performed(T0 + 0.05, match="multiple", contacts=(12, 13))]
    assert latencies(pairs, record_load(T0 + 0.03, T0 + 0.06)) == []
    pairs = [offered(T0), performed(T0 + 0.05, match="none", contacts=())]
    assert latencies(pairs, record_load(T0 + 0.03, T0 + 0.06)) == []


def test_a_pop_the_console_did_not_show_is_not_counted():
    pairs = [offered(T0), performed(T0 + 0.05)]
    assert latencies(pairs, []) == [], "no console requests seen (page closed, another desktop)"
    assert latencies(pairs, record_load(T0 + 0.03, T0 + 0.06, contact=99)) == [], "another contact's record"


def test_each_of_two_pops_pairs_with_its_own_request():
    first, second = record_load(T0 + 0.03, T0 + 0.06), record_load(T0 + 5.03, T0 + 5.06, answered=(0.3, 0.1, 0.1, 0.1))
    pairs = [offered(T0), performed(T0 + 0.05), offered(T0 + 5, iid="int-2"), performed(T0 + 5.05, iid="int-2")]
    assert [round(x) for x in latencies(pairs, first + second)] == [210, 360]


def test_figures_and_metrics_entries():
    figures = summarise([100.0 + i for i in range(20)], {"crm": [10.0] * 19 + [90.0], "cti": [5.0]})
    assert figures["screen_pop.p50"] == 109.0 and figures["screen_pop.p95"] == 118.0 and figures["screen_pops"] == 20
    assert figures["api.crm.p95"] == 10.0 and figures["api.cti.p95"] == 5.0 and figures["api.crm.calls"] == 20
    entries = perf_entries(figures, 1.0, 2.0)
    by_key = {e["key"]: e for e in entries}
    assert set(by_key) == {"screen_pop.p50", "screen_pop.p95", "api.crm.p95", "api.cti.p95"}
    assert by_key["api.crm.p95"]["better"] == "lower" and by_key["api.crm.p95"]["unit"] == "ms"
    assert all({"id", "key", "value", "start", "stop"} <= set(e) for e in entries)  # what Allure 3 reads
    json.dumps(entries)


def test_environment_gets_the_figures_and_keeps_what_workers_wrote(tmp_path):
    (tmp_path / "environment.properties").write_text("browser=chromium\nscreen_pop_p95_ms=1\n")
    add_environment(tmp_path, {"screen_pop_p95_ms": "88.0", "api_p95_ms_crm": "12.5"})
    lines = (tmp_path / "environment.properties").read_text().splitlines()
    assert lines == ["browser=chromium", "screen_pop_p95_ms=88.0", "api_p95_ms_crm=12.5"]


def test_quality_gate_rules():
    outcomes = {"a": "passed", "b": "passed", "c": "failed", "d": "skipped"}
    rate, flaky = quality_gate(outcomes, flaky=1, min_pass_rate=0.6, max_flaky=1)
    assert rate.ok and flaky.ok and "66.7% (2 of 3 scenarios passed" in rate.detail
    rate, flaky = quality_gate(outcomes, flaky=2, min_pass_rate=0.7, max_flaky=1)
    assert not rate.ok and not flaky.ok and str(flaky).startswith("FAILED flaky scenarios")
    [nothing, _] = quality_gate({"a": "skipped"}, 0, 0.0, 0)
    assert not nothing.ok and nothing.detail == "no scenario ran to an end"
