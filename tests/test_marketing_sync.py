"""Binds the marketing_sync features to pytest (steps live in steps/marketing_sync.py)."""
from pytest_bdd import scenarios

scenarios("marketing_sync")
