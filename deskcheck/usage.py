"""``deskcheck steps --usage``: the steps no feature uses, and steps that say nearly the same thing.

Unused steps are dead weight in the catalogue (or a feature was lost). Near-duplicates are two
definitions an analyst cannot tell apart: their phrases read almost alike (the words around the
parameters compared), or some real line matches both. Either way one should go, or their words differ
more. The report names each step by file and line.
"""
from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from deskcheck import stepdefs
from deskcheck.stepdefs import ROOT, StepDef

SIMILAR = 0.95  # phrases at least this alike (difflib ratio, parameters as {}) are near-duplicates


@dataclass(frozen=True)
class NearDuplicate:
    first: StepDef
    second: StepDef
    similarity: float
    shared_line: str | None = None  # a real line both match, when there is one


def shape(definition: StepDef) -> str:
    """The phrase with every parameter as ``{}``: what an analyst reads."""
    return re.sub(r"\{[^{}]*\}", "{}", definition.phrase()).lower()


def feature_lines(root: Path = ROOT) -> list[tuple[str, str, str]]:
    """``(type, text, where)`` of every step line the features run."""
    found = []
    for path in stepdefs.feature_files([root / "features"]):
        parsed = stepdefs.parse_feature(path)
        if parsed.document is None:
            continue
        for _, step in stepdefs.rendered_steps(parsed.document):
            if step.type:
                found.append((step.type, step.text, f"{stepdefs.relative(path, root)}:{step.line}"))
    return found


def unused(defs: list[StepDef], lines: list[tuple[str, str, str]]) -> list[StepDef]:
    """Definitions (by function) that no feature line binds to."""
    used = {d.func for step_type, text, _ in lines for d in defs if d.matches(step_type, text)}
    seen, out = set(), []
    for d in defs:
        if d.func not in used and d.func not in seen:
            seen.add(d.func)
            out.append(d)
    return out


def near_duplicates(defs: list[StepDef], lines: list[tuple[str, str, str]]) -> list[NearDuplicate]:
    shared: dict[tuple, str] = {}
    for step_type, text, place in lines:
        matching = list({d.func: d for d in defs if d.matches(step_type, text)}.values())
        for i, a in enumerate(matching):
            for b in matching[i + 1:]:
                shared.setdefault(tuple(sorted((id(a.func), id(b.func)))), f"{place}: {text}")
    found: dict[tuple, NearDuplicate] = {}
    shapes = {id(d): shape(d) for d in defs}
    for i, a in enumerate(defs):
        for b in defs[i + 1:]:
            if a.func is b.func or a.type != b.type:
                continue
            key = tuple(sorted((id(a.func), id(b.func))))
            matcher = difflib.SequenceMatcher(None, shapes[id(a)], shapes[id(b)])
            if key not in shared and matcher.real_quick_ratio() < SIMILAR:
                continue
            ratio = matcher.ratio()
            if (ratio >= SIMILAR or key in shared) and key not in found:
                found[key] = NearDuplicate(a, b, round(ratio, 2), shared.get(key))
    return sorted(found.values(), key=lambda n: -n.similarity)


def report(defs: list[StepDef] | None = None, root: Path = ROOT) -> str:
    defs = stepdefs.load_step_definitions(root) if defs is None else defs
    lines = feature_lines(root)
    dead = unused(defs, lines)
    twins = near_duplicates(defs, lines)
    out = [f"{len(dead)} step(s) no feature uses:"]
    by_area: dict[str, list[StepDef]] = defaultdict(list)
    for d in dead:
        by_area[d.area].append(d)
    for area in sorted(by_area):
        out += [f"  {d.where}: {d.keyword} {d.phrase()}" for d in by_area[area]]
    out.append(f"{len(twins)} pair(s) of near-duplicate steps:")
    for twin in twins:
        out.append(f"  {twin.first.where}: {twin.first.keyword} {twin.first.phrase()}")
        out.append(f"  {twin.second.where}: {twin.second.keyword} {twin.second.phrase()}")
        why = f"phrases {int(twin.similarity * 100)}% alike"
        out.append(f"    ({why}; both match {twin.shared_line})" if twin.shared_line else f"    ({why})")
    return "\n".join(out) + "\n"


def main() -> int:
    print(report(), end="")
    return 0
