"""Step definitions and feature files as the analysts' tools see them (``deskcheck steps`` / ``lint``).

Step definitions are read from pytest-bdd's own registry after importing every ``steps/<area>.py``
(the same modules ``conftest.py`` loads), so the catalogue and the linter see exactly what a run
sees. Feature files are parsed with the Gherkin parser pytest-bdd uses; steps are typed
Given/When/Then the way pytest-bdd types them (And/But take the previous step's type) and
Scenario Outline steps are rendered once per Examples row, as pytest-bdd runs them.
"""
from __future__ import annotations

import difflib
import importlib
import inspect
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from pytest_bdd import parsers
from pytest_bdd.steps import step_function_context_registry

from deskcheck import names
from deskcheck.capabilities import needed_by, optionally_checked_by
from deskcheck.phrases import PARSE_KINDS, converter_kind, named_groups, readable_regex, regex_value_kind

ROOT = Path(__file__).resolve().parent.parent
STEPS_DIR = ROOT / "steps"
FEATURES_DIR = ROOT / "features"
KEYWORD_TYPES = {"Context": "given", "Action": "when", "Outcome": "then"}
PLACEHOLDER = re.compile(r"<([^<>]+)>")


# --- step definitions -------------------------------------------------------------------------------

@dataclass
class StepDef:
    type: str | None  # given / when / then; None = any (pytest-bdd's @step)
    parser: parsers.StepParser
    func: Callable
    converters: dict[str, Callable] = field(default_factory=dict)
    target_fixture: str | None = None

    @property
    def area(self) -> str:
        module = self.func.__module__
        return module.split(".", 1)[1] if module.startswith("steps.") else module

    @property
    def source_line(self) -> int:
        return getattr(getattr(self.func, "__code__", None), "co_firstlineno", 0)

    @property
    def where(self) -> str:
        """``steps/<area>.py:<line>``: where an engineer finds it (the file relative to the repo)."""
        try:
            path = relative(Path(inspect.getsourcefile(self.func) or ""))
        except TypeError:
            path = f"{self.func.__module__.replace('.', '/')}.py"
        return f"{path}:{self.source_line}"

    @property
    def needs(self) -> frozenset[str]:
        """The capabilities the step declared with ``deskcheck.capabilities.needs``."""
        return needed_by(self.func)

    @property
    def checks_if_offered(self) -> frozenset[str]:
        """The capabilities of checks the step makes only where offered (``capabilities.checks_if_offered``)."""
        return optionally_checked_by(self.func)

    @property
    def keyword(self) -> str:
        return (self.type or "step").capitalize()

    def matches(self, step_type: str, text: str) -> bool:
        if self.type not in (None, step_type):
            return False
        try:
            return self.parser.is_matching(text)
        except Exception:  # a parser that chokes on odd text does not match it
            return False

    def phrase(self) -> str:
        """The step's words with ``{parameter}`` where a value goes."""
        if isinstance(self.parser, parsers.re):
            return readable_regex(self.parser.name)
        return re.sub(r"\{(\w+):(?:" + "|".join(names.TYPES) + r")\}", r"{\1}", self.parser.name)  # {agent:Actor}

    def parameters(self) -> list[tuple[str, str]]:
        """``[(name, what values it takes)]`` in phrase order."""
        if isinstance(self.parser, parsers.re):
            found = [(name, regex_value_kind(body, optional))
                     for name, body, optional in named_groups(self.parser.name)]
        elif isinstance(self.parser, parsers.parse):
            found = [(name, PARSE_KINDS.get(spec, f"a value of type {spec}"))
                     for name, spec in re.findall(r"\{(\w+)(?::([^}]*))?\}", self.parser.name)]
        else:
            found = []
        return [(name, converter_kind(self.converters[name]) if name in self.converters else kind)
                for name, kind in found]

    def name_parameters(self) -> dict[str, str]:
        """The parameters that name someone: ``{parameter: "actor" | "persona" | "person"}``."""
        if isinstance(self.parser, parsers.re):
            return {name: names.WHO_OF_REGEX[body] for name, body, _ in named_groups(self.parser.name)
                    if body in names.WHO_OF_REGEX}
        if isinstance(self.parser, parsers.parse):
            return {name: names.WHO[spec] for name, spec in re.findall(r"\{(\w+):(\w+)\}", self.parser.name)
                    if spec in names.WHO}
        return {}

    @property
    def takes_table(self) -> bool:
        """Whether the step reads a data table written under its line."""
        return "datatable" in getattr(getattr(self.func, "__code__", None), "co_varnames", ())

    def doc(self) -> str:
        """The hand-written meaning: the whole docstring, each paragraph on one line ("" when there is none)."""
        text = inspect.getdoc(self.func) or ""
        return "\n\n".join(" ".join(part.split()) for part in text.split("\n\n") if part.strip())

    def has_written_meaning(self) -> bool:
        """A docstring that says more than the function's name (not "Checks: softphone rings.")."""
        return meaning_problem(self) is None

    def meaning(self) -> str:
        """The docstring's first paragraph on one line; "(no meaning written)" when there is none."""
        return self.doc().split("\n\n")[0] or "(no meaning written)"


#: words a placeholder meaning is made of besides the function's own name
_FILLER = {"checks", "check", "does", "sets", "set", "up", "step", "the", "a", "an", "that", "it", "is", "of", "to"}


def meaning_problem(definition: StepDef) -> str | None:
    """Why the step's meaning is not hand-written (no docstring, too short, or the name restated), else None."""
    doc = definition.doc()
    if not doc:
        return "has no docstring"
    words = re.findall(r"[a-z0-9]+", doc.lower())
    named = set(definition.func.__name__.lower().split("_")) | _FILLER
    if len(words) < 6 or set(words) <= named:
        return f"has a placeholder docstring ({doc!r}): say what it does on screen and in which system, " \
               "every check it makes and the values it accepts"
    return None


def step_modules(steps_dir: Path = STEPS_DIR) -> list[str]:
    """``steps.<area>`` for every steps file conftest.py loads."""
    return sorted(f"steps.{p.stem}" for p in steps_dir.glob("*.py") if not p.name.startswith("_"))


def load_step_definitions(root: Path = ROOT) -> list[StepDef]:
    """Imports every ``steps/<area>.py`` and returns its definitions, in area then source order."""
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    modules = step_modules(root / "steps")
    for module in modules:
        importlib.import_module(module)
    defs = [StepDef(c.type, c.parser, c.step_func, dict(c.converters), c.target_fixture)
            for c in list(step_function_context_registry.values()) if c.step_func.__module__ in modules]
    unique = {(d.func.__module__, d.func.__qualname__, d.parser.name, d.type): d for d in defs}
    return sorted(unique.values(), key=lambda d: (d.area, d.source_line))


def find_definition(defs: Iterable[StepDef], step_type: str, text: str) -> StepDef | None:
    return next((d for d in defs if d.matches(step_type, text)), None)


def closest_phrases(defs: list[StepDef], text: str, known_lines: dict[str, StepDef] | None = None,
                    n: int = 3) -> list[str]:
    """The existing steps that read most like ``text`` (compared with phrases and real example lines)."""
    candidates: dict[str, StepDef] = {d.phrase(): d for d in defs}
    candidates.update(known_lines or {})
    close = difflib.get_close_matches(text, list(candidates), n=n * 3, cutoff=0.45)
    phrases: list[str] = []
    for line in close:
        definition = candidates[line]
        phrase = f"{definition.keyword} {definition.phrase()}"
        if phrase not in phrases:
            phrases.append(phrase)
    return phrases[:n]


# --- feature files ----------------------------------------------------------------------------------

@dataclass
class GherkinStep:
    type: str | None  # None when the first step of a block is And/But (an error pytest-bdd refuses)
    keyword: str
    text: str  # rendered with the Examples row for outlines
    line: int
    column: int
    table: tuple[tuple[str, ...], ...] | None = None  # the data table under the step, rows of cells


@dataclass
class ParsedFeature:
    path: Path
    document: object | None  # pytest_bdd.gherkin_parser.GherkinDocument
    errors: list[tuple[int, int, str]]  # (line, column, message)


def feature_files(paths: Iterable[str | Path]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(path.rglob("*.feature")))
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def parse_feature(path: Path) -> ParsedFeature:
    """The feature's Gherkin document, or every parse error with its line and column."""
    from gherkin.errors import CompositeParserException, ParserException
    from gherkin.parser import Parser
    from pytest_bdd.gherkin_parser import GherkinDocument

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return ParsedFeature(path, None, [(1, 1, f"cannot read the file: {exc}")])
    try:
        data = Parser().parse(text)
    except CompositeParserException as exc:
        return ParsedFeature(path, None, [_parse_error(e) for e in exc.errors])
    except ParserException as exc:
        return ParsedFeature(path, None, [_parse_error(exc)])
    if not data.get("feature"):
        return ParsedFeature(path, None, [(1, 1, "no 'Feature:' line: a feature file starts with 'Feature: <name>'")])
    return ParsedFeature(path, GherkinDocument.from_dict(data), [])


def _parse_error(exc: Exception) -> tuple[int, int, str]:
    location = getattr(exc, "location", None) or {}
    message = re.sub(r"^\(\d+:\d+\): ", "", str(exc))
    return int(location.get("line") or 1), int(location.get("column") or 1), message


def typed_steps(steps: Iterable, context: dict[str, str] | None = None, start_type: str | None = None
                ) -> Iterator[GherkinStep]:
    """Steps with pytest-bdd's type; ``<placeholders>`` filled from ``context`` (an Examples row)."""
    current = start_type
    for step in steps:
        current = KEYWORD_TYPES.get(step.keyword_type, current)
        text = step.text
        if context:
            text = PLACEHOLDER.sub(lambda m: context.get(m.group(1), m.group(0)), text)
        table = None
        if step.datatable:
            table = tuple(tuple(PLACEHOLDER.sub(lambda m: (context or {}).get(m.group(1), m.group(0)), cell.value)
                                for cell in row.cells) for row in step.datatable.rows)
        yield GherkinStep(current, step.keyword.strip(), text, step.location.line, step.location.column, table)


def scenarios_of(document) -> Iterator[tuple[object, list, list]]:
    """``(scenario, backgrounds, enclosing tags)`` for every scenario, inside rules too."""
    feature = document.feature
    backgrounds = [c.background for c in feature.children if c.background]
    for child in feature.children:
        if child.scenario:
            yield child.scenario, backgrounds, list(feature.tags)
        elif child.rule:
            rule_backgrounds = backgrounds + [c.background for c in child.rule.children if c.background]
            for inner in child.rule.children:
                if inner.scenario:
                    yield inner.scenario, rule_backgrounds, list(feature.tags) + list(child.rule.tags)


def example_rows(scenario) -> list[dict[str, str]]:
    rows = []
    for table in scenario.examples:
        if not table.table_header:
            continue
        header = [cell.value for cell in table.table_header.cells]
        rows.extend(dict(zip(header, (cell.value for cell in row.cells))) for row in table.table_body or [])
    return rows


def rendered_steps(document) -> Iterator[tuple[object, GherkinStep]]:
    """Every step a run would execute, once per distinct text: ``(scenario, step)``."""
    for scenario, backgrounds, _ in scenarios_of(document):
        for background in backgrounds:
            for step in typed_steps(background.steps):
                yield scenario, step
        for row in example_rows(scenario) or [{}]:
            for step in typed_steps(scenario.steps, row):
                yield scenario, step


def relative(path: Path, root: Path = ROOT) -> str:
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)
