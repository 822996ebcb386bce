"""The refusals of the crm domain, each answered by the API with its status."""
from __future__ import annotations


class Conflict(Exception):
    """A request not allowed in the current state: 409."""


class NotFound(Exception):
    """An unknown id: 404."""


class Invalid(Exception):
    """A request that is well-formed but refers to something that does not exist: 422."""


class Forbidden(Exception):
    """The principal's role may not do this: 403."""
