"""Binds the click_to_dial features to pytest (steps live in steps/)."""
from pytest_bdd import scenarios

scenarios("click_to_dial")
