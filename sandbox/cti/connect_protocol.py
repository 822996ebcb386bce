"""The Connect door's protocol: Connect's errors, botocore's service model for routing, SigV4 checked with
botocore's signer, requests parsed and answers checked against the model's shapes (see connect.py)."""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote

from ..platform.errors import Refusal

MAX_BODY_BYTES = 1_000_000
MAX_CLOCK_SKEW_SECONDS = 15 * 60  # AWS refuses signatures more than 15 minutes off
SIGNATURE_MISMATCH = ("The request signature we calculated does not match the signature you provided. Check your "
                      "AWS Secret Access Key and signing method. Consult the service documentation for details.")
AUTHORIZATION = re.compile(r"AWS4-HMAC-SHA256 Credential=(?P<key>[^/\s]+)/(?P<date>\d{8})/(?P<region>[^/\s]+)/"
                           r"(?P<service>[^/\s]+)/aws4_request,\s*SignedHeaders=(?P<signed>[a-z0-9;_.-]+),\s*"
                           r"Signature=(?P<signature>[0-9a-f]{64})$")
#: a domain refusal's status -> the Connect error it is answered with
REFUSALS = {403: (403, "AccessDeniedException"), 404: (404, "ResourceNotFoundException"),
            409: (400, "InvalidRequestException"), 422: (400, "InvalidParameterException")}


class ConnectError(Exception):
    """A refusal in Connect's shape."""

    def __init__(self, status: int, error_type: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error_type, self.message = status, error_type, message


def refusal_as_connect(exc: Refusal, overrides: dict[int, tuple[int, str]] | None = None) -> ConnectError:
    status, error_type = {**REFUSALS, **(overrides or {})}.get(exc.status, (500, "InternalServiceException"))
    return ConnectError(status, error_type, exc.detail)


# ---- botocore's service model (loaded on the first request: most sandboxes never use this door) ------

_model_lock = threading.Lock()
_model: Any = None


def service_model() -> Any:
    global _model
    with _model_lock:
        if _model is None:
            import botocore.session
            _model = botocore.session.get_session().get_service_model("connect")
        return _model


@dataclass(frozen=True)
class Route_:
    operation: str
    method: str
    pattern: re.Pattern
    literal_length: int  # the more literal characters a template has, the more specific it is


def _routes() -> list[Route_]:
    model, found = service_model(), []
    for name in model.operation_names:
        http = model.operation_model(name).http
        template = http["requestUri"].split("?", 1)[0]
        regex, literal = "", 0
        for part in re.split(r"(\{[^}]+\})", template):
            if part.startswith("{"):
                label = part[1:-1]
                regex += f"(?P<{label.rstrip('+')}>.+)" if label.endswith("+") else f"(?P<{label}>[^/]+)"
            else:
                regex += re.escape(part)
                literal += len(part)
        found.append(Route_(name, http["method"], re.compile(f"^{regex}$"), literal))
    return sorted(found, key=lambda r: -r.literal_length)


_route_table: list[Route_] | None = None


def route(method: str, path: str) -> tuple[str, dict[str, str]]:
    """The operation a request is for and its URI labels; UnknownOperationException when none matches."""
    global _route_table
    if _route_table is None:
        _route_table = _routes()
    for candidate in _route_table:
        if candidate.method == method:
            match = candidate.pattern.match(path)
            if match:
                return candidate.operation, {k: unquote(v) for k, v in match.groupdict().items()}
    raise ConnectError(400, "UnknownOperationException", f"no Amazon Connect operation answers {method} {path}")


# ---- SigV4 ------------------------------------------------------------------------------------------

def verify_signature(settings: Any, method: str, url: str, headers: list[tuple[str, str]],
                     body: bytes, now: float | None = None) -> None:
    """Recomputes the request's SigV4 signature with botocore's signer; ConnectError (403) unless it matches."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    values: dict[str, list[str]] = {}
    for name, value in headers:
        values.setdefault(name.lower(), []).append(value)
    authorization = (values.get("authorization") or [""])[0]
    if not authorization:
        raise ConnectError(403, "MissingAuthenticationTokenException", "Missing Authentication Token")
    parts = AUTHORIZATION.match(authorization.strip())
    if parts is None:
        raise ConnectError(403, "IncompleteSignatureException",
                           "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters "
                           "(AWS4-HMAC-SHA256)")
    if not hmac.compare_digest(parts["key"], settings.access_key_id) or "x-amz-security-token" in values:
        raise ConnectError(403, "UnrecognizedClientException", "The security token included in the request is invalid.")
    amz_date = (values.get("x-amz-date") or [""])[0]
    try:
        signed_at = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).timestamp()
    except ValueError:
        raise ConnectError(403, "IncompleteSignatureException", "the request needs an X-Amz-Date header "
                                                                "(YYYYMMDD'T'HHMMSS'Z')") from None
    if (parts["date"], parts["region"], parts["service"]) != (amz_date[:8], settings.region, "connect"):
        raise ConnectError(403, "InvalidSignatureException",
                           f"Credential should be scoped to a valid date, region and service: "
                           f"{amz_date[:8]}/{settings.region}/connect")
    if abs((now if now is not None else time.time()) - signed_at) > MAX_CLOCK_SKEW_SECONDS:
        raise ConnectError(403, "InvalidSignatureException",
                           f"Signature expired: {amz_date} is more than 15 minutes from the server's time")
    signed = parts["signed"].split(";")
    if "host" not in signed or any(name not in values for name in signed):
        raise ConnectError(403, "InvalidSignatureException", SIGNATURE_MISMATCH)
    declared_hash = (values.get("x-amz-content-sha256") or [None])[0]
    if declared_hash not in (None, "UNSIGNED-PAYLOAD", hashlib.sha256(body).hexdigest()):
        raise ConnectError(403, "InvalidSignatureException", SIGNATURE_MISMATCH)
    request = AWSRequest(method=method, url=url, data=body,
                         headers={name: ",".join(values[name]) for name in signed})
    request.context["timestamp"] = amz_date
    signer = SigV4Auth(Credentials(settings.access_key_id, settings.secret_access_key), "connect", settings.region)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if signer.signed_headers(signer.headers_to_sign(request)) != parts["signed"] \
            or not hmac.compare_digest(expected, parts["signature"]):
        raise ConnectError(403, "InvalidSignatureException", SIGNATURE_MISMATCH)


# ---- requests and answers, as the model shapes them --------------------------------------------------

def _from_wire(value: Any, shape: Any, where: str, problems: list[str]) -> Any:
    """JSON (or a query string value) to the Python value botocore's validator expects; enums checked."""
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        return {k: _from_wire(v, shape.members[k], f"{where}.{k}", problems) if k in shape.members else v
                for k, v in value.items() if v is not None}
    if kind == "list" and isinstance(value, list):
        return [_from_wire(v, shape.member, f"{where}[{i}]", problems) for i, v in enumerate(value)]
    if kind == "map" and isinstance(value, dict):
        return {k: _from_wire(v, shape.value, f"{where}.{k}", problems) for k, v in value.items()}
    if kind == "timestamp" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=timezone.utc)
    if kind in ("integer", "long") and isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            problems.append(f"{where}: {value!r} is not a whole number")
            return value
    if kind == "boolean" and isinstance(value, str):
        return {"true": True, "false": False}.get(value, value)
    if kind == "string" and shape.enum and isinstance(value, str) and value not in shape.enum:
        problems.append(f"{where}: {value!r} is not one of {', '.join(shape.enum)}")
    return value


def parse_input(operation: Any, labels: dict[str, str], query: list[tuple[str, str]], body: bytes) -> dict[str, Any]:
    """The operation's input from the URI, the query string and the JSON body, validated with the model."""
    from botocore.validate import ParamValidator

    shape, params, problems = operation.input_shape, {}, []
    if shape is None:
        return {}
    located = {name: member for name, member in shape.members.items() if member.serialization.get("location")}
    for name, member in located.items():
        location, wire_name = member.serialization["location"], member.serialization.get("name", name)
        if location == "uri" and wire_name in labels:
            params[name] = _from_wire(labels[wire_name], member, name, problems)
        elif location == "querystring":
            found = [v for k, v in query if k == wire_name]
            if found:
                raw = found if member.type_name == "list" else found[0]
                params[name] = _from_wire(raw, member, name, problems)
    if body.strip():
        try:
            document = json.loads(body)
        except ValueError as exc:
            raise ConnectError(400, "SerializationException", f"the body is not JSON: {exc}") from None
        if not isinstance(document, dict):
            raise ConnectError(400, "SerializationException", "the body must be a JSON object")
        for name, value in document.items():
            if name in located:
                problems.append(f"{name} belongs in the {located[name].serialization['location']}, not the body")
            elif value is not None:
                params[name] = _from_wire(value, shape.members[name], name, problems) if name in shape.members \
                    else value
    report = ParamValidator().validate(params, shape)
    if report.has_errors() or problems:
        details = problems + ([report.generate_report()] if report.has_errors() else [])
        raise ConnectError(400, "InvalidParameterException", "; ".join(details))
    return params


def _to_wire(value: Any, shape: Any) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return {name: _to_wire(value[name], member) for name, member in shape.members.items()
                if value.get(name) is not None}
    if kind == "list":
        return [_to_wire(v, shape.member) for v in value]
    if kind == "map":
        return {k: _to_wire(v, shape.value) for k, v in value.items()}
    if kind == "timestamp":
        return value.timestamp() if isinstance(value, datetime) else float(value)
    return value


def _pruned(value: Any) -> Any:
    """Without the members that are None (absent, as Connect leaves them out)."""
    if isinstance(value, dict):
        return {k: _pruned(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


def serialize_output(operation: Any, answer: dict[str, Any]) -> bytes:
    """The answer as JSON after checking it against the output shape (a mismatch is the door's bug: a 500)."""
    from botocore.validate import ParamValidator

    shape = operation.output_shape
    if shape is None:
        return b"{}"
    answer = _pruned(answer)
    report = ParamValidator().validate(answer, shape)
    if report.has_errors():
        raise ConnectError(500, "InternalServiceException",
                           f"the sandbox's answer to {operation.name} breaks the model: {report.generate_report()}")
    return json.dumps(_to_wire(answer, shape)).encode()
