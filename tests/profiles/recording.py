"""Page objects and an API client that write what the steps asked of them to DESKCHECK_RECORDING_LOG."""
from __future__ import annotations

import json
import os

from fixtures.api import CtiClient
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


class RecordingCtiClient(CtiClient):
    def request(self, method: str, path: str, **kwargs):
        record("client", f"cti {method} {path.split('?')[0]}")
        return super().request(method, path, **kwargs)
