"""``deskcheck monitor``: synthetic monitoring of the crm -> marketing sync between nightly runs.

Each probe places one obviously synthetic test record in the crm, lets the sync carry it (asks for
a sync run, or waits for the scheduled one with ``--wait-for-schedule``), checks it arrived with
every mapped field equal (the marketing reconciliation endpoint), then deletes it and checks it
went inactive in marketing. One JSON line per probe; with ``--once`` the exit code says healthy (0)
or not (1). Talks to the systems over HTTP only, like the suite.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import threading
import time
from datetime import datetime, timezone
from typing import Any, Callable, Sequence

import httpx


class Probe:
    def __init__(self, crm_url: str, marketing_url: str, client_id: str, client_secret: str,
                 timeout: float, run_sync: bool) -> None:
        self.timeout, self.run_sync = timeout, run_sync
        self.crm = self._client(crm_url, client_id, client_secret)
        self.marketing = self._client(marketing_url, client_id, client_secret)

    @staticmethod
    def _client(url: str, client_id: str, secret: str) -> httpx.Client:
        token = httpx.post(f"{url.rstrip('/')}/oauth/token", timeout=10, data={
            "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})
        token.raise_for_status()
        return httpx.Client(base_url=url.rstrip("/"), timeout=30,
                            headers={"authorization": f"Bearer {token.json()['access_token']}"})

    def _wait(self, what: str, check: Callable[[], Any]) -> Any:
        deadline, pause = time.monotonic() + self.timeout, threading.Event()
        while True:
            if self.run_sync:
                self.marketing.post("/api/sync/run").raise_for_status()
            value = check()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{what} within {self.timeout:g} s")
            pause.wait(0.5 if self.run_sync else 5.0)  # between polls of a remote system

    def run(self) -> dict[str, Any]:
        started = time.monotonic()
        report: dict[str, Any] = {"check": "crm -> marketing sync", "status": "unhealthy", "problems": [],
                                  "checked_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        tag = f"{random.SystemRandom().randint(0, 10**6):06d}"
        try:
            contact = self.crm.post("/api/contacts", json={
                "first_name": "Synthetic", "last_name": f"Monitor {tag}", "phone": f"+1555{tag[:3]}{tag[3:]}0"[:12],
                "email": f"synthetic.monitor.{tag}@example.test"})
            contact.raise_for_status()
            crm_id = report["crm_contact_id"] = contact.json()["id"]

            def arrived() -> Any:
                found = self.marketing.get("/api/contacts", params={"crm_id": crm_id}).json()["contacts"]
                return found[0] if found else None

            marketing_contact = self._wait("the test record reached marketing", arrived)
            report["marketing_contact_id"] = marketing_contact["id"]
            report["sync_seconds"] = round(time.monotonic() - started, 2)
            reconciliation = self.marketing.post("/api/reconciliation", json={"crm_ids": [crm_id]}).json()
            report["differences"] = reconciliation["differences"]
            if not reconciliation["ok"]:
                fields = sorted({d["field"] for d in reconciliation["differences"]}) or ["record counts"]
                report["problems"].append(f"the test record differs in: {', '.join(fields)}")
            self.crm.delete(f"/api/contacts/{crm_id}").raise_for_status()
            self._wait("the deleted test record went inactive in marketing",
                       lambda: self.marketing.get(f"/api/contacts/{marketing_contact['id']}").json()["status"] == "inactive")
            status = self.marketing.get("/api/sync/status").json()
            report["last_sync_job"] = (status.get("last_job") or {}).get("status")
            if not status.get("healthy", False):
                report["problems"].append(f"the last sync job did not succeed: {status.get('last_job')}")
        except (httpx.HTTPError, TimeoutError, KeyError, ValueError) as exc:
            report["problems"].append(f"{type(exc).__name__}: {exc}")
        report["seconds"] = round(time.monotonic() - started, 2)
        report["status"] = "healthy" if not report["problems"] else "unhealthy"
        return report


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="deskcheck monitor", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--crm-url", default=os.environ.get("DESKCHECK_CRM_URL"), help="default: $DESKCHECK_CRM_URL")
    parser.add_argument("--marketing-url", default=os.environ.get("DESKCHECK_MARKETING_URL"),
                        help="default: $DESKCHECK_MARKETING_URL")
    parser.add_argument("--client-id", default=os.environ.get("DESKCHECK_CLIENT_ID", "deskcheck-suite"))
    parser.add_argument("--every", type=float, default=900, help="seconds between probes (default 900)")
    parser.add_argument("--once", action="store_true", help="one probe; exit 0 when healthy, 1 when not")
    parser.add_argument("--timeout", type=float, default=60, help="how long a record may take to sync (s)")
    parser.add_argument("--wait-for-schedule", action="store_true",
                        help="do not ask for a sync run: wait for the connector's own schedule")
    args = parser.parse_args(argv)
    if not args.crm_url or not args.marketing_url:
        parser.error("give --crm-url and --marketing-url (or DESKCHECK_CRM_URL and DESKCHECK_MARKETING_URL)")
    return args


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    secret = os.environ.get("DESKCHECK_CLIENT_SECRET", "suite-secret")  # secrets only from the environment
    stop = threading.Event()
    while True:
        try:
            probe = Probe(args.crm_url, args.marketing_url, args.client_id, secret, args.timeout,
                          run_sync=not args.wait_for_schedule)
            report = probe.run()
        except httpx.HTTPError as exc:
            report = {"check": "crm -> marketing sync", "status": "unhealthy", "problems": [f"cannot connect: {exc}"]}
        print(json.dumps(report, ensure_ascii=False), flush=True)
        if args.once:
            return 0 if report["status"] == "healthy" else 1
        try:
            stop.wait(args.every)
        except KeyboardInterrupt:
            return 0
