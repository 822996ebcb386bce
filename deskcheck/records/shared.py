"""Records every system shares: events, webhooks, API sessions."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any



@dataclass(frozen=True)
class Event:
    """One state change a system announced: the journey is a sequence of these.

    ``data`` holds the facts the event carries, named as in its JSON Schema (schemas/events/): read
    them with :meth:`value`, match them with :meth:`has`. ``as_sent`` is the event exactly as the system
    sent it, kept only to check it against its schema and to attach it to reports.
    """
    system: str
    type: str
    at: str | None
    correlation_id: str | None
    data: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    seq: int = 0
    id: str | None = None
    as_sent: dict[str, Any] = field(default_factory=dict, hash=False, compare=False, repr=False)

    def value(self, name: str, default: Any = None) -> Any:
        """One fact the event carries (``default`` when it carries none by that name)."""
        return self.data.get(name, default)

    def has(self, **facts: Any) -> bool:
        """Whether the event carries every one of these facts with exactly these values."""
        return all(name in self.data and self.data[name] == value for name, value in facts.items())

    def describe(self) -> str:
        facts = ", ".join(f"{k} {v!r}" for k, v in list(self.data.items())[:8])
        return f"the {self.system} event {self.type} #{self.seq}" + (f" ({facts})" if facts else "")


@dataclass(frozen=True)
class ApiSession:
    """How an adapter is signed in to a system: which access token it holds (a fingerprint, never the
    token itself) and how many tokens it has fetched so far (renewals included)."""
    system: str
    token_fingerprint: str
    tokens_fetched: int

    def describe(self) -> str:
        return f"the {self.system} API client holds token {self.token_fingerprint} ({self.tokens_fetched} fetched)"


@dataclass(frozen=True)
class Webhook:
    """A partner's subscription to a system's events, delivered to its URL and signed with a shared secret."""
    id: str
    system: str
    url: str
    types: tuple[str, ...] = ()
