"""Binds the wrap_up features to pytest (steps live in steps/)."""
from pytest_bdd import scenarios

scenarios("wrap_up")
