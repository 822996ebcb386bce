"""The glossary's sections, as Markdown (docs/glossary.md) and as HTML (inside docs/steps.html).

Built from the JSON data :mod:`deskcheck.glossary` collects from a target; the persona kinds come from
the step definitions (every Given step that makes a customer). Values an analyst types into a step are
in backticks.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NOT_LISTED = "not_listed"


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass
class Section:
    anchor: str
    title: str
    intro: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def _missing(value: Any) -> str | None:
    return value[NOT_LISTED] if isinstance(value, dict) and NOT_LISTED in value else None


def _code(value: Any) -> str:
    return f"`{value}`" if value not in (None, "") else "-"


def _hours(hours: dict[str, Any] | None) -> str:
    if not hours:
        return "around the clock"
    days = sorted(hours["days"])
    span = f"{DAYS[days[0]]}-{DAYS[days[-1]]}" if days == list(range(days[0], days[-1] + 1)) and len(days) > 1 \
        else ", ".join(DAYS[d] for d in days)
    return f"{span} {hours['opens']}-{hours['closes']}"


def _duration(seconds: int) -> str:
    hours, rest = divmod(int(seconds), 3600)
    return f"{hours} h" + (f" {rest // 60:02d} min" if rest else "") if hours else f"{rest // 60} min"


def _actors(data: dict[str, Any]) -> Section:
    roles = {r["role"]: r for r in data.get("roles") or []} if not _missing(data.get("roles")) else {}
    rows = [[f"`{a['name']}`", a["role"], f'`the {a["role"]} "{a["name"]}"`', a["crm_role"],
             ", ".join(f"`{f['label']}`" for f in roles.get(a["crm_role"], {}).get("hidden_fields", [])) or "nothing"]
            for a in data.get("actors") or []]
    intro = ["The people at the desk. Name them by first name in any step (`Maya answers the call`); the log-in step "
             "names the role too. What each may not see comes from the CRM's console roles."]
    if _missing(data.get("roles")):
        intro.append(f"The target's adapters do not list the console roles ({_missing(data['roles'])}).")
    return Section("actors", "Actors", intro,
                   [Table(["name", "role", "log-in step says", "CRM role", "may not see on a contact"], rows)])


def _personas(defs: list[Any]) -> Section:
    from deskcheck.concepts import concept_of

    rows = []
    for d in defs:
        if d.type == "given" and concept_of(d).key == "customer":
            rows.append([f"`Given {d.phrase()}`", d.meaning()])
    return Section("persona-kinds", "Persona kinds", [
        "The customers a scenario can start from, one Given step per kind (the values in quotes are yours). Later "
        "steps name a customer by first name (`Dana` for \"Dana Whitfield\"); the caller of \"a caller whose number "
        "is not in the CRM\" is `the unknown caller`. Every scenario makes its own customers: no seeded record is "
        "shared."], [Table(["step", "what it makes"], rows)])


def _agent_states(data: dict[str, Any]) -> Section:
    states = data.get("agent_states")
    if _missing(states):
        return Section("agent-states", "Agent states", [f"Not listed by the target's adapters: {_missing(states)}."])
    rows = [[_code(s["label"]), _code(s["state"]) + (f" ({s['reason']})" if s.get("reason") else ""),
             _code(s["crm_status"]) + (f" ({s['crm_reason']})" if s.get("crm_reason") else ""), s["set_by"]]
            for s in states["states"]]
    menu = ", ".join(f"`{c['label']}`" for c in states["presence_menu"])
    crm_menu = ", ".join(f"`{c['label']}`" for c in states["crm_presence_menu"])
    return Section("agent-states", "Agent states", [
        "Each state as the screens show it. Softphone and supervisor-board steps take the label "
        "(`Maya's softphone shows the state \"Not ready (Lunch)\"`); CTI steps take the code (`the CTI has Maya "
        "\"NOT_READY\"`); CRM steps take the presence (`the CRM shows Maya as \"Busy\"`).",
        f"The softphone's presence menu offers {menu}; the CRM console's offers {crm_menu}."],
        [Table(["softphone and supervisor board", "CTI state", "CRM presence (reason)", "who sets it"], rows)])


def _queues(data: dict[str, Any]) -> Section:
    queues, wrapup = data.get("queues"), data.get("wrapup")
    if _missing(queues):
        return Section("queues", "Queues, wrap-up and dispositions", [f"Not listed by the target's adapters: "
                                                                       f"{_missing(queues)}."])
    rules = {} if _missing(wrapup) else {m["mode"]: m["rule"] for m in wrapup["modes"]}
    rows = []
    for entry in queues:
        q = entry["queue"]
        rows.append([f"`{q['name']}`", f"`{q['wrapup_mode']}`: {rules.get(q['wrapup_mode'], '')}".rstrip(": "),
                     f"{q['acw_seconds']} s" if q.get("acw_seconds") else "none",
                     f"{q['ring_timeout_seconds']} s" if q.get("ring_timeout_seconds") else "-", _hours(q.get("hours")),
                     ", ".join(f"`{d['code']}` ({d['label']})" for d in entry["dispositions"])])
    intro = ["A call arrives on a queue's line (`Dana calls the billing line`); the queue decides the wrap-up: its "
             "mode, its time limit and the dispositions offered (in this order)."]
    routing = data.get("routing")
    if routing and not _missing(routing):
        intro.append(f"Routing: {routing}.")
    if not _missing(wrapup) and wrapup.get("timeout_disposition"):
        intro.append(f"A timeboxed wrap-up that runs out is completed with `{wrapup['timeout_disposition']}`.")
    return Section("queues", "Queues, wrap-up and dispositions", intro,
                   [Table(["queue", "wrap-up", "time limit", "rings for", "open", "dispositions"], rows)])


def _ivr(data: dict[str, Any]) -> Section:
    ivr = data.get("ivr")
    if _missing(ivr):
        return Section("ivr-menus", "IVR menus", [f"Not listed by the target's adapters: {_missing(ivr)}."])
    intro = ["What a caller hears on each line, and the keys and words that choose each option. IVR steps take the "
             "key and the option's name (`Nadia presses 2 for \"Technical support\"`); the option's name is also "
             "what the IVR path shows."]
    if ivr.get("lookup_attempts"):
        intro.append(f"The account entry tries the CRM lookup {ivr['lookup_attempts']} times before its fallback.")
    if ivr.get("min_speech_confidence") is not None:
        intro.append(f"Speech below {round(ivr['min_speech_confidence'] * 100)}% confidence is asked again.")
    tables = []
    for menu in ivr["menus"]:
        caption = f"{menu['label']} (the {menu['line']} line, `{menu['kind']}`)"
        if menu.get("personalised_for"):
            caption += "; callers with " + ", ".join(f"`{p}`" for p in menu["personalised_for"]) + " hear another menu"
        rows = [[f"`{o['key']}`", f"`{o['label']}`", ", ".join(o["keywords"]),
                 o["leads_to"] + (f" (queue `{o['queue']}`, reason `{o['reason']}`)" if o.get("queue") else "")]
                for o in menu["options"]]
        if rows:
            tables.append(Table(["key", "option", "or say", "leads to"], rows, caption))
        else:
            intro.append(f"{caption}: {menu.get('prompt') or ''}".rstrip(": "))
    return Section("ivr-menus", "IVR menus", intro, tables)


def _bot(data: dict[str, Any]) -> Section:
    bot, knowledge = data.get("bot"), data.get("knowledge")
    if _missing(bot):
        return Section("chat-bot", "Chat bot", [f"Not listed by the target's adapters: {_missing(bot)}."])
    rows = [[f"`{i['label']}`", ", ".join(f'"{k}"' for k in i["keywords"]), "yes" if i["needs_authentication"] else "no"]
            for i in bot["intents"]]
    intro = ["The intent path (`Refund status > Authentication > Talk to an agent`) joins these labels with ` > `.",
             "Other steps a path can show: " + ", ".join(f"`{label}`" for _, label in bot["path_steps"]) + ".",
             "Sentiment labels: " + ", ".join(f"`{s}`" for s in bot["sentiments"]) + "."]
    tables = [Table(["intent (as the path shows it)", "the customer writes any of", "identifies the customer first"],
                    rows)]
    if not _missing(knowledge):
        tables.append(Table(["article", "title"], [[f"`{a['id']}`", a["title"]] for a in knowledge],
                            "Knowledge articles the bot cites"))
    return Section("chat-bot", "Chat bot", intro, tables)


def _service_levels(data: dict[str, Any]) -> Section:
    levels = data.get("service_levels")
    if _missing(levels):
        return Section("slas", "Tickets and SLAs", [f"Not listed by the target's adapters: {_missing(levels)}."])
    hours = levels["business_hours"]
    intro = [f"SLA clocks count business hours only: {_hours(hours)} ({levels['timezone']}). Each ticket has two: "
             "`first reply` and `resolution`; a clock is `running`, `warning`, `paused` (pending the customer), `met` "
             "or `breached`."]
    if levels.get("warning_at"):
        intro.append(f"A clock warns once {round(levels['warning_at'] * 100)}% of its target is used.")
    if levels.get("escalation_group"):
        intro.append(f"A breach escalates the ticket to `{levels['escalation_group']}` and raises its priority one step.")
    if levels.get("lifecycle"):
        intro.append(f"Statuses: {levels['lifecycle']}.")
    intro.append("Channels: " + ", ".join(f"`{c}`" for c in levels["channels"]) + ".")
    policies = [[f"`{p['priority']}`", _duration(p["first_reply_seconds"]), _duration(p["resolution_seconds"])]
                for p in levels["policies"]]
    statuses = [[f"`{status}`", f"`{label}`"] for status, label in levels["statuses"]]
    return Section("slas", "Tickets and SLAs", intro, [
        Table(["priority", "first reply within", "resolution within"], policies, "SLA policies"),
        Table(["status (helpdesk)", "shown as (ticket view, CRM record)"], statuses, "Ticket statuses")])


def sections(data: dict[str, Any], defs: list[Any] | None = None) -> list[Section]:
    from deskcheck import stepdefs

    defs = stepdefs.load_step_definitions() if defs is None else defs
    return [_actors(data), _personas(defs), _agent_states(data), _queues(data), _ivr(data), _bot(data),
            _service_levels(data)]


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(data: dict[str, Any], defs: list[Any] | None = None) -> str:
    found = sections(data, defs)
    out = ["# Glossary", "",
           f"<!-- Generated by `deskcheck steps` from the {data.get('target', 'target')}'s own settings (read through "
           "its adapters) and steps/: do not edit by hand. `make test` fails when it is out of date. -->", "",
           "The values the target knows, to use in step lines: names, codes and labels exactly as its screens and "
           "systems spell them. Steps: [the catalogue](steps.md) (searchable: [steps.html](steps.html)).", "",
           " · ".join(f"[{s.title}](#{s.anchor})" for s in found), ""]
    for section in found:
        out += [f'<a id="{section.anchor}"></a>', "", f"## {section.title}", ""]
        for paragraph in section.intro:
            out += [paragraph, ""]
        for table in section.tables:
            if table.caption:
                out += [f"**{table.caption}**", ""]
            out.append("| " + " | ".join(table.headers) + " |")
            out.append("|" + "---|" * len(table.headers))
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def inline_html(text: str) -> str:
    """Markdown's inline code (`x`) as <code>, everything else escaped."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text, quote=False))


def render_html(data: dict[str, Any], defs: list[Any] | None = None) -> str:
    """The glossary as HTML sections (each a searchable <section class="glossary">)."""
    out = []
    for section in sections(data, defs):
        out.append(f'<section class="glossary entry" id="glossary-{section.anchor}" data-concept="glossary">')
        out.append(f"<h3>{html.escape(section.title)}</h3>")
        out += [f"<p>{inline_html(p)}</p>" for p in section.intro]
        for table in section.tables:
            out.append("<table>" + (f"<caption>{inline_html(table.caption)}</caption>" if table.caption else ""))
            out.append("<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in table.headers) + "</tr></thead>")
            out.append("<tbody>" + "".join("<tr>" + "".join(f"<td>{inline_html(c)}</td>" for c in row) + "</tr>"
                                           for row in table.rows) + "</tbody></table>")
        out.append("</section>")
    return "\n".join(out)
