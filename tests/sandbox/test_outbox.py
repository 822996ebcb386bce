"""The outbox delivers a call log until the CRM's answer shows it stored (issue 15, "nothing lost").

A CRM that acknowledges a write with 200 and an empty body has stored nothing; the CTI used to mark
the call log delivered on any 2xx, so the CRM's log stayed in_progress for ever while the CTI said
completed. Both places an empty answer can come from are covered: the CRM's own endpoint
(`crm.activities.upsert`) and the CTI's edge to it (`cti->crm.activities`).
"""
from __future__ import annotations

from typing import Any

import httpx
import pytest
from channel_helpers import ok

NUMBER = "+15550100077"


def crm_log(crm: httpx.Client, interaction_id: str) -> dict[str, Any] | None:
    found = ok(crm.get("/api/activities", params={"interaction_id": interaction_id}))["activities"]
    assert len(found) <= 1, found
    return found[0] if found else None


@pytest.mark.parametrize("fault_target", ["crm.activities.upsert", "cti->crm.activities"])
def test_a_call_log_acknowledged_with_an_empty_body_is_sent_again_until_stored(
        fault_target: str, cti: httpx.Client, crm: httpx.Client, eventually) -> None:
    ok(cti.post("/api/agents/maya/state", json={"state": "AVAILABLE"}))
    offered = ok(cti.post("/api/simulator/calls", json={"from_number": NUMBER, "queue": "support"}), 201)
    call_id = ok(cti.post(f"/api/interactions/{offered['id']}/answer", json={}))["id"]
    eventually(lambda: crm_log(crm, call_id))  # the in-progress log landed before the fault
    fault = ok(cti.post("/_sandbox/faults", json={"target": fault_target, "mode": "null_body", "count": 1}), 201)

    ok(cti.post(f"/api/interactions/{call_id}/hangup", json={}))
    ok(cti.put(f"/api/interactions/{call_id}/wrapup", json={"disposition": "RESOLVED", "notes": "Kept"}))
    done = ok(cti.post(f"/api/interactions/{call_id}/wrapup/complete", json={}))
    assert done["state"] == "completed"

    log = eventually(lambda: (found := crm_log(crm, call_id)) and found["status"] == "completed" and found,
                     timeout=10.0)
    assert (log["disposition"], log["notes"], log["log_writes"]) == ("RESOLVED", "Kept", 1), log
    faults = ok(cti.get("/_sandbox/faults"))["faults"]
    assert all(f["id"] != fault["id"] for f in faults), f"the empty answer was never given: {faults}"
