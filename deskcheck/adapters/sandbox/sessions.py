"""Token audit (capability ``token_audit``): which access token a sandbox adapter's API client holds.

A record names a token by a fingerprint, never the token itself; the adapter keeps the tokens it has
shown so it can later ask the system whether an older one is still taken.
"""
from __future__ import annotations

import hashlib

from deskcheck.adapters.sandbox.http import ApiClient
from deskcheck.records import ApiSession


def fingerprint(token: str) -> str:
    return "sha256:" + hashlib.sha256(token.encode()).hexdigest()[:12]


class TokenAudit:
    """Mixed into an adapter whose ``api`` is an :class:`ApiClient`."""

    api: ApiClient

    def api_session(self) -> ApiSession:
        token = self.api.token()
        shown = self.__dict__.setdefault("_tokens_shown", {})
        shown[fingerprint(token)] = token
        return ApiSession(self.api.system, fingerprint(token), self.api.token_requests)

    def accepts_session(self, session: ApiSession) -> bool:
        token = self.__dict__.get("_tokens_shown", {}).get(session.token_fingerprint)
        if token is None:
            raise LookupError(f"{session.describe()}: this adapter never held that token")
        return self.api.accepts_token(token)
