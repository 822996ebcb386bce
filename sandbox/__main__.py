"""Starts the reference contact center: every system in one process, each on its own port.

    python -m sandbox            # human banner with console URL and demo logins
    python -m sandbox --json     # one JSON line with the URLs (used by the suite's target fixture)

The suite's client (deskcheck-suite) takes the secret in DESKCHECK_SANDBOX_CLIENT_SECRET (the suite starts
its sandbox with one made per run), else the demo secret suite-secret. The systems' own clients get new
random secrets every start.
"""
from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import socket
import sys
import tempfile
import threading
from pathlib import Path

import uvicorn

from .platform.auth import REFRESH_TTL_SECONDS
from .platform.clock import Clock
from .platform.system import SandboxConfig, suite_secret_from
from .platform.webhook_targets import WebhookTargets

def _discover_systems() -> tuple[str, ...]:
    """Every subpackage with an app.py is a system; crm and cti first, the rest by name."""
    here = Path(__file__).parent
    found = sorted(p.parent.name for p in here.glob("*/app.py"))
    return tuple(sorted(found, key=lambda name: (name not in ("crm", "cti"), name)))


SYSTEMS = _discover_systems()
#: vendor doors (sandbox.platform.door): name -> "module:factory"; each an extra listener over a system's stores
DOORS = {"salesforce": "sandbox.crm.salesforce_door:open_door", "connect": "sandbox.cti.connect:open_door"}
DEMO_LOGINS = (("maya", "maya-pass", "agent"), ("leo", "leo-pass", "agent"),
               ("tia", "tia-pass", "trainee"), ("sam", "sam-pass", "supervisor"))


def _load(spec: str):
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def _bind(port: int) -> socket.socket:
    # proto must say TCP: asyncio turns Nagle off only on sockets whose proto is IPPROTO_TCP, and accepted
    # sockets copy it from here. With proto 0 every answer on a kept-alive connection waited ~40 ms for
    # the client's delayed ACK between its headers and its body.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="deskcheck sandbox", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    for name in (*SYSTEMS, *DOORS):
        parser.add_argument(f"--{name}-port", type=int, default=0, help=f"port for {name} (0 = a free port)")
    parser.add_argument("--token-ttl", type=int, default=300, help="access token lifetime in seconds")
    parser.add_argument("--refresh-token-ttl", type=int, default=REFRESH_TTL_SECONDS,
                        help="refresh token lifetime in seconds (at least the access token's)")
    parser.add_argument("--webhook-allow", action="append", default=[], metavar="URL",
                        help="an origin (and optional path prefix) webhooks may deliver to, e.g. "
                             "https://hooks.partner.example; repeat for more. Loopback is allowed in sandbox mode")
    parser.add_argument("--data-dir", type=Path, help="where the SQLite files go (default: a new temp dir)")
    parser.add_argument("--json", action="store_true", help="print one JSON line with the URLs")
    parser.add_argument("--no-sandbox-mode", action="store_true", help="disable the /_sandbox/ test API")
    parser.add_argument("--frozen-clock", action="store_true",
                        help="time moves only through POST /_sandbox/clock (what the suite uses)")
    args = parser.parse_args(argv)
    if args.token_ttl < 5:
        parser.error("--token-ttl must be at least 5 seconds")
    if args.refresh_token_ttl < args.token_ttl:
        parser.error("--refresh-token-ttl must be at least --token-ttl")
    try:
        WebhookTargets(args.webhook_allow)
    except ValueError as exc:
        parser.error(f"--webhook-allow: {exc}")
    return args


class Ticker(threading.Thread):
    """Runs every system's timers and outboxes about ten times a second."""

    def __init__(self, systems: list) -> None:
        super().__init__(name="sandbox-ticker", daemon=True)
        self.systems = systems
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.1):
            for system in self.systems:
                try:
                    system.tick()
                except Exception as exc:  # a timer bug must not stop every other timer
                    print(f"sandbox ticker: {system.name}: {exc!r}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="deskcheck-sandbox-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    sockets = {name: _bind(getattr(args, f"{name}_port")) for name in SYSTEMS}
    urls = {name: f"http://127.0.0.1:{sock.getsockname()[1]}" for name, sock in sockets.items()}
    config = SandboxConfig(urls=urls, data_dir=data_dir, token_ttl=args.token_ttl,
                           sandbox_mode=not args.no_sandbox_mode, clock=Clock(frozen=args.frozen_clock),
                           refresh_token_ttl=args.refresh_token_ttl, webhook_allowlist=tuple(args.webhook_allow),
                           suite_secret=suite_secret_from())
    built = {name: importlib.import_module(f"sandbox.{name}.app").build(config) for name in SYSTEMS}
    systems = [system for system, _ in built.values()]
    for system in systems:
        system.seed()
    doors = {name: _load(spec)({n: s for n, (s, _) in built.items()}, _bind(getattr(args, f"{name}_port")), data_dir)
             for name, spec in DOORS.items()}
    announced = {key: value for door in doors.values() for key, value in door.announce.items()}
    config.clock.on_change(lambda: [system.tick() for system in systems])
    ticker = Ticker(systems)
    ticker.start()

    if args.json:
        print(json.dumps({**urls, **announced, "data_dir": str(data_dir), "sandbox_mode": config.sandbox_mode}),
              flush=True)
    else:
        print(f"deskcheck sandbox is running (data in {data_dir})")
        print(f"  Agent console:     {urls['crm']}/login")
        print(f"  Supervisor board:  {urls['cti']}/supervisor")
        for name in SYSTEMS:
            print(f"  {name + ' API docs:':19}{urls[name]}/docs")
        for name, door in doors.items():  # its URL only: credentials go in the --json line alone
            print(f"  {name + ' API:':19}{door.announce[name]}")
        print("  Demo logins (username / password / role):")
        for username, password, role in DEMO_LOGINS:
            print(f"    {username:6} {password:10} {role}")
        print("Press Ctrl+C to stop.", flush=True)

    # Open event streams never finish by themselves: give them half a second at shutdown, not the default wait.
    listeners = [(app, sockets[name], {}) for name, (_, app) in built.items()]
    listeners += [(door.app, door.socket, door.server_options) for door in doors.values()]
    servers = [(uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=0.5,
                                              **options)), sock) for app, sock, options in listeners]

    async def serve() -> None:
        await asyncio.gather(*(server.serve(sockets=[sock]) for server, sock in servers))

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass
    finally:
        ticker.stopped.set()
        for system in systems:
            system.events.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
