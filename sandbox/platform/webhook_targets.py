"""Where webhooks may deliver: URLs on the allow-list from the sandbox's settings, and loopback in sandbox mode.

A webhook makes the server POST wherever its URL says. Without a list, whoever may register one can make
the server call internal services, or a sandbox system's own test API (`/_sandbox/reset`). An entry is an
origin with an optional path prefix: `https://hooks.partner.example` or `https://partner.example:8443/deskcheck`;
a URL matches when its scheme, host and port are the entry's and its path lies under the entry's path.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Iterable
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class _Place:
    scheme: str
    host: str
    port: int
    path: str  # "/" or a prefix without its trailing slash

    @classmethod
    def parse(cls, url: str) -> "_Place":
        """Raises ValueError with the reason when ``url`` is not an http(s) URL with a host."""
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError as exc:
            raise ValueError(f"{url!r} is not a URL: {exc}") from None
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise ValueError(f"{url!r} is not an http(s) URL with a host")
        if parts.username is not None or parts.password is not None:
            raise ValueError(f"{url!r} carries credentials; sign deliveries with the webhook secret instead")
        path = parts.path.rstrip("/") or "/"
        return cls(parts.scheme, parts.hostname.lower().rstrip("."), port or DEFAULT_PORTS[parts.scheme], path)

    def is_loopback(self) -> bool:
        if self.host == "localhost" or self.host.endswith(".localhost"):
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def covers(self, other: "_Place") -> bool:
        same_origin = (self.scheme, self.host, self.port) == (other.scheme, other.host, other.port)
        return same_origin and (self.path == "/" or other.path == self.path or other.path.startswith(self.path + "/"))


class WebhookTargets:
    """The policy: ``refusal(url)`` says why a URL may not receive deliveries, or None when it may."""

    def __init__(self, allowed: Iterable[str] = (), allow_loopback: bool = False,
                 own_urls: Iterable[str] = ()) -> None:
        self.allowed = [_Place.parse(entry) for entry in allowed]  # a bad entry stops the sandbox at start
        self.allow_loopback = allow_loopback
        # the sandbox's own systems: a webhook there would make a system call its own API (or its test API)
        self._own = [_Place.parse(url) for url in own_urls]

    def refusal(self, url: str) -> str | None:
        try:
            place = _Place.parse(url)
        except ValueError as exc:
            return str(exc)
        if any(self._same_server(place, own) for own in self._own):
            return f"{url} is a sandbox system itself; webhooks go to partner systems"
        if any(entry.covers(place) for entry in self.allowed):
            return None
        if self.allow_loopback and place.is_loopback():
            return None
        listed = ", ".join(f"{e.scheme}://{e.host}:{e.port}{'' if e.path == '/' else e.path}" for e in self.allowed)
        return (f"{url} is not on the webhook allow-list ({listed or 'empty'}"
                f"{'; loopback allowed in sandbox mode' if self.allow_loopback else ''}); "
                "add it with --webhook-allow when starting the sandbox")

    @staticmethod
    def _same_server(place: _Place, own: _Place) -> bool:
        if place.port != own.port:
            return False
        return place.host == own.host or (place.is_loopback() and own.is_loopback())
