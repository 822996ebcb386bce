"""crm users: accounts and passwords, the console's sign-in sessions, and each user's CRM presence
(kept in step with cti: a change made here is pushed there)."""
from __future__ import annotations

import hashlib
import secrets
from typing import Any

from ..platform.auth import Principal
from ..platform.db import dumps, loads
from .errors import Conflict, NotFound


def hash_password(password: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), 20_000).hex()
    return f"{salt}${digest}"


def check_password(password: str, stored: str) -> bool:
    salt, _, _ = stored.partition("$")
    return secrets.compare_digest(hash_password(password, salt), stored)


class UsersMixin:
    """Part of :class:`sandbox.crm.store.Crm` (one domain object, split by concern)."""

    # -- users ---------------------------------------------------------------------------------
    def user(self, username: str) -> dict[str, Any] | None:
        row = self.db.one("SELECT * FROM users WHERE username=?", (username,))
        return self._user_out(row) if row else None

    def users(self) -> list[dict[str, Any]]:
        return [self._user_out(r) for r in self.db.query("SELECT * FROM users ORDER BY username")]

    @staticmethod
    def _user_out(row: dict[str, Any]) -> dict[str, Any]:
        return {"username": row["username"], "name": row["name"], "role": row["role"],
                "queues": loads(row["queues"], []), "created_at": row["created_at"]}

    def verify_user(self, username: str, password: str) -> Principal | None:
        row = self.db.one("SELECT * FROM users WHERE username=?", (username,))
        if row is None or not check_password(password, row["password_hash"]):
            return None
        return Principal("user", row["username"], row["role"])

    def insert_user(self, username: str, password: str, name: str, role: str, queues: list[str]) -> dict[str, Any]:
        """Stores the user and their Offline presence; Conflict when the username is taken."""
        now = self.clock.iso()
        with self.db.transaction():
            if self.db.one("SELECT 1 FROM users WHERE username=?", (username,)):
                raise Conflict(f"user {username!r} already exists")
            self.db.execute("INSERT INTO users (username, password_hash, name, role, queues, created_at)"
                            " VALUES (?,?,?,?,?,?)", (username, hash_password(password), name, role, dumps(queues), now))
            self.db.execute("INSERT OR IGNORE INTO presence (username, status, reason, source, updated_at)"
                            " VALUES (?, 'Offline', NULL, 'crm', ?)", (username, now))
        user = self.user(username)
        self.events.emit("user.created", user)
        return user

    def delete_user(self, username: str) -> None:
        """Removes the user with their console sessions and CRM presence (no more sign-ins); NotFound when unknown.
        Their call logs stay: history keeps the agent's username."""
        with self.db.transaction():
            if not self.db.one("SELECT 1 FROM users WHERE username=?", (username,)):
                raise NotFound(f"no user {username}")
            for table in ("console_sessions", "presence", "users"):
                self.db.execute(f"DELETE FROM {table} WHERE username=?", (username,))
        self.events.emit("user.deleted", {"username": username})

    # -- console sessions ----------------------------------------------------------------------
    def open_session(self, username: str) -> str:
        token = secrets.token_urlsafe(32)
        self.db.execute("INSERT INTO console_sessions (token, username, created_at) VALUES (?,?,?)",
                        (token, username, self.clock.iso()))
        return token

    def session_principal(self, token: str | None) -> Principal | None:
        if not token:
            return None
        row = self.db.one("SELECT u.username, u.role FROM console_sessions s JOIN users u ON u.username = s.username"
                          " WHERE s.token=?", (token,))
        return Principal("session", row["username"], row["role"]) if row else None

    def close_session(self, token: str) -> None:
        self.db.execute("DELETE FROM console_sessions WHERE token=?", (token,))

    # -- presence ------------------------------------------------------------------------------
    def presence(self, username: str) -> dict[str, Any]:
        row = self.db.one("SELECT * FROM presence WHERE username=?", (username,))
        if row is None:
            if self.user(username) is None:
                raise NotFound(f"no user {username}")
            return {"username": username, "status": "Offline", "reason": None, "source": "crm", "updated_at": None}
        return dict(row)

    def set_presence(self, username: str, status: str, reason: str | None, source: str) -> tuple[dict[str, Any], bool]:
        """Stores the CRM presence; answers (presence, changed). Emits presence.changed on a real change."""
        if self.user(username) is None:
            raise NotFound(f"no user {username}")
        with self.db.transaction():
            before = self.presence(username)
            changed = (before["status"], before["reason"], before["source"]) != (status, reason, source)
            if changed:
                self.db.execute(
                    "INSERT INTO presence (username, status, reason, source, updated_at) VALUES (?,?,?,?,?)"
                    " ON CONFLICT(username) DO UPDATE SET status=excluded.status, reason=excluded.reason,"
                    " source=excluded.source, updated_at=excluded.updated_at",
                    (username, status, reason, source, self.clock.iso()))
            after = self.presence(username)
        if changed:
            self.events.emit("presence.changed", {"username": username, "status": status, "reason": reason,
                                                  "source": source, "previous_status": before["status"]})
        return after, changed

    def push_presence_to_cti(self, username: str, status: str, reason: str | None) -> None:
        """A crm-side change must reach cti eventually (deferred there during a call, never lost)."""
        self.system.outboxes["cti"].send("POST", f"/api/agents/{username}/presence", "presence",
                                         {"status": status, "reason": reason})
