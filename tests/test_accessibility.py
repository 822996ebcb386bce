"""Binds the accessibility features to pytest (steps live in steps/accessibility.py)."""
from pytest_bdd import scenarios

scenarios("accessibility")
