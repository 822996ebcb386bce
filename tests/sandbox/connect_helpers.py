"""Helpers for the Amazon Connect door's tests: boto3 clients whose every request and answer is checked against
botocore's service model, and raw SigV4-signed requests (to send what boto3 never would)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import boto3
import httpx
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.validate import ParamValidator

#: errors any operation may answer (auth and protocol), besides the ones the model lists per operation
COMMON_ERRORS = {"MissingAuthenticationTokenException", "IncompleteSignatureException", "InvalidSignatureException",
                 "UnrecognizedClientException", "UnknownOperationException", "SerializationException",
                 "RequestEntityTooLargeException"}


def enum_problems(value: Any, shape: Any, where: str) -> list[str]:
    """Enum values botocore's validator does not check."""
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        return [p for k, v in value.items() if k in shape.members
                for p in enum_problems(v, shape.members[k], f"{where}.{k}")]
    if kind == "list" and isinstance(value, list):
        return [p for i, v in enumerate(value) for p in enum_problems(v, shape.member, f"{where}[{i}]")]
    if kind == "map" and isinstance(value, dict):
        return [p for k, v in value.items() for p in enum_problems(v, shape.value, f"{where}.{k}")]
    if kind == "string" and shape.enum and value not in shape.enum:
        return [f"{where}: {value!r} is not one of {shape.enum}"]
    return []


class ModelCheck:
    """Checks every call a boto3 ``connect`` client makes: the request's members and types against the
    operation's input shape, the answer against its output shape, a refusal's type against the errors the
    model lists for the operation. ``problems`` collects what broke; ``operations`` what was called."""

    def __init__(self, client: Any) -> None:
        self.problems: list[str] = []
        self.operations: list[str] = []
        client.meta.events.register("before-parameter-build.connect", self._request)
        client.meta.events.register("after-call.connect", self._answer)

    def _check(self, operation: str, what: str, value: Any, shape: Any) -> None:
        report = ParamValidator().validate(value, shape)
        found = ([report.generate_report()] if report.has_errors() else []) + enum_problems(value, shape, what)
        self.problems += [f"{operation} {what}: {p}" for p in found]

    def _request(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.operations.append(model.name)
        self._check(model.name, "request", params, model.input_shape)

    def _answer(self, http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        if http_response.status_code >= 300:
            code = (parsed.get("Error") or {}).get("Code")
            declared = {shape.name for shape in model.error_shapes} | COMMON_ERRORS
            if code not in declared:
                self.problems.append(f"{model.name} answered {code}, not an error the model lists for it")
            return
        if model.output_shape is not None:
            self._check(model.name, "answer", {k: v for k, v in parsed.items() if k != "ResponseMetadata"},
                        model.output_shape)


def connect_client(urls: dict[str, Any], secret: str | None = None, key: str | None = None) -> Any:
    """A boto3 client for the sandbox's door (its own keys unless others are given); no retries."""
    return boto3.client("connect", region_name=urls["connect_region"], endpoint_url=urls["connect"],
                        aws_access_key_id=key or urls["connect_access_key_id"],
                        aws_secret_access_key=secret or urls["connect_secret_access_key"],
                        config=Config(retries={"max_attempts": 1, "mode": "standard"}))


def signed_request(urls: dict[str, Any], method: str, path: str, body: bytes = b"", query: str = "",
                   when: datetime | None = None) -> httpx.Request:
    """A request signed with the run's keys by botocore's SigV4 signer, at ``when`` (now by default)."""
    url = urls["connect"] + path + (f"?{query}" if query else "")
    request = AWSRequest(method=method, url=url, data=body,
                         headers={"Content-Type": "application/json"} if body else {})
    stamp = (when or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    request.headers["X-Amz-Date"] = stamp
    request.context["timestamp"] = stamp
    signer = SigV4Auth(Credentials(urls["connect_access_key_id"], urls["connect_secret_access_key"]),
                       "connect", urls["connect_region"])
    canonical = signer.canonical_request(request)
    signature = signer.signature(signer.string_to_sign(request, canonical), request)
    headers = dict(request.headers.items())
    headers["Authorization"] = (f"AWS4-HMAC-SHA256 Credential={urls['connect_access_key_id']}/"
                                f"{signer.credential_scope(request)}, "
                                f"SignedHeaders={signer.signed_headers(signer.headers_to_sign(request))}, "
                                f"Signature={signature}")
    return httpx.Request(method, url, content=body, headers=headers)
