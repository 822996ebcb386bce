"""The cti's Amazon Connect door: the subset of the Amazon Connect API the deskcheck adapter uses.

A second listener of the same process, over the same `Cti` domain object as the cti's own API (one
agent, one call, whichever door it came in by). It speaks rest-json at the paths, methods and shapes
of botocore's service model for ``connect``: every request is routed, parsed and validated with that
model, and every answer is checked against it before it is sent. Requests are SigV4-signed with the
run's keys (made with `secrets` at start-up, printed only in ``python -m sandbox --json``); the
signature is recomputed with botocore's own signer over the request as received.

Refusals have Connect's shape: the status, an ``x-amzn-ErrorType`` header and ``{"message": ...}``.
Missing or wrong signature: 403 (MissingAuthenticationTokenException, InvalidSignatureException,
UnrecognizedClientException); an operation outside the subset: 400 UnknownOperationException; an
unknown, missing or ill-typed field: 400 InvalidParameterException; JSON that does not parse: 400
SerializationException. The operations and how they map onto the domain: connect_directory.py (users,
agent statuses, routing profiles, queues, hours, flows, metrics) and connect_contacts.py (contacts).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import socket
import string
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import parse_qsl, unquote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..platform.door import Door
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


@dataclass(frozen=True)
class ConnectSettings:
    """The instance the door presents and the keys that sign for it (new, random ones every run)."""
    instance_id: str
    region: str
    account_id: str
    access_key_id: str
    secret_access_key: str = field(repr=False)

    @classmethod
    def new(cls, region: str = "us-east-1") -> "ConnectSettings":
        alphabet = string.ascii_uppercase + string.digits
        return cls(instance_id=str(uuid.uuid4()), region=region,
                   account_id="".join(secrets.choice(string.digits) for _ in range(12)),
                   access_key_id="AKIA" + "".join(secrets.choice(alphabet) for _ in range(16)),
                   secret_access_key=secrets.token_urlsafe(30))

    @property
    def instance_arn(self) -> str:
        return f"arn:aws:connect:{self.region}:{self.account_id}:instance/{self.instance_id}"

    def client_settings(self, url: str) -> dict[str, str]:
        """What a client needs, as the keys of the sandbox's --json line."""
        return {"connect": url, "connect_instance_id": self.instance_id, "connect_region": self.region,
                "connect_access_key_id": self.access_key_id, "connect_secret_access_key": self.secret_access_key}


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

def verify_signature(settings: ConnectSettings, method: str, url: str, headers: list[tuple[str, str]],
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


# ---- the app --------------------------------------------------------------------------------------

Handler = Callable[[dict[str, Any]], dict[str, Any]]


def operation(name: str, *supports: str) -> Callable[[Callable], Callable]:
    """Marks a method as the handler of a Connect operation, with the input members it honours (besides
    InstanceId): a request giving any other member of the model is refused rather than silently ignored."""
    def mark(method: Callable) -> Callable:
        method.connect_operation = (name, frozenset(supports) | {"InstanceId"})  # type: ignore[attr-defined]
        return method
    return mark


def handlers_of(*parts: Any) -> dict[str, tuple[Handler, frozenset[str]]]:
    """Every ``@operation`` method of these objects: operation name -> (bound method, supported members)."""
    found = {}
    for part in parts:
        for attribute in dir(type(part)):
            marked = getattr(getattr(type(part), attribute), "connect_operation", None)
            if marked:
                found[marked[0]] = (getattr(part, attribute), marked[1])
    return found


def open_door(systems: Mapping[str, Any], sock: socket.socket, data_dir: Path) -> Door:
    """The door over the cti's domain object (sandbox.platform.door), with keys made for this run."""
    settings = ConnectSettings.new()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    return Door(build(systems["cti"].domain, settings).app, sock, settings.client_settings(url))


def build(cti: Any, settings: ConnectSettings) -> "ConnectDoor":
    """The door over a `Cti` domain object (sandbox/cti/model.py)."""
    from .connect_contacts import ContactOperations
    from .connect_directory import ConnectInstance, DirectoryOperations

    instance = ConnectInstance(cti, settings)
    return ConnectDoor(settings, handlers_of(DirectoryOperations(instance), ContactOperations(instance)))


class ConnectDoor:
    """The ASGI app of the door; ``handlers`` maps each Connect operation of the subset to its method."""

    def __init__(self, settings: ConnectSettings, handlers: dict[str, tuple[Handler, frozenset[str]]]) -> None:
        self.settings, self.handlers = settings, handlers
        methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]
        self.app = Starlette(routes=[Route("/{path:path}", self.handle, methods=methods)])

    async def handle(self, request: Request) -> Response:
        request_id = str(uuid.uuid4())
        try:
            declared = request.headers.get("content-length", "0")
            if not declared.isdigit() or int(declared) > MAX_BODY_BYTES:
                raise ConnectError(413, "RequestEntityTooLargeException",
                                   f"the body is over the {MAX_BODY_BYTES}-byte limit")
            body = await request.body()
            raw_path = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
            query = request.scope.get("query_string", b"").decode("latin-1")
            url = f"http://{request.headers.get('host', '')}{raw_path}" + (f"?{query}" if query else "")
            verify_signature(self.settings, request.method, url, list(request.headers.items()), body)
            name, labels = route(request.method, raw_path)
            if name not in self.handlers:
                raise ConnectError(400, "UnknownOperationException",
                                   f"{name} is not part of the sandbox's Amazon Connect subset "
                                   f"({', '.join(sorted(self.handlers))})")
            operation = service_model().operation_model(name)
            params = parse_input(operation, labels, parse_qsl(query, keep_blank_values=True), body)
            answer = await run_in_threadpool(self._run, name, params)
            return Response(serialize_output(operation, answer), status_code=200,
                            headers={"content-type": "application/json", "x-amzn-RequestId": request_id})
        except ConnectError as exc:
            return Response(json.dumps({"message": exc.message}).encode(), status_code=exc.status,
                            headers={"content-type": "application/json", "x-amzn-ErrorType": exc.error_type,
                                     "x-amzn-RequestId": request_id})

    def _run(self, name: str, params: dict[str, Any]) -> dict[str, Any]:
        handler, supported = self.handlers[name]
        unsupported = sorted(set(params) - supported)
        if unsupported:
            raise ConnectError(400, "InvalidParameterException",
                               f"{name}: {', '.join(unsupported)} not supported by the sandbox's Amazon Connect door")
        instance = params.get("InstanceId")
        if instance not in (None, self.settings.instance_id, self.settings.instance_arn):
            raise ConnectError(404, "ResourceNotFoundException", f"Instance not found: {instance}")
        try:
            return handler(params)
        except Refusal as exc:
            raise refusal_as_connect(exc) from None
