import json

import httpx
import pytest

from deskcheck.adapters.sandbox import http as sandbox_http
from deskcheck.adapters.sandbox.api_voice import CrmClient, CtiClient
from deskcheck.adapters.sandbox.http import ApiError
from deskcheck.masking import MASK, format_exchange, mask_body, mask_data, mask_headers, mask_text


def test_mask_headers_hides_authorization_and_cookies():
    masked = dict(mask_headers({"Authorization": "Bearer abc.def", "Cookie": "crm_session=xyz",
                                "Set-Cookie": "s=1", "X-Correlation-Id": "c-1"}))
    assert masked == {"Authorization": MASK, "Cookie": MASK, "Set-Cookie": MASK, "X-Correlation-Id": "c-1"}


def test_mask_data_hides_secret_fields_at_any_depth():
    data = {"access_token": "tok", "token_type": "Bearer", "nested": [{"password": "pw", "name": "Maya"}],
            "refresh_token": "r", "client_secret": "s"}
    assert mask_data(data) == {"access_token": MASK, "token_type": "Bearer",
                               "nested": [{"password": MASK, "name": "Maya"}], "refresh_token": MASK,
                               "client_secret": MASK}


def test_mask_body_handles_forms_and_json():
    form = mask_body("grant_type=client_credentials&client_id=suite&client_secret=topsecret",
                     "application/x-www-form-urlencoded")
    assert "topsecret" not in form and "client_id=suite" in form
    assert "%2A" not in form and "***" in form  # the mask as such, not URL-encoded
    body = mask_body(b'{"access_token": "eyJ.very.secret", "expires_in": 300}', "application/json")
    assert "eyJ.very.secret" not in body and '"expires_in": 300' in body


def test_mask_text_hides_bearer_tokens_and_known_secrets():
    assert "abc123" not in mask_text("Authorization: Bearer abc123")
    assert "pa55word" not in mask_text("login with pa55word", secrets=["pa55word"])


def test_format_exchange_never_shows_secrets():
    text = format_exchange("POST", "http://crm/oauth/token",
                           {"Authorization": "Bearer t0k3n", "Content-Type": "application/x-www-form-urlencoded"},
                           b"grant_type=password&username=maya&password=hunter22",
                           200, {"Set-Cookie": "crm_session=abcd"}, b'{"access_token": "t0k3n2", "refresh_token": "r3fr3sh"}')
    for secret in ("t0k3n", "hunter22", "abcd", "t0k3n2", "r3fr3sh"):
        assert secret not in text
    assert "username=maya" in text and "HTTP 200" in text


class FakeServer:
    """A tiny crm/cti stand-in behind httpx.MockTransport."""

    def __init__(self, expires_in=300):
        self.expires_in = expires_in
        self.tokens_issued = 0
        self.valid = set()
        self.requests: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/oauth/token":
            form = dict(httpx.QueryParams(request.content.decode()))
            if form.get("client_secret") != "suite-secret":
                return httpx.Response(401, json={"detail": "bad client"})
            self.tokens_issued += 1
            token = f"tok-{self.tokens_issued}"
            self.valid.add(token)
            return httpx.Response(200, json={"access_token": token, "token_type": "Bearer",
                                             "expires_in": self.expires_in, "refresh_token": f"ref-{self.tokens_issued}"})
        auth = request.headers.get("Authorization", "")
        if auth.removeprefix("Bearer ") not in self.valid:
            return httpx.Response(401, json={"detail": "expired"}, headers={"WWW-Authenticate": "Bearer"})
        cid = request.headers.get("X-Correlation-Id")
        headers = {"X-Correlation-Id": cid} if cid else {}
        if request.url.path == "/api/contacts":
            return httpx.Response(200, json={"contacts": [{"id": 1, "phone": request.url.params.get("phone")}]},
                                  headers=headers)
        if request.url.path == "/api/simulator/calls":
            return httpx.Response(201, json={"id": "i-1", "state": "queued", "correlation_id": "cid-9"})
        if request.url.path == "/api/activities":
            return httpx.Response(200, json={"activities": []})
        return httpx.Response(404, json={"detail": "no such thing"})


def make(cls, server, clock=None):
    kwargs = {"transport": httpx.MockTransport(server.handler)}
    if clock:
        kwargs["clock"] = clock
    return cls("http://crm.test", "deskcheck-suite", "suite-secret", **kwargs)


def test_token_is_fetched_once_and_reused():
    server = FakeServer()
    crm = make(CrmClient, server)
    assert crm.contacts(phone="+15550100")[0]["phone"] == "+15550100"
    crm.contacts()
    assert server.tokens_issued == 1


def test_token_is_refreshed_before_it_expires():
    server = FakeServer(expires_in=60)
    now = [1000.0]
    crm = make(CrmClient, server, clock=lambda: now[0])
    crm.contacts()
    now[0] += 47  # 60 s token, refreshed 12 s (a fifth) before expiry
    crm.contacts()
    assert server.tokens_issued == 1
    now[0] += 2
    crm.contacts()
    assert server.tokens_issued == 2
    refresh = [r for r in server.requests if r.url.path == "/oauth/token"][-1]
    assert b"grant_type=refresh_token" in refresh.content


def test_a_401_is_retried_once_with_a_new_token():
    server = FakeServer()
    crm = make(CrmClient, server)
    crm.contacts()
    server.valid.clear()  # the server expired every token (e.g. the sandbox clock jumped)
    crm.contacts()
    assert server.tokens_issued == 2


def test_correlation_id_is_passed_through_and_remembered():
    server = FakeServer()
    cti = make(CtiClient, server)
    with cti.correlated("journey-1"):
        cti.simulate_call("+15550100", "support")
    sent = [r for r in server.requests if r.url.path == "/api/simulator/calls"][-1]
    assert sent.headers["X-Correlation-Id"] == "journey-1"
    assert cti.seen_correlation_ids == ["journey-1", "cid-9"]
    assert cti.simulated_calls == ["i-1"]


def test_unexpected_status_raises_api_error_with_the_reason():
    crm = make(CrmClient, FakeServer())
    with pytest.raises(ApiError, match="404.*no such thing") as info:
        crm.contact(42)
    assert info.value.status_code == 404
    assert isinstance(info.value, AssertionError)  # so eventually() retries it


def test_activity_waits_while_none_exists():
    crm = make(CrmClient, FakeServer())
    with pytest.raises(AssertionError, match="no activity"):
        crm.activity("i-1")


def test_every_exchange_is_attached_masked(monkeypatch):
    attached: list[tuple[str, str]] = []
    class Collecting(sandbox_http.Reporter):
        def attach(self, body, name):
            attached.append((name, body))

    monkeypatch.setattr(sandbox_http, "REPORTER", Collecting())
    crm = make(CrmClient, FakeServer())
    crm.contacts(phone="+15550100")
    names = [name for name, _ in attached]
    assert names == ["POST /oauth/token -> 200", "GET /api/contacts -> 200"]
    everything = "\n".join(body for _, body in attached)
    for secret in ("suite-secret", "tok-1", "ref-1"):
        assert secret not in everything
    assert json.dumps("+15550100")[1:-1] in everything


def test_sandbox_admin_routes_faults_to_the_calling_system():
    from deskcheck.adapters.sandbox.api_channels import SandboxAdmin

    assert SandboxAdmin.system_of("crm.screenpop") == "crm"
    assert SandboxAdmin.system_of("cti->crm.activities") == "cti"
    assert SandboxAdmin.system_of("crm->cti.presence") == "crm"
