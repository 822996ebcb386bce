"""Page objects and a CTI adapter that write what the steps asked of them to DESKCHECK_RECORDING_LOG."""
from __future__ import annotations

import json
import os

from deskcheck.adapters.sandbox.cti import SandboxCti
from pages import Console


def record(kind: str, what: str) -> None:
    log = os.environ.get("DESKCHECK_RECORDING_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as out:
            out.write(json.dumps({"kind": kind, "what": what}) + "\n")


class RecordingConsole(Console):
    def ready(self) -> "RecordingConsole":
        record("page", "Console.ready")
        return super().ready()

    @property
    def softphone(self):
        record("page", "Console.softphone")
        return self.__dict__["softphone"]

    @softphone.setter
    def softphone(self, value) -> None:
        self.__dict__["softphone"] = value


class RecordingCti(SandboxCti):
    """The sandbox's CTI adapter, noting every port method a step or fixture asks of it."""

    def __getattribute__(self, name: str):
        value = super().__getattribute__(name)
        if callable(value) and not name.startswith("_"):
            record("port", f"cti.{name}")
        return value
