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
SerializationException. The wire (errors, routing, SigV4, shapes): connect_protocol.py. What the door
presents (ids, ARNs, statuses, flows): connect_instance.py. The operations and how they map onto the
domain: connect_directory.py (users, agent statuses, routing profiles, queues, hours, flows, metrics) and
connect_contacts.py (contacts).
"""
from __future__ import annotations

import json
import secrets
import socket
import string
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..platform.door import Door
from ..platform.errors import Refusal
from .connect_protocol import (MAX_BODY_BYTES, ConnectError, parse_input, refusal_as_connect, route, serialize_output,
                               service_model, verify_signature)

__all__ = ["ConnectDoor", "ConnectError", "ConnectSettings", "build", "handlers_of", "open_door", "operation",
           "refusal_as_connect"]


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
    from .connect_directory import DirectoryOperations
    from .connect_instance import ConnectInstance

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
