"""The sandbox's HTTP API client: tokens, refresh, correlation ids, every exchange reported.

Plain Python with no pytest in it. It takes a client-credentials (or password) token from
``/oauth/token``, refreshes it before it expires and once more on a 401, passes
``X-Correlation-Id`` through, and hands every exchange, secrets masked, to ``REPORTER`` (the suite
points it at Allure; by default nothing is reported).
"""

from __future__ import annotations

import contextlib
import json as jsonlib
import threading
import time
import uuid
from typing import Any, Callable, ContextManager, Iterator

import httpx

from deskcheck.masking import format_exchange, register_secret


class Reporter:
    """Where exchanges go: ``step(title)`` wraps a call, ``attach(text, name)`` keeps its evidence."""

    def step(self, title: str) -> ContextManager[None]:
        return contextlib.nullcontext()

    def attach(self, body: str, name: str) -> None:
        return None


REPORTER = Reporter()


def set_reporter(reporter: Reporter) -> None:
    """Send every exchange of every client to ``reporter`` (the suite's Allure reporting)."""
    global REPORTER
    REPORTER = reporter


class ApiError(AssertionError):
    """A call answered with an unexpected status. An AssertionError so ``eventually`` retries it."""

    def __init__(self, method: str, url: str, status: int, body: Any) -> None:
        self.method, self.url, self.status_code, self.body = method, url, status, body
        detail = body.get("detail") if isinstance(body, dict) else body
        super().__init__(f"{method} {url} answered {status}: {detail!r}")


class ApiClient:
    """Base client: auth, token refresh, correlation id, Allure attachments."""

    system = "api"

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.client_id, self.client_secret = client_id, client_secret
        self.username, self.password = username, password
        register_secret(client_secret)
        register_secret(password)
        self.http = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport)
        self._clock = clock
        self._lock = threading.RLock()
        self._access_token: str | None = None
        self._refresh_token: str | None = None
        self._expires_at = 0.0
        self.correlation_id: str | None = None
        self.seen_correlation_ids: list[str] = []
        self.token_requests = 0

    # --- tokens ----------------------------------------------------------------------------------
    def _token_grant(self, form: dict[str, str]) -> httpx.Response:
        return self._send("POST", "/oauth/token", data=form, auth=False)

    def _fetch_token(self) -> None:
        response = None
        if self._refresh_token:
            response = self._token_grant({"grant_type": "refresh_token", "refresh_token": self._refresh_token,
                                          "client_id": self.client_id, "client_secret": self.client_secret})
            if response.status_code != 200:
                response = None
        if response is None:
            if self.username is not None:
                form = {"grant_type": "password", "username": self.username, "password": self.password or "",
                        "client_id": self.client_id, "client_secret": self.client_secret}
            else:
                form = {"grant_type": "client_credentials", "client_id": self.client_id,
                        "client_secret": self.client_secret}
            response = self._token_grant(form)
        if response.status_code != 200:
            raise ApiError("POST", f"{self.base_url}/oauth/token", response.status_code, _body(response))
        payload = response.json()
        self.token_requests += 1
        self._access_token = payload["access_token"]
        self._refresh_token = payload.get("refresh_token") or self._refresh_token
        register_secret(self._access_token)
        register_secret(self._refresh_token)
        expires_in = float(payload.get("expires_in") or 300)
        margin = min(30.0, expires_in / 5)
        self._expires_at = self._clock() + expires_in - margin

    def token(self, force: bool = False) -> str:
        with self._lock:
            if force or self._access_token is None or self._clock() >= self._expires_at:
                self._fetch_token()
            assert self._access_token is not None
            return self._access_token

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token()}"}

    def accepts_token(self, token: str, path: str = "/api/events?limit=1") -> bool:
        """Whether the server still takes ``token`` (an older one, say) on an ordinary API call."""
        response = self._send("GET", path, auth=False, headers={"Authorization": f"Bearer {token}"})
        return response.status_code != 401

    # --- correlation id --------------------------------------------------------------------------
    @contextlib.contextmanager
    def correlated(self, correlation_id: str | None = None) -> Iterator[str]:
        """Send ``X-Correlation-Id`` on every request inside the block (a new one if not given)."""
        previous = self.correlation_id
        self.correlation_id = correlation_id or str(uuid.uuid4())
        try:
            yield self.correlation_id
        finally:
            self.correlation_id = previous

    def _note_correlation(self, value: Any) -> None:
        if isinstance(value, str) and value and value not in self.seen_correlation_ids:
            self.seen_correlation_ids.append(value)

    # --- transport -------------------------------------------------------------------------------
    def _send(self, method: str, path: str, *, auth: bool = True, headers: dict | None = None,
              correlation_id: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = dict(headers or {})
        cid = correlation_id or self.correlation_id
        if cid:
            headers["X-Correlation-Id"] = cid
            self._note_correlation(cid)
        if auth:
            headers.update(self.auth_headers())
        request = self.http.build_request(method, path, headers=headers, **kwargs)
        with REPORTER.step(f"{self.system}: {method} {path}"):
            started = time.monotonic()
            try:
                response = self.http.send(request)
            except httpx.HTTPError as exc:
                REPORTER.attach(format_exchange(method, str(request.url), request.headers.multi_items(), request.content,
                                            None, [], f"{type(exc).__name__}: {exc}"),
                            f"{method} {path} (no response)")
                raise
            response.read()
            REPORTER.attach(
                format_exchange(method, str(request.url), request.headers.multi_items(), request.content,
                                response.status_code, response.headers.multi_items(), response.content,
                                (time.monotonic() - started) * 1000),
                f"{method} {path} -> {response.status_code}",
            )
        return response

    def request(self, method: str, path: str, *, json: Any = None, params: dict | None = None,
                correlation_id: str | None = None, headers: dict | None = None) -> httpx.Response:
        """Raw call: returns the response whatever its status (one token refresh and retry on 401)."""
        if params:
            params = {k: v for k, v in params.items() if v is not None}
        kwargs: dict[str, Any] = {"params": params or None, "headers": headers, "correlation_id": correlation_id}
        if json is not None:
            kwargs["json"] = json
        response = self._send(method, path, **kwargs)
        if response.status_code == 401:
            self.token(force=True)
            response = self._send(method, path, **kwargs)
        return response

    def call(self, method: str, path: str, *, expect: tuple[int, ...] = (200, 201, 202, 204), **kwargs: Any) -> Any:
        """Call and return the JSON body; raise :class:`ApiError` on an unexpected status."""
        response = self.request(method, path, **kwargs)
        body = _body(response)
        if response.status_code not in expect:
            raise ApiError(method, str(response.request.url), response.status_code, body)
        if isinstance(body, dict):
            self._note_correlation(body.get("correlation_id"))
        return body

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.call("POST", path, json={} if json is None else json, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.call("PUT", path, json={} if json is None else json, **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.call("PATCH", path, json={} if json is None else json, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.call("DELETE", path, **kwargs)

    # --- shared platform: events and webhooks ----------------------------------------------------
    def events(self, after: int | None = None, type: str | None = None,
               correlation_id: str | None = None) -> list[dict]:
        return self.get("/api/events", params={"after": after, "type": type,
                                               "correlation_id": correlation_id})["events"]

    def create_webhook(self, url: str, secret: str, types: list[str] | None = None) -> dict:
        register_secret(secret)
        return self.post("/api/webhooks", {"url": url, "secret": secret, **({"types": types} if types else {})})

    def webhooks(self) -> Any:
        return self.get("/api/webhooks")

    def delete_webhook(self, webhook_id: str) -> Any:
        return self.delete(f"/api/webhooks/{webhook_id}")

    def fresh(self) -> "ApiClient":
        """Another client for the same system and credentials with connections of its own: one per
        thread in a burst, since threads sharing one connection pool can close each other's sockets."""
        return type(self)(self.base_url, self.client_id, self.client_secret, username=self.username,
                          password=self.password)

    def close(self) -> None:
        self.http.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_url!r}, client_id={self.client_id!r})"


def refusal(system: str, action: str, exc: ApiError) -> Exception:
    """A 4xx answer as the domain's :class:`Refused`; anything else (401, 5xx) stays an API error."""
    from deskcheck.ports import Refused

    if 400 <= exc.status_code < 500 and exc.status_code != 401:
        detail = exc.body.get("detail") if isinstance(exc.body, dict) else exc.body
        return Refused(system, action, str(detail), exc.status_code)
    return exc


def _body(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except (ValueError, jsonlib.JSONDecodeError):
        return response.text
