"""The contract of the IVR port: what the IVR steps rely on, asked through the port only.

Checked when the profile's adapters offer ``ivr_sessions``; skipped with the capability named otherwise.
"""
from __future__ import annotations

import pytest

from deskcheck.ports import Refused
from fixtures.personas import fresh_account_number
from tests.contract.conftest import expect_port


def test_an_ivr_caller_keying_an_unknown_account_is_asked_again_then_may_hang_up(ivr, new_number):
    if "ivr_sessions" not in ivr.capabilities:
        pytest.skip("the ivr adapter does not offer 'ivr_sessions'")
    started = ivr.start_call(new_number)
    assert (started.state, started.from_number, bool(started.prompt)) == ("in_ivr", new_number, True), \
        f"contract broken: ivr.start_call should answer a caller in the IVR being greeted: {started.describe()}"
    unknown = fresh_account_number()
    keyed = ivr.press(started.id, f"{unknown}#")
    assert (keyed.state, keyed.call_id, [t.outcome for t in keyed.lookups]) == ("in_ivr", None, ["not_found"]), \
        f"contract broken: ivr.press should keep a caller whose account the CRM lacks in the IVR, after one " \
        f"lookup without a match: {keyed.describe('state', 'call_id', 'lookups')}"
    assert keyed.prompt != started.prompt, f"contract broken: ivr.press should ask again: {keyed.describe()}"
    expect_port(f"ivr.session({started.id!r})", "read back the lookup and what the IVR said",
                lambda s: (s.lookups, s.prompts) == (keyed.lookups, keyed.prompts), lambda: ivr.session(started.id))
    ended = ivr.hang_up(started.id)
    assert ended.state != "in_ivr", f"contract broken: ivr.hang_up should end the IVR call: {ended.describe()}"
    with pytest.raises(Refused):
        ivr.press(started.id, "1")  # nobody is left to hear it
