"""The Connect door's contacts: the cti's calls and chats as Amazon Connect contacts.

A call is a contact with the same id (one call, whichever door it came in by): Channel VOICE or CHAT,
InitiationMethod INBOUND or OUTBOUND, QueueInfo, AgentInfo (the agent it is offered or assigned to)
and the contact attributes. How a call's state reads in Connect's fields:

    queued     no AgentInfo, no DisconnectTimestamp
    offered    AgentInfo without ConnectedToAgentTimestamp (GetCurrentUserData: INCOMING)
    connected  ConnectedToAgentTimestamp (GetCurrentUserData: CONNECTED; held: CONNECTED_ONHOLD)
    wrapup     DisconnectTimestamp and AfterContactWorkStartTimestamp (GetCurrentUserData: ENDED)
    completed  AfterContactWorkEndTimestamp (and AfterContactWorkDuration)
    abandoned / failed / rejected / missed: DisconnectTimestamp without a connection, DisconnectReason
               CUSTOMER_DISCONNECT / TELECOM_PROBLEM / AGENT_DISCONNECT / EXPIRED

Contact attributes are strings: the call's context as the cti keeps it (the IVR's, the bot's), with
lists and objects as JSON and yes/no as true/false; ``correlation_id`` the journey it belongs to; and
the wrap-up, which Connect has no field for: ``disposition`` and ``wrapup_notes`` (the draft while in
wrap-up, what was completed afterwards). UpdateContactAttributes of those two saves the wrap-up draft.

Writes: StopContact hangs up a connected call as its agent; DismissUserContact completes after call work
(ENDED) and clears a MISSED or REJECTED contact; StartOutboundVoiceContact to an agent's queue (the
user's id, as in Connect) dials for that agent. TransferContact answers as Connect does for calls and
chats: it only moves TASK and EMAIL contacts, which the sandbox does not have.
"""
from __future__ import annotations

import json
import threading
from typing import Any

from ..platform.errors import Refusal
from .access import participants
from .connect import operation
from .connect_instance import ConnectInstance, last_part, page
from .connect_protocol import ConnectError, refusal_as_connect

CORRELATION_ATTRIBUTE = "correlation_id"
DISPOSITION_ATTRIBUTE = "disposition"
NOTES_ATTRIBUTE = "wrapup_notes"
CONNECTED_STATES = ("connected", "held", "wrapup", "completed")
NEVER_CONNECTED = {"abandoned": "CUSTOMER_DISCONNECT", "failed": "TELECOM_PROBLEM", "rejected": "AGENT_DISCONNECT",
                   "missed": "EXPIRED"}
ENDED_BY = {"customer": "CUSTOMER_DISCONNECT", "agent": "AGENT_DISCONNECT", "network": "TELECOM_PROBLEM"}
TIME_FIELDS = {"INITIATION_TIMESTAMP": "created_at", "CONNECTED_TO_AGENT_TIMESTAMP": "connected_at",
               "DISCONNECT_TIMESTAMP": "ended_at", "ENQUEUE_TIMESTAMP": "queued_at", "SCHEDULED_TIMESTAMP": None}


def encode_attribute(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def decode_attribute(value: str) -> Any:
    """A string attribute back to what the cti keeps: JSON lists and objects, true/false as yes/no."""
    if value in ("true", "false"):
        return value == "true"
    if value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class ContactOperations:
    """The Connect operations on contacts."""

    def __init__(self, instance: ConnectInstance) -> None:
        self.instance, self.cti = instance, instance.cti
        self._outbound_tokens: dict[str, str] = {}  # ClientToken -> contact id (StartOutboundVoiceContact is idempotent)
        self._tokens_lock = threading.Lock()

    def _call(self, contact_id: str) -> dict[str, Any]:
        try:
            return self.cti.call_doc(last_part(contact_id))
        except Refusal:
            raise ConnectError(404, "ResourceNotFoundException", f"Contact not found: {contact_id}") from None

    def attributes(self, call: dict[str, Any]) -> dict[str, str]:
        found = {k: e for k, v in (call["attributes"] or {}).items() if (e := encode_attribute(v)) is not None}
        if call["correlation_id"]:
            found[CORRELATION_ATTRIBUTE] = call["correlation_id"]
        disposition, notes = (call["disposition"], call["notes"] or "") if call["state"] == "completed" \
            else (call["wrapup_draft"]["disposition"], call["wrapup_draft"]["notes"] or None)
        if disposition:
            found[DISPOSITION_ATTRIBUTE] = disposition
        if notes is not None:
            found[NOTES_ATTRIBUTE] = notes
        return found

    def contact(self, call: dict[str, Any]) -> dict[str, Any]:
        i, connected = self.instance, call["state"] in CONNECTED_STATES
        agent_info = None
        if call["agent"]:
            agent_info = {
                "Id": i.user_id(call["agent"]),
                "ConnectedToAgentTimestamp": call["connected_at"] if connected else None,
                "AcceptedByAgentTimestamp": (call["offer"] or {}).get("answered_at") if connected else None,
                "AgentInitiatedHoldDuration": self.cti.call_view(call)["hold_seconds"] if connected else None,
                "AfterContactWorkStartTimestamp": call["wrapup_started_at"],
                "AfterContactWorkEndTimestamp": call["completed_at"],
                "AfterContactWorkDuration": call["wrapup_seconds"]}
        reason = None
        if call["ended_at"] is not None:
            reason = NEVER_CONNECTED.get(call["state"]) or ENDED_BY.get(call["ended_by"], "OTHER")
        return {
            "Arn": i.arn("contact", call["id"]), "Id": call["id"], "InitialContactId": call["id"],
            "InitiationMethod": "OUTBOUND" if call["direction"] == "outbound" else "INBOUND",
            "Channel": call.get("channel", "voice").upper(),
            "QueueInfo": {"Id": i.queue_id(call["queue"]), "EnqueueTimestamp": call.get("queued_at")},
            "AgentInfo": agent_info, "InitiationTimestamp": call["created_at"], "DisconnectTimestamp": call["ended_at"],
            "LastUpdateTimestamp": self.cti.now(), "RingStartTimestamp": call["offered_at"],
            "CustomerEndpoint": {"Type": "TELEPHONE_NUMBER", "Address": call["from_number"]}
            if call["from_number"] else None,
            "DisconnectReason": reason, "Attributes": self.attributes(call)}

    # ---- reads -----------------------------------------------------------------------------------
    @operation("DescribeContact", "ContactId")
    def describe_contact(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"Contact": self.contact(self._call(params["ContactId"]))}

    @operation("GetContactAttributes", "InitialContactId")
    def get_attributes(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"Attributes": self.attributes(self._call(params["InitialContactId"]))}

    @operation("SearchContacts", "TimeRange", "SearchCriteria", "MaxResults", "NextToken", "Sort")
    def search_contacts(self, params: dict[str, Any]) -> dict[str, Any]:
        window, criteria, i = params["TimeRange"], params.get("SearchCriteria") or {}, self.instance
        unsupported = set(criteria) - {"AgentIds", "Channels", "InitiationMethods", "QueueIds"}
        if unsupported:
            raise ConnectError(400, "InvalidParameterException",
                               f"SearchCriteria: {', '.join(sorted(unsupported))} not supported by the sandbox's door")
        start, end = window["StartTime"].timestamp(), window["EndTime"].timestamp()
        if end <= start:
            raise ConnectError(400, "InvalidParameterException", "TimeRange: EndTime must be after StartTime")
        field = TIME_FIELDS[window["Type"]]
        agents = {last_part(a) for a in criteria.get("AgentIds") or ()}
        queues = {last_part(q) for q in criteria.get("QueueIds") or ()}
        found = []
        for call in self.cti.calls():
            contact = self.contact(call)
            moment = call.get(field) if field else None
            if moment is None or not start <= moment <= end:
                continue
            if agents and not agents & {i.user_id(name) for name in participants(call)}:
                continue
            if (criteria.get("Channels") and contact["Channel"] not in criteria["Channels"]) \
                    or (criteria.get("InitiationMethods") and contact["InitiationMethod"] not in criteria["InitiationMethods"]) \
                    or (queues and contact["QueueInfo"]["Id"] not in queues):
                continue
            found.append((call, contact))
        sort = params.get("Sort") or {"FieldName": "INITIATION_TIMESTAMP", "Order": "DESCENDING"}
        key = TIME_FIELDS.get(sort["FieldName"])
        if key is None:
            raise ConnectError(400, "InvalidParameterException", f"Sort: {sort['FieldName']} not supported by the "
                                                                 "sandbox's door (a timestamp field)")
        found.sort(key=lambda pair: (pair[0].get(key) is None, pair[0].get(key) or 0.0),
                   reverse=sort["Order"] == "DESCENDING")
        shown, token = page([contact for _, contact in found], params, 100)
        summary_keys = ("Arn", "Id", "InitialContactId", "InitiationMethod", "Channel", "QueueInfo",
                        "InitiationTimestamp", "DisconnectTimestamp")
        return {"Contacts": [{**{k: c[k] for k in summary_keys}, "AgentInfo": c["AgentInfo"] and {
                    "Id": c["AgentInfo"]["Id"], "ConnectedToAgentTimestamp": c["AgentInfo"]["ConnectedToAgentTimestamp"]}}
                             for c in shown], "NextToken": token, "TotalCount": len(found)}

    # ---- writes ----------------------------------------------------------------------------------
    @operation("UpdateContactAttributes", "InitialContactId", "Attributes")
    def update_attributes(self, params: dict[str, Any]) -> dict[str, Any]:
        call, attributes = self._call(params["InitialContactId"]), params["Attributes"]
        if CORRELATION_ATTRIBUTE in attributes:
            raise ConnectError(400, "InvalidParameterException",
                               f"{CORRELATION_ATTRIBUTE} is set when the contact starts and cannot change")
        wrapup = {field: attributes[name] for name, field in ((DISPOSITION_ATTRIBUTE, "disposition"),
                                                               (NOTES_ATTRIBUTE, "notes")) if name in attributes}
        context = {k: decode_attribute(v) for k, v in attributes.items()
                   if k not in (DISPOSITION_ATTRIBUTE, NOTES_ATTRIBUTE)}
        if wrapup:
            self.cti.save_draft(call["id"], self.instance.principal, wrapup)
        if context:
            self.cti.set_attributes(call["id"], context)
        return {}

    @operation("StopContact", "ContactId", "DisconnectReason")
    def stop_contact(self, params: dict[str, Any]) -> dict[str, Any]:
        call = self._call(params["ContactId"])
        if call["ended_at"] is not None:
            raise ConnectError(410, "ContactNotFoundException", f"Contact {call['id']} has already ended")
        if call["state"] not in ("connected", "held"):
            raise ConnectError(400, "InvalidRequestException", f"the contact is {call['state']}: the sandbox ends "
                                                               "through StopContact only contacts connected to an agent")
        self.cti.act(call["id"], self.instance.principal, "hangup")
        return {}

    @operation("DismissUserContact", "UserId", "ContactId")
    def dismiss_contact(self, params: dict[str, Any]) -> dict[str, Any]:
        agent = self.instance.agent_of_user(params["UserId"])
        call = self._call(params["ContactId"])
        if call["agent"] != agent["username"]:
            raise ConnectError(400, "InvalidRequestException", f"contact {call['id']} is not {agent['username']}'s")
        if call["state"] == "wrapup":
            try:  # the draft lacks what the queue asks for: no parameter of this request is at fault
                self.cti.complete_wrapup(call["id"], self.instance.principal, {})
            except Refusal as exc:
                raise refusal_as_connect(exc, {422: (400, "InvalidRequestException")}) from None
        elif call["state"] not in ("missed", "rejected"):  # those are off the agent's desktop already
            raise ConnectError(400, "InvalidRequestException",
                               "Contacts can only be dismissed if they are in a MISSED, ERROR, ENDED, or REJECTED "
                               f"state; contact {call['id']} is {call['state']}")
        return {}

    @operation("TransferContact", "ContactId", "QueueId", "UserId", "ContactFlowId", "ClientToken")
    def transfer_contact(self, params: dict[str, Any]) -> dict[str, Any]:
        call = self._call(params["ContactId"])
        self.instance.flow(params["ContactFlowId"])
        if "QueueId" in params:
            self.instance.queue_of(params["QueueId"])
        if "UserId" in params:
            self.instance.agent_of_user(params["UserId"])
        raise ConnectError(400, "InvalidRequestException",
                           f"Transfer is supported for only TASK and EMAIL contacts; contact {call['id']} is "
                           f"{call.get('channel', 'voice').upper()} (calls and chats move with the agent's "
                           f"quick connects in the CCP)")

    @operation("StartOutboundVoiceContact", "DestinationPhoneNumber", "ContactFlowId", "QueueId", "Attributes",
               "ClientToken")
    def start_outbound_voice(self, params: dict[str, Any]) -> dict[str, Any]:
        _, flow_type = self.instance.flow(params["ContactFlowId"])
        if flow_type != "CONTACT_FLOW":
            raise ConnectError(400, "InvalidParameterException", f"ContactFlowId: a {flow_type} flow cannot place a call")
        kind, username = self.instance.queue_of(params["QueueId"]) if "QueueId" in params else (None, None)
        if kind != "AGENT":
            raise ConnectError(400, "InvalidParameterException",
                               "QueueId: the sandbox dials for an agent: give the agent's queue (the user's id)")
        token = params.get("ClientToken")
        with self._tokens_lock:
            if token and token in self._outbound_tokens:
                return {"ContactId": self._outbound_tokens[token]}
        context = {k: decode_attribute(v) for k, v in (params.get("Attributes") or {}).items()}
        record_id, callback_id = context.pop("record_id", None), context.pop("callback_id", None)
        try:
            call = self.cti.dial(username, params["DestinationPhoneNumber"], None,
                                 None if record_id is None else str(record_id), callback_id)
        except Refusal as exc:
            raise refusal_as_connect(exc, {403: (403, "DestinationNotAllowedException")}) from None
        if context:
            self.cti.set_attributes(call["id"], context)
        with self._tokens_lock:
            if token:
                self._outbound_tokens[token] = call["id"]
        return {"ContactId": call["id"]}
