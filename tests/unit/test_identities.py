"""Who the actors sign in as: no derivable passwords, no users made on your environment unasked,
and every user the suite makes is marked and removed (fixtures/identities.py)."""
from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys

import pytest

from fixtures.identities import (ROLES, USERNAME_PREFIX, Identities, Ledger, check_logins_fit_workers,
                                 missing_login, new_user)
from fixtures.settings import Settings
from fixtures.target import Target

SANDBOX = Target(crm_url="http://127.0.0.1:1", cti_url="http://127.0.0.1:2", is_sandbox=True)
SHARED = Target(crm_url="https://crm.staging.example.test", cti_url="https://cti.staging.example.test",
                is_sandbox=False)


class Refused(Exception):
    def __init__(self, status_code: int) -> None:
        super().__init__(f"answered {status_code}")
        self.status_code = status_code


class FakeCrm:
    """The CRM's user administration, in memory."""

    def __init__(self, existing: dict[str, str] | None = None) -> None:
        self.users: dict[str, str] = dict(existing or {})
        self.created: list[str] = []
        self.deleted: list[str] = []

    def create_user(self, username: str, password: str, name: str, role: str) -> dict:
        if username in self.users:
            raise Refused(409)
        self.users[username] = password
        self.created.append(username)
        return {"username": username}

    def delete_user(self, username: str) -> dict:
        if username not in self.users:
            raise Refused(404)
        del self.users[username]
        self.deleted.append(username)
        return {"deleted": True}


def settings_for(target: Target, **values) -> Settings:
    urls = {} if target.is_sandbox else {"crm_url": target.crm_url, "cti_url": target.cti_url}
    return Settings(**urls, **values)


def test_sandbox_users_are_marked_and_their_passwords_random_per_run():
    crm = FakeCrm()
    identities = Identities(crm, settings_for(SANDBOX), SANDBOX, worker="gw0")
    users = [identities.user(role) for role in ROLES]
    for user in users:
        assert user.username.startswith(USERNAME_PREFIX) and user.username.endswith("-gw0")
        assert crm.users[user.username] == user.password
        # the formula the suite used to derive passwords from usernames gives nothing away any more
        assert hashlib.sha256(f"deskcheck-actor:{user.username}".encode()).hexdigest()[:12] not in user.password
        assert len(user.password) >= 24
    assert new_user("agent", "gw0").password != users[0].password
    assert identities.user("agent") is users[0]  # one user per role per session


def test_every_user_the_suite_made_is_removed_at_the_end():
    crm = FakeCrm()
    identities = Identities(crm, settings_for(SANDBOX), SANDBOX, worker="gw0")
    made = [identities.user(role).username for role in ("agent", "supervisor")]
    assert identities.remove_created() == []
    assert crm.deleted == made and crm.users == {}


def test_on_your_environment_nothing_is_created_unasked_and_the_message_names_the_settings(tmp_path):
    crm = FakeCrm()
    identities = Identities(crm, settings_for(SHARED), SHARED, ledger=Ledger(SHARED.crm_url, tmp_path))
    with pytest.raises(pytest.fail.Exception) as failure:
        identities.user("supervisor")
    message = str(failure.value)
    assert "DESKCHECK_SUPERVISOR_USERNAME" in message and "DESKCHECK_SUPERVISOR_PASSWORD" in message
    assert "DESKCHECK_CREATE_ACTORS" in message and SHARED.crm_url in message
    assert crm.created == []


def test_configured_logins_are_used_as_given_and_never_removed(tmp_path):
    crm = FakeCrm({"qa.maya": "given-Pass-1"})
    settings = settings_for(SHARED, agent_username="qa.maya", agent_password="given-Pass-1")
    identities = Identities(crm, settings, SHARED, ledger=Ledger(SHARED.crm_url, tmp_path))
    user = identities.user("agent")
    assert (user.username, user.password, user.name) == ("qa.maya", "given-Pass-1", "Maya")
    assert "given-Pass-1" not in repr(user)
    assert identities.remove_created() == []
    assert crm.created == [] and crm.deleted == [] and "qa.maya" in crm.users


def test_configured_login_on_the_sandbox_is_made_there_and_removed():
    crm = FakeCrm()
    settings = settings_for(SANDBOX, trainee_username="qa.tia", trainee_password="given-Pass-2")
    identities = Identities(crm, settings, SANDBOX)
    assert identities.user("trainee").username == "qa.tia" and crm.users["qa.tia"] == "given-Pass-2"
    identities.remove_created()
    assert crm.deleted == ["qa.tia"]


def test_created_on_request_on_your_environment_with_a_ledger_until_removed(tmp_path):
    crm = FakeCrm()
    ledger = Ledger(SHARED.crm_url, tmp_path)
    identities = Identities(crm, settings_for(SHARED, create_actors=True), SHARED, ledger=ledger)
    user = identities.user("second_agent")
    assert user.username.startswith(USERNAME_PREFIX) and "-leo-" in user.username
    record = json.loads(ledger.path.read_text())
    assert record == {"crm_url": SHARED.crm_url, "pid": os.getpid(), "usernames": [user.username]}
    assert user.password not in ledger.path.read_text()
    assert identities.remove_created() == []
    assert not ledger.path.exists() and crm.users == {}


def test_users_left_by_a_killed_run_are_removed_by_the_next_one(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    left = f"{USERNAME_PREFIX}0badf00d-maya-gw0"
    crm = FakeCrm({left: "x", "someone.else": "y"})
    (tmp_path / f"{socket.gethostname()}-{dead_pid}.json").write_text(
        json.dumps({"crm_url": SHARED.crm_url, "pid": dead_pid, "usernames": [left, "someone.else"]}))
    (tmp_path / f"{socket.gethostname()}-{os.getppid()}.json").write_text(  # a live run's users stay
        json.dumps({"crm_url": SHARED.crm_url, "pid": os.getppid(), "usernames": [f"{USERNAME_PREFIX}live-x"]}))
    identities = Identities(crm, settings_for(SHARED, create_actors=True), SHARED,
                            ledger=Ledger(SHARED.crm_url, tmp_path))
    assert identities.sweep_leftovers() == []
    assert crm.deleted == [left]  # only users the suite's naming marks as its own
    assert "someone.else" in crm.users
    assert not (tmp_path / f"{socket.gethostname()}-{dead_pid}.json").exists()


def test_a_user_that_cannot_be_removed_is_reported_and_kept_in_the_ledger(tmp_path):
    class Stubborn(FakeCrm):
        def delete_user(self, username: str) -> dict:
            raise Refused(403)

    ledger = Ledger(SHARED.crm_url, tmp_path)
    identities = Identities(Stubborn(), settings_for(SHARED, create_actors=True), SHARED, ledger=ledger)
    username = identities.user("agent").username
    problems = identities.remove_created()
    assert len(problems) == 1 and username in problems[0] and "403" in problems[0]
    assert json.loads(ledger.path.read_text())["usernames"] == [username]


def test_one_configured_login_is_not_shared_by_xdist_workers():
    shared = settings_for(SHARED, agent_username="qa.maya", agent_password="p4ss-word")
    with pytest.raises(pytest.UsageError, match="DESKCHECK_AGENT_USERNAME.*-n 1"):
        check_logins_fit_workers(shared, workers=2)
    check_logins_fit_workers(shared, workers=1)
    check_logins_fit_workers(settings_for(SANDBOX, agent_username="qa.maya", agent_password="p"), workers=2)
    check_logins_fit_workers(settings_for(SHARED, create_actors=True), workers=4)


def test_the_missing_login_message_is_an_environment_problem():
    assert missing_login("agent", SHARED.crm_url).startswith("Environment:")
