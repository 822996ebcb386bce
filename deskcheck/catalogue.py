"""``deskcheck steps``: the step catalogue (docs/steps.md, docs/steps.html) and the glossary (docs/glossary.md).

Grouped by business concept (call, wrap-up, presence, customer, ticket, chat, ...), not by file. Each
step shows its phrase with ``{parameters}`` and the values they take, its hand-written meaning (the step
function's docstring: what it does on screen and in which system, every check, what it needs first),
a real example line from a feature (with its data table), the capabilities the target must offer, and
where it is defined. The glossary lists the target's own values (queues, dispositions, state labels,
IVR keys, intents, SLA policies) for the parameters. ``--usage`` lists unused and near-duplicate steps.
"""
from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from deskcheck import stepdefs
from deskcheck.capabilities import CAPABILITIES
from deskcheck.concepts import Concept, concept_of, in_reading_order
from deskcheck.stepdefs import ROOT, StepDef

DOC = ROOT / "docs" / "steps.md"
HTML = ROOT / "docs" / "steps.html"
REGENERATE = "deskcheck steps"  # (.venv/bin/deskcheck steps)
#: parameters whose values the glossary lists: parameter name -> glossary section
GLOSSARY_OF_PARAMETER = {
    "queue": "queues", "code": "queues", "codes": "queues", "state": "agent-states", "next_state": "agent-states",
    "choice": "agent-states", "role": "actors", "key": "ivr-menus", "option": "ivr-menus", "path": "chat-bot",
    "sentiment": "chat-bot", "article": "chat-bot", "priority": "slas", "group": "slas", "metric": "slas",
}
#: the same parameter name means different things in different concepts
GLOSSARY_BY_CONCEPT = {
    ("presence", "status"): "agent-states", ("presence", "reason"): "agent-states", ("call", "reason"): "agent-states",
    ("failure", "status"): "agent-states", ("ticket", "status"): "slas", ("ivr", "reason"): "ivr-menus",
    ("customer", "name"): "persona-kinds", ("customer", "first"): "persona-kinds",
    ("customer", "second"): "persona-kinds",
}


@dataclass
class Example:
    line: str
    table: tuple[tuple[str, ...], ...] | None
    where: str  # features/<area>/<file>.feature:<line>


@dataclass
class Entry:
    """One step as an analyst writes it: a function and its phrase, under every keyword it is registered for."""
    definitions: list[StepDef]
    example: Example | None = None

    @property
    def first(self) -> StepDef:
        return self.definitions[0]

    @property
    def keywords(self) -> str:
        return "/".join(d.keyword for d in self.definitions)

    @property
    def heading(self) -> str:
        return f"{self.keywords} {self.first.phrase()}"

    @property
    def concept(self) -> Concept:
        return concept_of(self.first)

    @property
    def where(self) -> str:
        return self.first.where


def examples_for(defs: list[StepDef], root: Path = ROOT) -> dict[int, Example]:
    """``{id(definition): example}``: a real line from the step's own area first, then from the rest."""
    examples: dict[int, Example] = {}
    files = stepdefs.feature_files([root / "features"])

    def area(path: Path) -> str:
        parts = path.relative_to(root / "features").parts
        return parts[0] if len(parts) > 1 else ""

    parsed = [(path, stepdefs.parse_feature(path)) for path in files]
    for own_area_pass in (True, False):
        for path, feature in parsed:
            if feature.document is None:
                continue
            for _, step in stepdefs.rendered_steps(feature.document):
                if step.type is None:
                    continue
                definition = stepdefs.find_definition(defs, step.type, step.text)
                if definition is None or id(definition) in examples:
                    continue
                if own_area_pass and definition.area != area(path):
                    continue
                keyword = step.keyword if step.keyword in ("Given", "When", "Then") else step.type.capitalize()
                examples[id(definition)] = Example(f"{keyword} {step.text}", step.table,
                                                   f"{stepdefs.relative(path, root)}:{step.line}")
    return examples


def entries(defs: list[StepDef] | None = None, root: Path = ROOT) -> list[Entry]:
    """The catalogue's entries in source order, a function registered as Given and When shown once."""
    defs = stepdefs.load_step_definitions(root) if defs is None else defs
    examples = examples_for(defs, root)
    by_key: dict[tuple, Entry] = {}
    for definition in defs:
        key = (definition.func.__module__, definition.func.__qualname__, definition.phrase())
        entry = by_key.setdefault(key, Entry([]))
        entry.definitions.append(definition)
        entry.example = entry.example or examples.get(id(definition))
    for entry in by_key.values():
        entry.definitions.sort(key=lambda d: ("given", "when", "then", None).index(d.type))
    return list(by_key.values())


def module_summary(area: str, root: Path = ROOT) -> str:
    path = root / "steps" / f"{area}.py"
    try:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    except (OSError, SyntaxError):
        doc = ""
    return " ".join(doc.strip().split("\n\n")[0].split())  # the first paragraph, on one line


def table_lines(table: tuple[tuple[str, ...], ...] | None) -> list[str]:
    """A data table's rows as Gherkin writes them, cells padded to line up."""
    if not table:
        return []
    widths = [max(len(row[i]) for row in table if i < len(row)) for i in range(max(map(len, table)))]
    return ["| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |" for row in table]


def glossary_section(name: str, concept: str) -> str | None:
    """The glossary section that lists a parameter's values, if one does."""
    return GLOSSARY_BY_CONCEPT.get((concept, name)) or GLOSSARY_OF_PARAMETER.get(name)


def parameter_text(name: str, kind: str, concept: str) -> str:
    section = glossary_section(name, concept)
    return f"`{name}`: {kind}" + (f" (values: [glossary](glossary.md#{section}))" if section else "")


def needs_text(definition: StepDef) -> str:
    text = "; ".join(f"`{n}` ({CAPABILITIES.get(n, '?')})" for n in sorted(definition.needs)) if definition.needs \
        else "nothing beyond the ports every target has"
    if definition.checks_if_offered:  # made where offered, reported as not applicable elsewhere
        text += "; where offered, also checks with " + ", ".join(f"`{n}`" for n in sorted(definition.checks_if_offered)) \
            + " (elsewhere that check is reported as not applicable)"
    return text


def by_concept(found: list[Entry]) -> list[tuple[Concept, list[Entry]]]:
    groups: dict[str, list[Entry]] = {}
    for entry in found:
        groups.setdefault(entry.concept.key, []).append(entry)
    order = ("given", "when", "then", None)  # within a concept: set-up, then actions, then checks
    return [(concept, sorted(groups[concept.key], key=lambda e: order.index(e.first.type)))
            for concept in in_reading_order(set(groups))]


def render(defs: list[StepDef] | None = None, root: Path = ROOT) -> str:
    found = entries(defs, root)
    groups = by_concept(found)
    out = [
        "# Step catalogue",
        "",
        f"<!-- Generated by `{REGENERATE}` from steps/*.py and features/: do not edit by hand. "
        "`make test` fails when it is out of date. -->",
        "",
        f"{len(found)} steps, grouped by what you want to say. Write a step line as shown, with a value in place of "
        "each `{parameter}`; `[words]` are optional, `(a | b)` means one of them. And/But take the type of the step "
        "before them. A step ending in `:` takes a data table on the lines below it (see its example).",
        "",
        "- The values a parameter takes (queue names, disposition codes, state labels, IVR keys, intents, SLA "
        "priorities, actors, kinds of customer) are in the **[glossary](glossary.md)**, read from the target itself.",
        "- **[steps.html](steps.html)** is this catalogue with a search box (open it in a browser; the Allure "
        "report links it).",
        "- Missing a step? `deskcheck lint` shows a ready-to-paste definition and the three closest steps; see "
        "\"When a step is missing\" in the README.",
        "",
        "| concept | steps | about |",
        "|---|---|---|",
        *[f"| [{c.title}](#{c.anchor}) | {len(group)} | {c.about} |" for c, group in groups],
        "",
    ]
    for concept, group in groups:
        out += [f'<a id="{concept.anchor}"></a>', "", f"## {concept.title}", "", concept.about, ""]
        for entry in group:
            out += render_entry(entry)
    return "\n".join(out).rstrip() + "\n"


def render_entry(entry: Entry) -> list[str]:
    definition = entry.first
    out = [f"### {entry.heading}", ""]
    for paragraph in definition.doc().split("\n\n"):
        out += [paragraph or "(no meaning written)", ""]
    params = definition.parameters()
    if params:
        out.append("- **Parameters:** " + "; ".join(parameter_text(name, kind, entry.concept.key)
                                                  for name, kind in params))
    if definition.takes_table:
        out.append("- **Data table:** yes, under the step line (see the meaning for its columns)")
    if entry.example:
        out.append(f"- **Example:** ({entry.example.where})")
        out += ["", "  ```gherkin", f"  {entry.example.line}"]
        out += [f"    {row}" for row in table_lines(entry.example.table)]
        out += ["  ```", ""]
    else:
        out.append("- **Example:** none yet: no feature uses this step")
    out.append(f"- **Needs:** {needs_text(definition)}")
    out.append(f"- **Defined in:** `{entry.where}` (`{definition.func.__name__}`)")
    if definition.target_fixture:
        out.append(f"- Makes `{definition.target_fixture}` available to later steps.")
    out.append("")
    return out


def write_all(root: Path = ROOT, glossary: bool = True) -> list[str]:
    """docs/steps.md, docs/steps.html and (starting the sandbox) docs/glossary.md and glossary.json."""
    from deskcheck import catalogue_html, glossary as glossary_module

    defs = stepdefs.load_step_definitions(root)
    written = []
    if glossary:
        glossary_module.write(glossary_module.sandbox_glossary())
        written += [stepdefs.relative(glossary_module.MARKDOWN, root), stepdefs.relative(glossary_module.DATA, root)]
    for path, text in ((DOC, render(defs, root)), (HTML, catalogue_html.render(defs, root))):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(stepdefs.relative(path, root))
    return written


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="deskcheck steps", description=__doc__.splitlines()[0])
    parser.add_argument("--stdout", action="store_true", help="print the Markdown catalogue instead of writing files")
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/steps.md or docs/steps.html is stale")
    parser.add_argument("--no-glossary", action="store_true",
                        help="do not start the sandbox to refresh docs/glossary.md (the catalogue page uses the "
                             "glossary written last)")
    parser.add_argument("--usage", action="store_true", help="list steps no feature uses and near-duplicate steps")
    args = parser.parse_args(argv)
    if args.usage:
        from deskcheck import usage

        return usage.main()
    if args.stdout:
        sys.stdout.write(render())
        return 0
    if args.check:
        from deskcheck import catalogue_html

        stale = [stepdefs.relative(path) for path, text in ((DOC, render()), (HTML, catalogue_html.render()))
                 if not path.is_file() or path.read_text(encoding="utf-8") != text]
        for path in stale:
            print(f"{path} is out of date: run `{REGENERATE}` and commit it", file=sys.stderr)
        if not stale:
            print("docs/steps.md and docs/steps.html are up to date")
        return 1 if stale else 0
    written = write_all(glossary=not args.no_glossary)
    print("wrote " + ", ".join(written))
    return 0
