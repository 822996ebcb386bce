import time

import pytest

from fixtures.eventually import eventually


def test_returns_the_value_once_the_check_passes():
    calls = []

    def check():
        calls.append(1)
        assert len(calls) >= 3, "not yet"
        return "landed"

    assert eventually(check, timeout=2, interval=0.01) == "landed"
    assert len(calls) == 3


def test_until_returns_the_value_that_satisfied_it():
    values = iter([{"status": "in_progress"}, {"status": "in_progress"}, {"status": "completed", "n": 3}])
    got = eventually(lambda: next(values), until=lambda a: a["status"] == "completed", timeout=2, interval=0.01)
    assert got == {"status": "completed", "n": 3}


def test_timeout_message_has_description_and_last_value():
    started = time.monotonic()
    with pytest.raises(AssertionError) as info:
        eventually(lambda: {"status": "in_progress"}, until=lambda a: a["status"] == "completed",
                   timeout=0.2, interval=0.02, description="call log completed in crm")
    message = str(info.value)
    assert "call log completed in crm" in message
    assert "'status': 'in_progress'" in message
    assert 0.2 <= time.monotonic() - started < 2


def test_timeout_message_has_last_error():
    def check():
        raise AssertionError("activity count is 0, expected 1")

    with pytest.raises(AssertionError, match="last error: AssertionError: activity count is 0, expected 1"):
        eventually(check, timeout=0.1, interval=0.02)


def test_other_exceptions_are_not_retried():
    calls = []

    def check():
        calls.append(1)
        raise KeyError("bug in the check")

    with pytest.raises(KeyError):
        eventually(check, timeout=1)
    assert len(calls) == 1


def test_house_rule_no_fixed_waits_in_fixtures():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for folder in ("fixtures", "pages", "steps"):
        for path in (root / folder).glob("**/*.py"):
            text = path.read_text()
            assert "time.sleep(" not in text, f"fixed wait in {path}"
            assert "wait_for_timeout(" not in text, f"fixed wait in {path}"
