"""Field validation on every system's API, generated from its OpenAPI document: a wrong type, a null
where a value is required, a string too long or too short, a value outside a picklist or pattern.
Each must be answered 422 naming the field, and change nothing (no event carries the request's
correlation id)."""
from __future__ import annotations

import re
import uuid
from typing import Any, Iterator

WRONG_TYPE = {"string": 12345, "integer": "not-a-number", "number": "not-a-number", "boolean": "maybe",
              "array": "not-a-list", "object": "not-an-object"}


def _resolve(schema: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _branch(schema: dict[str, Any], doc: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The non-null branch of an ``anyOf`` (``X | None``) and whether null is allowed."""
    schema = _resolve(schema, doc)
    options = schema.get("anyOf") or schema.get("oneOf")
    if not options:
        return schema, schema.get("type") == "null"
    real = [_resolve(o, doc) for o in options if o.get("type") != "null"]
    return (real[0] if len(real) == 1 else {}), len(real) < len(options)


def invalid_values(prop: dict[str, Any], required: bool, doc: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    schema, nullable = _branch(prop, doc)
    kind = schema.get("type")
    if kind in WRONG_TYPE and not schema.get("enum"):
        yield "wrong type", WRONG_TYPE[kind]
    if required and not nullable and "default" not in prop:
        yield "null", None
    if kind == "string":
        if "maxLength" in schema:
            yield "too long", "x" * (schema["maxLength"] + 1)
        if schema.get("minLength", 0) >= 2:
            yield "too short", "x"
        if "pattern" in schema:
            yield "not matching its pattern", "?? not a match ??"
    if "enum" in schema:
        yield "outside its picklist", "NOT_IN_THE_PICKLIST"
    if "const" in schema:
        yield "outside its picklist", "NOT_THE_CONSTANT"


def _concrete(path: str, op: dict[str, Any]) -> str:
    kinds = {p["name"]: p.get("schema", {}).get("type") for p in op.get("parameters", []) if p.get("in") == "path"}
    return re.sub(r"\{([^}]+)\}", lambda m: "1" if kinds.get(m.group(1)) == "integer" else "no-such-id", path)


def cases(system_api) -> Iterator[tuple[str, str, str, str, Any]]:
    doc = system_api.openapi
    for method, path, op in system_api.operations():
        content = (op.get("requestBody") or {}).get("content", {}).get("application/json")
        if not content:
            continue
        body, _ = _branch(content["schema"], doc)
        for name, prop in (body.get("properties") or {}).items():
            for problem, value in invalid_values(prop, name in body.get("required", []), doc):
                yield method, _concrete(path, op), name, problem, value


def test_invalid_fields_are_422_and_change_nothing(system_api):
    checked, wrong = 0, []
    correlation_id = f"invalid-{uuid.uuid4().hex[:12]}"
    for method, path, field, problem, value in cases(system_api):
        response = system_api.client.request(method, path, json={field: value}, correlation_id=correlation_id)
        checked += 1
        body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
        named = any(err.get("field", "").split(".")[-1] == field or err.get("field") == field
                    for err in body.get("errors", []))
        if response.status_code != 422 or not named:
            wrong.append(f"{method} {path} {field} {problem} ({value!r:.30}) -> {response.status_code} {response.text[:150]}")
    assert checked, f"{system_api.name}: no request body fields to validate"
    assert not wrong, f"{system_api.name}: {len(wrong)} of {checked} invalid requests not answered 422 for the field:\n" \
        + "\n".join(wrong)
    changed = system_api.events_with(correlation_id)
    assert changed == [], f"{system_api.name}: invalid requests changed something: {[e['type'] for e in changed]}"


def test_crm_picklists_types_nulls_and_lengths_by_name(system_apis):
    """The same rules, spelled out for the crm's contact API (readable examples for newcomers)."""
    crm = system_apis["crm"].client
    good = {"first_name": "Vera", "last_name": "Lindqvist", "phone": "+15550001111"}
    examples = {
        "a number as a name": {**good, "first_name": 42},
        "a null last name": {**good, "last_name": None},
        "a 101-character first name": {**good, "first_name": "V" * 101},
        "a phone that is not a number": {**good, "phone": "call me maybe"},
        "an email without @": {**good, "email": "vera.example.test"},
        "an unknown field": {**good, "nickname": "V"},
    }
    correlation_id = f"invalid-{uuid.uuid4().hex[:12]}"
    for what, body in examples.items():
        response = crm.request("POST", "/api/contacts", json=body, correlation_id=correlation_id)
        assert response.status_code == 422, f"{what}: {response.status_code} {response.text}"
    case = crm.request("POST", "/api/cases", json={"contact_id": 1, "subject": "x", "status": "resolved-ish"},
                       correlation_id=correlation_id)
    assert case.status_code == 422, case.text
    billing = crm.request("PUT", "/api/contacts/1/billing", json={"status": "bankrupt", "balance": 1},
                          correlation_id=correlation_id)
    assert billing.status_code == 422, billing.text
    assert crm.get("/api/contacts", params={"q": "Lindqvist"})["contacts"] == []
    assert system_apis["crm"].events_with(correlation_id) == []
