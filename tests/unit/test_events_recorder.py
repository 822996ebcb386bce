import threading

import pytest

from deskcheck.adapters.sandbox.events import event_record
from fixtures.events import EventRecorder


def ev(seq, type, cid="c1", source="cti", at=None, **data):
    return event_record({"seq": seq, "id": f"{source}-{seq}", "type": type, "at": at or f"2026-11-21T10:00:{seq:02d}.000000Z",
                         "correlation_id": cid, "source": source, "data": data})


@pytest.fixture
def recorder():
    rec = EventRecorder()
    for event in [
        ev(1, "interaction.offered", agent="maya-gw0"),
        ev(2, "agent.state_changed", cid=None, state="RESERVED"),
        ev(1, "screenpop.performed", source="crm", at="2026-11-21T10:00:02.500000Z", match="single"),
        ev(3, "interaction.connected"),
        ev(4, "interaction.completed", cid="c2"),
    ]:
        rec.add(event)
    return rec


def test_in_order_passes_with_other_events_between(recorder):
    found = recorder.assert_in_order(["interaction.offered", "screenpop.performed", "interaction.connected"],
                                     correlation_id="c1")
    assert [e.type for e in found] == ["interaction.offered", "screenpop.performed", "interaction.connected"]


def test_out_of_order_fails_and_shows_what_was_seen(recorder):
    with pytest.raises(AssertionError) as info:
        recorder.assert_in_order(["interaction.connected", "interaction.offered"], correlation_id="c1")
    message = str(info.value)
    assert "no 'interaction.offered' after that" in message
    assert "interaction.offered -> screenpop.performed -> interaction.connected" in message


def test_correlation_filter_excludes_other_journeys(recorder):
    with pytest.raises(AssertionError):
        recorder.assert_in_order(["interaction.offered", "interaction.completed"], correlation_id="c1")
    assert [e.type for e in recorder.for_correlation("c2")] == ["interaction.completed"]


def test_repeated_seq_from_a_system_is_ignored(recorder):
    assert recorder.add(ev(3, "interaction.connected")) is False
    assert len(recorder.of_type("interaction.connected")) == 1
    assert recorder.add(ev(3, "interaction.connected", source="crm")) is True  # crm's seq 3 is another event


def test_of_type_matches_data_and_where(recorder):
    assert recorder.of_type("screenpop.performed", match="single")
    assert not recorder.of_type("screenpop.performed", match="multiple")
    assert recorder.of_type("agent.state_changed", where=lambda e: e.correlation_id is None)


def test_wait_for_returns_an_event_that_arrives_later(recorder):
    timer = threading.Timer(0.05, lambda: recorder.add(ev(5, "presence.changed", source="crm", status="Busy")))
    timer.start()
    got = recorder.wait_for("presence.changed", timeout=2, status="Busy")
    assert got.value("status") == "Busy" and got.system == "crm"


def test_wait_for_times_out_with_the_events_seen(recorder):
    with pytest.raises(AssertionError, match=r"(?s)no event type='presence.changed', status='Online'.*interaction.offered"):
        recorder.wait_for("presence.changed", timeout=0.1, status="Online")


def test_journey_filters_by_correlation_ids(recorder):
    assert {e.correlation_id for e in recorder.journey(["c2"])} == {"c2"}
    assert len(recorder.journey([])) == 5


def test_begin_after_keeps_only_events_newer_than_the_start_marks():
    rec = EventRecorder()
    rec.add(ev(7, "agent.state_changed"))  # streamed while the start marks were being read
    rec.add(ev(9, "interaction.offered"))
    rec.add(ev(3, "presence.changed", source="crm"))
    rec.begin_after({"cti": 8, "crm": 2})
    assert [(e.system, e.seq) for e in rec.all] == [("crm", 3), ("cti", 9)]
    assert rec.add(ev(8, "agent.state_changed")) is False  # from before the start: not this scenario's
    assert rec.add(ev(10, "interaction.connected")) is True


def test_a_record_keeps_what_the_system_sent_for_schema_checks_only():
    sent = {"seq": 4, "id": "evt-1a", "type": "presence.changed", "at": "2026-11-21T10:00:04Z", "correlation_id": None,
            "source": "crm", "data": {"username": "maya-gw0", "status": "Busy"}}
    event = event_record(sent)
    assert (event.system, event.type, event.seq, event.id) == ("crm", "presence.changed", 4, "evt-1a")
    assert event.has(status="Busy") and not event.has(status="Online") and not event.has(reason="Lunch")
    assert event.value("username") == "maya-gw0" and event.value("reason") is None
    assert event.as_sent == sent and "as_sent" not in repr(event)


def test_a_record_names_its_stream_when_the_event_does_not():
    assert event_record({"seq": 1, "type": "interaction.queued", "data": {}}, "cti").system == "cti"


def test_about_user_finds_events_naming_the_user_as_user_or_agent(recorder):
    recorder.add(ev(6, "agent.state_changed", username="maya-gw0", state="AVAILABLE"))
    assert [e.type for e in recorder.about_user("maya-gw0")] == ["interaction.offered", "agent.state_changed"]
