"""A vendor door: an extra listener speaking a vendor's API over a system's own stores.

The sandbox keeps one process. A door (Salesforce's REST API over the crm, Amazon Connect's over the
cti) listens on its own port and reads and writes the same domain objects as the system's own API,
so one contact or call log is the same whichever door it came in by. ``python -m sandbox --json``
adds each door's ``announce`` keys (its URL and what a client needs) to its one JSON line.
"""
from __future__ import annotations

import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from starlette.types import ASGIApp


@dataclass
class Door:
    app: ASGIApp
    socket: socket.socket  # bound by the sandbox (its --<door>-port, else a free port)
    #: keys added to the --json line: the door's URL under its own name, and what a client needs
    #: (credentials appear only there, never in the human banner)
    announce: dict[str, Any]
    server_options: dict[str, Any] = field(default_factory=dict)  # uvicorn.Config extras (ssl_certfile, ...)


#: how a door is opened: (the built systems by name, its bound socket, the data dir) -> Door
DoorFactory = Callable[[Mapping[str, Any], socket.socket, Path], Door]
