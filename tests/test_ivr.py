"""Binds the ivr features to pytest (steps live in steps/)."""
from pytest_bdd import scenarios

scenarios("ivr")
