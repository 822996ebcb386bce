"""No server errors on bad input (issue 15): integers beyond 64 bits in paths, queries and bodies, a
token request whose JSON is not an object, a correlation id that is not text, an event id no stream
ever sent. Each was a 500 (or a dead stream, or a 502 from marketing); each must be a 4xx."""
from __future__ import annotations

import re
import uuid
from typing import Any, Iterator

BEYOND_64_BITS = 2 ** 64
NOT_TEXT = b"\xff\xfe corr"


def integer_parameters(system_api) -> Iterator[tuple[str, str, str, str]]:
    """(METHOD, path template, parameter, in) for every integer path or query parameter it documents."""
    for method, path, op in system_api.operations():
        for param in op.get("parameters", []):
            schema = param.get("schema", {})
            kinds = {schema.get("type")} | {option.get("type") for option in schema.get("anyOf", [])}
            if "integer" in kinds and param["in"] in ("path", "query"):
                yield method, path, param["name"], param["in"]


def test_integers_beyond_64_bits_in_paths_and_queries_are_4xx(system_api):
    checked, wrong = 0, []
    for method, template, name, where in integer_parameters(system_api):
        path = template.replace("{%s}" % name, str(BEYOND_64_BITS)) if where == "path" else template
        path = re.sub(r"\{[^}]+\}", "1", path)
        params = {name: str(BEYOND_64_BITS)} if where == "query" else None
        response = system_api.client.request(method, path, params=params,
                                             json={} if method in ("POST", "PUT", "PATCH") else None)
        checked += 1
        if not 400 <= response.status_code < 500:
            wrong.append(f"{method} {template} {name}={BEYOND_64_BITS} -> {response.status_code} {response.text[:120]}")
    assert checked, f"{system_api.name} documents no integer parameter (the event list's `after` at least)"
    assert not wrong, f"{system_api.name}: {len(wrong)} of {checked} huge integers not answered 4xx:\n" + "\n".join(wrong)


def test_integers_beyond_64_bits_in_bodies_are_4xx_and_marketing_reconciles_without_a_502(system_apis):
    crm, marketing = system_apis["crm"].client, system_apis["marketing"].client
    examples = [
        (crm, "POST", "/api/cases", {"contact_id": BEYOND_64_BITS, "subject": "Huge"}),
        (crm, "POST", "/api/orders", {"contact_id": BEYOND_64_BITS, "number": "HUGE-1", "total": 1}),
        (crm, "GET", "/api/contacts?ids=1," + str(BEYOND_64_BITS), None),
        (marketing, "POST", "/api/reconciliation", {"crm_ids": [BEYOND_64_BITS]}),
        (marketing, "POST", "/api/reconciliation", {"marketing_ids": [1, BEYOND_64_BITS]}),
        (marketing, "POST", "/api/emails", {"contact_id": BEYOND_64_BITS, "subject": "Huge"}),
    ]
    for client, method, path, body in examples:
        response = client.request(method, path, json=body)
        assert response.status_code == 422, f"{client.system} {method} {path}: {response.status_code} {response.text[:200]}"
    helpdesk = system_apis["helpdesk"].client
    for key in (f"T-{BEYOND_64_BITS}", "T-\u0661\u0660\u0660\u0661"):  # and Arabic-Indic digits for T-1001
        response = helpdesk.request("GET", f"/api/tickets/{key}")
        assert response.status_code == 404, f"helpdesk GET /api/tickets/{key}: {response.status_code} {response.text[:200]}"


def test_the_token_endpoint_answers_400_to_json_that_is_not_an_object(system_api):
    for body in ("[1,2]", "5", "null"):
        response = system_api.anonymous.post("/oauth/token", content=body, headers={"content-type": "application/json"})
        assert response.status_code == 400, f"{system_api.name} {body}: {response.status_code} {response.text[:200]}"
        assert response.json()["error"] == "invalid_request", response.text


def _every_route(system_api) -> list[tuple[str, str]]:
    """Every documented route but the test API (should a refusal ever break, no reset of the shared sandbox)."""
    documented = [(m, re.sub(r"\{[^}]+\}", "1", p)) for m, p, _ in system_api.operations(prefix="/")
                  if not p.startswith("/_sandbox/")]
    return [("GET", "/healthz"), ("GET", "/openapi.json"), ("GET", "/docs"), *documented]


def test_a_correlation_id_that_is_not_ascii_text_is_refused_on_every_route(system_api):
    wrong = []
    for method, path in _every_route(system_api):
        for bad in (NOT_TEXT, b"x" * 129, b"tab\there"):
            response = system_api.anonymous.request(method, path, headers={"X-Correlation-Id": bad})
            if response.status_code != 400 or response.json()["errors"][0]["field"] != "X-Correlation-Id":
                wrong.append(f"{method} {path} {bad[:12]!r} -> {response.status_code} {response.text[:100]}")
    assert not wrong, f"{system_api.name}: {len(wrong)} routes took an unusable correlation id:\n" + "\n".join(wrong)
    correlation_id = f"corr-{uuid.uuid4().hex[:12]}"
    echoed = system_api.anonymous.get("/healthz", headers={"X-Correlation-Id": correlation_id})
    assert echoed.status_code == 200 and echoed.headers["x-correlation-id"] == correlation_id


def _stream_start(system_api, **headers: Any) -> tuple[int, str]:
    sent = {**system_api.client.auth_headers(), **headers}
    with system_api.client.http.stream("GET", "/api/events/stream", headers=sent) as response:
        first = next(response.iter_lines(), "") if response.status_code == 200 else response.read().decode()
        return response.status_code, first


def test_an_event_id_no_stream_sent_is_refused_and_a_real_one_resumes_the_stream(system_api):
    for bad in ("9" * 40, str(2 ** 53), "\u0661\u0662".encode(), "-1", ""):
        status, answer = _stream_start(system_api, **{"Last-Event-ID": bad})
        assert status == 400 and "Last-Event-ID must be an event seq" in answer, f"{system_api.name} {bad!r}: {status} {answer}"
    last_seq = system_api.client.get("/api/events", params={"limit": 1})["last_seq"]
    status, first = _stream_start(system_api, **{"Last-Event-ID": str(last_seq)})
    assert (status, first) == (200, "retry: 500"), (status, first)
    after = system_api.client.request("GET", "/api/events/stream", params={"after": str(BEYOND_64_BITS)})
    assert after.status_code == 422, f"{system_api.name}: {after.status_code} {after.text[:200]}"
