"""Values at the Salesforce door: errors in Salesforce's shape, date-times, and a record body checked
field by field the way Salesforce checks it (unknown field, read-only field, type, length, picklist, id)."""
from __future__ import annotations

import json
import math
import re
from datetime import date, datetime, timezone
from typing import Any

from .phone import PhoneError, normalize_phone, try_normalize_phone
from .salesforce_schema import BY_PREFIX, Field, SObject, parse_id
from .salesforce_soql import parse_datetime

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NON_NEGATIVE = ("WrapUpSeconds__c", "HoldSeconds__c", "MutedSeconds__c", "Total__c")
MAX_NUMBER = 10_000_000


class SfError(Exception):
    """A refusal answered as Salesforce answers it: [{"message", "errorCode", "fields"}] with an HTTP status."""

    def __init__(self, status: int, code: str, message: str, fields: list[str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or []

    def body(self) -> list[dict[str, Any]]:
        return [{"message": self.message, "errorCode": self.code, "fields": self.fields}]


def bad_request(code: str, message: str, *fields: str) -> SfError:
    return SfError(400, code, message, list(fields))


def not_found() -> SfError:
    return SfError(404, "NOT_FOUND", "The requested resource does not exist")


def no_access(message: str) -> SfError:
    return SfError(403, "INSUFFICIENT_ACCESS_OR_READONLY", message)


# -- date-times: the store's ISO 8601 <-> Salesforce's 2024-05-01T10:00:00.000+0000 ----------------
def sf_datetime(iso: str | None) -> str | None:
    if not iso:
        return None
    try:
        moment = parse_datetime(iso).astimezone(timezone.utc)
    except ValueError:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def store_datetime(value: str) -> str:
    return parse_datetime(value).astimezone(timezone.utc).isoformat(timespec="milliseconds")


# -- a record body, field by field --------------------------------------------------------------
def read_body(raw: bytes) -> Any:
    """The JSON body, refused as Salesforce refuses what it cannot parse (JSON_PARSER_ERROR)."""
    def refuse(what: str) -> None:
        raise bad_request("JSON_PARSER_ERROR", f"Cannot deserialize the request: {what}")

    try:
        return json.loads(raw.decode("utf-8") or "null",
                          parse_constant=lambda name: refuse(f"{name} is not a number"),
                          parse_int=lambda text: int(text) if len(text.lstrip("-")) <= 15 else refuse(
                              f"{text[:20]} is beyond the range of a number"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise bad_request("JSON_PARSER_ERROR", f"Unexpected character in the request body: {exc}") from None


def checked_body(obj: SObject, body: Any, creating: bool) -> dict[str, Any]:
    """Field name -> value, for the fields this principal sees and may write; SfError for anything else."""
    if not isinstance(body, dict):
        raise bad_request("JSON_PARSER_ERROR", f"Cannot deserialize instance of {obj.name} from a JSON "
                          f"{type(body).__name__}: send an object of field values")
    values: dict[str, Any] = {}
    for key, value in body.items():
        if key == "attributes":
            continue
        spec = obj.field(key)
        if spec is None:
            raise bad_request("INVALID_FIELD", f"No such column '{key}' on sobject of type {obj.name}", key)
        if not (spec.create if creating else spec.update):
            raise bad_request("INVALID_FIELD_FOR_INSERT_UPDATE", f"Unable to {'create' if creating else 'update'} "
                              f"fields: {spec.name}. Please check the security settings of this field and verify that "
                              "it is read/write for your profile or permission set.", spec.name)
        values[spec.name] = checked_value(spec, value)
    return values


def checked_value(spec: Field, value: Any) -> Any:
    if value is None:
        if not spec.nillable:
            raise bad_request("REQUIRED_FIELD_MISSING", f"Required fields are missing: [{spec.name}]", spec.name)
        return None
    if spec.type == "boolean":
        return _typed(spec, value, bool)
    if spec.type in ("int", "double", "currency"):
        number = _typed(spec, value, (int, float))
        low = 0 if spec.name in NON_NEGATIVE else -MAX_NUMBER
        if isinstance(number, bool) or not math.isfinite(number) or not low <= number <= MAX_NUMBER:
            raise bad_request("NUMBER_OUTSIDE_VALID_RANGE", f"{spec.label}: value outside of valid range on numeric "
                              f"field: {value}", spec.name)
        return number
    text = _typed(spec, value, str)
    if "\x00" in text or re.search(r"[\ud800-\udfff]", text):
        raise bad_request("JSON_PARSER_ERROR", f"{spec.name}: the text holds a NUL or a lone surrogate", spec.name)
    if spec.type == "date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise bad_request("JSON_PARSER_ERROR", f"Cannot deserialize instance of date from VALUE_STRING value "
                              f"{text} or request may be missing a required field", spec.name) from None
    if spec.type == "datetime":
        try:
            return store_datetime(text)
        except ValueError:
            raise bad_request("JSON_PARSER_ERROR", f"Cannot deserialize instance of datetime from VALUE_STRING "
                              f"value {text} or request may be missing a required field", spec.name) from None
    if spec.type == "reference":
        parsed = parse_id(text)
        if parsed is None or BY_PREFIX.get(parsed[0]) is None or BY_PREFIX[parsed[0]].name != spec.reference_to:
            raise bad_request("MALFORMED_ID", f"{spec.label}: id value of incorrect type: {text}", spec.name)
        return parsed[1]
    if spec.length and len(text) > spec.length:
        raise bad_request("STRING_TOO_LONG", f"{spec.label}: data value too large: {text[:40]} "
                          f"(max length={spec.length})", spec.name)
    if spec.picklist and text not in [v for v, _ in spec.picklist]:
        raise bad_request("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", f"{spec.label}: bad value for restricted "
                          f"picklist field: {text}", spec.name)
    if spec.type == "email" and text and not EMAIL.match(text):
        raise bad_request("INVALID_EMAIL_ADDRESS", f"{spec.label}: invalid email address: {text}", spec.name)
    if spec.type == "phone":
        return _phone(spec, text)
    return text


def _typed(spec: Field, value: Any, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        name = {bool: "boolean", str: "string"}.get(kind, "double") if isinstance(kind, type) else "double"
        raise bad_request("JSON_PARSER_ERROR", f"Cannot deserialize instance of {name} from "
                          f"{json.dumps(value)[:40]} or request may be missing a required field", spec.name)
    return value


def _phone(spec: Field, text: str) -> str:
    """Contact phones are kept in E.164 (this org's phone-format rule; screen pops match on it)."""
    if spec.name != "Phone":
        return try_normalize_phone(text) or text
    try:
        return normalize_phone(text)
    except PhoneError as exc:
        raise bad_request("FIELD_CUSTOM_VALIDATION_EXCEPTION", f"{spec.label}: {exc}", spec.name) from None


def attributes_json(spec_name: str, text: str | None) -> dict[str, Any] | None:
    """CallAttributes__c: a JSON object (the call's attributes) or nothing."""
    if text in (None, ""):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise bad_request("FIELD_CUSTOM_VALIDATION_EXCEPTION", f"{spec_name}: must be a JSON object of the call's "
                          "attributes", spec_name)
    return value


def moment(value: str | None) -> datetime | None:
    try:
        return parse_datetime(value) if value else None
    except ValueError:
        return None
