"""Helpers for steps about the suite's API clients' access tokens (not a steps module: no step definitions)."""
from __future__ import annotations

import pytest


def token_clients(crm, cti) -> dict[str, object]:
    """The suite's API clients whose adapters show the access token they hold (token_audit); a client that
    signs every request instead (Amazon Connect's SigV4) holds none."""
    return {system: port for system, port in (("the CRM", crm), ("the CTI", cti))
            if "token_audit" in getattr(port, "capabilities", ())}


def require_a_token_holder(holders: dict[str, object]) -> None:
    """A token scenario on a target whose clients hold no token has nothing to check: said, never passed."""
    if not holders:
        pytest.skip("not applicable: no API client of this target holds an access token (token_audit): "
                    "each request is signed instead, so nothing expires")
