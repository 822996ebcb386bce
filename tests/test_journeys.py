"""Binds the journeys features to pytest (steps live in steps/)."""
from pytest_bdd import scenarios

scenarios("journeys")
