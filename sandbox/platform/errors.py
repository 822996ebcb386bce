"""A request a system refuses, answered as {"detail": reason} with its status (create_app handles it)."""
from __future__ import annotations


class Refusal(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail
