"""Binds the benchmark journeys (run by `make bench` only: not part of the regression)."""
from pathlib import Path

from pytest_bdd import scenarios

scenarios(str(Path(__file__).parent / "features" / "bench_journeys.feature"))
