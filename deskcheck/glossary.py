"""``deskcheck glossary``: the target's own values, for people writing scenarios about it (docs/glossary.md).

Analysts guessed queue names, disposition codes, state labels and intent names, and guessed wrong. The
glossary reads them from the target itself, through the ports every adapter set implements (never from
the sandbox's code): agent states as each screen shows them, queues with their wrap-up mode, limit and
dispositions, the IVR's menus and keys, the bot's intents and intent-path labels, SLA policies and
business hours, the console roles; plus the actors and the kinds of persona the steps can make.

``deskcheck steps`` writes the sandbox's glossary next to the catalogue (docs/glossary.md, and
docs/glossary.json that the catalogue page is built from); a test fails when either is out of date.
``deskcheck glossary`` prints the glossary of the configured target (DESKCHECK_* settings).
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from deskcheck.glossary_render import render_markdown
from deskcheck.stepdefs import ROOT

MARKDOWN = ROOT / "docs" / "glossary.md"
DATA = ROOT / "docs" / "glossary.json"
NOT_LISTED = "not_listed"


def _data(value: Any) -> Any:
    """Records as plain JSON data (tuples as lists)."""
    if dataclasses.is_dataclass(value):
        return {f.name: _data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_data(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _data(v) for k, v in value.items()}
    return value


def _listed(read: Callable[[], Any]) -> Any:
    """What the adapter lists, or why it lists nothing (a glossary section says so instead of guessing)."""
    try:
        return _data(read())
    except (NotImplementedError, AttributeError, LookupError) as exc:
        return {NOT_LISTED: f"{type(exc).__name__}: {exc}"}


def actors() -> list[dict[str, str]]:
    """The suite's actors: their first names, the words a step uses for their role, their CRM role."""
    from fixtures.identities import ROLES

    return [{"name": r.first_name, "role": key.replace("_", " "), "crm_role": r.crm_role} for key, r in ROLES.items()]


def collect(adapters: Any, target: str) -> dict[str, Any]:
    """Everything the target's adapters list, as JSON data (sections they cannot list say why)."""
    crm, cti = adapters.port("crm"), adapters.port("cti")

    def port(role: str) -> Any:
        try:
            return adapters.port(role)
        except LookupError:
            return None

    def queues() -> list[dict[str, Any]]:
        return [{"queue": _data(q), "dispositions": _data(crm.dispositions(q.name))} for q in cti.queues()]

    ivr, chat, helpdesk = port("ivr"), port("chat"), port("helpdesk")
    return {
        "target": target,
        "actors": actors(),
        "roles": _listed(lambda: crm.roles()),
        "agent_states": _listed(lambda: cti.agent_states()),
        "wrapup": _listed(lambda: cti.wrapup_rules()),
        "routing": _listed(lambda: cti.routing()),
        "queues": _listed(queues),
        "ivr": _listed(lambda: ivr.menus()) if ivr else {NOT_LISTED: "the target has no IVR adapter"},
        "bot": _listed(lambda: chat.intents()) if chat else {NOT_LISTED: "the target has no chat adapter"},
        "knowledge": _listed(lambda: chat.knowledge()) if chat else {NOT_LISTED: "the target has no chat adapter"},
        "service_levels": _listed(lambda: helpdesk.service_levels()) if helpdesk else {NOT_LISTED: "the target has no helpdesk"},
    }


@contextlib.contextmanager
def sandbox_adapters() -> Iterator[Any]:
    """The bundled sandbox, started on free ports for as long as the block runs, behind its adapter set."""
    from deskcheck.adapters import Connection
    from deskcheck.adapters.sandbox import SandboxAdapters
    from fixtures.settings import load_settings
    from fixtures.target import SandboxProcess

    settings = load_settings()
    sandbox = SandboxProcess(Path(tempfile.mkdtemp(prefix="deskcheck-glossary-")), token_ttl=settings.token_ttl,
                             start_timeout=settings.sandbox_start_timeout_s)
    info = sandbox.start()
    adapters = None
    try:
        sandbox.wait_healthy(settings.sandbox_start_timeout_s)
        urls = {name: url for name, url in info.items() if isinstance(url, str) and url.startswith("http")}
        adapters = SandboxAdapters(Connection(urls, settings.client_id, settings.client_secret))
        yield adapters
    finally:
        if adapters is not None:
            adapters.close()
        sandbox.stop()


@contextlib.contextmanager
def configured_adapters() -> Iterator[Any]:
    """The configured target (DESKCHECK_* settings and profile) behind its profile's adapter set."""
    from deskcheck.adapters import Connection
    from fixtures.profile import load_profile
    from fixtures.settings import load_settings

    settings = load_settings()
    if settings.use_sandbox:
        with sandbox_adapters() as adapters:
            yield adapters
        return
    profile = load_profile(settings.profile)
    adapters = profile.adapter_set()(Connection({"crm": settings.crm_url, "cti": settings.cti_url}, settings.client_id,
                                                settings.client_secret, settings.adapter_options()),
                                     profile.port_overrides())
    try:
        yield adapters
    finally:
        adapters.close()


def sandbox_glossary() -> dict[str, Any]:
    with sandbox_adapters() as adapters:
        return collect(adapters, "sandbox")


def write(data: dict[str, Any], markdown: Path = MARKDOWN, data_file: Path | None = DATA) -> str:
    text = render_markdown(data)
    markdown.parent.mkdir(parents=True, exist_ok=True)
    markdown.write_text(text, encoding="utf-8")
    if data_file is not None:
        data_file.write_text(dumps(data), encoding="utf-8")
    return text


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def load(data_file: Path = DATA) -> dict[str, Any]:
    """The glossary data ``deskcheck steps`` last wrote (an empty glossary when there is none yet)."""
    try:
        return json.loads(data_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"target": "none yet"}


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="deskcheck glossary", description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", help="write the Markdown here instead of printing it")
    parser.add_argument("--json", action="store_true", help="print the data as JSON instead of Markdown")
    args = parser.parse_args(argv)
    from fixtures.settings import load_settings

    target = "sandbox" if load_settings().use_sandbox else "the configured target"
    with configured_adapters() as adapters:
        data = collect(adapters, target)
    text = dumps(data) if args.json else render_markdown(data)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0
