"""Helpers shared by the sandbox's least-privilege tests: a user's softphone session, a connected call,
and one system built in process for principals no HTTP client can hold (the systems' own service clients)."""
from __future__ import annotations

import itertools
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import httpx
from fastapi.testclient import TestClient

from channel_helpers import ok
from sandbox.platform.auth import SERVICE, Principal
from sandbox.platform.system import SandboxConfig, System

_fresh = itertools.count(1)


def fresh_number(prefix: str = "+1555880") -> str:
    """A caller number no other test of the run uses (``prefix`` + four digits)."""
    return f"{prefix}{next(_fresh):04d}"


@contextmanager
def cti_session(cti: httpx.Client, cti_url: str, username: str) -> Iterator[httpx.Client]:
    """The user's softphone session on the cti: a one-time sign-in code exchanged for its cookie."""
    code = ok(cti.post("/api/sso/codes", json={"username": username}), 201)["code"]
    with httpx.Client(base_url=cti_url, timeout=10.0) as browser:
        assert browser.get("/softphone", params={"code": code}).status_code == 303
        yield browser


def call_of(cti: httpx.Client, username: str) -> dict[str, Any]:
    """A connected call of ``username`` (made available, offered the only call, answered for them)."""
    ok(cti.post(f"/api/agents/{username}/state", json={"state": "AVAILABLE"}))
    offered = ok(cti.post("/api/simulator/calls", json={"from_number": fresh_number(), "queue": "support"}), 201)
    assert offered["agent"] == username, offered
    return ok(cti.post(f"/api/interactions/{offered['id']}/answer"))


@contextmanager
def system_in_process(data_dir: Path, name: str = "ivr") -> Iterator[tuple[System, TestClient]]:
    """A bare system (auth, events, webhooks) with no peers, and a client speaking to its app in process."""
    system = System(name, "", SandboxConfig(urls={name: "http://127.0.0.1:7"}, data_dir=data_dir))
    try:
        with TestClient(system.create_app(name, "built in process by a test")) as http:
            yield system, http
    finally:
        system.events.stop()


def as_principal(system: System, principal: Principal) -> dict[str, str]:
    """Authorization headers with a token the system issued to ``principal``."""
    return {"authorization": f"Bearer {system.auth.issue(principal)['access_token']}"}


def as_client(system: System, client_id: str, role: str = SERVICE) -> dict[str, str]:
    return as_principal(system, Principal("client", client_id, role))
