"""The mutation catalogue (bench/mutants.toml) stays current: each seeded defect still applies to the code
it names, once, and its proof test and scenario files exist (so `make mutants` never reports stale mutants)."""
from __future__ import annotations

from pathlib import Path

import pytest

from bench.mutants import ROOT, apply, could_not_run, failed_tests, load

MUTANTS = load()


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_each_mutant_applies_once_and_names_tests_that_exist(mutant, tmp_path: Path) -> None:
    target = tmp_path / mutant.file
    target.parent.mkdir(parents=True)
    target.write_text((ROOT / mutant.file).read_text(encoding="utf-8"), encoding="utf-8")
    assert apply(mutant, tmp_path) is None
    assert mutant.new in target.read_text(encoding="utf-8") and mutant.old != mutant.new
    for test_id in mutant.proof:
        path, _, name = test_id.partition("::")
        assert (ROOT / path).is_file() and name.split("::")[-1] in (ROOT / path).read_text(encoding="utf-8"), test_id
    assert mutant.scenarios and all((ROOT / s).is_file() for s in mutant.scenarios)


def test_a_mutant_whose_code_moved_is_reported_stale(tmp_path: Path) -> None:
    mutant = MUTANTS[0]
    (tmp_path / mutant.file).parent.mkdir(parents=True)
    (tmp_path / mutant.file).write_text("nothing to mutate here\n", encoding="utf-8")
    assert "0 times, not once" in apply(mutant, tmp_path)


def test_failures_are_read_from_junit(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    junit.write_text('<testsuites><testsuite><testcase classname="tests.test_x" name="test_a"><failure/></testcase>'
                     '<testcase classname="tests.test_x" name="test_b"/></testsuite></testsuites>')
    assert failed_tests(junit) == {"tests/test_x.py::test_a"}


def test_scenarios_that_could_not_run_are_told_apart_from_failures(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    junit.write_text('<testsuites><testsuite><testcase classname="tests.test_x" name="test_a">'
                     '<error message="failed on setup with Environment: the sandbox did not start&#10;more"/>'
                     '</testcase><testcase classname="tests.test_x" name="test_b"><failure/></testcase>'
                     '</testsuite></testsuites>')
    assert could_not_run(junit) == ["failed on setup with Environment: the sandbox did not start"]
    assert could_not_run(tmp_path / "missing.xml") == ["pytest wrote no results"]
