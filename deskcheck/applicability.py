"""Which scenarios a target profile can run: ``deskcheck lint --profile P``.

A scenario needs the capabilities its steps declared (``deskcheck.capabilities.needs``); it runs on a
profile whose adapters offer them all, and is not applicable (skipped, with the capability named)
otherwise. A scenario that runs may still leave out single checks its steps make only where a capability
is offered (``capabilities.checks_if_offered``): those are listed too. Worked out from the feature files
and step definitions alone, before anything connects.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from deskcheck import stepdefs
from deskcheck.capabilities import CAPABILITIES


@dataclass(frozen=True)
class Applicability:
    path: str
    line: int
    scenario: str
    example: str  # "" or the Examples row, e.g. "fault=http_500"
    missing: frozenset[str]
    #: capabilities of checks the scenario's steps make only where offered, lacking here (the scenario runs)
    checks_not_made: frozenset[str] = frozenset()


def scenario_applicability(paths: Iterable[str | Path], defs: list[stepdefs.StepDef], offered: frozenset[str],
                           root: Path = stepdefs.ROOT) -> list[Applicability]:
    found: list[Applicability] = []
    for path in stepdefs.feature_files(paths):
        parsed = stepdefs.parse_feature(path)
        if parsed.document is None:
            continue
        for scenario, backgrounds, _ in stepdefs.scenarios_of(parsed.document):
            for row in stepdefs.example_rows(scenario) or [{}]:
                steps = [s for b in backgrounds for s in stepdefs.typed_steps(b.steps)]
                steps += list(stepdefs.typed_steps(scenario.steps, row))
                needed: set[str] = set()
                optional: set[str] = set()
                for step in steps:
                    definition = step.type and stepdefs.find_definition(defs, step.type, step.text)
                    if definition:
                        needed |= definition.needs
                        optional |= definition.checks_if_offered
                example = ", ".join(f"{k}={v}" for k, v in row.items())
                found.append(Applicability(stepdefs.relative(path, root), scenario.location.line, scenario.name.strip(),
                                           example, frozenset(needed) - offered, frozenset(optional) - offered))
    return found


def report(profile_name: str, offered: frozenset[str], results: list[Applicability]) -> str:
    runnable = [r for r in results if not r.missing]
    skipped = [r for r in results if r.missing]
    lines = [f"profile {profile_name}: its adapters offer {', '.join(sorted(offered)) or 'no capabilities'}",
             f"  lacking: {', '.join(sorted(set(CAPABILITIES) - offered)) or 'nothing'}",
             f"{len(runnable)} of {len(results)} scenario(s) will run; {len(skipped)} not applicable:"]
    for r in skipped:
        lines.append(f"  {_where(r)} - needs {', '.join(sorted(r.missing))}")
    partial = [r for r in runnable if r.checks_not_made]
    if partial:
        lines.append(f"{len(partial)} of those that run leave out checks the target cannot make "
                     "(reported as not applicable, the rest of the scenario checked):")
        lines += [f"  {_where(r)} - without {', '.join(sorted(r.checks_not_made))}" for r in partial]
    return "\n".join(lines)


def _where(r: Applicability) -> str:
    example = f" [{r.example}]" if r.example else ""
    return f"{r.path}:{r.line}: {r.scenario}{example}"
