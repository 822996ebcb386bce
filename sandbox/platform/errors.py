"""A request a system refuses, answered as {"detail": reason} with its status (create_app handles it)."""
from __future__ import annotations

import json

from starlette.types import Send


class Refusal(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


async def send_refusal(send: Send, status: int, field: str, message: str) -> None:
    """Answers from an ASGI middleware, before any route, in the shape of the routes' validation errors."""
    where = f"{field}: " if field else ""
    body = json.dumps({"detail": f"invalid request: {where}{message}",
                       "errors": [{"field": field, "message": message}]}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
