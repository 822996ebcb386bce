"""Binds the call_controls features to pytest (steps live in steps/)."""
from pytest_bdd import scenarios

scenarios("call_controls")
