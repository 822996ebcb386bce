"""The Connect door's directory: the cti's agents and queues as Amazon Connect users, agent statuses,
routing profiles, queues, hours of operation, flows and real-time metrics.

What the door presents (the same things a real instance must have for the deskcheck adapter):
- users: one per cti agent, Username = the agent's username; ids are UUIDs made from the names
  (uuid5 in the instance's namespace), stable for the run.
- agent statuses: Available (ROUTABLE), Offline (OFFLINE) and CUSTOM statuses named like the not-ready
  reasons (Busy, Break, Lunch, Training, Meeting, Missed). A reason set through the cti's own API that
  has no status yet appears as a CUSTOM status of that name, as an administrator would have made it.
  While an agent is on a contact, GetCurrentUserData answers Status Available (the status that let the
  contact reach them), NextStatus the status queued for afterwards, and the contact with its
  AgentContactState: INCOMING (ringing), CONNECTED / CONNECTED_ONHOLD (on call), ENDED (after call work).
- routing profiles: one per distinct list of queues an agent takes calls from.
- queues: the cti's queues (STANDARD) and one AGENT queue per user whose id is the user's id, as in
  Connect. The cti's wrap-up rules, which Connect does not have, are queue tags: ``deskcheck:wrapup_mode``
  (optional | mandatory | timeboxed), ``deskcheck:acw_seconds``, ``deskcheck:ring_timeout_seconds``.
- hours of operation: one per queue, in UTC; open around the clock is 00:00-00:00 on every day.
- flows: "deskcheck outbound" (CONTACT_FLOW, for StartOutboundVoiceContact to an agent's queue),
  "Default agent transfer" and "Default queue transfer" (for TransferContact).
"""
from __future__ import annotations

from typing import Any

from .connect import operation
from .connect_instance import (AROUND_THE_CLOCK, AVAILABLE, CHANNELS, DAYS, FLOWS, QUEUE_TAG, ConnectInstance,
                               last_part, page)
from .connect_protocol import ConnectError


class DirectoryOperations:
    """The Connect operations on users, statuses, routing profiles, queues, hours, flows and metrics."""

    def __init__(self, instance: ConnectInstance) -> None:
        self.instance, self.cti = instance, instance.cti

    # ---- users -----------------------------------------------------------------------------------
    def _user(self, agent: dict[str, Any]) -> dict[str, Any]:
        first, _, last = agent["name"].partition(" ")
        i = self.instance
        return {**i.user_ref(agent["username"]), "Username": agent["username"],
                "IdentityInfo": {"FirstName": first, "LastName": last or first},
                "PhoneConfig": {"PhoneType": "SOFT_PHONE", "AutoAccept": False, "AfterContactWorkTimeLimit": 0},
                "SecurityProfileIds": [i.resource_id("security-profile", "CallCenterManager"
                                                     if agent["role"] == "supervisor" else "Agent")],
                "RoutingProfileId": i.routing_profile_id(agent["queues"])}

    @operation("ListUsers", "NextToken", "MaxResults")
    def list_users(self, params: dict[str, Any]) -> dict[str, Any]:
        users, token = page(self.cti.all_agents(), params, 1000)
        return {"UserSummaryList": [{**self.instance.user_ref(a["username"]), "Username": a["username"]}
                                    for a in users], "NextToken": token}

    @operation("SearchUsers", "SearchCriteria", "NextToken", "MaxResults")
    def search_users(self, params: dict[str, Any]) -> dict[str, Any]:
        users = [self._user(a) for a in self.cti.all_agents()]
        criteria = params.get("SearchCriteria")
        found = [u for u in users if criteria is None or self._matches(u, criteria)]
        shown, token = page(found, params, 100)
        return {"Users": shown, "NextToken": token, "ApproximateTotalCount": len(found)}

    def _matches(self, user: dict[str, Any], criteria: dict[str, Any]) -> bool:
        unsupported = set(criteria) - {"StringCondition", "AndConditions", "OrConditions"}
        if unsupported:
            raise ConnectError(400, "InvalidParameterException",
                               f"SearchCriteria: {', '.join(sorted(unsupported))} not supported by the sandbox's door")
        checks = [all(self._matches(user, c) for c in criteria.get("AndConditions") or []),
                  not criteria.get("OrConditions") or any(self._matches(user, c) for c in criteria["OrConditions"])]
        condition = criteria.get("StringCondition")
        if condition:
            fields = {"username": user["Username"], "firstname": user["IdentityInfo"]["FirstName"],
                      "lastname": user["IdentityInfo"]["LastName"], "resourceid": user["Id"],
                      "routingprofileid": user["RoutingProfileId"]}
            name = (condition.get("FieldName") or "").lower()
            if name not in fields:
                raise ConnectError(400, "InvalidParameterException",
                                   f"FieldName {condition.get('FieldName')!r}: one of {', '.join(fields)}")
            value, wanted = fields[name].lower(), (condition.get("Value") or "").lower()
            compare = condition.get("ComparisonType") or "EXACT"
            checks.append(value == wanted if compare == "EXACT" else value.startswith(wanted)
                          if compare == "STARTS_WITH" else wanted in value)
        return all(checks)

    @operation("DescribeUser", "UserId")
    def describe_user(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"User": self._user(self.instance.agent_of_user(params["UserId"]))}

    # ---- agent statuses --------------------------------------------------------------------------
    @operation("ListAgentStatuses", "AgentStatusTypes", "NextToken", "MaxResults")
    def list_agent_statuses(self, params: dict[str, Any]) -> dict[str, Any]:
        wanted = set(params.get("AgentStatusTypes") or ("ROUTABLE", "CUSTOM", "OFFLINE"))
        statuses = [(n, k) for n, k in self.instance.statuses() if k in wanted]
        shown, token = page(statuses, params, 1000)
        return {"AgentStatusSummaryList": [{"Id": self.instance.status_id(n), "Arn": self.instance.status_arn(n),
                                            "Name": n, "Type": k} for n, k in shown], "NextToken": token}

    @operation("PutUserStatus", "UserId", "AgentStatusId")
    def put_user_status(self, params: dict[str, Any]) -> dict[str, Any]:
        agent = self.instance.agent_of_user(params["UserId"])
        name, kind = self.instance.status(params["AgentStatusId"])
        state = {"ROUTABLE": "AVAILABLE", "OFFLINE": "OFFLINE"}.get(kind, "NOT_READY")
        self.cti.request_state(agent["username"], state, name if state == "NOT_READY" else None, "cti")
        return {}

    # ---- real-time user data ---------------------------------------------------------------------
    @operation("GetCurrentUserData", "Filters", "NextToken", "MaxResults")
    def current_user_data(self, params: dict[str, Any]) -> dict[str, Any]:
        filters, i = params["Filters"], self.instance
        unsupported = set(filters) - {"Agents", "Queues", "RoutingProfiles", "ContactFilter"}
        if unsupported:
            raise ConnectError(400, "InvalidParameterException",
                               f"Filters: {', '.join(sorted(unsupported))} not supported by the sandbox's door")
        agents = self.cti.all_agents()
        if "Agents" in filters:
            ids = {last_part(a) for a in filters["Agents"]}
            agents = [a for a in agents if i.user_id(a["username"]) in ids]
        if "Queues" in filters:
            names = {i.queue_of(q)[1] for q in filters["Queues"]}
            agents = [a for a in agents if names & set(a["queues"]) or a["username"] in names]
        if "RoutingProfiles" in filters:
            ids = {last_part(p) for p in filters["RoutingProfiles"]}
            agents = [a for a in agents if i.routing_profile_id(a["queues"]) in ids]
        states = set((filters.get("ContactFilter") or {}).get("ContactStates") or ())
        data = [self._user_data(a, states) for a in agents]
        shown, token = page(data, params, 100)
        return {"UserDataList": shown, "NextToken": token, "ApproximateTotalCount": len(data)}

    def _user_data(self, agent: dict[str, Any], states: set[str]) -> dict[str, Any]:
        i, username = self.instance, agent["username"]
        status = i.status_of(agent)
        contacts = []
        if agent["current_interaction_id"]:
            call = self.cti.call_doc(agent["current_interaction_id"])
            contact_state = {"RESERVED": "INCOMING", "ACW": "ENDED"}.get(agent["state"]) or (
                "CONNECTED_ONHOLD" if call["on_hold"] and call["agent"] == username else "CONNECTED")
            contacts.append({
                "ContactId": call["id"], "Channel": call.get("channel", "voice").upper(),
                "InitiationMethod": call["direction"].upper(), "AgentContactState": contact_state,
                "StateStartTimestamp": agent["state_since"],
                "ConnectedToAgentTimestamp": call["connected_at"] if contact_state != "INCOMING" else None,
                "Queue": i.queue_ref(call["queue"])})
        busy = {c["Channel"] for c in contacts}
        routable = status == AVAILABLE and agent["role"] != "supervisor"
        return {
            "User": i.user_ref(username),
            "RoutingProfile": {"Id": i.routing_profile_id(agent["queues"]),
                               "Arn": i.arn("routing-profile", i.routing_profile_id(agent["queues"]))},
            "Status": {"StatusStartTimestamp": agent["state_since"], "StatusArn": i.status_arn(status),
                       "StatusName": status},
            "MaxSlotsByChannel": {c: 1 for c in CHANNELS},
            "ActiveSlotsByChannel": {c: int(c in busy) for c in CHANNELS},
            "AvailableSlotsByChannel": {c: int(routable and not busy) for c in CHANNELS},
            "Contacts": [c for c in contacts if not states or c["AgentContactState"] in states],
            "NextStatus": i.status_for(agent["next_state"], agent["next_reason"]),
        }

    # ---- routing profiles, queues, hours, flows ------------------------------------------------------
    @operation("ListRoutingProfileQueues", "RoutingProfileId", "NextToken", "MaxResults")
    def routing_profile_queues(self, params: dict[str, Any]) -> dict[str, Any]:
        names = self.instance.routing_profile_queues(params["RoutingProfileId"])
        configs = [{"QueueId": self.instance.queue_id(n), "QueueArn": self.instance.queue_ref(n)["Arn"],
                    "QueueName": n, "Priority": position, "Delay": 0, "Channel": channel}
                   for position, n in enumerate(names, 1) for channel in CHANNELS]
        shown, token = page(configs, params, 100)
        return {"RoutingProfileQueueConfigSummaryList": shown, "NextToken": token}

    @operation("ListQueues", "QueueTypes", "NextToken", "MaxResults")
    def list_queues(self, params: dict[str, Any]) -> dict[str, Any]:
        i, wanted = self.instance, set(params.get("QueueTypes") or ("STANDARD", "AGENT"))
        queues = [{**i.queue_ref(n), "Name": n, "QueueType": "STANDARD"} for n in self.cti.queue_names()] \
            if "STANDARD" in wanted else []
        if "AGENT" in wanted:  # agent queues carry the user's id and have no name of their own
            queues += [{"Id": i.user_id(a["username"]), "Arn": i.arn("queue", "agent", i.user_id(a["username"])),
                        "QueueType": "AGENT"} for a in self.cti.all_agents()]
        shown, token = page(queues, params, 1000)
        return {"QueueSummaryList": shown, "NextToken": token}

    @operation("DescribeQueue", "QueueId")
    def describe_queue(self, params: dict[str, Any]) -> dict[str, Any]:
        name = self.instance.standard_queue(params["QueueId"])
        queue = self.cti.queue_doc(name)
        tags = {f"{QUEUE_TAG}{key}": str(queue[key]) for key in ("wrapup_mode", "acw_seconds", "ring_timeout_seconds")
                if queue.get(key) is not None}
        ref = self.instance.queue_ref(name)
        return {"Queue": {"Name": name, "QueueId": ref["Id"], "QueueArn": ref["Arn"], "Status": "ENABLED",
                          "HoursOfOperationId": self.instance.hours_id(name), "Tags": tags}}

    @operation("DescribeHoursOfOperation", "HoursOfOperationId")
    def describe_hours(self, params: dict[str, Any]) -> dict[str, Any]:
        name = self.instance.queue_of_hours(params["HoursOfOperationId"])
        hours = self.cti.queue_doc(name).get("hours")
        if hours is None:
            config = [{"Day": day, "StartTime": AROUND_THE_CLOCK, "EndTime": AROUND_THE_CLOCK} for day in DAYS]
        else:
            start, end = (_time_slice(hours[k]) for k in ("open", "close"))
            config = [{"Day": DAYS[d], "StartTime": start, "EndTime": end} for d in sorted(hours["days"])]
        hours_id = self.instance.hours_id(name)
        return {"HoursOfOperation": {"HoursOfOperationId": hours_id, "Name": f"{name} hours", "TimeZone": "UTC",
                                     "HoursOfOperationArn": self.instance.arn("operating-hours", hours_id),
                                     "Config": config}}

    @operation("UpdateHoursOfOperation", "HoursOfOperationId", "TimeZone", "Config")
    def update_hours(self, params: dict[str, Any]) -> dict[str, Any]:
        name = self.instance.queue_of_hours(params["HoursOfOperationId"])
        if params.get("TimeZone", "UTC") != "UTC":
            raise ConnectError(400, "InvalidParameterException", "the sandbox keeps hours in UTC: TimeZone must be UTC")
        if "Config" in params:
            self.cti.update_queue(name, {"hours": _hours_from_config(params["Config"])})
        return {}

    @operation("ListContactFlows", "ContactFlowTypes", "NextToken", "MaxResults")
    def list_flows(self, params: dict[str, Any]) -> dict[str, Any]:
        wanted = set(params.get("ContactFlowTypes") or FLOWS.values())
        flows = [{"Id": self.instance.flow_id(n), "Arn": self.instance.arn("contact-flow", self.instance.flow_id(n)),
                  "Name": n, "ContactFlowType": kind, "ContactFlowState": "ACTIVE", "ContactFlowStatus": "PUBLISHED"}
                 for n, kind in FLOWS.items() if kind in wanted]
        shown, token = page(flows, params, 1000)
        return {"ContactFlowSummaryList": shown, "NextToken": token}

    # ---- real-time metrics ---------------------------------------------------------------------------
    @operation("GetCurrentMetricData", "Filters", "Groupings", "CurrentMetrics", "NextToken", "MaxResults")
    def current_metrics(self, params: dict[str, Any]) -> dict[str, Any]:
        filters = params["Filters"]
        if set(filters) - {"Queues", "Channels"} or set(params.get("Groupings") or ()) - {"QUEUE", "CHANNEL"}:
            raise ConnectError(400, "InvalidParameterException",
                               "the sandbox's door filters by Queues and Channels and groups by QUEUE and CHANNEL")
        queues = [self.instance.standard_queue(q) for q in filters.get("Queues") or ()] or self.cti.queue_names()
        channels = list(filters.get("Channels") or CHANNELS)
        by_queue, by_channel = "QUEUE" in (params.get("Groupings") or ()), "CHANNEL" in (params.get("Groupings") or ())
        groups = [(q if by_queue else None, c if by_channel else None)
                  for q in (queues if by_queue else [None]) for c in (channels if by_channel else [None])]
        results = []
        for queue, channel in groups:
            in_queues = [queue] if queue else queues
            in_channels = [channel] if channel else channels
            dimensions = {**({"Queue": self.instance.queue_ref(queue)} if queue else {}),
                          **({"Channel": channel} if channel else {})}
            results.append({"Dimensions": dimensions, "Collections": [
                {"Metric": m, "Value": float(self._metric(m, in_queues, in_channels))} for m in params["CurrentMetrics"]]})
        shown, token = page(results, params, 100)
        return {"MetricResults": shown, "NextToken": token, "DataSnapshotTime": self.cti.now(),
                "ApproximateTotalCount": len(results)}

    def _metric(self, metric: dict[str, Any], queues: list[str], channels: list[str]) -> float:
        agents = [a for a in self.cti.all_agents() if a["role"] != "supervisor" and set(queues) & set(a["queues"])]
        waiting = [c for c in self.cti.calls(("queued",))
                   if c["queue"] in queues and c.get("channel", "voice").upper() in channels]
        counts = {"AGENTS_AVAILABLE": sum(a["state"] == "AVAILABLE" for a in agents),
                  "AGENTS_ONLINE": sum(a["state"] != "OFFLINE" for a in agents),
                  "AGENTS_ON_CALL": sum(a["state"] == "ON_INTERACTION" for a in agents),
                  "AGENTS_AFTER_CONTACT_WORK": sum(a["state"] == "ACW" for a in agents),
                  "AGENTS_NON_PRODUCTIVE": sum(a["state"] == "NOT_READY" for a in agents),
                  "CONTACTS_IN_QUEUE": len(waiting)}
        name, unit = metric.get("Name"), metric.get("Unit")
        if name == "OLDEST_CONTACT_AGE" and unit in (None, "SECONDS"):
            return max((self.cti.now() - c["queued_at"] for c in waiting), default=0.0)
        if name in counts and unit in (None, "COUNT"):
            return counts[name]
        raise ConnectError(400, "InvalidParameterException",
                           f"metric {name} ({unit}): the sandbox's door answers {', '.join(counts)} (COUNT) "
                           "and OLDEST_CONTACT_AGE (SECONDS)")


def _time_slice(hhmm: str) -> dict[str, int]:
    hours, minutes = hhmm.split(":")
    return {"Hours": int(hours), "Minutes": int(minutes)}


def _hours_from_config(config: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Connect's per-day slices as the cti's hours (one window for every open day; None: around the clock)."""
    windows = {}
    for entry in config:
        day = DAYS.index(entry["Day"])
        if day in windows:
            raise ConnectError(400, "InvalidParameterException", f"{entry['Day']} is given twice")
        windows[day] = tuple(f"{entry[k]['Hours']:02d}:{entry[k]['Minutes']:02d}" for k in ("StartTime", "EndTime"))
    if len(windows) == 7 and set(windows.values()) == {("00:00", "00:00")}:
        return None
    if len(set(windows.values())) != 1:
        raise ConnectError(400, "InvalidParameterException",
                           "the sandbox keeps one opening window for every open day: give the same times each day")
    opens, closes = next(iter(windows.values()))
    if not opens < closes or not all(0 <= int(t[:2]) < 24 and 0 <= int(t[3:]) < 60 for t in (opens, closes)):
        raise ConnectError(400, "InvalidParameterException", f"EndTime {closes} must be after StartTime {opens}")
    return {"days": sorted(windows), "open": opens, "close": closes}
