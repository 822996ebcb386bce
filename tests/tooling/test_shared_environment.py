"""Pointed at an environment of yours, the suite leaves no login behind: it creates users only when
told to (random passwords, marked, removed at the end) and otherwise names the settings it needs.

A sandbox of the test's own stands in for the shared environment; the suite runs against it in a
separate pytest process, configured through DESKCHECK_CRM_URL / DESKCHECK_CTI_URL like any target.
"""
from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from fixtures.identities import LEDGER_DIR, USERNAME_PREFIX
from fixtures.target import own_sandbox
from tests.tooling.helpers import generated_suite, run_pytest, shown

MAKES_ACTORS = """
import json
import os
from pathlib import Path


def test_the_actors_sign_in_as(identities):
    users = [identities.user(role) for role in ("agent", "second_agent", "supervisor", "trainee")]
    Path(os.environ["USERS_FILE"]).write_text(json.dumps([u.username for u in users]))
"""


@pytest.fixture(scope="module")
def shared_environment(settings):
    with own_sandbox(settings, "shared-environment") as urls:
        # the secret it was started with (this run's own): the inner run is given it like any target's
        yield {**urls, "client_secret": settings.client_secret}


def usernames(crm_url: str, settings) -> set[str]:
    token = httpx.post(f"{crm_url}/oauth/token", data={"grant_type": "client_credentials",
                                                       "client_id": settings.client_id,
                                                       "client_secret": settings.client_secret}).json()["access_token"]
    answer = httpx.get(f"{crm_url}/api/users", headers={"Authorization": f"Bearer {token}"})
    return {user["username"] for user in answer.json()["users"]}


def run_against(urls: dict[str, str], tmp_path: Path, **environ: str):
    with generated_suite({"test_makes_actors.py": MAKES_ACTORS}) as folder:
        return run_pytest(["-p", "no:randomly", "-n", "0", str(folder)], timeout=180, env={
            "DESKCHECK_CRM_URL": urls["crm"], "DESKCHECK_CTI_URL": urls["cti"],
            "DESKCHECK_CLIENT_SECRET": urls["client_secret"],
            "USERS_FILE": str(tmp_path / "users.json"), **environ})


def test_users_made_on_request_are_marked_and_removed_when_the_run_ends(shared_environment, settings, tmp_path):
    before = usernames(shared_environment["crm"], settings)
    run = run_against(shared_environment, tmp_path, DESKCHECK_CREATE_ACTORS="true")
    assert run.returncode == 0, shown(run)
    made = json.loads((tmp_path / "users.json").read_text())
    assert len(made) == 4 and all(name.startswith(USERNAME_PREFIX) for name in made), made
    assert usernames(shared_environment["crm"], settings) == before  # all four removed again
    assert not [p for p in LEDGER_DIR.glob("*.json") if shared_environment["crm"] in p.read_text()]


def test_nothing_is_created_unasked_and_the_failure_names_the_settings(shared_environment, settings, tmp_path):
    before = usernames(shared_environment["crm"], settings)
    run = run_against(shared_environment, tmp_path)
    assert run.returncode == 1, shown(run)
    assert "Environment: no login for Maya (agent)" in run.stdout, shown(run)
    assert "DESKCHECK_AGENT_USERNAME and DESKCHECK_AGENT_PASSWORD" in run.stdout, shown(run)
    assert usernames(shared_environment["crm"], settings) == before


def test_configured_logins_are_used_and_left_as_they_are(shared_environment, settings, tmp_path):
    demo = {"AGENT": ("maya", "maya-pass"), "SECOND_AGENT": ("leo", "leo-pass"),
            "SUPERVISOR": ("sam", "sam-pass"), "TRAINEE": ("tia", "tia-pass")}  # the sandbox's demo logins
    environ = {f"DESKCHECK_{role}_{part}": value for role, (username, password) in demo.items()
               for part, value in (("USERNAME", username), ("PASSWORD", password))}
    before = usernames(shared_environment["crm"], settings)
    run = run_against(shared_environment, tmp_path, **environ)
    assert run.returncode == 0, shown(run)
    assert json.loads((tmp_path / "users.json").read_text()) == ["maya", "leo", "sam", "tia"]
    assert usernames(shared_environment["crm"], settings) == before
    assert "maya-pass" not in run.stdout + run.stderr
