"""Bearer tokens from /oauth/token (client credentials, password, refresh) on the sandbox clock."""
from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import Any, Callable

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse

from .clock import Clock

INTEGRATION_ADMIN = "integration-admin"  # the role that manages a system's webhooks
SERVICE = "service"  # a system integration: full data access, no integration administration
REFRESH_TTL_SECONDS = 8 * 3600  # a refresh token outlives its access tokens by a working shift, no longer


@dataclass(frozen=True)
class Principal:
    kind: str  # client | user | session
    name: str  # client id or username
    role: str  # service | agent | trainee | supervisor ...


@dataclass
class _Token:
    principal: Principal
    expires_at: float


def require_role(principal: Principal, role: str, what: str) -> None:
    """403 unless the caller holds ``role``: every API checks the role, not only its page."""
    if principal.role != role:
        raise HTTPException(403, f"{what} needs the {role} role; {principal.name} is {principal.role}")


UserVerifier = Callable[[str, str], Principal | None]
SessionLookup = Callable[[Request], Principal | None]


class Auth:
    def __init__(self, clock: Clock, ttl_seconds: int, clients: dict[str, str],
                 verify_user: UserVerifier | None = None, session_lookup: SessionLookup | None = None,
                 client_roles: dict[str, str] | None = None, refresh_ttl_seconds: int = REFRESH_TTL_SECONDS) -> None:
        self.clock, self.ttl, self.clients = clock, ttl_seconds, clients
        self.client_roles = client_roles or {}  # client id -> role; unlisted clients are plain services
        self.refresh_ttl = max(refresh_ttl_seconds, ttl_seconds)
        self.verify_user, self.session_lookup = verify_user, session_lookup
        self._access: dict[str, _Token] = {}
        self._refresh: dict[str, _Token] = {}
        self._lock = threading.Lock()

    def issue(self, principal: Principal) -> dict[str, Any]:
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        now = self.clock.timestamp()
        with self._lock:
            self._forget_expired(now)
            self._access[access] = _Token(principal, now + self.ttl)
            self._refresh[refresh] = _Token(principal, now + self.refresh_ttl)
        return {"access_token": access, "token_type": "Bearer", "expires_in": self.ttl,
                "refresh_token": refresh, "refresh_expires_in": self.refresh_ttl, "scope": principal.role}

    def _forget_expired(self, now: float) -> None:
        """Called with the lock held: expired tokens are dropped so the stores do not grow for ever."""
        for store in (self._access, self._refresh):
            for token in [t for t, found in store.items() if found.expires_at <= now]:
                del store[token]

    def principal_for_token(self, token: str) -> Principal | None:
        with self._lock:
            found = self._access.get(token)
        if found is None or found.expires_at <= self.clock.timestamp():
            return None
        return found.principal

    def __call__(self, request: Request) -> Principal:
        """FastAPI dependency: a valid bearer token or a UI session, else 401."""
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            principal = self.principal_for_token(header[7:].strip())
            if principal is None:
                raise HTTPException(401, "access token is invalid or expired",
                                    headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
            return principal
        if self.session_lookup is not None:
            principal = self.session_lookup(request)
            if principal is not None:
                return principal
        raise HTTPException(401, "authentication required: send a bearer token from /oauth/token",
                            headers={"WWW-Authenticate": "Bearer"})

    def router(self) -> APIRouter:
        router = APIRouter(tags=["auth"])

        @router.post("/oauth/token", openapi_extra={"requestBody": TOKEN_REQUEST})
        async def token(request: Request) -> JSONResponse:
            if request.headers.get("content-type", "").startswith("application/json"):
                try:
                    form = await request.json()
                except ValueError:
                    return _oauth_error("invalid_request", "body is not JSON")
                if not isinstance(form, dict):
                    return _oauth_error("invalid_request", "the JSON body must be an object of token request fields")
            else:
                form = dict(await request.form())
            grant = form.get("grant_type")
            if grant == "client_credentials":
                client_id, secret = str(form.get("client_id", "")), str(form.get("client_secret", ""))
                expected = self.clients.get(client_id)
                if expected is None or not secrets.compare_digest(expected, secret):
                    return _oauth_error("invalid_client", "unknown client or wrong secret", 401)
                role = self.client_roles.get(client_id, SERVICE)
                return JSONResponse(self.issue(Principal("client", client_id, role)))
            if grant == "password":
                user = self.verify_user(str(form.get("username", "")), str(form.get("password", ""))) \
                    if self.verify_user else None
                if user is None:
                    return _oauth_error("invalid_grant", "wrong username or password")
                return JSONResponse(self.issue(user))
            if grant == "refresh_token":
                with self._lock:
                    found = self._refresh.pop(str(form.get("refresh_token", "")), None)
                if found is None:
                    return _oauth_error("invalid_grant", "unknown, used or expired refresh token")
                if found.expires_at <= self.clock.timestamp():
                    return _oauth_error("invalid_grant", "the refresh token has expired: sign in again")
                return JSONResponse(self.issue(found.principal))
            return _oauth_error("unsupported_grant_type",
                                "grant_type must be client_credentials, password or refresh_token")

        return router


_TOKEN_FIELDS = {"type": "object", "required": ["grant_type"], "properties": {
    "grant_type": {"type": "string", "enum": ["client_credentials", "password", "refresh_token"]},
    **{name: {"type": "string"} for name in ("client_id", "client_secret", "username", "password", "refresh_token")}}}
# The route reads the body itself (a form, or a JSON object): documented so contract tests send both.
TOKEN_REQUEST = {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": _TOKEN_FIELDS},
                                               "application/json": {"schema": _TOKEN_FIELDS}}}


def _oauth_error(code: str, description: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": code, "error_description": description, "detail": description},
                        status_code=status)
