"""``deskcheck lint [paths]``: checks feature files in seconds, before any sandbox or browser starts.

Errors (exit 1): Gherkin parse errors (line and column), steps with no definition (with the three
closest existing steps by meaning and a definition an engineer can paste), lines two definitions
match (both named, file and line), names that are no actor or customer of the scenario, unregistered
tags, Scenario Outline placeholders with no Examples column, duplicate scenario names in one area,
fixed waits. Warnings do not fail the run: scenarios without steps, and (for engineers) step
definitions with no hand-written meaning.
"""
from __future__ import annotations

import argparse
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from allure_commons.types import Severity

from deskcheck import stepdefs
from deskcheck.lint_steps import Cast, actor_names, ambiguity, name_problems, snippet
from deskcheck.similarity import StepIndex
from deskcheck.stepdefs import ROOT, StepDef

SEVERITIES = tuple(s.value for s in Severity)
LINK_FAMILIES = ("req", "issue")
LABEL_FAMILIES = ("owner",)  # @owner:<who> -> the Allure owner
#: a test-management key kept as a tag for other tools (Jira Xray ``@TEST_ABC-123``/``@REQ_ABC-7``, Zephyr
#: Scale ``@TestCaseKey=ABC-T12``): no marker, an Allure "tms" link, and in the Cucumber JSON as written
TEST_MANAGEMENT_TAG = re.compile(r"(?:(?:TEST|REQ|TESTSET|TESTPLAN|TESTEXEC)_|TestCaseKey=)(?P<key>[A-Z][A-Z0-9_]*-T?\d+)")
PYTEST_MARKERS = {"skip", "xfail"}  # pytest's own markers that make sense as tags
FORBIDDEN_TAGS = {"flaky": "@flaky is forbidden: fix the race (the nightly retries a failure once and reports it)"}
FIXED_WAIT = re.compile(
    r"\b(wait|waits|waiting|sleep|sleeps|sleeping|pause|pauses|pausing)\b"
    r"(?:(?!\bpass).)*?\b(\d+(?:\.\d+)?|a|an|one|two|three|few|several|some)\s*"
    r"(ms|millis|milliseconds?|s|secs?|seconds?|mins?|minutes?|moments?)\b", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    column: int
    severity: str  # "error" | "warning"
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}"


def registered_markers(pyproject: Path = ROOT / "pyproject.toml") -> set[str]:
    """Marker names registered in ``[tool.pytest.ini_options] markers`` (what --strict-markers allows)."""
    with pyproject.open("rb") as fh:
        markers = tomllib.load(fh).get("tool", {}).get("pytest", {}).get("ini_options", {}).get("markers", [])
    return {m.split(":", 1)[0].split("(", 1)[0].strip() for m in markers}


def tag_problem(tag: str, markers: set[str]) -> str | None:
    """Why ``tag`` (without @) would be refused by a run, or None when it is fine."""
    if tag in FORBIDDEN_TAGS:
        return FORBIDDEN_TAGS[tag]
    if TEST_MANAGEMENT_TAG.fullmatch(tag):
        return None
    family, sep, value = tag.partition(":")
    if sep:
        if family == "severity":
            return None if value in SEVERITIES else \
                f"unknown severity @{tag}: use one of " + ", ".join(f"@severity:{s}" for s in SEVERITIES)
        if family in LINK_FAMILIES:
            return None if value.strip() else f"@{family}: needs an ID, like @{family}:ABC-12"
        if family in LABEL_FAMILIES:
            return None if value.strip() else f"@{family}: needs a name, like @{family}:softphone-team"
        return (f"unknown tag family @{family}:...: the families are @severity:<level>, @owner:<who>, "
                + ", ".join(f"@{f}:<ID>" for f in LINK_FAMILIES))
    if tag in markers or tag in PYTEST_MARKERS:
        return None
    return (f"unregistered tag @{tag}: register it under [tool.pytest.ini_options] markers in pyproject.toml "
            f"(known: {', '.join(sorted(markers))})")


class Linter:
    def __init__(self, defs: list[StepDef] | None = None, markers: set[str] | None = None,
                 root: Path = ROOT) -> None:
        self.defs = stepdefs.load_step_definitions(root) if defs is None else defs
        self.markers = registered_markers(root / "pyproject.toml") if markers is None else markers
        self.root = root
        self.findings: list[Finding] = []
        self._known_lines: dict[str, StepDef] | None = None
        self._index: StepIndex | None = None
        self.actors = actor_names()

    def add(self, path: Path, line: int, column: int, message: str, severity: str = "error") -> None:
        self.findings.append(Finding(stepdefs.relative(path, self.root), line, column, severity, message))

    def known_lines(self) -> dict[str, StepDef]:
        """Real step lines of the repo's features with their definitions: better hints than patterns."""
        if self._known_lines is None:
            self._known_lines = {}
            for path in stepdefs.feature_files([self.root / "features"]):
                parsed = stepdefs.parse_feature(path)
                if parsed.document is None:
                    continue
                for _, step in stepdefs.rendered_steps(parsed.document):
                    definition = step.type and stepdefs.find_definition(self.defs, step.type, step.text)
                    if definition:
                        self._known_lines.setdefault(step.text, definition)
        return self._known_lines

    def lint(self, paths: Iterable[str | Path]) -> list[Finding]:
        files = stepdefs.feature_files(paths)
        names_by_area: dict[str, list[tuple[str, Path, int]]] = defaultdict(list)
        for path in files:
            if not path.is_file():
                self.add(path, 1, 1, "no such feature file")
                continue
            parsed = stepdefs.parse_feature(path)
            for line, column, message in parsed.errors:
                self.add(path, line, column, f"cannot parse: {message}")
            if parsed.document is None:
                continue
            self.lint_document(path, parsed.document)
            for scenario, _, _ in stepdefs.scenarios_of(parsed.document):
                names_by_area[self.area_of(path)].append((scenario.name.strip(), path, scenario.location.line))
        self.check_duplicates(names_by_area)
        self.check_meanings()
        return sorted(self.findings)

    def area_of(self, path: Path) -> str:
        parts = path.resolve().parts
        if "features" in parts and len(parts) > parts.index("features") + 2:
            return parts[parts.index("features") + 1]
        return str(path.resolve().parent)

    def lint_document(self, path: Path, document) -> None:
        feature = document.feature
        self.check_tags(path, feature.tags)
        for child in feature.children:
            if child.rule:
                self.check_tags(path, child.rule.tags)
        for scenario, _, _ in stepdefs.scenarios_of(document):
            self.check_tags(path, scenario.tags)
            for table in scenario.examples:
                self.check_tags(path, table.tags)
            self.check_outline(path, scenario)
            if not scenario.steps:
                self.add(path, scenario.location.line, scenario.location.column,
                         f'scenario "{scenario.name}" has no steps', "warning")
        self.check_steps(path, document)

    def check_tags(self, path: Path, tags) -> None:
        for tag in tags:
            problem = tag_problem(tag.name.lstrip("@"), self.markers)
            if problem:
                self.add(path, tag.location.line, tag.location.column, problem)

    def check_outline(self, path: Path, scenario) -> None:
        is_outline = "outline" in scenario.keyword.lower() or "template" in scenario.keyword.lower()
        if is_outline and not scenario.examples:
            self.add(path, scenario.location.line, scenario.location.column,
                     f'Scenario Outline "{scenario.name}" has no Examples table')
            return
        if not scenario.examples:
            return
        columns = {cell.value for table in scenario.examples if table.table_header
                   for cell in table.table_header.cells}
        for table in scenario.examples:
            if table.table_header is None or not table.table_body:
                self.add(path, table.location.line, table.location.column,
                         "Examples table has no header row or no rows: the outline would run zero times")
        seen: set[str] = set()
        for step in scenario.steps:
            texts = [step.text]
            if step.docstring:
                texts.append(step.docstring.content)
            if step.datatable:
                texts.extend(cell.value for row in step.datatable.rows for cell in row.cells)
            for text in texts:
                for name in stepdefs.PLACEHOLDER.findall(text):
                    if name not in columns and name not in seen:
                        seen.add(name)
                        self.add(path, step.location.line, step.location.column,
                                 f"placeholder <{name}> has no Examples column (columns: "
                                 f"{', '.join(sorted(columns)) or 'none'})")

    def check_steps(self, path: Path, document) -> None:
        by_line: dict[int, list[stepdefs.GherkinStep]] = defaultdict(list)  # outline rows share a line
        scenarios_of_line: dict[int, list[int]] = defaultdict(list)
        steps_of_scenario: dict[int, list[stepdefs.GherkinStep]] = defaultdict(list)
        for scenario, step in stepdefs.rendered_steps(document):
            steps_of_scenario[id(scenario)].append(step)
            scenarios_of_line[step.line].append(id(scenario))
            if all(step.text != seen.text for seen in by_line[step.line]):
                by_line[step.line].append(step)
        casts = {key: Cast.of(steps, self.actors) for key, steps in steps_of_scenario.items()}
        untyped_block = False
        for line in sorted(by_line):
            step = by_line[line][0]
            if step.type is None:  # And/But opens a block; name it once, not every And after it
                if not untyped_block:
                    self.add(path, step.line, step.column, f'"{step.keyword} {step.text}" starts a block: '
                             "the first step must be Given, When or Then")
                untyped_block = True
                continue
            untyped_block = False
            wait = FIXED_WAIT.search(step.text)
            if wait:
                self.add(path, step.line, step.column,
                         f'fixed wait "{wait.group(0)}": never wait a fixed time. Let time pass on the clock '
                         f'("When 31 seconds pass in wrap-up") or wait for what you expect ("Then ... shows ...")')
                continue
            cast = casts[scenarios_of_line[line][0]]
            matching = [(s, self.matching(s)) for s in by_line[line]]
            undefined = [s for s, found in matching if not found]
            if undefined:
                self.report_undefined(path, undefined, cast)
                continue
            ambiguous = next(((s, found) for s, found in matching if len(found) > 1), None)
            if ambiguous:
                self.add(path, step.line, step.column, ambiguity(*ambiguous))
                continue
            problems = {problem for s, found in matching for key in dict.fromkeys(scenarios_of_line[line])
                        for problem in name_problems(found[0], s.text, casts[key])}
            for problem in sorted(problems):
                self.add(path, step.line, step.column, f'"{step.keyword} {step.text}": {problem}')

    def matching(self, step: stepdefs.GherkinStep) -> list[StepDef]:
        """The definitions (one per function) that match the line."""
        found = [d for d in self.defs if d.matches(step.type, step.text)]
        return list({d.func: d for d in found}.values())

    def report_undefined(self, path: Path, undefined: list[stepdefs.GherkinStep], cast: Cast) -> None:
        step = undefined[0]
        if self._index is None:
            self._index = StepIndex(self.defs, self.known_lines())
        close = [f"{d.keyword} {d.phrase()}" for d in self._index.closest(step.text, step.type)]
        rows = f" (and {len(undefined) - 1} more Examples row(s))" if len(undefined) > 1 else ""
        paste = "\n".join("        " + line for line in snippet(step, cast).splitlines())
        self.add(path, step.line, step.column,
                 f'undefined step "{step.keyword} {step.text}"{rows} ({step.type.capitalize()} step); '
                 f"closest existing: {' | '.join(close)}\n"
                 f"    (search them in docs/steps.html; no fit? an engineer can paste this into steps/<area>.py:)\n"
                 f"{paste}")

    def check_meanings(self) -> None:
        """Engineers' warnings: steps whose docstring does not say what they do (the catalogue shows it)."""
        for definition in {d.func: d for d in self.defs}.values():
            problem = stepdefs.meaning_problem(definition)
            if problem:
                path, line = definition.where.rsplit(":", 1)
                self.add(self.root / path, int(line), 1,
                         f'step "{definition.keyword} {definition.phrase()}" {problem}', "warning")

    def check_duplicates(self, names_by_area: dict[str, list[tuple[str, Path, int]]]) -> None:
        for entries in names_by_area.values():
            first: dict[str, tuple[Path, int]] = {}
            for name, path, line in entries:
                key = " ".join(name.lower().split())
                if key in first:
                    other, other_line = first[key]
                    self.add(path, line, 1, f'duplicate scenario name "{name}" (also at '
                             f'{stepdefs.relative(other, self.root)}:{other_line}): names must differ within '
                             "an area, the report and pytest tell scenarios apart by name")
                else:
                    first[key] = (path, line)


def lint_paths(paths: Sequence[str | Path], root: Path = ROOT) -> list[Finding]:
    return Linter(root=root).lint(paths)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="deskcheck lint", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="feature files or folders (default: features/)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    parser.add_argument("--profile", metavar="P",
                        help="also list which scenarios will and won't run on target profile P (a profile file, "
                             "or 'sandbox'), by the capabilities their steps need")
    args = parser.parse_args(argv)
    paths = args.paths or [ROOT / "features"]
    files = stepdefs.feature_files(paths)
    findings = lint_paths(paths)
    errors = [f for f in findings if f.severity == "error"]
    for finding in findings:
        if finding.severity == "error" or not args.quiet:
            print(finding)
    warnings = len(findings) - len(errors)
    print(f"deskcheck lint: {len(files)} feature file(s), {len(errors)} error(s), {warnings} warning(s)")
    if args.profile:
        from fixtures.profile import ProfileError
        try:
            print(profile_applicability(args.profile, paths))
        except ProfileError as exc:
            print(f"deskcheck lint --profile: {exc}")
            return 2
    return 1 if errors else 0


def profile_applicability(profile_path: str, paths: Sequence[str | Path]) -> str:
    from deskcheck.applicability import report, scenario_applicability
    from fixtures.profile import load_profile

    profile = load_profile("" if profile_path == "sandbox" else profile_path)
    offered = profile.capabilities()
    return report(profile.name, offered, scenario_applicability(paths, stepdefs.load_step_definitions(ROOT), offered))
