"""Binds the chat features to pytest (steps live in steps/)."""
from pytest_bdd import scenarios

scenarios("chat")
