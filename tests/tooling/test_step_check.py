"""A run names undefined steps at collection, before any sandbox or browser starts, with readable hints."""
from __future__ import annotations

from tests.tooling.helpers import generated_suite, run_pytest, shown


def test_collection_stops_on_an_undefined_step_with_the_closest_phrases():
    files = {"typo.feature": 'Feature: Typo\n  Scenario: One\n    Given the agent "Maya" is logged in and Availble\n',
             "test_typo.py": 'from pytest_bdd import scenarios\n\nscenarios("typo.feature")\n'}
    with generated_suite(files) as folder:
        run = run_pytest([str(folder), "--collect-only", "-q", "-o", f"bdd_features_base_dir={folder}"], timeout=120)
    assert run.returncode != 0, shown(run)
    assert "1 step(s) have no step definition" in run.stderr + run.stdout, shown(run)
    assert 'typo.feature:3: Given the agent "Maya" is logged in and Availble' in run.stderr + run.stdout
    assert 'closest existing steps: Given the {role} "{name}" is logged in and Available' in run.stderr + run.stdout
