"""cti wrap-up: dispositions per queue, the draft kept server side, completion, timers; SSO and the softphone's view."""
from __future__ import annotations

import uuid
from typing import Any

from ..platform.faults import EdgeError
from .errors import CtiError
from .model_base import MISSED_REASON, SSO_CODE_SECONDS, TIMEOUT_DISPOSITION


class WrapUpMixin:
    """Part of :class:`sandbox.cti.model.Cti` (one domain object, split by concern)."""

    # ---- wrap-up --------------------------------------------------------------------------------
    def dispositions(self, queue: str) -> list[dict[str, str]]:
        """The crm catalogue for a queue (the last good answer is kept for when crm is down)."""
        try:
            body = self.system.peers["crm"].request("GET", "/api/dispositions", edge="dispositions",
                                                    params={"queue": queue})
            codes = [{"code": d["code"], "label": d["label"]} for d in body["dispositions"]
                     if d["code"] != TIMEOUT_DISPOSITION]
        except (EdgeError, KeyError, TypeError) as exc:
            cached = self._dispositions_cache.get(queue)
            if cached is not None:
                return cached
            raise CtiError(502, f"the disposition catalogue is unavailable from crm: {exc}") from exc
        self._dispositions_cache[queue] = codes
        return codes

    def check_disposition(self, queue: str, disposition: str | None) -> None:
        if disposition is None:
            return
        codes = [d["code"] for d in self.dispositions(queue)]
        if disposition not in codes:
            raise CtiError(422, f"disposition {disposition!r} is not in the {queue} catalogue ({', '.join(codes)})")

    def save_draft(self, interaction_id: str, principal: Any, fields: dict[str, Any]) -> dict[str, Any]:
        call = self.call_doc(interaction_id)
        self.authorize(principal, call)
        self._require(call, "connected", "held", "wrapup", no_consult=False)
        if fields.get("disposition"):
            self.check_disposition(call["queue"], fields["disposition"])  # crm call: outside the lock
        with self.change():
            call = self.call_doc(interaction_id)
            self._require(call, "connected", "held", "wrapup", no_consult=False)
            draft = call["wrapup_draft"]
            if "disposition" in fields:
                draft["disposition"] = fields["disposition"] or None
            if "notes" in fields:
                draft["notes"] = fields["notes"] or ""
            self._save_call(call)
            self._emit("wrapup_draft_saved", call, disposition=draft["disposition"], notes=draft["notes"])
            return self.call_doc(interaction_id)

    def complete_wrapup(self, interaction_id: str, principal: Any, fields: dict[str, Any]) -> dict[str, Any]:
        call = self.call_doc(interaction_id)
        self.authorize(principal, call)
        self._require(call, "wrapup", no_consult=False)
        draft = call["wrapup_draft"]
        disposition = fields["disposition"] if "disposition" in fields else draft["disposition"]
        disposition = disposition or None
        if call["wrapup_mode"] == "mandatory" and disposition is None:
            raise CtiError(422, "a disposition is required to complete wrap-up on this queue")
        self.check_disposition(call["queue"], disposition)
        notes = fields["notes"] if fields.get("notes") is not None else draft["notes"]
        with self.change():
            call = self.call_doc(interaction_id)
            self._require(call, "wrapup", no_consult=False)
            self._complete(call, disposition, notes or "", self.now(), timed_out=False)
            return self.call_doc(interaction_id)

    def _complete(self, call: dict[str, Any], disposition: str | None, notes: str, at: float, timed_out: bool) -> None:
        call["wrapup_draft"].update(disposition=disposition if not timed_out else call["wrapup_draft"]["disposition"],
                                    notes=notes)
        call.update(state="completed", disposition=disposition, notes=notes, completed_at=at,
                    wrapup_seconds=int(round(at - call["wrapup_started_at"])))
        first_log = not call["call_log_written"]
        call["call_log_written"] = True  # the idempotency key is the interaction id: written once
        self._save_call(call)
        self._emit("completed", call, disposition=disposition, notes=notes, wrapup_seconds=call["wrapup_seconds"],
                   hold_seconds=self._hold_seconds(call), timed_out=timed_out)
        if first_log:
            self._to_crm("PUT", f"/api/activities/{call['id']}", "activities", {
                "status": "completed", "direction": call["direction"], "from_number": call["from_number"],
                "queue": call["queue"], "agent": call["agent"], "correlation_id": call["correlation_id"],
                "disposition": disposition, "notes": notes, "wrapup_seconds": call["wrapup_seconds"],
                "hold_seconds": self._hold_seconds(call), "muted_seconds": self._muted_seconds(call),
                "dtmf": call["dtmf"], "transfers": [{**t, "at": self.iso(t["at"])} for t in call["transfers"]],
                **self._activity_context(call)}, call["correlation_id"])
            self._publish_disposition(call)
            self._callback_completed(call)
        self._release(call["agent"], call)

    # ---- timers ---------------------------------------------------------------------------------
    def tick(self) -> None:
        now = self.now()
        with self.change():
            for call in self.calls(("offered", "held", "connected", "wrapup")):
                if call["state"] == "offered" and call["offer"]["expires_at"] <= now:
                    self._miss(call, "missed")
                elif call["consult"] and call["consult"]["state"] == "offered" and call["consult"]["expires_at"] <= now:
                    self._drop_consult(call, "missed", target_state=("NOT_READY", MISSED_REASON))
                elif call["state"] == "wrapup" and call["wrapup_deadline"] is not None and call["wrapup_deadline"] <= now:
                    # the call completes at its deadline, so wrapup_seconds is exactly the queue's acw_seconds
                    self._complete(call, TIMEOUT_DISPOSITION, call["wrapup_draft"]["notes"], call["wrapup_deadline"],
                                   timed_out=True)
            self.db.execute("DELETE FROM sso_codes WHERE expires_at <= ?", (now,))
        self.send_outgoing()

    # ---- SSO and sessions -------------------------------------------------------------------------
    def new_sso_code(self, username: str) -> dict[str, Any]:
        self.agent_doc(username)
        code = uuid.uuid4().hex
        expires = self.now() + SSO_CODE_SECONDS
        self.db.execute("INSERT INTO sso_codes (code, username, expires_at) VALUES (?,?,?)", (code, username, expires))
        return {"code": code, "username": username, "expires_at": self.iso(expires)}

    def redeem_sso_code(self, code: str) -> str | None:
        """A one-time code becomes a session token (None when unknown, used or expired)."""
        with self.change():
            row = self.db.one("SELECT * FROM sso_codes WHERE code=?", (code,))
            if row is None:
                return None
            self.db.execute("DELETE FROM sso_codes WHERE code=?", (code,))
            if row["expires_at"] <= self.now():
                return None
            token = uuid.uuid4().hex + uuid.uuid4().hex
            self.db.execute("INSERT INTO sessions (token, username, created_at) VALUES (?,?,?)",
                            (token, row["username"], self.now()))
            return token

    def session_user(self, token: str) -> dict[str, Any] | None:
        row = self.db.one("SELECT username FROM sessions WHERE token=?", (token,))
        return self.find_agent(row["username"]) if row else None

    # ---- what the softphone renders ---------------------------------------------------------------
    def snapshot(self, username: str) -> dict[str, Any]:
        agent = self.agent_doc(username)
        view = None
        if agent["current_interaction_id"]:
            view = self._my_view(self.call_doc(agent["current_interaction_id"]), username)
        last = None
        if agent["last_interaction_id"]:
            call = self.call_doc(agent["last_interaction_id"])
            last = {k: call[k] for k in ("id", "state", "from_number", "queue", "agent", "disposition", "notes",
                                          "wrapup_seconds", "ended_by")}
            last["completed_at"] = self.iso(call["completed_at"])
            mine = [o for o in call.get("offer_outcomes", ()) if o["agent"] == username]
            if call["agent"] != username and mine:  # re-offered to someone else: this agent's part ended
                last.update(state=mine[-1]["outcome"], agent=username, disposition=None, notes=None)
        others = [{"username": a["username"], "name": a["name"], "state": a["state"]}
                  for a in self.all_agents() if a["username"] != username and a["role"] != "supervisor"]
        mine = [self.callback_view(c) for c in self.callbacks("scheduled") if c["queue"] in agent["queues"]]
        return {"agent": self.agent_view(agent), "interaction": view, "last_interaction": last,
                "callbacks": [c for c in mine if c["due"]][:8],
                "transfer_targets": {"queues": self.queue_names(), "agents": others}, "now": self.clock.iso(),
                "clock_frozen": self.clock.frozen}

    def _my_view(self, call: dict[str, Any], username: str) -> dict[str, Any]:
        """The call as this agent sees it: an offer, a consult for them, their active call, or wrap-up."""
        view = self.call_view(call)
        consult = call["consult"]
        if consult and consult["to_agent"] == username:
            view["view"] = "incoming" if consult["state"] == "offered" else "consult"
            view["my_offer"] = {"offer_id": consult["offer_id"], "kind": "consult", "from_agent": consult["from_agent"],
                                "from_name": consult["from_name"], "note": consult["note"]}
        else:
            view["view"] = {"offered": "incoming", "connected": "active", "held": "active",
                            "wrapup": "wrapup"}.get(call["state"], "none")
            offer = call["offer"] or {}
            view["my_offer"] = {"offer_id": offer.get("id"), "kind": offer.get("kind", "call"),
                                "from_agent": offer.get("from_agent"), "from_name": offer.get("from_name"),
                                "note": offer.get("note")}
        return view
