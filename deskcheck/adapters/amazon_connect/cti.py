"""The CTI port (agent side) over Amazon Connect's API, through boto3's ``connect`` client.

Only real Connect operations: what Connect does only in the agent's CCP (answering a ringing contact,
a consult leg) raises :class:`NotSupported`. See the package docstring for what must exist in the
instance and what each method calls.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Callable

from deskcheck.adapters.amazon_connect import mapping
from deskcheck.adapters.amazon_connect.client import ConnectApiError, ConnectClient
from deskcheck.ports import NotSupported, Refused
from deskcheck.records import (AgentState, ApiSession, Callback, Disposition, Interaction, OpeningHours, Queue,
                               WrapUpDraft)
from deskcheck.records.cti import state_label

if TYPE_CHECKING:  # imported when the glossary is asked for, so the adapter stands on the records and ports alone
    from deskcheck.configuration import AgentStates, WrapUpRules

REQUESTABLE = {"AVAILABLE": "ROUTABLE", "OFFLINE": "OFFLINE", "NOT_READY": "CUSTOM"}
WRAPUP_RULES = {"optional": "Done with or without a disposition", "mandatory": "Done only with a disposition",
                "timeboxed": "a time limit (the queue's deskcheck:acw_seconds tag)"}
ROUTING = ("a contact waits in its queue and is routed to an available agent whose routing profile takes that queue, "
           "the one idle the longest; a routing profile's queues are served by their priority and delay; a contact an "
           "agent misses or rejects goes back to the queue and the agent's status becomes Missed")
QUEUE_METRICS = [{"Name": "AGENTS_AVAILABLE", "Unit": "COUNT"}, {"Name": "CONTACTS_IN_QUEUE", "Unit": "COUNT"}]


class AmazonConnectCti:
    """The CTI port over one Amazon Connect instance.

    ``dispositions``: the disposition catalogue of a queue (Connect keeps none; with Service Cloud Voice it is
    Salesforce's: pass the CRM port's ``dispositions``). ``clock``: the target's time (a callable answering a
    datetime or an ISO string), for whether a queue is open and how far back to search contacts; the
    machine's clock by default. ``outbound_flow``: the name or id of the CONTACT_FLOW flow that
    StartOutboundVoiceContact runs for an agent's outbound call.
    """

    capabilities = frozenset({"agent_admin"})

    def __init__(self, instance_id: str, region: str, endpoint_url: str | None = None,
                 aws_access_key_id: str | None = None, aws_secret_access_key: str | None = None,
                 aws_session_token: str | None = None, *,
                 dispositions: Callable[[str], list[Disposition]] | None = None,
                 clock: Callable[[], datetime | str] | None = None, outbound_flow: str = "deskcheck outbound",
                 search_days: int = 14, client: Any = None) -> None:
        self.api = ConnectClient(instance_id, region, endpoint_url, aws_access_key_id, aws_secret_access_key,
                                 aws_session_token, client)
        self._dispositions, self._clock = dispositions, clock
        self.outbound_flow, self.search_days = outbound_flow, search_days

    def close(self) -> None:
        self.api.close()

    def _now(self) -> datetime:
        now = self._clock() if self._clock else datetime.now(timezone.utc)
        return mapping.utc(datetime.fromisoformat(now) if isinstance(now, str) else now)

    def _act(self, action: str, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except ConnectApiError as exc:
            raise Refused("CTI", action, f"{exc.message} ({exc.code})", exc.status) from None
        except LookupError as exc:
            raise Refused("CTI", action, str(exc)) from None

    # ---- agents ------------------------------------------------------------------------------------
    def agent(self, username: str) -> AgentState:
        user_id = self.api.user_id(username)
        found = self.api.call("get_current_user_data", Filters={"Agents": [user_id]}).get("UserDataList") or []
        data = found[0] if found else None
        profile = (data or {}).get("RoutingProfile", {}).get("Id") or self.api.user(username)["RoutingProfileId"]
        configs = self.api.every("list_routing_profile_queues", "RoutingProfileQueueConfigSummaryList",
                                 RoutingProfileId=profile)
        queues = tuple(dict.fromkeys(c["QueueName"] for c in configs))  # one entry per channel: each queue once
        return mapping.agent_state(username, data, self.api.status_types(), queues)

    def set_agent_state(self, username: str, state: str, reason: str | None = None) -> AgentState:
        action = f"set {username} {state_label(state, reason)}"
        if state not in REQUESTABLE:
            raise Refused("CTI", action, f"{state} is set by routing and calls, it cannot be requested")
        name = (reason or "Busy") if state == "NOT_READY" else None
        status = self.api.status(name, REQUESTABLE[state])
        if status is None:
            raise Refused("CTI", action, f"Amazon Connect has no {REQUESTABLE[state]} agent status"
                                         + (f" named {name!r}" if name else ""))
        self._act(action, lambda: self.api.call("put_user_status", UserId=self.api.user_id(username),
                                                AgentStatusId=status["Id"]))
        return self.agent(username)

    # ---- interactions ------------------------------------------------------------------------------
    def interaction(self, call_id: str) -> Interaction:
        contact = self.api.call("describe_contact", ContactId=call_id)["Contact"]
        attributes = self.api.call("get_contact_attributes",
                                   InitialContactId=contact.get("InitialContactId") or call_id)["Attributes"]
        agent_id = (contact.get("AgentInfo") or {}).get("Id")
        live_state = None
        if agent_id and not contact.get("DisconnectTimestamp"):  # ringing, talking or held: the agent's view says
            found = self.api.call("get_current_user_data", Filters={"Agents": [agent_id]}).get("UserDataList") or []
            live_state = next((c["AgentContactState"] for data in found for c in data.get("Contacts") or ()
                               if c.get("ContactId") == contact["Id"]), None)
        state = mapping.contact_state(contact, live_state)
        queue_id = (contact.get("QueueInfo") or {}).get("Id")
        tags = None
        if queue_id and state in ("wrapup", "completed"):
            tags = self.api.call("describe_queue", QueueId=queue_id)["Queue"].get("Tags") or {}
        return mapping.interaction(contact, attributes, state, self.api.username(agent_id) if agent_id else None,
                                   self.api.queue_name(queue_id) if queue_id else None, tags)

    def interactions(self, agent: str | None = None, state: str | None = None) -> list[Interaction]:
        """Contacts started in the last ``search_days`` days (SearchContacts), oldest first."""
        now = self._now()
        criteria = {"AgentIds": [self.api.user_id(agent)]} if agent else {}
        summaries = self.api.every(
            "search_contacts", "Contacts", SearchCriteria=criteria,
            TimeRange={"Type": "INITIATION_TIMESTAMP", "StartTime": now - timedelta(days=self.search_days),
                       "EndTime": now + timedelta(days=1)},
            Sort={"FieldName": "INITIATION_TIMESTAMP", "Order": "ASCENDING"})
        live = {"queued", "offered", "connected", "held"}
        found = []
        for summary in summaries:
            if agent and (summary.get("AgentInfo") or {}).get("Id") != criteria["AgentIds"][0]:
                continue  # handled by the agent once, with someone else now
            if state and (state in live) == bool(summary.get("DisconnectTimestamp")):
                continue
            record = self.interaction(summary["Id"])
            if (agent is None or record.agent == agent) and (state is None or record.state == state):
                found.append(record)
        return found

    # ---- queues ------------------------------------------------------------------------------------
    def queue(self, name: str) -> Queue:
        queue_id = self.api.queue_id(name)
        described = self.api.call("describe_queue", QueueId=queue_id)["Queue"]
        setup = self.api.call("describe_hours_of_operation",
                              HoursOfOperationId=described["HoursOfOperationId"])["HoursOfOperation"]
        now = self._now()
        hours = mapping.opening_hours(setup.get("Config") or [], setup.get("TimeZone") or "UTC", now)
        metrics = self.api.call("get_current_metric_data", Filters={"Queues": [queue_id], "Channels": ["VOICE", "CHAT"]},
                                Groupings=["QUEUE"], CurrentMetrics=QUEUE_METRICS).get("MetricResults") or []
        values = {c["Metric"]["Name"]: c.get("Value") or 0 for result in metrics for c in result.get("Collections") or ()}
        mode, acw_seconds, ring_seconds = mapping.wrapup_rules(described.get("Tags") or {})
        open_now, opens_at = mapping.open_state(hours, now)
        return Queue(name, mode, acw_seconds, ring_seconds, open_now, int(values.get("AGENTS_AVAILABLE", 0)),
                     int(values.get("CONTACTS_IN_QUEUE", 0)), opens_at, hours)

    def set_queue_hours(self, name: str, hours: OpeningHours | None) -> Queue:
        """UpdateHoursOfOperation on the queue's hours (in UTC): every queue sharing them changes too."""
        def update() -> None:
            described = self.api.call("describe_queue", QueueId=self.api.queue_id(name))["Queue"]
            self.api.call("update_hours_of_operation", HoursOfOperationId=described["HoursOfOperationId"],
                          TimeZone="UTC", Config=mapping.hours_config(hours))
        self._act(f"set the opening hours of the {name!r} queue", update)
        return self.queue(name)

    # ---- wrap-up -----------------------------------------------------------------------------------
    def dispositions_for(self, call_id: str) -> list[Disposition]:
        if self._dispositions is None:
            raise LookupError("Amazon Connect keeps no disposition catalogue: give AmazonConnectCti a dispositions "
                              "source (e.g. the CRM port's dispositions)")
        queue_id = (self.api.call("describe_contact", ContactId=call_id)["Contact"].get("QueueInfo") or {}).get("Id")
        queue = self.api.queue_name(queue_id) if queue_id else None
        return [Disposition(d.code, d.label) for d in self._dispositions(queue) if not d.system]

    def save_wrapup(self, call_id: str, disposition: str | None = None, notes: str | None = None) -> None:
        """The disposition and notes as contact attributes (``disposition``, ``wrapup_notes``)."""
        attributes = {k: v for k, v in ((mapping.DISPOSITION_ATTRIBUTE, disposition),
                                        (mapping.NOTES_ATTRIBUTE, notes)) if v is not None}
        self._act("save the wrap-up", lambda: self.api.call("update_contact_attributes", InitialContactId=call_id,
                                                            Attributes=attributes))

    def complete_wrapup(self, call_id: str, disposition: str | None = None) -> Interaction:
        """DismissUserContact ends the agent's after contact work (with this disposition saved first, if given).
        A contact whose after contact work already ended (DescribeContact) is refused as a conflict (409: already
        done) and its saved disposition left alone; so is one that ends while this call is under way (Connect
        refuses the second DismissUserContact as an invalid request)."""
        def already_completed(cause: str) -> Refused | None:
            ended = (self.api.call("describe_contact", ContactId=call_id)["Contact"].get("AgentInfo") or {}).get(
                "AfterContactWorkEndTimestamp")
            return None if ended is None else Refused(
                "CTI", "complete the wrap-up", f"the wrap-up of contact {call_id} was already completed at "
                                               f"{mapping.iso(ended)}{cause}", 409)

        def dismiss() -> None:
            done = already_completed("")
            if done is not None:
                raise done
            contact = self.api.call("describe_contact", ContactId=call_id)["Contact"]
            agent_id = (contact.get("AgentInfo") or {}).get("Id")
            if not agent_id:
                raise LookupError(f"contact {call_id} has not reached an agent: it has no wrap-up")
            try:
                if disposition is not None:
                    self.save_wrapup(call_id, disposition)
                self.api.call("dismiss_user_contact", UserId=agent_id, ContactId=call_id)
            except (ConnectApiError, Refused) as exc:  # another completion may have ended it meanwhile
                raise already_completed(f" ({exc})") or exc from None
        self._act("complete the wrap-up", dismiss)
        return self.interaction(call_id)

    # ---- calls -------------------------------------------------------------------------------------
    def hang_up(self, call_id: str) -> Interaction:
        self._act("hang up the call", lambda: self.api.call("stop_contact", ContactId=call_id))
        return self.interaction(call_id)

    def dial(self, agent: str, to_number: str, record_id: Any = None) -> Interaction:
        """StartOutboundVoiceContact through ``outbound_flow``, queued to the agent's own queue (whose id is the
        user's id); ``record_id`` travels as the contact attribute of that name. In Connect the customer is
        called first and the flow then routes the call to the agent like an inbound one: on a real instance the
        agent must be routable and accepts it in the CCP (or by auto-accept); the sandbox connects it at once."""
        attributes = {} if record_id is None else {"record_id": str(record_id)}
        started = self._act(f"dial {to_number} for {agent}", lambda: self.api.call(
            "start_outbound_voice_contact", DestinationPhoneNumber=to_number,
            ContactFlowId=self.api.flow_id(self.outbound_flow), QueueId=self.api.user_id(agent), Attributes=attributes))
        return self.interaction(started["ContactId"])

    # ---- the glossary: the instance's own names -------------------------------------------------------
    def queues(self) -> list[Queue]:
        return [self.queue(name) for name in self.api.queue_ids(refresh=True)]

    def agent_states(self) -> AgentStates:
        """The agent statuses (the CCP's menu, in the instance's order) and the states routing sets. Connect does
        not know which CRM presence a status maps to (the CRM's presence sync does): crm_status is empty."""
        from deskcheck.configuration import AgentStates, MenuChoice, StateLabel

        menu = []
        for status in self.api.statuses(refresh=True):
            state, reason = mapping.status_state(status["Name"], {status["Name"]: status["Type"]})
            menu.append(MenuChoice(status["Name"], state, reason))
        states = [StateLabel(c.state, c.reason, state_label(c.state, c.reason), "", None,
                             "the agent (an agent status)") for c in menu]
        states += [StateLabel(state, None, state_label(state, None), "", None, why)
                   for state, why in (("RESERVED", "routing: a contact rings for the agent"),
                                      ("ON_INTERACTION", "routing: the agent is on a contact"),
                                      ("ACW", "routing: the contact ended, after contact work"))]
        return AgentStates(tuple(states), tuple(menu), ())

    def wrapup_rules(self) -> WrapUpRules:
        """Connect has no wrap-up modes: the ones the queues' ``deskcheck:wrapup_mode`` tags name (optional when
        untagged); no disposition is set when after contact work times out."""
        from deskcheck.configuration import WrapUpMode, WrapUpRules

        modes = dict.fromkeys(["optional"] + [mapping.wrapup_rules(self.api.call("describe_queue", QueueId=queue_id)[
            "Queue"].get("Tags") or {})[0] for queue_id in self.api.queue_ids(refresh=True).values()])
        return WrapUpRules(tuple(WrapUpMode(mode, WRAPUP_RULES.get(mode, mode)) for mode in modes), None)

    def routing(self) -> str:
        """Amazon Connect's own rule (the instance keeps it in routing profiles, not as text to read back)."""
        return ROUTING

    # ---- what Connect does only in the agent's CCP, or not at all ---------------------------------------
    def answer(self, call_id: str) -> Interaction:
        """Connect has no API to accept a contact: the agent accepts it in the CCP (or by auto-accept)."""
        raise NotSupported(type(self).__name__, "answer", "call_control_api")

    def cancel_consult(self, call_id: str) -> Interaction:
        """Consult legs of a warm transfer live in the agent's CCP; Connect's API has no call for them."""
        raise NotSupported(type(self).__name__, "cancel_consult", "call_control_api")

    def wrapup_draft(self, call_id: str) -> WrapUpDraft:
        """Connect keeps no wrap-up draft (the attributes hold what was saved, not a draft apart)."""
        raise NotSupported(type(self).__name__, "wrapup_draft", "wrapup_draft")

    def callbacks(self, status: str | None = None, number: str | None = None) -> list[Callback]:
        """Connect's queued callbacks are contacts in a queue; it has no list of scheduled callbacks to read."""
        raise NotSupported(type(self).__name__, "callbacks", "callbacks")

    def api_session(self) -> ApiSession:
        """SigV4 signs every request with the keys: there is no access token to show."""
        raise NotSupported(type(self).__name__, "api_session", "token_audit")

    def accepts_session(self, session: ApiSession) -> bool:
        raise NotSupported(type(self).__name__, "accepts_session", "token_audit")
