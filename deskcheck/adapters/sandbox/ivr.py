"""The sandbox IVR behind the IVR port, and the IVR context as the sandbox CTI and CRM carry it."""
from __future__ import annotations

from typing import Any, Callable

from deskcheck.adapters.sandbox.api_channels import IvrClient
from deskcheck.adapters.sandbox.http import ApiError, refusal
from deskcheck.adapters.sandbox.settings import IvrSettings
from deskcheck.records import AccountLookup, IvrContext, IvrSession


def ivr_session_record(body: dict[str, Any]) -> IvrSession:
    return IvrSession(
        id=body["id"], state=body["state"], path=tuple(body.get("path") or ()),
        prompts=tuple(body.get("prompts") or ()), verified=bool(body.get("verified")),
        account_number=body.get("account_number"), reason=body.get("reason"), call_id=body.get("interaction_id"),
        from_number=body.get("from_number"), queue=body.get("queue"), correlation_id=body.get("correlation_id"),
        lookup=body.get("lookup"),
        lookups=tuple(AccountLookup(int(t.get("attempt") or 0), t.get("outcome", ""), t.get("reason"))
                      for t in body.get("lookups") or ()),
        caller_said=tuple(body.get("transcript") or ()),
        ticket_updates=tuple(u.get("ticket") for u in body.get("ticket_updates") or ()),
        callback_id=body.get("callback"), opens_at=body.get("opens"))


def ivr_context(attributes: dict[str, Any] | None) -> IvrContext | None:
    """The IVR's part of a call's attributes (None for a call that did not come through the IVR)."""
    attributes = attributes or {}
    if attributes.get("channel") == "chat" or not ({"ivr_path", "ivr_session_id"} & attributes.keys()):
        return None
    path = attributes.get("ivr_path") or ()
    return IvrContext(
        account_number=attributes.get("account_number"), verified=attributes.get("verified") is True,
        lookup=attributes.get("lookup"), path=(path,) if isinstance(path, str) else tuple(path),
        reason=attributes.get("reason"), caller_said=attributes.get("transcript"),
        session_id=attributes.get("ivr_session_id"))


class SandboxIvr(IvrSettings):
    """The IVR port over the sandbox IVR's call simulator: the caller dials, keys digits, speaks, hangs up."""

    capabilities = frozenset({"ivr_sessions"})

    def __init__(self, api: IvrClient) -> None:
        self.api = api

    def start_call(self, from_number: str, line: str = "support") -> IvrSession:
        return self._act(f"take a call on the {line!r} line", lambda: self.api.start_call(from_number, line))

    def press(self, session_id: str, digits: str) -> IvrSession:
        return self._act(f"hear the keys {digits!r}", lambda: self.api.press(session_id, digits))

    def say(self, session_id: str, transcript: str, confidence: float) -> IvrSession:
        return self._act(f"hear {transcript!r}", lambda: self.api.say(session_id, transcript, confidence))

    def hang_up(self, session_id: str) -> IvrSession:
        return self._act("let the caller hang up", lambda: self.api.hang_up(session_id))

    def session(self, session_id: str) -> IvrSession:
        return ivr_session_record(self.api.session(session_id))

    @staticmethod
    def _act(action: str, call: Callable[[], dict[str, Any]]) -> IvrSession:
        try:
            return ivr_session_record(call())
        except ApiError as exc:
            raise refusal("IVR", action, exc) from None
