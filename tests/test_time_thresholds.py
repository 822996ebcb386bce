"""Binds the time-threshold features to pytest (steps live in steps/)."""
from pytest_bdd import scenarios

scenarios("time_thresholds")
