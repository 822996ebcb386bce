"""Anti-framing headers on a system's pages, so another site cannot frame them (clickjacking)."""
from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class NoFraming:
    """Adds `Content-Security-Policy: frame-ancestors 'none'` and `X-Frame-Options: DENY` to every HTML
    response that does not set its own framing policy (the softphone, framed by the console, does)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # only an HTTP response start is touched: lifespan and other messages pass through as they are
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                is_html = any(name.lower() == b"content-type" and value.startswith(b"text/html")
                              for name, value in headers)
                if is_html and b"content-security-policy" not in names and b"x-frame-options" not in names:
                    headers += [(b"content-security-policy", b"frame-ancestors 'none'"),
                                (b"x-frame-options", b"DENY")]
                    message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
