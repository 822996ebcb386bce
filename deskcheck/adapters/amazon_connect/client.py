"""The boto3 ``connect`` client of one instance: calls, paging, the look-ups the CTI adapter repeats, and every
exchange reported (secrets masked) like the sandbox adapters' (``deskcheck.adapters.sandbox.http.REPORTER``).
"""
from __future__ import annotations

import threading
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from deskcheck.adapters.sandbox import http as reporting
from deskcheck.masking import format_exchange, register_secret


class ConnectApiError(AssertionError):
    """Amazon Connect refused a call. An AssertionError, so ``eventually`` retries a read that is not ready yet."""

    def __init__(self, operation: str, code: str, message: str, status: int | None) -> None:
        self.operation, self.code, self.message, self.status = operation, code, message, status
        super().__init__(f"Amazon Connect {operation} answered {status} {code}: {message}")


class ConnectClient:
    """One instance's API: ``call("describe_contact", ContactId=...)`` adds the instance id and raises
    :class:`ConnectApiError` for a refusal."""

    def __init__(self, instance_id: str, region: str, endpoint_url: str | None = None,
                 aws_access_key_id: str | None = None, aws_secret_access_key: str | None = None,
                 aws_session_token: str | None = None, client: Any = None) -> None:
        self.instance_id = instance_id
        register_secret(aws_secret_access_key)
        register_secret(aws_session_token)
        if client is None:  # without explicit keys boto3's own chain finds them (environment, profile, role)
            session = boto3.session.Session(aws_access_key_id=aws_access_key_id,
                                            aws_secret_access_key=aws_secret_access_key,
                                            aws_session_token=aws_session_token, region_name=region)
            client = session.client("connect", endpoint_url=endpoint_url, config=Config(
                retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5, read_timeout=20))
        self.client = client
        self._sent = threading.local()
        client.meta.events.register("before-send.connect", self._remember)
        client.meta.events.register("after-call.connect", self._report)
        self._lock = threading.Lock()
        self._user_ids: dict[str, str] = {}
        self._usernames: dict[str, str] = {}
        self._queue_ids: dict[str, str] = {}
        self._statuses: list[dict[str, Any]] = []
        self._flows: dict[str, str] = {}

    # ---- calls -------------------------------------------------------------------------------------
    def call(self, method: str, **params: Any) -> dict[str, Any]:
        try:
            return getattr(self.client, method)(InstanceId=self.instance_id, **params)
        except ClientError as exc:
            error, meta = exc.response.get("Error", {}), exc.response.get("ResponseMetadata", {})
            raise ConnectApiError(exc.operation_name, error.get("Code", "?"), error.get("Message", str(exc)),
                                  meta.get("HTTPStatusCode")) from None

    def every(self, method: str, key: str, **params: Any) -> list[dict[str, Any]]:
        """Every item of a paged listing."""
        found, token = [], None
        while True:
            answer = self.call(method, **params, **({"NextToken": token} if token else {}))
            found += answer.get(key) or []
            token = answer.get("NextToken")
            if not token:
                return found

    def close(self) -> None:
        closer = getattr(self.client, "close", None)
        if closer:
            closer()

    # ---- look-ups (names and ids change rarely: kept, asked again on a miss) ------------------------
    def user_id(self, username: str) -> str:
        with self._lock:
            known = self._user_ids.get(username)
        if known:
            return known
        criteria = {"StringCondition": {"FieldName": "username", "Value": username, "ComparisonType": "EXACT"}}
        users = [u for u in self.every("search_users", "Users", SearchCriteria=criteria) if u.get("Username") == username]
        if not users:
            raise LookupError(f"Amazon Connect has no user {username!r}")
        with self._lock:
            self._user_ids[username], self._usernames[users[0]["Id"]] = users[0]["Id"], username
        return users[0]["Id"]

    def user(self, username: str) -> dict[str, Any]:
        return self.call("describe_user", UserId=self.user_id(username))["User"]

    def username(self, user_id: str) -> str:
        with self._lock:
            known = self._usernames.get(user_id)
        if known:
            return known
        username = self.call("describe_user", UserId=user_id)["User"]["Username"]
        with self._lock:
            self._usernames[user_id], self._user_ids[username] = username, user_id
        return username

    def queue_ids(self, refresh: bool = False) -> dict[str, str]:
        """Standard queues: name -> id."""
        with self._lock:
            known = dict(self._queue_ids)
        if known and not refresh:
            return known
        found = {q["Name"]: q["Id"] for q in self.every("list_queues", "QueueSummaryList", QueueTypes=["STANDARD"])}
        with self._lock:
            self._queue_ids = found
        return found

    def queue_id(self, name: str) -> str:
        queue_id = self.queue_ids().get(name) or self.queue_ids(refresh=True).get(name)
        if queue_id is None:
            raise LookupError(f"Amazon Connect has no queue {name!r}")
        return queue_id

    def queue_name(self, queue_id: str) -> str | None:
        for refresh in (False, True):
            names = {v: k for k, v in self.queue_ids(refresh).items()}
            if queue_id in names:
                return names[queue_id]
        return None  # an agent's own queue, which has no name

    def statuses(self, refresh: bool = False) -> list[dict[str, Any]]:
        with self._lock:
            known = list(self._statuses)
        if known and not refresh:
            return known
        found = self.every("list_agent_statuses", "AgentStatusSummaryList")
        with self._lock:
            self._statuses = found
        return found

    def status_types(self) -> dict[str, str]:
        return {s["Name"]: s["Type"] for s in self.statuses()}

    def status(self, name: str | None, kind: str) -> dict[str, Any] | None:
        """The agent status of a type (ROUTABLE, OFFLINE) or, for CUSTOM, of that name."""
        for refresh in (False, True):
            for status in self.statuses(refresh):
                if status.get("Type") == kind and (kind != "CUSTOM" or status.get("Name") == name):
                    return status
        return None

    def flow_id(self, name_or_id: str) -> str:
        with self._lock:
            known = self._flows.get(name_or_id)
        if known:
            return known
        flows = self.every("list_contact_flows", "ContactFlowSummaryList", ContactFlowTypes=["CONTACT_FLOW"])
        for flow in flows:
            if name_or_id in (flow.get("Name"), flow.get("Id")):
                with self._lock:
                    self._flows[name_or_id] = flow["Id"]
                return flow["Id"]
        raise LookupError(f"Amazon Connect has no contact flow {name_or_id!r} (of type CONTACT_FLOW)")

    # ---- evidence ----------------------------------------------------------------------------------
    def _remember(self, request: Any, **_: Any) -> None:
        self._sent.request = request

    def _report(self, http_response: Any, model: Any, **_: Any) -> None:
        request = getattr(self._sent, "request", None)
        if request is None:
            return
        body = request.body if isinstance(request.body, (bytes, str)) else b""
        headers = [(k, v.decode("latin-1") if isinstance(v, bytes) else v) for k, v in request.headers.items()]
        reporting.REPORTER.attach(
            format_exchange(request.method, request.url, headers, body,
                            http_response.status_code, list(http_response.headers.items()), http_response.content),
            f"cti (Amazon Connect): {model.name}")
