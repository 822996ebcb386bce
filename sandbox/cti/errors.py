"""The one error type of cti, answered as {"detail": reason} with its status."""
from __future__ import annotations


class CtiError(Exception):
    """Answered as {"detail": reason} with the status: 403, 404, 409, 422, 502."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail
