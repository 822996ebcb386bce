"""The sandbox's peer client sends an idempotent call again when a kept-alive connection was closed under it."""
from __future__ import annotations

import httpx
import pytest

from sandbox.platform.faults import Faults
from sandbox.platform.service import EdgeError, ServiceClient


def client_with(handler) -> ServiceClient:
    client = ServiceClient("chat", "crm", "http://crm.test", "id", "secret", Faults())
    client._http = httpx.Client(base_url="http://crm.test", transport=httpx.MockTransport(handler))
    return client


def flaky_server(fail_times: int):
    calls = {"api": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t"})
        calls["api"] += 1
        if calls["api"] <= fail_times:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
        return httpx.Response(200, json={"ok": True})

    return handler, calls


def test_a_lookup_on_a_connection_the_peer_just_closed_is_sent_again():
    handler, calls = flaky_server(fail_times=1)
    assert client_with(handler).request("GET", "/api/contacts", edge="contacts") == {"ok": True}
    assert calls["api"] == 2


def test_a_post_is_not_sent_twice():
    handler, calls = flaky_server(fail_times=1)
    with pytest.raises(EdgeError, match="RemoteProtocolError"):
        client_with(handler).request("POST", "/api/cases", edge="cases", json={})
    assert calls["api"] == 1
