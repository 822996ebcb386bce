"""cti beyond inbound calls: business hours, proactive callbacks, outbound checks (E.164, do-not-call),
chats escalated from the bot, and the disposition feed for workforce management.

A mixin of `Cti` (model.py): it uses the same lock (`change()`), storage and peer outboxes.
"""
from __future__ import annotations

import uuid
from typing import Any

from ..platform.db import dumps, loads
from ..platform.faults import EdgeError
from ..platform.hours import is_open, next_open
from ..platform.phone import PhoneError, normalize_phone
from .errors import CtiError

CALLBACK_ATTEMPTS = 3
CALLBACK_RETRY_SECONDS = 30 * 60
CALLBACK_REASONS = {"missed": "missed call", "abandoned": "abandoned call", "after_hours": "after-hours request",
                    "requested": "customer request"}
CALLBACKS_SHOWN = 8


class ChannelsMixin:
    # ---- business hours ---------------------------------------------------------------------------
    def queue_open(self, queue: dict[str, Any]) -> tuple[bool, str | None]:
        now = self.now()
        hours = queue.get("hours")
        return is_open(hours, now), self.iso(next_open(hours, now)) if hours else None

    def require_open(self, queue_name: str) -> None:
        open_now, opens_at = self.queue_open(self.queue_doc(queue_name))
        if not open_now:
                raise CtiError(409, f"the {queue_name} queue is closed; it opens at {opens_at} (offer a callback)")

    # ---- callbacks --------------------------------------------------------------------------------
    def callback_doc(self, callback_id: str) -> dict[str, Any]:
        row = self.db.one("SELECT doc FROM callbacks WHERE id=?", (callback_id,))
        if row is None:
            raise CtiError(404, f"no callback {callback_id!r}")
        return loads(row["doc"])

    def callbacks(self, status: str | None = None, number: str | None = None) -> list[dict[str, Any]]:
        rows = self.db.query("SELECT doc FROM callbacks ORDER BY seq DESC")
        found = [loads(r["doc"]) for r in rows]
        return [c for c in found if (status is None or c["status"] == status) and (number is None or c["number"] == number)]

    def _save_callback(self, callback: dict[str, Any]) -> None:
        self.db.execute("UPDATE callbacks SET status=?, doc=? WHERE id=?", (callback["status"], dumps(callback), callback["id"]))

    def callback_view(self, callback: dict[str, Any]) -> dict[str, Any]:
        return {**callback, "due_at": self.iso(callback["due_at"]), "created_at": self.iso(callback["created_at"]),
                "reason_label": CALLBACK_REASONS.get(callback["reason"], callback["reason"]),
                "due": callback["status"] == "scheduled" and callback["due_at"] <= self.now()}

    def schedule_callback(self, number: str, queue: str, reason: str, correlation_id: str | None,
                          contact_id: int | None = None, origin: str | None = None, note: str | None = None) -> dict:
        """A callback the queue's agents work from the softphone; due now, or when the queue opens."""
        now = self.now()
        due = next_open(self.queue_doc(queue).get("hours"), now)
        seq = self.db.one("SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM callbacks")["next"]
        callback = {"id": f"cb-{uuid.uuid4().hex[:10]}", "number": number, "queue": queue, "reason": reason,
                    "note": note, "contact_id": contact_id, "origin_interaction_id": origin,
                    "correlation_id": correlation_id, "created_at": now, "due_at": due, "status": "scheduled",
                    "attempts": [], "agent": None, "interaction_id": None,
                    "next_action": f"Call back ({CALLBACK_REASONS.get(reason, reason)})"}
        self.db.execute("INSERT INTO callbacks (id, status, seq, doc) VALUES (?,?,?,?)",
                        (callback["id"], "scheduled", seq, dumps(callback)))
        self.events.emit("callback.scheduled", {"callback_id": callback["id"], "number": number, "queue": queue,
                                                "reason": reason, "due_at": self.iso(due), "origin_interaction_id": origin},
                         correlation_id=correlation_id)
        self._log_followup(callback)
        return callback

    def _log_followup(self, callback: dict[str, Any]) -> None:
        """crm keeps each attempt and the next action on the customer's record."""
        view = self.callback_view(callback)
        self._to_crm("PUT", f"/api/followups/{callback['id']}", "followups", {
            "phone": callback["number"], "contact_id": callback["contact_id"], "queue": callback["queue"],
            "reason": view["reason_label"], "status": callback["status"], "next_action": callback["next_action"],
            "next_action_due": view["due_at"] if callback["status"] == "scheduled" else None,
            "attempts": [{**a, "at": self.iso(a["at"])} for a in callback["attempts"]],
            "correlation_id": callback["correlation_id"]}, callback["correlation_id"])

    def cancel_callback(self, callback_id: str) -> dict[str, Any]:
        with self.change():
            callback = self.callback_doc(callback_id)
            if callback["status"] != "scheduled":
                raise CtiError(409, f"the callback is {callback['status']}; only a scheduled one can be cancelled")
            callback.update(status="cancelled", next_action="None: callback cancelled")
            self._save_callback(callback)
            self.events.emit("callback.cancelled", {"callback_id": callback_id}, correlation_id=callback["correlation_id"])
            self._log_followup(callback)
            return callback

    def _callback_attempt(self, callback: dict[str, Any], call: dict[str, Any], outcome: str) -> None:
        callback["attempts"].append({"n": len(callback["attempts"]) + 1, "interaction_id": call["id"],
                                     "agent": call["agent"], "outcome": outcome, "at": self.now()})
        callback.update(agent=call["agent"], interaction_id=call["id"])
        if outcome == "connected":
            callback.update(status="in_progress", next_action="Wrap up the callback")
        elif len(callback["attempts"]) < CALLBACK_ATTEMPTS:
            callback.update(status="scheduled", due_at=self.now() + CALLBACK_RETRY_SECONDS,
                            next_action=f"Call back again (attempt {len(callback['attempts']) + 1} of {CALLBACK_ATTEMPTS})")
        else:
            callback.update(status="failed", next_action=f"Send a follow-up email: {CALLBACK_ATTEMPTS} attempts, no answer")
        self._save_callback(callback)
        self.events.emit("callback.attempted", {"callback_id": callback["id"], "attempt": len(callback["attempts"]),
                                                "outcome": outcome, "interaction_id": call["id"], "agent": call["agent"],
                                                "status": callback["status"], "next_action": callback["next_action"]},
                         correlation_id=callback["correlation_id"])
        self._log_followup(callback)

    def _callback_completed(self, call: dict[str, Any]) -> None:
        callback_id = (call["attributes"] or {}).get("callback_id")
        if not callback_id:
            return
        callback = self.callback_doc(callback_id)
        follow_up = call["disposition"] in ("FOLLOW_UP", "CALLBACK")
        callback.update(status="completed", next_action=(
            f"Follow up ({call['disposition']})" if follow_up else f"None: callback completed ({call['disposition']})"))
        self._save_callback(callback)
        self.events.emit("callback.completed", {"callback_id": callback_id, "interaction_id": call["id"],
                                                "disposition": call["disposition"], "next_action": callback["next_action"]},
                         correlation_id=callback["correlation_id"])
        self._log_followup(callback)

    def _after_lost_call(self, call: dict[str, Any], outcome: str) -> None:
        """A missed or abandoned inbound call: a proactive callback, and (abandoned) a helpdesk ticket."""
        if call["direction"] != "inbound" or call.get("channel", "voice") != "voice":
            return
        attributes = call["attributes"] or {}
        callback = self.schedule_callback(call["from_number"], call["queue"], outcome, call["correlation_id"],
                                          contact_id=attributes.get("contact_id"), origin=call["id"],
                                          note=attributes.get("reason"))
        if outcome == "abandoned":
            self._to_peer("helpdesk", "POST", "/api/tickets", "tickets", {
                "subject": f"Abandoned call from {call['from_number']}", "channel": "phone", "phone": call["from_number"],
                "category": "callback", "priority": "high" if attributes.get("verified") else "normal",
                "tags": ["abandoned-call", f"queue:{call['queue']}"], "source_ref": call["id"],
                "description": f"The caller hung up before reaching an agent on the {call['queue']} queue"
                               + (f" (reason: {attributes['reason']})" if attributes.get("reason") else "")
                               + f". A callback is scheduled ({callback['id']})."}, call["correlation_id"])

    # ---- outbound: E.164 and consent ------------------------------------------------------------
    def check_dialable(self, raw_number: str, username: str, record_id: str | None) -> tuple[str, list[dict]]:
        """(the number in E.164, the crm contacts with it), or a refusal: not a number (422), do-not-call
        (403), consent unknown (502)."""
        try:
            number = normalize_phone(raw_number)
        except PhoneError as exc:
            raise CtiError(422, f"to_number: {exc}") from None
        try:
            body = self.system.peers["crm"].request("GET", "/api/contacts", edge="consent", params={"phone": number})
            contacts = body["contacts"]
        except (EdgeError, KeyError, TypeError) as exc:
            raise CtiError(502, f"the do-not-call check is unavailable (crm): {exc}") from None
        blocked = [c for c in contacts if c.get("do_not_call")]
        if blocked:
            names = ", ".join(c["full_name"] for c in blocked)
            self.events.emit("interaction.blocked", {"to_number": number, "agent": username, "record_id": record_id,
                                                     "reason": "do_not_call", "contacts": [c["id"] for c in blocked]})
            raise CtiError(403, f"call blocked: {names} is on the do-not-call list")
        return number, contacts

    # ---- chats escalated from the bot -------------------------------------------------------------
    def create_chat(self, fields: dict[str, Any], correlation_id: str) -> dict[str, Any]:
        queue = fields["queue"]
        if queue not in self.queue_names():
                raise CtiError(422, f"unknown queue {queue!r}")
        attributes = {k: v for k, v in fields.items() if k not in ("queue", "phone")}
        attributes.update(channel="chat", verified=bool(fields.get("account_number")))
        with self.change():
            call = self._new_call("inbound", fields.get("phone") or "", queue, attributes, correlation_id)
            call["channel"] = "chat"
            self._insert_call(call)
            self._emit("queued", call, attributes=attributes, channel="chat")
        return self.call_doc(call["id"])

    def add_message(self, interaction_id: str, principal: Any, text: str) -> dict[str, Any]:
        with self.change():
            call = self.call_doc(interaction_id)
            if call.get("channel") != "chat":
                raise CtiError(409, "messages belong to chats; this interaction is a call")
            if principal.kind == "client":
                sender, name = "customer", call["attributes"].get("customer_name") or "Customer"
            else:
                self.authorize(principal, call)
                sender, name = "agent", self._name(call["agent"])
            if call["state"] not in ("connected", "queued", "offered") or (sender == "agent" and call["state"] != "connected"):
                raise CtiError(409, f"the chat is {call['state']}")
            message = {"from": sender, "name": name, "text": text, "at": self.iso(self.now())}
            call["attributes"].setdefault("transcript", []).append(message)
            self._save_call(call)
            self._emit("message", call, message=message, channel="chat")
            if sender == "agent":
                self._to_peer("chat", "POST", f"/api/conversations/{call['attributes']['conversation_id']}/agent-messages",
                              "messages", {"text": text, "agent_name": name}, call["correlation_id"])
        return self.call_doc(interaction_id)

    def _tell_chat(self, call: dict[str, Any], what: str) -> None:
        """The customer's widget learns that the agent joined or left."""
        if call.get("channel") != "chat":
            return
        self._to_peer("chat", "POST", f"/api/conversations/{call['attributes']['conversation_id']}/{what}", "events",
                      {"agent": call["agent"], "agent_name": self._name(call["agent"]), "interaction_id": call["id"]},
                      call["correlation_id"])

    # ---- workforce management -------------------------------------------------------------------
    def _publish_disposition(self, call: dict[str, Any]) -> None:
        """What WFM needs per handled contact: who, which queue, what outcome, how long."""
        talk = int(round((call["ended_at"] or call["completed_at"]) - call["connected_at"])) if call["connected_at"] else 0
        self.events.emit("wfm.disposition", {
            "interaction_id": call["id"], "agent": call["agent"], "queue": call["queue"],
            "channel": call.get("channel", "voice"), "direction": call["direction"], "disposition": call["disposition"],
            "talk_seconds": talk, "hold_seconds": self._hold_seconds(call), "wrapup_seconds": call["wrapup_seconds"],
            "handle_seconds": talk + (call["wrapup_seconds"] or 0),
            "callback_id": (call["attributes"] or {}).get("callback_id"), "completed_at": self.iso(call["completed_at"])},
            correlation_id=call["correlation_id"])
