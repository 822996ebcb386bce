"""Binds the integration-edge features to pytest (steps live in steps/)."""
from pytest_bdd import scenarios

scenarios("integration_edges")
