"""Amazon Connect's shapes (as boto3 returns them) read as deskcheck records: pure functions, no I/O.

How a contact's state reads (DescribeContact, and GetCurrentUserData for a contact with an agent):

    queued     no AgentInfo, not disconnected
    offered    the agent's contact is INCOMING, PENDING or CONNECTING
    connected  CONNECTED (held: CONNECTED_ONHOLD)
    wrapup     disconnected after reaching the agent, after contact work not ended (the agent's contact ENDED)
    completed  AfterContactWorkEndTimestamp
    abandoned / failed / rejected / missed: disconnected before reaching an agent, by DisconnectReason
               CUSTOMER_DISCONNECT / TELECOM_PROBLEM / AGENT_DISCONNECT / EXPIRED (any other: "ended")

An agent's state: the contact they are on (INCOMING: RESERVED, CONNECTED: ON_INTERACTION, ENDED: ACW),
else their agent status by type: ROUTABLE is AVAILABLE, OFFLINE is OFFLINE, a CUSTOM status is NOT_READY
with the status's name as the reason. The status queued for after the contact is GetCurrentUserData's
NextStatus.
"""
from __future__ import annotations

import json
from datetime import datetime, time, timedelta, timezone
from typing import Any, Mapping

# the attribute conventions of the IVR's and the bot's context, shared with the sandbox adapter
from deskcheck.adapters.sandbox.chat import chat_context
from deskcheck.adapters.sandbox.ivr import ivr_context
from deskcheck.records import AgentState, Interaction, OpeningHours
from deskcheck.records.cti import state_label

#: contact attributes with a meaning of their own (everything else is the call's context: the IVR's, the bot's)
CORRELATION_ATTRIBUTE = "correlation_id"
DISPOSITION_ATTRIBUTE = "disposition"
NOTES_ATTRIBUTE = "wrapup_notes"
RESERVED_ATTRIBUTES = (CORRELATION_ATTRIBUTE, DISPOSITION_ATTRIBUTE, NOTES_ATTRIBUTE)
#: queue tags for the wrap-up rules Connect has no setting for
QUEUE_TAG = "deskcheck:"
DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")  # index = weekday

RINGING = ("INCOMING", "PENDING", "CONNECTING")
ON_CONTACT = {**dict.fromkeys(RINGING, "RESERVED"), "CONNECTED": "ON_INTERACTION",
              "CONNECTED_ONHOLD": "ON_INTERACTION", "ENDED": "ACW"}
STATUS_STATES = {"ROUTABLE": "AVAILABLE", "OFFLINE": "OFFLINE", "CUSTOM": "NOT_READY"}
LIVE_STATES = {**dict.fromkeys(RINGING, "offered"), "CONNECTED": "connected", "CONNECTED_ONHOLD": "held",
               "ENDED": "wrapup"}
NEVER_CONNECTED = {"CUSTOMER_DISCONNECT": "abandoned", "TELECOM_PROBLEM": "failed", "AGENT_DISCONNECT": "rejected",
                   "EXPIRED": "missed"}
ENDED_BY = {"CUSTOMER_DISCONNECT": "customer", "AGENT_DISCONNECT": "agent", "TELECOM_PROBLEM": "network"}


def utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


def iso(moment: datetime | None) -> str | None:
    """The format deskcheck records use for times: UTC, milliseconds."""
    return None if moment is None else utc(moment).isoformat(timespec="milliseconds")


# ---- agents ------------------------------------------------------------------------------------------

def status_state(name: str | None, status_types: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(state, reason) of an agent status by its name; (None, None) for no status."""
    if not name:
        return None, None
    state = STATUS_STATES.get(status_types.get(name, "CUSTOM"), "NOT_READY")
    return state, (name if state == "NOT_READY" else None)


def agent_state(username: str, user_data: Mapping[str, Any] | None, status_types: Mapping[str, str],
                queues: tuple[str, ...]) -> AgentState:
    """An agent from GetCurrentUserData's entry (None: Connect has no real-time data for them: offline)."""
    if user_data is None:
        return AgentState(username, "OFFLINE", None, state_label("OFFLINE", None), queues=queues)
    live = [c for c in user_data.get("Contacts") or () if c.get("AgentContactState") in ON_CONTACT]
    if live:
        state, reason, current = ON_CONTACT[live[0]["AgentContactState"]], None, live[0]["ContactId"]
    else:
        state, reason = status_state((user_data.get("Status") or {}).get("StatusName"), status_types)
        state, current = state or "OFFLINE", None
    next_state, next_reason = status_state(user_data.get("NextStatus"), status_types)
    return AgentState(username, state, reason, state_label(state, reason), next_state, next_reason, current, queues)


# ---- contacts ----------------------------------------------------------------------------------------

def decode_attribute(value: str) -> Any:
    """Contact attributes are strings: JSON lists and objects, and true/false, read back as such."""
    if value in ("true", "false"):
        return value == "true"
    if value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def encode_attribute(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def context_of(attributes: Mapping[str, str]) -> dict[str, Any]:
    """The call's context: every attribute but the ones with a meaning of their own, decoded."""
    return {k: decode_attribute(v) for k, v in attributes.items() if k not in RESERVED_ATTRIBUTES}


def contact_state(contact: Mapping[str, Any], agent_contact_state: str | None) -> str:
    agent = contact.get("AgentInfo") or {}
    if contact.get("DisconnectTimestamp"):
        if agent.get("ConnectedToAgentTimestamp"):
            return "completed" if agent.get("AfterContactWorkEndTimestamp") else "wrapup"
        return NEVER_CONNECTED.get(contact.get("DisconnectReason") or "", "ended")
    if not agent.get("Id"):
        return "queued"
    return LIVE_STATES.get(agent_contact_state or "") or ("connected" if agent.get("ConnectedToAgentTimestamp")
                                                          else "offered")


def wrapup_rules(tags: Mapping[str, str]) -> tuple[str, int | None, int | None]:
    """(wrap-up mode, after-call-work seconds, ring timeout seconds) from a queue's tags."""
    def number(key: str) -> int | None:
        value = tags.get(QUEUE_TAG + key)
        return int(value) if value and value.isdigit() else None
    return tags.get(QUEUE_TAG + "wrapup_mode") or "optional", number("acw_seconds"), number("ring_timeout_seconds")


def interaction(contact: Mapping[str, Any], attributes: Mapping[str, str], state: str, agent: str | None,
                queue: str | None, queue_tags: Mapping[str, str] | None = None) -> Interaction:
    """A contact as an Interaction. ``queue_tags``: its queue's tags (read for calls that reached wrap-up)."""
    info, context = contact.get("AgentInfo") or {}, context_of(attributes)
    reached_agent = bool(info.get("ConnectedToAgentTimestamp"))
    completed = state == "completed"
    mode, acw_seconds, _ = wrapup_rules(queue_tags or {})
    wrapped = state in ("wrapup", "completed")
    started = info.get("AfterContactWorkStartTimestamp")
    deadline = started + timedelta(seconds=acw_seconds) if wrapped and mode == "timeboxed" and acw_seconds and started \
        else None
    reason = contact.get("DisconnectReason") or ""
    ended_by = ENDED_BY.get(reason) if contact.get("DisconnectTimestamp") and (
        reached_agent or state in ("abandoned", "failed")) else None
    endpoint = contact.get("CustomerEndpoint") or {}
    return Interaction(
        id=contact["Id"], state=state,
        direction="outbound" if contact.get("InitiationMethod") in ("OUTBOUND", "CALLBACK", "API") else "inbound",
        channel=(contact.get("Channel") or "VOICE").lower(), from_number=endpoint.get("Address") or None,
        queue=queue, agent=agent, correlation_id=attributes.get(CORRELATION_ATTRIBUTE), attributes=context,
        on_hold=state == "held", hold_seconds=float(info.get("AgentInitiatedHoldDuration") or 0),
        wrapup_mode=mode if wrapped else None,
        disposition=attributes.get(DISPOSITION_ATTRIBUTE) if completed else None,
        notes=attributes.get(NOTES_ATTRIBUTE) if completed else None,
        wrapup_seconds=info.get("AfterContactWorkDuration") if completed else None,
        wrapup_deadline=iso(deadline), ended_by=ended_by, ivr=ivr_context(context), chat=chat_context(context),
        record_id=None if context.get("record_id") is None else str(context["record_id"]),
        callback_id=context.get("callback_id"))


# ---- queues' hours -----------------------------------------------------------------------------------

def _hhmm(time_slice: Mapping[str, int]) -> str:
    return f"{time_slice['Hours']:02d}:{time_slice['Minutes']:02d}"


def opening_hours(config: list[Mapping[str, Any]], tz_name: str = "UTC", on: datetime | None = None) -> OpeningHours | None:
    """An hours-of-operation config as OpeningHours in UTC (None: open around the clock, 00:00-00:00 every day).

    Connect keeps a window per day; OpeningHours one for every open day: the first day's times are taken.
    Hours kept in another time zone are moved to UTC at that zone's offset ``on`` that moment (now)."""
    days = {DAYS.index(entry["Day"]): (_hhmm(entry["StartTime"]), _hhmm(entry["EndTime"])) for entry in config}
    if len(days) == 7 and set(days.values()) == {("00:00", "00:00")}:
        return None
    if not days:
        return OpeningHours((), "00:00", "00:00")
    opens, closes = days[min(days)]
    if tz_name != "UTC":
        from zoneinfo import ZoneInfo

        offset = (on or datetime.now(timezone.utc)).astimezone(ZoneInfo(tz_name)).utcoffset() or timedelta()
        shift = lambda hhmm: (datetime.combine(datetime(2000, 1, 3), time.fromisoformat(hhmm)) - offset).strftime("%H:%M")
        opens, closes = shift(opens), shift(closes)
    return OpeningHours(tuple(sorted(days)), opens, closes)


def hours_config(hours: OpeningHours | None) -> list[dict[str, Any]]:
    """OpeningHours (UTC) as the Config of UpdateHoursOfOperation."""
    def time_slice(hhmm: str) -> dict[str, int]:
        return {"Hours": int(hhmm[:2]), "Minutes": int(hhmm[3:5])}
    if hours is None:
        return [{"Day": day, "StartTime": time_slice("00:00"), "EndTime": time_slice("00:00")} for day in DAYS]
    return [{"Day": DAYS[d], "StartTime": time_slice(hours.opens), "EndTime": time_slice(hours.closes)}
            for d in sorted(hours.days)]


def open_state(hours: OpeningHours | None, now: datetime) -> tuple[bool, str | None]:
    """(open now, when it opens: now itself while open) for hours in UTC."""
    if hours is None:
        return True, None
    now = utc(now)
    opens, closes = time.fromisoformat(hours.opens), time.fromisoformat(hours.closes)
    for offset in range(0, 400):
        day = (now + timedelta(days=offset)).date()
        if day.weekday() not in hours.days:
            continue
        start = datetime.combine(day, opens, tzinfo=timezone.utc)
        end = datetime.combine(day, closes, tzinfo=timezone.utc)
        if end <= start:
            continue
        if start <= now < end:
            return True, iso(now)
        if start >= now:
            return False, iso(start)
    return False, None
