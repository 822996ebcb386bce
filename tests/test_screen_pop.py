"""Binds the screen_pop features to pytest (steps live in steps/)."""
from pytest_bdd import scenarios

scenarios("screen_pop")
