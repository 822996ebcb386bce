"""The sandbox's test API client clears faults only where there is a test API (not on the vendor doors)."""
from __future__ import annotations

import httpx

from deskcheck.adapters.sandbox.api_channels import SandboxAdmin


def test_clearing_faults_asks_every_sandbox_system_and_no_vendor_door():
    asked: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 300})
        asked.append(f"{request.method} {request.url.host}{request.url.path}")
        return httpx.Response(200, json={"faults": []})

    urls = {"crm": "http://crm.test", "cti": "http://cti.test", "marketing": "http://marketing.test",
            "salesforce": "https://salesforce.test", "connect": "http://connect.test"}
    SandboxAdmin(urls, "suite", "secret", transport=httpx.MockTransport(handle)).clear_faults()
    assert asked == ["DELETE crm.test/_sandbox/faults", "DELETE cti.test/_sandbox/faults",
                     "DELETE marketing.test/_sandbox/faults"]
