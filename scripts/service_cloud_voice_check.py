"""Read-only checks of a Salesforce org and an Amazon Connect instance through the service-cloud-voice adapters.

Safe against production: it only reads (sign-in, dispositions, presence statuses, a contact by phone, queues
and their hours, agent statuses, an agent's state); every call goes through a guard that refuses the adapters'
writing methods before anything is sent. Give it credentials that cannot write anyway (README, "Salesforce +
Amazon Connect").

    DESKCHECK_ENV_FILE=prod.env .venv/bin/python scripts/service_cloud_voice_check.py --agent qa.maya \\
        --phone +15551230001

Settings as for the suite: DESKCHECK_SALESFORCE, DESKCHECK_SALESFORCE_CLIENT_ID, DESKCHECK_SALESFORCE_CLIENT_SECRET,
DESKCHECK_CONNECT_INSTANCE_ID, DESKCHECK_CONNECT_REGION (and DESKCHECK_CONNECT for another endpoint); AWS keys
from boto3's own chain. Exit code 0 when every check passed, 1 otherwise.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deskcheck.adapters import Connection  # noqa: E402
from deskcheck.adapters.service_cloud_voice import ServiceCloudVoiceAdapters  # noqa: E402
from fixtures.settings import SettingsError, load_settings  # noqa: E402

#: the only adapter methods this script may call: none of them writes
READS = {"crm": {"api_session", "dispositions", "find_contacts", "presence", "linked_tickets", "call_logs"},
         "cti": {"queues", "queue", "agent_states", "agent", "wrapup_rules", "routing"}}


class ReadOnly:
    """An adapter seen through a guard: a method that is not a known read is refused before it is sent."""

    def __init__(self, role: str, adapter: Any) -> None:
        self._role, self._adapter = role, adapter

    def __getattr__(self, name: str) -> Any:
        if name not in READS[self._role]:
            raise PermissionError(f"{self._role}.{name} is not a read: this check never calls it")
        return getattr(self._adapter, name)


def run(checks: list[tuple[str, Callable[[], str]]]) -> int:
    failed = 0
    for title, check in checks:
        try:
            print(f"ok      {title}: {check()}")
        except Exception as exc:  # every failure is reported, in the vendor's own words
            failed += 1
            print(f"FAILED  {title}: {type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}")
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agent", action="append", default=[], help="an agent's username (in both systems); repeat")
    parser.add_argument("--phone", help="a customer's number (E.164) to look up in Salesforce")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"deskcheck settings: {exc}", file=sys.stderr)
        return 4
    if not (settings.salesforce and settings.connect_instance_id):
        print("set DESKCHECK_SALESFORCE (with its client id and secret) and DESKCHECK_CONNECT_INSTANCE_ID and "
              "DESKCHECK_CONNECT_REGION: see the README, 'Salesforce + Amazon Connect'", file=sys.stderr)
        return 4
    adapters = ServiceCloudVoiceAdapters(Connection({}, settings.client_id, settings.client_secret,
                                                    settings.adapter_options()))
    try:
        crm, cti = ReadOnly("crm", adapters.port("crm")), ReadOnly("cti", adapters.port("cti"))
        checks: list[tuple[str, Callable[[], str]]] = [
            ("Salesforce sign-in", lambda: crm.api_session().describe()),
            ("dispositions (CallDisposition__mdt)",
             lambda: f"{len(crm.dispositions())}: " + ", ".join(sorted({d.code for d in crm.dispositions()}))),
            ("Connect queues and their hours", lambda: "; ".join(
                f"{q.name} ({'open' if q.open_now else 'closed'}, wrap-up {q.wrapup_mode})" for q in cti.queues())),
            ("Connect agent statuses", lambda: ", ".join(c.label for c in cti.agent_states().presence_menu)),
        ]
        if args.phone:
            checks.append((f"Salesforce contacts with {args.phone}", lambda: "; ".join(
                f"{c.full_name} (id {c.id})" for c in crm.find_contacts(phone=args.phone)) or "none"))
        for username in args.agent:
            checks.append((f"{username}'s Omni-Channel presence", lambda u=username: crm.presence(u).describe()))
            checks.append((f"{username}'s Connect state", lambda u=username: cti.agent(u).describe()))
        return 1 if run(checks) else 0
    finally:
        adapters.close()


if __name__ == "__main__":
    sys.exit(main())
