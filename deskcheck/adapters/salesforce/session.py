"""Signing in to Salesforce (OAuth client credentials or password) and calling it through simple-salesforce.

The access token comes from the org's OAuth token endpoint (``{login_url}/services/oauth2/token``,
Salesforce's own path: My Domain, login.salesforce.com or test.salesforce.com); every other call is
a simple-salesforce call on the ``instance_url`` the token answer names. An expired session is
renewed once and the call repeated. Secrets never appear in messages.
"""
from __future__ import annotations

from typing import Any, Callable, TypeVar

import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceError, SalesforceExpiredSession

from deskcheck.adapters.sandbox.sessions import fingerprint
from deskcheck.ports import Refused
from deskcheck.records import ApiSession

T = TypeVar("T")
DEFAULT_API_VERSION = "59.0"


class SalesforceLoginFailed(PermissionError):
    """The org refused the adapter's credentials (a configuration problem, not a test outcome)."""


class PinnedSession(requests.Session):
    """A requests Session whose ``verify`` wins over REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE in the environment
    (requests lets those override a Session's own CA bundle: psf/requests#3829)."""

    def merge_environment_settings(self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any) -> dict[str, Any]:
        settings = super().merge_environment_settings(url, proxies, stream, verify, cert)
        if verify is None:
            settings["verify"] = self.verify
        return settings


def error_message(exc: SalesforceError) -> str:
    """The org's own words: the errorCode and message of Salesforce's error list."""
    content = exc.content
    if isinstance(content, list) and content and isinstance(content[0], dict):
        return "; ".join(f"{e.get('errorCode')}: {e.get('message')}" for e in content)
    return f"HTTP {exc.status}: {str(content)[:300]}"


class SalesforceSession:
    """One signed-in API user: the simple-salesforce client, renewed when its session expires."""

    def __init__(self, login_url: str, client_id: str, client_secret: str, username: str | None = None,
                 password: str | None = None, ca_bundle: str | None = None,
                 api_version: str = DEFAULT_API_VERSION) -> None:
        self.login_url = login_url.rstrip("/")
        self.client_id, self._client_secret = client_id, client_secret
        self.username, self._password = username, password
        self.api_version = api_version
        self.http = PinnedSession()
        if ca_bundle:
            self.http.verify = ca_bundle
        self.tokens_fetched = 0
        self.user_id: str | None = None  # the running user's Id (from the token answer's identity URL)
        self.instance_url = ""
        self._sf: Salesforce | None = None
        self._shown: dict[str, str] = {}  # fingerprint -> token, for accepts_session

    def login(self) -> Salesforce:
        form = {"grant_type": "password" if self.username else "client_credentials",
                "client_id": self.client_id, "client_secret": self._client_secret}
        if self.username:
            form.update(username=self.username, password=self._password or "")
        answer = self.http.post(f"{self.login_url}/services/oauth2/token", data=form, timeout=30)
        try:
            body = answer.json()
        except ValueError:
            body = {}
        if answer.status_code != 200 or "access_token" not in body:
            who = f"user {self.username}" if self.username else f"client {self.client_id}"
            raise SalesforceLoginFailed(f"Salesforce refused the sign-in of {who} at {self.login_url}: "
                                        f"{body.get('error', answer.status_code)} ({body.get('error_description', '')})")
        self.tokens_fetched += 1
        self.instance_url = body["instance_url"]
        self.user_id = str(body.get("id") or "").rstrip("/").rsplit("/", 1)[-1] or None
        self._sf = Salesforce(instance_url=self.instance_url, session_id=body["access_token"], session=self.http,
                              version=self.api_version)
        return self._sf

    @property
    def sf(self) -> Salesforce:
        return self._sf or self.login()

    def call(self, work: Callable[[Salesforce], T]) -> T:
        """``work(sf)``; an expired session is renewed once and the work repeated."""
        try:
            return work(self.sf)
        except SalesforceExpiredSession:
            return work(self.login())

    def act(self, action: str, work: Callable[[Salesforce], T]) -> T:
        """Like :meth:`call`, a refusal of the org becoming :class:`Refused` in the org's own words."""
        try:
            return self.call(work)
        except SalesforceError as exc:
            raise Refused("CRM", action, error_message(exc), exc.status) from None

    # token_audit
    def api_session(self) -> ApiSession:
        token = self.sf.session_id
        self._shown[fingerprint(token)] = token
        return ApiSession("crm", fingerprint(token), self.tokens_fetched)

    def accepts_session(self, session: ApiSession) -> bool:
        token = self._shown.get(session.token_fingerprint)
        if token is None:
            raise LookupError(f"{session.describe()}: this adapter never held that token")
        probe = Salesforce(instance_url=self.instance_url, session_id=token, session=self.http,
                           version=self.api_version)
        try:
            probe.query("SELECT Id FROM User LIMIT 1")
        except SalesforceExpiredSession:
            return False
        return True

    def close(self) -> None:
        self.http.close()
