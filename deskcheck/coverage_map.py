"""The suite's reach: which integration edges, agent states and interaction states each scenario asserted,
on which surface (softphone, console, supervisor board, ticket view, chat widget, API).

Built only from what ran. During a scenario fixtures/coverage.py records every check that passed:
a page object's ``expect_*`` (its surface from pages.SURFACES) and every backend check (``eventually``,
``expect_agreement``, an event waited for: the API surface, with the system whose port answered). A check's
states come from the values it compared (a label such as "Ringing", an Interaction's state, a CRM presence
mapped through the target's own agent-state labels); a check with no state of its own that is about a state
(a console's CRM presence "Busy", a softphone with no call left) takes the state its Gherkin step names. An
edge counts as asserted on a surface when the scenario's events show a change crossed it and, after that,
a check about the same thing passed on a surface the far system feeds.

The rows are the target's agent states (its glossary), the interaction states and the edges below; any
state a check showed that is not among them gets a row too. A cell no scenario filled is a gap.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

SURFACES = ("softphone", "console", "board", "ticket view", "chat widget", "API")
#: the system each screen shows (an edge is asserted on a screen only when the screen shows its far side)
SCREEN_SYSTEMS = {"softphone": {"cti"}, "board": {"cti"}, "console": {"crm"}, "ticket view": {"helpdesk"},
                  "chat widget": {"chat"}}
#: every state of an interaction (deskcheck.records.Interaction.state)
INTERACTION_STATES = ("queued", "offered", "connected", "held", "wrapup", "completed", "missed", "rejected",
                      "abandoned", "failed")
#: interaction states the product never keeps, so no surface (the API included) shows them: a rejected
#: offer puts the call back in its queue at once (sandbox/cti/calls.py _requeue_rejected), so the call is
#: queued or offered to the next agent; the rejection is the offer's outcome (Interaction.offer_outcomes)
NEVER_KEPT = frozenset({"rejected"})
_CALLS_OF_AGENTS = frozenset(INTERACTION_STATES) - NEVER_KEPT - {"queued"}
#: the kinds of row a screen shows (None: every row of that kind; the API shows every row it keeps); other
#: cells read "not shown". The console shows a call only as its screen pop (offered) and its call log
#: (completed). The softphone shows the agent's own calls and the board each agent's current call, so
#: neither shows a queued call (it has no agent yet); a failed outbound call ends as it is dialled and is
#: never an agent's current call (the softphone says so in its dial box, the board shows "-"). The board
#: shows agents' states and their calls (number, queue, state), not what the IVR verified in the CRM.
SCREEN_SHOWS: dict[str, dict[str, frozenset[str] | None]] = {
    "softphone": {"agent": None, "interaction": _CALLS_OF_AGENTS, "edge": None},
    "board": {"agent": None, "interaction": _CALLS_OF_AGENTS - {"failed"},
              "edge": frozenset({"CRM → CTI: presence", "IVR → CTI: call with its context",
                                 "Chat → CTI: hand-over to an agent"})},
    "console": {"agent": None, "interaction": frozenset({"offered", "completed"}), "edge": None},
    "ticket view": {"edge": None}, "chat widget": {"edge": None}}
AGENT, INTERACTION = "agent state", "interaction state"
#: what a record read through a port is about, and the system it comes from when no port call says
RECORD_SUBJECTS = {"AgentState": (AGENT, "cti"), "Presence": (AGENT, "crm"), "Interaction": (INTERACTION, "cti"),
                   "CallLog": ("call log", "crm"), "Contact": ("contact", "crm"), "ThreeSixty": ("contact", "crm"),
                   "ScreenPop": ("screen pop", "crm"), "Ticket": ("ticket", "helpdesk"),
                   "IvrSession": ("ivr", "ivr"), "IvrContext": ("ivr", "cti"), "ChatSession": ("chat", "chat"),
                   "MarketingContact": ("contact", "marketing"), "FollowUp": ("follow-up", "crm"),
                   "Callback": ("follow-up", "cti"), "Event": ("event", None)}


@dataclass(frozen=True)
class Edge:
    """An integration edge: the events that show a change crossed it, and what its far side shows."""
    name: str
    system: str  # the system announcing the crossing
    types: tuple[str, ...]
    far: frozenset[str]  # systems the change lands in
    subjects: frozenset[str]  # what a check must be about to count for this edge
    source: str | None = None  # the event's ``source`` fact, when the same event also has other causes

    def crossed_by(self, event: Mapping[str, Any]) -> bool:
        return event["system"] == self.system and event["type"] in self.types and \
            (self.source is None or event.get("source") == self.source)


def _edge(name: str, system: str, types: str, far: str, subjects: str, source: str | None = None) -> Edge:
    return Edge(name, system, tuple(types.split()), frozenset(far.split()), frozenset(subjects.split(",")), source)


EDGES = (
    _edge("CRM → CTI: presence", "cti", "agent.state_changed", "cti", AGENT, source="crm"),
    _edge("CTI → CRM: presence", "crm", "presence.changed", "crm", AGENT, source="cti"),
    _edge("CTI → CRM: screen pop", "crm", "screenpop.performed", "crm", "screen pop,contact"),
    _edge("CTI → CRM: call log", "crm", "activity.created activity.updated activity.completed", "crm",
          f"call log,{INTERACTION}"),
    _edge("CTI → WFM: disposition", "cti", "wfm.disposition", "wfm", "event"),
    _edge("CTI → CRM: callback follow-up", "cti", "callback.scheduled callback.attempted callback.completed", "crm",
          "follow-up"),
    _edge("IVR → CRM: account lookup", "ivr", "ivr.lookup.attempt ivr.account.verified", "ivr cti crm", "ivr"),
    _edge("IVR → CTI: call with its context", "ivr", "ivr.transferred", "cti", f"ivr,{INTERACTION}"),
    _edge("Chat → helpdesk: ticket", "chat", "chat.ticket.raised", "helpdesk", "ticket"),
    _edge("Chat → CTI: hand-over to an agent", "chat", "chat.escalated", "cti", f"chat,{INTERACTION}"),
    _edge("Helpdesk → CRM: a contact's tickets", "helpdesk", "ticket.created", "crm", "ticket"),
    _edge("Marketing ↔ CRM: contact sync", "marketing", "sync.succeeded", "crm marketing", "contact"),
)

_NOT_READY = re.compile(r"^Not ready \((?P<reason>[^)]+)\)$")


@dataclass
class Vocabulary:
    """The target's agent-state labels ("Available", "Not ready (Lunch)", ...) and the CRM presence each maps to."""
    labels: tuple[str, ...] = ()
    crm: dict[tuple[str, str | None], str] = field(default_factory=dict)  # (CRM status, reason) -> label

    @classmethod
    def of(cls, states: Iterable[Mapping[str, Any]]) -> "Vocabulary":
        """From the glossary's agent states (label, crm_status, crm_reason each)."""
        states = list(states)
        pairs: dict[tuple[str, str | None], list[str]] = {}
        for s in states:
            pairs.setdefault((s.get("crm_status"), s.get("crm_reason")), []).append(s["label"])
        return cls(tuple(s["label"] for s in states), {k: v[0] for k, v in pairs.items() if len(v) == 1})

    def agent_label(self, text: str) -> str | None:
        return text if text in self.labels or _NOT_READY.match(text) else None


def states_in(value: Any, vocabulary: Vocabulary) -> tuple[set[str], set[str]]:
    """The agent states and interaction states a compared value names: a label or a state word, the parts
    of a board row ("+1555 · support · offered"), or a record's state."""
    agent, interaction = set(), set()
    kind = type(value).__name__
    if kind == "AgentState":
        label = getattr(value, "label", "") or ""
        if label:  # the CTI's own label, as its softphone shows it
            agent.add(label)
    elif kind == "Presence":
        label = vocabulary.crm.get((value.status, value.reason))
        if label:
            agent.add(label)
    elif kind == "Interaction" and value.state in INTERACTION_STATES:
        interaction.add(value.state)
    elif kind == "CallLog" and value.status == "completed":
        interaction.add("completed")
    elif isinstance(value, str):
        for part in (p.strip() for p in value.split(" · ")):
            if vocabulary.agent_label(part):
                agent.add(part)
            elif part in INTERACTION_STATES:
                interaction.add(part)
    elif isinstance(value, (list, tuple)):
        for item in value:
            a, i = states_in(item, vocabulary)
            agent |= a
            interaction |= i
    return agent, interaction


def raw_state(value: Any) -> str | None:
    """A record's own state word (what a check's description must name for the state to count)."""
    for name in ("state", "status"):
        word = getattr(value, name, None)
        if isinstance(word, str):
            return word
    return None


def named_states(text: str, vocabulary: Vocabulary) -> tuple[set[str], set[str]]:
    """The quoted states a step's words name: 'Maya is "Ringing" on every surface' -> Ringing."""
    agent, interaction = set(), set()
    for quoted in re.findall(r'"([^"]+)"', text):
        if vocabulary.agent_label(quoted):
            agent.add(quoted)
        elif quoted in INTERACTION_STATES:
            interaction.add(quoted)
    return agent, interaction


# --- the map -----------------------------------------------------------------------------------------

@dataclass
class Cell:
    scenarios: list[str] = field(default_factory=list)
    shown: bool = True  # False: this surface does not show this kind of row

    def add(self, scenario: str) -> None:
        if scenario not in self.scenarios:
            self.scenarios.append(scenario)


@dataclass
class Row:
    group: str  # "Integration edges" | "Agent states" | "Interaction states"
    name: str
    cells: dict[str, Cell]
    exercised_by: list[str] = field(default_factory=list)  # edges: scenarios whose events crossed it


@dataclass
class CoverageMap:
    rows: list[Row]
    scenarios: list[dict[str, Any]]

    def row(self, name: str) -> Row:
        return next(r for r in self.rows if r.name == name)

    def gaps(self) -> list[tuple[str, str]]:
        return [(r.name, s) for r in self.rows for s, c in r.cells.items() if c.shown and not c.scenarios]

    def filled(self) -> int:
        return sum(1 for r in self.rows for c in r.cells.values() if c.scenarios)


def _screen_shows(surface: str, kind: str, row: str) -> bool:
    if kind == "interaction" and row in NEVER_KEPT:
        return False
    if surface == "API":
        return True
    kinds = SCREEN_SHOWS.get(surface, {})
    return kind in kinds and (kinds[kind] is None or row in kinds[kind])


def _rows(group: str, kind: str, names: Iterable[str], edges: Sequence[Edge] = ()) -> list[Row]:
    far = {e.name: e.far for e in edges}
    rows = []
    for name in names:
        cells = {}
        for s in SURFACES:
            shown = _screen_shows(s, kind, name) and (kind != "edge" or s == "API" or bool(SCREEN_SYSTEMS[s] & far[name]))
            cells[s] = Cell(shown=shown)
        rows.append(Row(group, name, cells))
    return rows


def edge_checks(edge: Edge, record: Mapping[str, Any]) -> tuple[bool, set[str]]:
    """Whether the scenario's events crossed the edge, and the surfaces where a check of its far side then passed."""
    crossed = [e["at"] for e in record.get("events", []) if edge.crossed_by(e)]
    if not crossed:
        return False, set()
    surfaces = set()
    for check in record.get("checks", []):
        if check["at"] < min(crossed):
            continue
        if any(edge.crossed_by({"system": s, "type": t, "source": src}) for s, t, src in check.get("events", [])):
            surfaces.add(check["surface"])  # the crossing event itself was waited for
            continue
        if not edge.subjects & set(check.get("subjects", [])):
            continue
        systems = set(check.get("systems", [])) if check["surface"] == "API" else SCREEN_SYSTEMS.get(check["surface"], set())
        if systems & edge.far:
            surfaces.add(check["surface"])
    return True, surfaces


def build(records: Sequence[Mapping[str, Any]], agent_states: Sequence[str] = ()) -> CoverageMap:
    """The map of every scenario record (fixtures/coverage.py writes one per scenario)."""
    seen_agent = [s for r in records for c in r.get("checks", []) for s in c.get("agent_states", [])]
    seen_interaction = [s for r in records for c in r.get("checks", []) for s in c.get("interaction_states", [])]
    agent_rows = list(dict.fromkeys([*agent_states, *sorted(set(seen_agent) - set(agent_states))]))
    interaction_rows = list(dict.fromkeys([*INTERACTION_STATES, *sorted(set(seen_interaction))]))
    rows = [*_rows("Integration edges", "edge", [e.name for e in EDGES], EDGES),
            *_rows("Agent states", "agent", agent_rows), *_rows("Interaction states", "interaction", interaction_rows)]
    by_name = {r.name: r for r in rows}
    for record in records:
        name = record.get("label") or record["name"]
        for check in record.get("checks", []):
            for state in check.get("agent_states", []):
                by_name[state].cells[check["surface"]].add(name)
            for state in check.get("interaction_states", []):
                by_name[state].cells[check["surface"]].add(name)
        for edge in EDGES:
            crossed, surfaces = edge_checks(edge, record)
            if crossed and name not in by_name[edge.name].exercised_by:
                by_name[edge.name].exercised_by.append(name)
            for surface in surfaces:
                by_name[edge.name].cells[surface].add(name)
    return CoverageMap(rows, list(records))


def scenario_summary(record: Mapping[str, Any]) -> dict[str, list[str]]:
    """What one scenario exercised and asserted: surfaces, systems, states and edges."""
    checks = record.get("checks", [])
    crossed = [(e.name, edge_checks(e, record)) for e in EDGES]
    return {"surfaces exercised": sorted(record.get("exercised", {}).get("surfaces", [])),
            "surfaces asserted": sorted({c["surface"] for c in checks}),
            "systems read": sorted(record.get("exercised", {}).get("systems", [])),
            "agent states asserted": sorted({s for c in checks for s in c.get("agent_states", [])}),
            "interaction states asserted": sorted({s for c in checks for s in c.get("interaction_states", [])}),
            "edges exercised": [name for name, (hit, _) in crossed if hit],
            "edges asserted": [f"{name} ({', '.join(sorted(s))})" for name, (hit, s) in crossed if s]}
