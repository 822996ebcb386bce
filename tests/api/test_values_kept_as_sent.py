"""Nothing changed silently (issue 15): a value no system could keep exactly as sent is refused with
the reason, never stored changed. NaN and Infinity (SQLite keeps them as null), integers beyond 2**53
(JavaScript and I-JSON lose them), NUL characters and lone surrogates, bodies over the size limit, and
activity ids longer than the 100 characters the CRM keeps (they were cut, merging two interactions)."""
from __future__ import annotations

import re
import uuid
from typing import Any, Iterator

import httpx

SIZE_LIMIT = 1024 * 1024

# what is sent (JSON text, %s = the field) -> what the refusal must say
UNKEEPABLE = {
    "NaN": ('{"%s": NaN}', r"NaN is not a number JSON can carry"),
    "Infinity": ('{"%s": -Infinity}', r"-Infinity is not a number JSON can carry"),
    "a number beyond double range": ('{"%s": 1e400}', r"1e400 is beyond the range of a number"),
    "an integer beyond 2**53": ('{"%s": 9007199254740993}', r"beyond the safe integer range"),
    "an integer beyond 64 bits": ('{"%s": 18446744073709551616}', r"beyond the safe integer range"),
    "a NUL character": ('{"%s": "Ve\\u0000ra"}', r"contains a NUL character"),
    "a lone surrogate": ('{"%s": "\\ud800"}', r"contains a lone UTF-16 surrogate"),
}


def send_raw(system_api, method: str, path: str, content: bytes | str | Iterator[bytes], correlation_id: str,
             **headers: str) -> httpx.Response:
    """A request with a body as written (httpx's json= would refuse NaN itself), authenticated."""
    sent = {**system_api.client.auth_headers(), "content-type": "application/json",
            "x-correlation-id": correlation_id, **headers}
    return system_api.client.http.request(method, path, content=content, headers=sent)


def first_body_field(system_api) -> tuple[str, str, str]:
    """(METHOD, concrete path, a property) of the first documented operation taking a JSON object body."""
    doc = system_api.openapi
    for method, path, op in system_api.operations():
        schema = (op.get("requestBody") or {}).get("content", {}).get("application/json", {}).get("schema", {})
        while "$ref" in schema:
            schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        if schema.get("properties"):
            return method, re.sub(r"\{[^}]+\}", "1", path), next(iter(schema["properties"]))
    raise AssertionError(f"{system_api.name} documents no operation with a JSON object body")


def test_json_no_system_could_keep_as_sent_is_refused_with_the_reason(system_api):
    method, path, field = first_body_field(system_api)
    correlation_id = f"unkeepable-{uuid.uuid4().hex[:12]}"
    wrong = []
    for what, (template, reason) in UNKEEPABLE.items():
        response = send_raw(system_api, method, path, template % field, correlation_id)
        body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
        named = [e for e in body.get("errors", []) if e.get("field") == field and re.search(reason, e.get("message", ""))]
        if response.status_code != 422 or not named:
            wrong.append(f"{what}: {method} {path} -> {response.status_code} {response.text[:200]}")
    assert not wrong, f"{system_api.name}: values it cannot keep were not refused with the reason:\n" + "\n".join(wrong)
    assert system_api.events_with(correlation_id) == []


def test_a_body_over_the_size_limit_is_refused_with_413(system_api):
    method, path, field = first_body_field(system_api)
    correlation_id = f"oversized-{uuid.uuid4().hex[:12]}"
    blob = '{"%s": "%s"}' % (field, "x" * SIZE_LIMIT)
    response = send_raw(system_api, method, path, blob, correlation_id)
    assert response.status_code == 413, f"{system_api.name}: {response.status_code} {response.text[:200]}"
    assert "1048576-byte limit" in response.json()["detail"]
    chunked = send_raw(system_api, method, path, iter([blob[:SIZE_LIMIT // 2].encode(), blob[SIZE_LIMIT // 2:].encode()]),
                       correlation_id)  # no Content-Length: counted while it arrives
    assert chunked.status_code == 413, f"{system_api.name} (chunked): {chunked.status_code} {chunked.text[:200]}"
    assert system_api.events_with(correlation_id) == []


def test_the_crm_stores_contact_values_as_sent_or_refuses_them(system_apis):
    crm = system_apis["crm"]
    last_name = f"Kept-{uuid.uuid4().hex[:8]}"
    good = '"first_name": "Vera", "last_name": "%s", "phone": "+15550001112"' % last_name
    refused = {
        "NaN in a custom field": '{%s, "custom_fields": {"score": NaN}}' % good,
        "Infinity in a custom field": '{%s, "custom_fields": {"score": Infinity}}' % good,
        "an integer beyond 2**53 in a custom field": '{%s, "custom_fields": {"loyalty_id": 9007199254740993}}' % good,
        "a NUL in the first name": '{"first_name": "Ve\\u0000ra", %s}' % good.split(", ", 1)[1],
    }
    correlation_id = f"unkeepable-{uuid.uuid4().hex[:12]}"
    for what, body in refused.items():
        response = send_raw(crm, "POST", "/api/contacts", body, correlation_id)
        assert response.status_code == 422, f"{what}: {response.status_code} {response.text[:200]}"
        assert response.json()["errors"][0]["field"] in ("custom_fields.score", "custom_fields.loyalty_id", "first_name")
    kept = send_raw(crm, "POST", "/api/contacts", '{%s, "custom_fields": {"loyalty_id": 9007199254740991}}' % good,
                    correlation_id)
    assert kept.status_code == 201 and kept.json()["custom_fields"] == {"loyalty_id": 9007199254740991}, kept.text
    found = crm.client.get("/api/contacts", params={"q": last_name})["contacts"]
    assert [c["id"] for c in found] == [kept.json()["id"]], found
    assert [e["type"] for e in crm.events_with(correlation_id)] == ["contact.created"]


def test_a_4_mb_attribute_blob_is_refused_and_no_call_log_is_made(system_apis):
    crm, cti = system_apis["crm"], system_apis["cti"]
    interaction_id = f"call-blob-{uuid.uuid4().hex[:12]}"
    blob = {"status": "in_progress", "attributes": {"blob": "x" * (4 * SIZE_LIMIT)}}
    response = crm.client.request("PUT", f"/api/activities/{interaction_id}", json=blob)
    assert response.status_code == 413, f"{response.status_code} {response.text[:200]}"
    assert crm.client.request("GET", f"/api/activities/{interaction_id}").status_code == 404
    call = cti.client.request("POST", "/api/simulator/calls", json={
        "from_number": "+15550001113", "queue": "support", "attributes": {"blob": "x" * (4 * SIZE_LIMIT)}})
    assert call.status_code == 413, f"{call.status_code} {call.text[:200]}"


def _activities(crm, interaction_id: str) -> list[dict[str, Any]]:
    return crm.client.get("/api/activities", params={"interaction_id": interaction_id})["activities"]


def test_activity_ids_over_100_characters_are_refused_never_cut(system_apis):
    """Two interactions sharing their first 100 characters were merged into one call log."""
    crm = system_apis["crm"]
    prefix = f"call-{uuid.uuid4().hex}".ljust(100, "x")
    correlation_id = f"long-id-{uuid.uuid4().hex[:12]}"
    for suffix in ("A", "B"):
        response = crm.client.request("PUT", f"/api/activities/{prefix}{suffix}", correlation_id=correlation_id,
                                      json={"status": "in_progress", "agent": "maya"})
        assert response.status_code == 422, f"{response.status_code} {response.text[:200]}"
        assert response.json()["errors"][0]["field"] == "path.interaction_id", response.text
    bulk = crm.client.post("/api/activities/bulk", correlation_id=correlation_id,
                           json={"activities": [{"interaction_id": f"{prefix}C", "status": "in_progress"}]})
    assert bulk["results"][0]["status"] == "invalid" and "100 characters" in bulk["results"][0]["detail"], bulk
    assert _activities(crm, prefix) == [] and crm.events_with(correlation_id) == []
    at_the_limit = crm.client.request("PUT", f"/api/activities/{prefix}", json={"status": "in_progress"})
    assert at_the_limit.status_code == 200 and at_the_limit.json()["interaction_id"] == prefix, at_the_limit.text
    followup = crm.client.request("PUT", f"/api/followups/{'f' * 61}", json={"status": "scheduled"})
    assert followup.status_code == 422, f"{followup.status_code} {followup.text[:200]}"


def test_nul_characters_in_the_url_are_refused(system_apis):
    crm = system_apis["crm"]
    for path, params in ((f"/api/activities/call-{uuid.uuid4().hex[:8]}%00x", None), ("/api/contacts", {"q": "Ve\x00ra"})):
        response = crm.client.request("PUT" if params is None else "GET", path, params=params,
                                      json={"status": "in_progress"} if params is None else None)
        assert response.status_code == 400 and "NUL" in response.json()["detail"], f"{path}: {response.text[:200]}"
