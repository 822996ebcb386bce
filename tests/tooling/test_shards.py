"""make nightly SHARD=i/N: pytest-split slices the scenarios by stored durations (.test_durations);
two shards together cover every scenario exactly once."""
from __future__ import annotations

import json
import re

from tests.tooling.helpers import ROOT, run_pytest, shown

DURATIONS = ROOT / ".test_durations"


def scenario_files() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("tests/test_*.py"))  # what make nightly runs


def collected(*args: str) -> list[str]:
    run = run_pytest(["--collect-only", "-q", "-p", "no:xdist", *args, *scenario_files()], timeout=180)
    assert run.returncode == 0, shown(run)
    return [line for line in run.stdout.splitlines() if "::" in line and not line.startswith(" ")]


def shard(group: int, splits: int) -> list[str]:
    return collected("--splits", str(splits), "--group", str(group), "--splitting-algorithm", "least_duration",
                     "--durations-path", str(DURATIONS))


def test_two_shards_cover_every_scenario_exactly_once():
    everything = collected()
    first, second = shard(1, 2), shard(2, 2)
    assert first and second, (first, second)
    assert not set(first) & set(second), sorted(set(first) & set(second))
    assert sorted(first + second) == sorted(everything)


def test_stored_durations_come_from_a_real_run():
    durations = json.loads(DURATIONS.read_text())
    scenarios = [node for node in durations if re.match(r"tests/test_\w+\.py::test_", node)]
    assert len(scenarios) >= 20, "regenerate with `make durations` and commit .test_durations"
    assert all(seconds > 0 for seconds in durations.values())
