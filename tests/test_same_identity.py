"""Binds the same-identity race features to pytest (steps live in steps/)."""
from pytest_bdd import scenarios

scenarios("same_identity")
