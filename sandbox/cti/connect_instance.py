"""What the Connect door presents, over the cti domain: names, ids and ARNs of users, agent statuses,
routing profiles, queues, hours of operation and flows (the operations: connect_directory.py, connect_contacts.py)."""
from __future__ import annotations

import threading
import uuid
from typing import Any

from ..platform.auth import Principal
from .connect import ConnectSettings
from .connect_protocol import ConnectError
from .model import Cti
from .model_base import BUSY_STATES

DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")  # index = weekday, Monday 0
AVAILABLE, OFFLINE = "Available", "Offline"
NOT_READY_STATUSES = ("Busy", "Break", "Lunch", "Training", "Meeting", "Missed")
FLOWS = {"deskcheck outbound": "CONTACT_FLOW", "Default agent transfer": "AGENT_TRANSFER",
         "Default queue transfer": "QUEUE_TRANSFER"}
QUEUE_TAG = "deskcheck:"
CHANNELS = ("VOICE", "CHAT")
AROUND_THE_CLOCK = {"Hours": 0, "Minutes": 0}


def not_found(what: str, identifier: Any) -> ConnectError:
    return ConnectError(404, "ResourceNotFoundException", f"{what} not found: {identifier}")


def last_part(identifier: str) -> str:
    """An id given as itself or as its ARN."""
    return identifier.rsplit("/", 1)[-1] if identifier.startswith("arn:") else identifier


def page(items: list[Any], params: dict[str, Any], limit: int = 100) -> tuple[list[Any], str | None]:
    """One page of items and the NextToken of the next (an offset)."""
    token = params.get("NextToken") or "0"
    if not token.isdigit():
        raise ConnectError(400, "InvalidParameterException", f"NextToken {token!r} was not issued by this door")
    start, size = int(token), int(params.get("MaxResults") or limit)
    end = start + size
    return items[start:end], (str(end) if end < len(items) else None)


class ConnectInstance:
    """Names, ids and ARNs of what the door presents, over the cti domain."""

    def __init__(self, cti: Cti, settings: ConnectSettings) -> None:
        self.cti, self.settings = cti, settings
        self.principal = Principal("client", "amazon-connect", "service")  # an IAM caller sees every call
        self._namespace = uuid.UUID(settings.instance_id)
        self._lock = threading.Lock()
        self._custom_statuses = list(NOT_READY_STATUSES)

    def resource_id(self, kind: str, name: str) -> str:
        return str(uuid.uuid5(self._namespace, f"{kind}:{name}"))

    def arn(self, *path: str) -> str:
        return "/".join((self.settings.instance_arn, *path))

    # users
    def user_id(self, username: str) -> str:
        return self.resource_id("user", username)

    def user_ref(self, username: str) -> dict[str, str]:
        return {"Id": self.user_id(username), "Arn": self.arn("agent", self.user_id(username))}

    def agent_of_user(self, user_id: str) -> dict[str, Any]:
        user_id = last_part(user_id)
        for agent in self.cti.all_agents():
            if self.user_id(agent["username"]) == user_id:
                return agent
        raise not_found("User", user_id)

    # queues, their hours, routing profiles, flows
    def queue_id(self, name: str) -> str:
        return self.resource_id("queue", name)

    def queue_ref(self, name: str) -> dict[str, str]:
        return {"Id": self.queue_id(name), "Arn": self.arn("queue", self.queue_id(name))}

    def queue_of(self, queue_id: str) -> tuple[str, str]:
        """("STANDARD", queue name) or ("AGENT", username) for a queue id or ARN."""
        queue_id = last_part(queue_id)
        for name in self.cti.queue_names():
            if self.queue_id(name) == queue_id:
                return "STANDARD", name
        for agent in self.cti.all_agents():
            if self.user_id(agent["username"]) == queue_id:
                return "AGENT", agent["username"]
        raise not_found("Queue", queue_id)

    def standard_queue(self, queue_id: str) -> str:
        kind, name = self.queue_of(queue_id)
        if kind != "STANDARD":
            raise ConnectError(400, "InvalidRequestException", f"{queue_id} is an agent queue, not a standard one")
        return name

    def hours_id(self, queue: str) -> str:
        return self.resource_id("hours", queue)

    def queue_of_hours(self, hours_id: str) -> str:
        for name in self.cti.queue_names():
            if self.hours_id(name) == last_part(hours_id):
                return name
        raise not_found("HoursOfOperation", hours_id)

    def routing_profile_id(self, queues: list[str]) -> str:
        return self.resource_id("routing-profile", ",".join(queues))

    def routing_profile_queues(self, profile_id: str) -> list[str]:
        for agent in self.cti.all_agents():
            if self.routing_profile_id(agent["queues"]) == last_part(profile_id):
                return list(agent["queues"])
        raise not_found("RoutingProfile", profile_id)

    def flow_id(self, name: str) -> str:
        return self.resource_id("flow", name)

    def flow(self, flow_id: str) -> tuple[str, str]:
        """(name, type) of a flow id or ARN."""
        for name, kind in FLOWS.items():
            if self.flow_id(name) == last_part(flow_id):
                return name, kind
        raise not_found("ContactFlow", flow_id)

    # agent statuses
    def statuses(self) -> list[tuple[str, str]]:
        """(name, type) of every agent status, in the order an administrator made them."""
        with self._lock:
            custom = list(self._custom_statuses)
        return [(AVAILABLE, "ROUTABLE"), (OFFLINE, "OFFLINE"), *((name, "CUSTOM") for name in custom)]

    def status_id(self, name: str) -> str:
        return self.resource_id("agent-status", name)

    def status_arn(self, name: str) -> str:
        return self.arn("agent-state", self.status_id(name))

    def status(self, status_id: str) -> tuple[str, str]:
        for name, kind in self.statuses():
            if self.status_id(name) == last_part(status_id):
                return name, kind
        raise not_found("AgentStatus", status_id)

    def status_for(self, state: str | None, reason: str | None) -> str | None:
        """The agent status of a requestable cti state (a reason without a status yet gets one)."""
        if state is None:
            return None
        if state == "NOT_READY":
            name = reason or "Busy"
            with self._lock:
                if name not in self._custom_statuses:
                    self._custom_statuses.append(name)
            return name
        return OFFLINE if state == "OFFLINE" else AVAILABLE

    def status_of(self, agent: dict[str, Any]) -> str:
        return self.status_for(agent["state"] if agent["state"] not in BUSY_STATES else "AVAILABLE", agent["reason"])
