"""The refusals of the crm domain, and the HTTP status the API answers each with."""
from __future__ import annotations

from fastapi import HTTPException

class Conflict(Exception):
    """A request not allowed in the current state: 409."""


class NotFound(Exception):
    """An unknown id: 404."""


class Invalid(Exception):
    """A request that is well-formed but refers to something that does not exist: 422."""


class Forbidden(Exception):
    """The principal's role may not do this: 403."""


def _raise_http(exc: Exception) -> None:
    if isinstance(exc, NotFound):
        raise HTTPException(404, str(exc))
    if isinstance(exc, Conflict):
        raise HTTPException(409, str(exc))
    if isinstance(exc, Invalid):
        raise HTTPException(422, str(exc))
    if isinstance(exc, Forbidden):
        raise HTTPException(403, str(exc))
    raise exc


def call(fn, *args, **kwargs):
    """Runs a domain call; a refusal is answered with its HTTP status."""
    try:
        return fn(*args, **kwargs)
    except (NotFound, Conflict, Invalid, Forbidden) as exc:
        _raise_http(exc)

