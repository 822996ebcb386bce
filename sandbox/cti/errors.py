"""The one error type of cti, answered as {"detail": reason} with its status."""
from __future__ import annotations


from ..platform.errors import Refusal


class CtiError(Refusal):
    """Answered as {"detail": reason} with the status: 403, 404, 409, 422, 502."""
