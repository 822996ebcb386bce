"""The coverage map's recorder and declarations (deskcheck/coverage_map.py, fixtures/coverage.py): what the
product never shows reads "not shown", marketing's sync runs read through its port cross the sync edge, and
a check's subject is what its own step read."""
from __future__ import annotations

from deskcheck.coverage_map import Vocabulary, build
from deskcheck.records.channels import Ticket
from deskcheck.records.marketing import SyncJob
from fixtures.coverage import ScenarioRecorder


def _recorder() -> ScenarioRecorder:
    return ScenarioRecorder("a scenario", "tests/x.py::a", Vocabulary())


def test_states_and_edges_the_product_never_shows_read_not_shown():
    rows = {r.name: r for r in build([]).rows}
    assert not any(cell.shown for cell in rows["rejected"].cells.values())  # re-queued at once
    assert [s for s, c in rows["queued"].cells.items() if c.shown] == ["API"]
    assert [s for s, c in rows["failed"].cells.items() if c.shown] == ["softphone", "API"]
    assert not rows["IVR → CRM: account lookup"].cells["board"].shown
    assert rows["IVR → CTI: call with its context"].cells["board"].shown
    assert rows["Chat → CTI: hand-over to an agent"].cells["board"].shown


def test_a_sync_run_of_the_scenario_read_as_succeeded_crosses_the_sync_edge_once():
    recorder = _recorder()
    recorder.port_answer("marketing", [SyncJob(7, "schedule", "succeeded")], "sync_jobs")  # another scenario's
    recorder.port_answer("marketing", SyncJob(8, "manual", "running"), "run_sync")
    assert recorder.record([], "f")["events"] == []
    recorder.port_answer("marketing", [SyncJob(9, "schedule", "succeeded"), SyncJob(8, "manual", "succeeded"),
                                       SyncJob(7, "schedule", "succeeded")], "sync_jobs")
    recorder.port_answer("marketing", [SyncJob(9, "schedule", "succeeded")], "sync_jobs")
    events = recorder.record([], "f")["events"]
    assert [(e["system"], e["type"]) for e in events] == [("marketing", "sync.succeeded")] * 2


def test_a_check_is_about_what_its_own_step_read_not_what_an_earlier_step_did():
    recorder = _recorder()
    recorder.new_step("Given a customer")
    recorder.port_answer("crm", object(), "contact")
    recorder.new_step("Then the helpdesk has the ticket")
    ticket = Ticket.__new__(Ticket)
    recorder.port_answer("helpdesk", ticket, "ticket")
    recorder.backend_check("helpdesk ticket T-1 (channel)", [("chat", ("the helpdesk",))])
    check = recorder.checks[-1]
    assert (check["systems"], check["subjects"]) == (["helpdesk"], ["ticket"])
