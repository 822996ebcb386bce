"""Binds the resilience features to pytest (steps live in steps/)."""
from pytest_bdd import scenarios

scenarios("resilience")
