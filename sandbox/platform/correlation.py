"""Correlation ids: born with a call or chat, carried on every request, record and event."""
from __future__ import annotations

import contextvars
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import send_refusal

HEADER = "x-correlation-id"
HEADER_BYTES = HEADER.encode()
MAX_LENGTH = 128  # what records keep (correlation_id fields are 128 at most)
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id", default=None)


def current() -> str | None:
    return _current.get()


def new_id() -> str:
    return f"corr-{uuid.uuid4().hex[:16]}"


def _from_header(raw: bytes) -> str | None:
    """The header's id (None when empty); ValueError when no record could keep and echo it unchanged."""
    value = raw.decode("ascii")  # UnicodeDecodeError is a ValueError
    if len(value) > MAX_LENGTH or not value.isprintable():
        raise ValueError(value)
    return value or None


class CorrelationMiddleware:
    """Reads X-Correlation-Id into a context variable and echoes it on the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        value = None
        for name, raw in scope.get("headers", []):
            if name.lower() == HEADER_BYTES:
                try:
                    value = _from_header(raw)
                except ValueError:
                    await send_refusal(send, 400, "X-Correlation-Id",
                                       f"must be printable ASCII of at most {MAX_LENGTH} characters")
                    return
        token = _current.set(value)

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start" and _current.get():
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [(HEADER.encode(), _current.get().encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_header)
        finally:
            _current.reset(token)
