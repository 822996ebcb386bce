"""The crm's Salesforce door: the subset of Salesforce's REST API the deskcheck Salesforce adapter uses,
served over HTTPS (a test certificate authority made at start-up) on a listener of its own, over the
crm's own store. Objects and fields: sandbox/crm/salesforce_schema.py.

    POST /services/oauth2/token                          client_credentials and password grants (form)
    GET  /services/data/                                  the API versions
    GET  /services/data/vNN.0/sobjects                    the objects (global describe)
    GET|POST /services/data/vNN.0/sobjects/{Object}       object info | create
    GET  /services/data/vNN.0/sobjects/{Object}/describe  fields, types, labels, picklists
    GET|PATCH|DELETE /services/data/vNN.0/sobjects/{Object}/{Id}   (GET takes ?fields=A,B)
    GET  /services/data/vNN.0/query?q=SOQL, /queryAll?q=SOQL, /query/{cursor}  (2000 records a page)

Tokens are the crm's own (same clients, users, lifetime and sandbox clock); a user's token applies
their role's field-level security (hidden fields are absent from describe, records and SOQL).
Refusals have Salesforce's shape [{"message", "errorCode", "fields"}].
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import socket
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Mapping

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..platform.auth import SERVICE, Principal
from ..platform.correlation import CorrelationMiddleware
from ..platform.door import Door
from ..platform.system import System
from .salesforce_records import SalesforceOrg
from .salesforce_schema import API_VERSIONS, SOBJECTS, SObject, make_id, sobject
from .salesforce_soql import SoqlError, parse, resolve
from .salesforce_values import SfError, not_found, read_body
from .store import Crm
from .visibility import hidden_fields

ORG_ID = make_id("00D", 1)
PAGE_SIZE = 2000
KEPT_CURSORS = 20
METHODS = ["GET", "POST", "PATCH", "DELETE", "PUT", "HEAD"]


def method_not_allowed(method: str, *allowed: str) -> SfError:
    return SfError(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{method}' not allowed. Allowed are {','.join(allowed)}")


def oauth_error(code: str, description: str) -> JSONResponse:
    return JSONResponse({"error": code, "error_description": description}, status_code=400)


class SalesforceApi:
    """One request at a time: authenticate, route, answer (status, JSON body or None)."""

    def __init__(self, system: System, url: str) -> None:
        self.system, self.url = system, url
        self.org = SalesforceOrg(Crm(system), list(system.auth.clients))
        self.cursors: OrderedDict[str, tuple[str, list[dict[str, Any]]]] = OrderedDict()
        self._cursor_lock = threading.Lock()  # requests run on a thread pool

    def principal(self, authorization: str | None) -> Principal:
        scheme, _, token = (authorization or "").partition(" ")
        found = self.system.auth.principal_for_token(token.strip()) if scheme.lower() in ("bearer", "oauth") else None
        if found is None:
            raise SfError(401, "INVALID_SESSION_ID", "Session expired or invalid")
        return found

    def user_id(self, principal: Principal) -> str:
        users = {row["Username"]: row["Id"] for row in self.org.user_rows({})}
        return users.get(principal.name) or make_id("005", 0)

    def handle(self, method: str, path: str, params: Mapping[str, str], raw: bytes,
               authorization: str | None) -> tuple[int, Any]:
        parts = [p for p in path.split("/") if p]
        if not parts:
            if method != "GET":
                raise method_not_allowed(method, "GET")
            return 200, [{"label": f"API {v}", "url": f"/services/data/v{v}", "version": v} for v in API_VERSIONS]
        version = parts[0][1:] if parts[0].startswith("v") else ""
        if version not in API_VERSIONS:
            raise not_found()
        principal = self.principal(authorization)
        hidden = set(hidden_fields(principal))
        rest = parts[1:]
        base = f"/services/data/v{version}"
        if not rest:
            self.only(method, "GET")
            return 200, {name: f"{base}/{name}" for name in ("sobjects", "query", "queryAll")}
        if rest[0] in ("query", "queryAll") and len(rest) <= 2:
            self.only(method, "GET")
            if len(rest) == 2:
                return 200, self.next_page(rest[1], base)
            return 200, self.query(params.get("q") or "", rest[0] == "queryAll", hidden, version)
        if rest[0] != "sobjects" or len(rest) > 3:
            raise not_found()
        if len(rest) == 1:
            self.only(method, "GET")
            return 200, {"encoding": "UTF-8", "maxBatchSize": 200,
                         "sobjects": [o.visible(hidden).summary(version) for o in SOBJECTS.values()]}
        found = sobject(rest[1])
        if found is None:
            raise not_found()
        obj = found.visible(hidden)
        if len(rest) == 2:
            if method == "POST":
                new_id = self.org.create(obj, read_body(raw), principal)
                return 201, {"id": new_id, "success": True, "errors": []}
            self.only(method, "GET", "POST")
            return 200, {"objectDescribe": obj.summary(version), "recentItems": []}
        if rest[2] == "describe":
            self.only(method, "GET")
            return 200, obj.describe(version)
        if method == "GET":
            wanted = [resolve(obj, name.strip()) for name in params["fields"].split(",")] if params.get("fields") \
                else list(obj.fields)
            return 200, self.record(obj, self.org.row(obj, rest[2]), wanted, version)
        if method == "PATCH":
            self.org.update(obj, rest[2], read_body(raw), principal)
            return 204, None
        if method == "DELETE":
            self.org.delete(obj, rest[2], principal)
            return 204, None
        raise method_not_allowed(method, "GET", "PATCH", "DELETE")

    @staticmethod
    def only(method: str, *allowed: str) -> None:
        if method not in allowed:
            raise method_not_allowed(method, *allowed)

    @staticmethod
    def record(obj: SObject, row: dict[str, Any], fields: list[Any], version: str) -> dict[str, Any]:
        return {"attributes": {"type": obj.name, "url": f"{obj.url(version)}/{row['Id']}"},
                **{spec.name: row.get(spec.name) for spec in fields}}

    def query(self, soql: str, include_deleted: bool, hidden: set[str], version: str) -> dict[str, Any]:
        try:
            query = parse(soql, lambda name: (lambda o: o.visible(hidden) if o else None)(sobject(name)))
        except SoqlError as exc:
            raise SfError(400, exc.code, exc.message) from None
        rows = query.run(self.org.rows(query.sobject, include_deleted, query.hints))
        records = [self.record(query.sobject, row, query.fields, version) for row in rows]
        return self.page(records, len(records), f"/services/data/v{version}")

    def page(self, records: list[dict[str, Any]], total: int, base: str) -> dict[str, Any]:
        answer: dict[str, Any] = {"totalSize": total, "done": len(records) <= PAGE_SIZE, "records": records[:PAGE_SIZE]}
        if len(records) > PAGE_SIZE:
            cursor = f"01g{secrets.token_hex(8)}-{PAGE_SIZE}"
            with self._cursor_lock:
                self.cursors[cursor] = (base, records[PAGE_SIZE:])
                while len(self.cursors) > KEPT_CURSORS:
                    self.cursors.popitem(last=False)
            answer["nextRecordsUrl"] = f"{base}/query/{cursor}"
        return answer

    def next_page(self, cursor: str, base: str) -> dict[str, Any]:
        with self._cursor_lock:
            kept = self.cursors.pop(cursor, None)
        if kept is None:
            raise SfError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        answer = self.page(kept[1], 0, kept[0])
        answer["totalSize"] = len(kept[1])
        return answer

    def token(self, form: Mapping[str, str]) -> JSONResponse:
        grant = form.get("grant_type")
        if grant not in ("client_credentials", "password"):
            return oauth_error("unsupported_grant_type", "grant type not supported")
        clients = self.system.auth.clients
        client_id, secret = str(form.get("client_id") or ""), str(form.get("client_secret") or "")
        if client_id not in clients:
            return oauth_error("invalid_client_id", "client identifier invalid")
        if not secrets.compare_digest(clients[client_id], secret):
            return oauth_error("invalid_client", "invalid client credentials")
        if grant == "password":
            verify = self.system.auth.verify_user
            principal = verify(str(form.get("username") or ""), str(form.get("password") or "")) if verify else None
            if principal is None:
                return oauth_error("invalid_grant", "authentication failure")
        else:
            principal = Principal("client", client_id, self.system.auth.client_roles.get(client_id, SERVICE))
        issued = self.system.auth.issue(principal)
        identity = f"{self.url}/id/{ORG_ID}/{self.user_id(principal)}"
        issued_at = str(int(self.system.clock.timestamp() * 1000))
        signature = base64.b64encode(hmac.new(secret.encode(), (identity + issued_at).encode(),
                                              hashlib.sha256).digest()).decode()
        return JSONResponse({"access_token": issued["access_token"], "instance_url": self.url, "id": identity,
                             "token_type": "Bearer", "issued_at": issued_at, "signature": signature, "scope": "api"})


def build_app(system: System, url: str) -> FastAPI:
    api = SalesforceApi(system, url)
    app = FastAPI(title="deskcheck crm: Salesforce REST door", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(CorrelationMiddleware)

    @app.exception_handler(SfError)
    async def refused(request: Request, exc: SfError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(SoqlError)
    async def bad_soql(request: Request, exc: SoqlError) -> JSONResponse:
        return JSONResponse(SfError(400, exc.code, exc.message).body(), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def unknown(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        refusal = not_found() if exc.status_code == 404 else SfError(exc.status_code, "UNKNOWN_EXCEPTION", str(exc.detail))
        return JSONResponse(refusal.body(), status_code=refusal.status)

    @app.post("/services/oauth2/token")
    async def token(request: Request) -> JSONResponse:
        return api.token(dict(await request.form()))

    @app.api_route("/services/data", methods=METHODS)
    @app.api_route("/services/data/{path:path}", methods=METHODS)
    async def data(request: Request, path: str = "") -> Response:
        raw = await request.body()
        status, body = await run_in_threadpool(api.handle, request.method, path, request.query_params, raw,
                                               request.headers.get("authorization"))
        return Response(status_code=204) if body is None else JSONResponse(body, status_code=status)

    return app


def open_door(systems: Mapping[str, Any], sock: socket.socket, data_dir: Path) -> Door:
    """The door over the crm: HTTPS with a test CA made now (its certificate written to the data dir)."""
    import trustme  # only the sandbox needs it

    ca = trustme.CA(organization_name="deskcheck sandbox test CA")
    server = ca.issue_cert("127.0.0.1", "localhost")
    ca_bundle, server_pem = Path(data_dir) / "salesforce-ca.pem", Path(data_dir) / "salesforce-server.pem"
    ca.cert_pem.write_to_path(str(ca_bundle))
    server.private_key_and_cert_chain_pem.write_to_path(str(server_pem))
    os.chmod(server_pem, 0o600)  # the server's private key
    url = f"https://127.0.0.1:{sock.getsockname()[1]}"
    return Door(build_app(systems["crm"], url), sock, {"salesforce": url, "ca_bundle": str(ca_bundle)},
                {"ssl_certfile": str(server_pem)})
