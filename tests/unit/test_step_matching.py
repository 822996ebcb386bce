"""Step matching is remembered per step text and module, and finds exactly what pytest-bdd would."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from pytest_bdd.parser import FeatureParser

from fixtures import step_matching

ROOT = Path(__file__).resolve().parents[2]


def every_step():
    for path in sorted((ROOT / "features").rglob("*.feature")):
        feature = FeatureParser(str(path.parent), path.name).parse()
        for scenario in feature.scenarios.values():
            background = feature.background.steps if feature.background else []
            yield from [*background, *scenario.steps]


def test_the_remembered_lookup_finds_what_pytest_bdd_finds_in_the_same_order(request):
    manager = request.session._fixturemanager
    steps = list(every_step())
    assert len(steps) > 300
    started = time.perf_counter()
    for step in steps:
        assert step_matching.find_fixturedefs_for_step(step, manager, request.node) == \
            tuple(step_matching._ORIGINAL(step, manager, request.node)), f"{step.keyword} {step.name}"
    first = time.perf_counter() - started
    started = time.perf_counter()
    for step in steps:
        step_matching.find_fixturedefs_for_step(step, manager, request.node)
    assert time.perf_counter() - started < first / 10, "a step text seen before is not matched again"


def test_pytest_bdd_uses_it_while_the_suite_runs():
    assert step_matching.bdd_scenario.find_fixturedefs_for_step is step_matching.find_fixturedefs_for_step


def test_a_modules_own_step_stays_its_own(pytester: pytest.Pytester):
    """A step a test module defines is not found for another module's scenario, even once remembered."""
    pytester.makeconftest("pytest_plugins = ['fixtures.step_matching']")
    pytester.makefile(".feature", shared="""
        Feature: Shared
          Scenario: Uses a local step
            Given a step only one module defines
    """)
    pytester.makepyfile(test_a="""
        from pytest_bdd import given, scenarios
        scenarios("shared.feature")

        @given("a step only one module defines")
        def local():
            pass
    """, test_b="""
        from pytest_bdd import scenarios
        scenarios("shared.feature")
    """)
    result = pytester.runpytest("-p", "no:randomly", "-p", "no:xdist", "-p", "no:cacheprovider",
                                "-p", "no:allure_pytest", "-p", "no:playwright", "-o", "addopts=", "test_a.py", "test_b.py")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*StepDefinitionNotFoundError*a step only one module defines*"])
