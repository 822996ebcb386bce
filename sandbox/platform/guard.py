"""What every system refuses before a route sees it: oversized bodies and JSON that cannot be kept as sent.

Python's json module reads NaN, Infinity, 1e400, integers of any size, NUL characters and lone
surrogates; SQLite then stores NaN as null, fails on integers beyond 64 bits and on surrogates. A
request carrying any of them is answered 4xx with the reason (never stored changed, never a 500),
following I-JSON (RFC 7493): integers within +/-(2**53 - 1), finite numbers, Unicode text.
"""
from __future__ import annotations

import json
import math
import re
from typing import Annotated, Any

from annotated_types import Interval
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import send_refusal

MAX_SAFE_INTEGER = 2 ** 53 - 1
MAX_BODY_BYTES = 1024 * 1024
MAX_DEPTH = 64

# An integer id, page cursor or count in a path or query: beyond this JavaScript and SQLite lose it.
SafeInt = Annotated[int, Interval(ge=-MAX_SAFE_INTEGER, le=MAX_SAFE_INTEGER)]
RecordId = Annotated[int, Interval(ge=0, le=MAX_SAFE_INTEGER)]

_NOT_TEXT = re.compile(r"[\x00\ud800-\udfff]")  # NUL, and surrogates no UTF-8 text can hold


class Unacceptable(ValueError):
    def __init__(self, status: int, field: str, message: str) -> None:
        super().__init__(message)
        self.status, self.field, self.message = status, field, message


class _Refused:
    """A number json.loads read but no system can keep; found with its field by _check."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _constant(name: str) -> _Refused:
    return _Refused(f"{name} is not a number JSON can carry (send a finite number or null)")


def _float(text: str) -> float | _Refused:
    value = float(text)
    return value if math.isfinite(value) else _Refused(f"{text[:40]} is beyond the range of a number")


def _int(text: str) -> int | _Refused:
    if len(text.lstrip("-")) > 16 or abs(int(text)) > MAX_SAFE_INTEGER:  # length first: int() of 5000 digits fails
        return _Refused(f"{text[:40]} is beyond the safe integer range (+/-{MAX_SAFE_INTEGER})")
    return int(text)


def _check(value: Any, where: str, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise Unacceptable(422, where, f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, _Refused):
        raise Unacceptable(422, where, value.reason)
    if isinstance(value, str):
        found = _NOT_TEXT.search(value)
        if found:
            what = "a NUL character" if found.group() == "\x00" else "a lone UTF-16 surrogate"
            raise Unacceptable(422, where, f"contains {what}")
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{where}.{key}" if where else str(key)
            _check(key, inner, depth + 1)
            _check(item, inner, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, f"{where}.{index}" if where else str(index), depth + 1)


def check_json(body: bytes) -> None:
    """Raises Unacceptable unless body is JSON every system can keep exactly as sent (or not JSON at all:
    the route's own validation answers that)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unacceptable(400, "", f"the body is not UTF-8 text (byte {exc.start})") from None
    try:
        value = json.loads(text, parse_constant=_constant, parse_float=_float, parse_int=_int)
    except json.JSONDecodeError:
        return
    except RecursionError:
        raise Unacceptable(422, "", f"nested deeper than {MAX_DEPTH} levels") from None
    _check(value, "")


def _is_json(headers: dict[bytes, bytes]) -> bool:
    content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    return not content_type or content_type.endswith(b"/json") or content_type.endswith(b"+json")


class RequestGuard:
    """ASGI middleware: answers 413 for bodies over the limit and 4xx for JSON that cannot be kept as sent."""

    def __init__(self, app: ASGIApp, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self.app, self.max_body_bytes = app, max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if "\x00" in scope.get("path", "") or b"%00" in scope.get("query_string", b""):
            await send_refusal(send, 400, "", "the URL contains a NUL character")
            return
        declared = headers.get(b"content-length")
        if declared is None and b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # no body: nothing to read (event streams stay streams)
            return
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            await send_refusal(send, 413, "", f"the request body is over the {self.max_body_bytes}-byte limit")
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay(b"", receive, message), send)  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await send_refusal(send, 413, "", f"the request body is over the {self.max_body_bytes}-byte limit")
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if body and _is_json(headers):
            try:
                check_json(body)
            except Unacceptable as exc:
                await send_refusal(send, exc.status, exc.field, exc.message)
                return
        await self.app(scope, _replay(body, receive), send)


def _replay(body: bytes, receive: Receive, first: Message | None = None) -> Receive:
    """A receive() that hands the app the body already read, then defers to the server's."""
    pending = [first or {"type": "http.request", "body": body, "more_body": False}]

    async def replayed() -> Message:
        return pending.pop() if pending else await receive()

    return replayed
