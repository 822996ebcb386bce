"""A small thread-safe SQLite wrapper: one database file per system."""
from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator


class Database:
    def __init__(self, path: Path | str, schema: str) -> None:
        self.path = str(path)
        self.schema = schema
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent; a sandbox needs no fsync per commit
        self._conn.executescript(schema)

    @contextmanager
    def transaction(self) -> Iterator["Database"]:
        """Groups writes atomically; nested use joins the outer transaction."""
        with self._lock:
            if self._conn.in_transaction:
                yield self
                return
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def execute(self, sql: str, params: tuple | dict = ()) -> int:
        """Runs a statement and answers how many rows it changed."""
        with self._lock:
            return self._conn.execute(sql, params).rowcount

    def insert(self, sql: str, params: tuple | dict = ()) -> int:
        """Runs an INSERT and answers the new row id."""
        with self._lock:
            return self._conn.execute(sql, params).lastrowid

    def query(self, sql: str, params: tuple | dict = ()) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(row) for row in self._conn.execute(sql, params).fetchall()]

    def one(self, sql: str, params: tuple | dict = ()) -> dict[str, Any] | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def wipe(self) -> None:
        """Drops every table and recreates the schema (test API reset)."""
        with self._lock:
            tables = [r["name"] for r in self.query(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
            for table in tables:
                self._conn.execute(f'DROP TABLE IF EXISTS "{table}"')
            self._conn.executescript(self.schema)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def loads(value: str | None, default: Any = None) -> Any:
    return default if value in (None, "") else json.loads(value)


def where_equal(**columns: Any) -> tuple[str, tuple[Any, ...]]:
    """A WHERE clause matching every column whose value is given (None: not filtered), and its parameters."""
    given = {name: value for name, value in columns.items() if value is not None}
    return " WHERE 1=1" + "".join(f" AND {name}=?" for name in given), tuple(given.values())
