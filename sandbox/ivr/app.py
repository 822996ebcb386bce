"""ivr: menu flows as data (flows.py), DTMF and speech input through the call simulator, account lookup
against crm (retry, then a fallback prompt), a personalised menu for a pending payment, recent ticket
updates from helpdesk, and the hand-over to cti with the caller's context as interaction attributes.

The IVR has no UI: a test (or a person) plays the caller through its API. Routes are plain `def`.
"""
from __future__ import annotations

import re
import threading
import uuid
from typing import Any

from fastapi import Depends, FastAPI
from pydantic import BaseModel, ConfigDict, Field

from ..platform import correlation
from ..platform.auth import Principal
from ..platform.db import dumps, loads
from ..platform.errors import Refusal as IvrError
from ..platform.faults import EdgeError
from ..platform.system import SandboxConfig, System
from .flows import FLOWS, LINES, LOOKUP_ATTEMPTS, MIN_SPEECH_CONFIDENCE

SCHEMA = "CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, doc TEXT NOT NULL);"
LIVE = "in_ivr"


class CallIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    from_number: str = Field(pattern=r"^\+[1-9][0-9]{6,14}$", description="the caller's E.164 number")
    line: str = Field(default="support", max_length=40)


class Speech(BaseModel):
    model_config = ConfigDict(extra="forbid")
    transcript: str = Field(min_length=1, max_length=1000)
    confidence: float = Field(ge=0, le=1)


class InputIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dtmf: str | None = Field(default=None, pattern=r"^[0-9*#]{1,32}$")
    speech: Speech | None = None


class Ivr:
    def __init__(self, system: System) -> None:
        self.system, self.db, self.events, self.clock = system, system.db, system.events, system.clock
        self._lock = threading.RLock()

    # ---- storage --------------------------------------------------------------------------------
    def load(self, session_id: str) -> dict[str, Any]:
        row = self.db.one("SELECT doc FROM sessions WHERE id=?", (session_id,))
        if row is None:
            raise IvrError(404, f"no IVR call {session_id!r}")
        return loads(row["doc"])

    def _save(self, session: dict[str, Any]) -> None:
        self.db.execute("INSERT OR REPLACE INTO sessions (id, doc) VALUES (?,?)", (session["id"], dumps(session)))

    def _emit(self, type: str, session: dict[str, Any], **data: Any) -> None:
        self.events.emit(type, {"session_id": session["id"], "from_number": session["from_number"], **data},
                         correlation_id=session["correlation_id"])

    def _peer(self, peer: str, method: str, path: str, edge: str, session: dict[str, Any], **kwargs: Any) -> Any:
        return self.system.peers[peer].request(method, path, edge=edge, correlation_id=session["correlation_id"],
                                               **kwargs)

    # ---- the call -------------------------------------------------------------------------------
    def start(self, from_number: str, line: str) -> dict[str, Any]:
        if line not in LINES:
            raise IvrError(422, f"unknown line {line!r} (known: {', '.join(LINES)})")
        flow = FLOWS[LINES[line]]
        session = {
            "id": f"ivr-{uuid.uuid4().hex[:12]}", "from_number": from_number, "line": line, "flow": LINES[line],
            "node": flow["start"], "state": LIVE, "correlation_id": correlation.current() or correlation.new_id(),
            "path": [], "inputs": [], "transcript": [], "prompts": [], "tries": 0, "lookups": [],
            "account_number": None, "verified": False, "lookup": None, "contact": None, "ticket_updates": [],
            "reason": None, "queue": None, "interaction_id": None, "callback": None, "started_at": self.clock.iso(),
        }
        self._emit("ivr.call.started", session, line=line)
        self._enter(session, flow["start"])
        self._save(session)
        return session

    def _node(self, session: dict[str, Any], name: str | None = None) -> dict[str, Any]:
        return FLOWS[session["flow"]]["nodes"][name or session["node"]]

    def _say(self, session: dict[str, Any], text: str) -> None:
        session["prompts"].append(text)
        session["prompt"] = text

    def _enter(self, session: dict[str, Any], name: str, preamble: str = "") -> None:
        """Moves to a node: a personalised variant when it applies, a transfer at once."""
        node = self._node(session, name)
        for flag, variant in node.get("personalised", {}).items():
            if (session["contact"] or {}).get(flag):
                self._emit("ivr.menu.personalised", session, menu=variant, because=flag)
                name, node = variant, self._node(session, variant)
        session["node"] = name
        session["path"].append(node["label"])
        if node["kind"] == "transfer":
            self._transfer(session, node, preamble)
            return
        prompt = node["prompt"].format(balance=_money((session["contact"] or {}).get("balance")),
                                       queue=session.get("queue") or "", opens=session.get("opens") or "")
        self._say(session, f"{preamble} {prompt}".strip())

    def hear(self, session_id: str, dtmf: str | None, speech: Speech | None) -> dict[str, Any]:
        if (dtmf is None) == (speech is None):
            raise IvrError(422, "give exactly one of dtmf or speech")
        with self._lock:
            session = self.load(session_id)
            if session["state"] != LIVE:
                raise IvrError(409, f"the caller is no longer in the IVR ({session['state']})")
            text = None
            if speech is not None:
                session["inputs"].append({"kind": "speech", "value": speech.transcript, "confidence": speech.confidence})
                session["transcript"].append(speech.transcript)
                self._emit("ivr.input", session, kind="speech", transcript=speech.transcript,
                           confidence=speech.confidence, node=session["node"])
                if speech.confidence < MIN_SPEECH_CONFIDENCE:
                    self._say(session, f"Sorry, I didn't catch that. {self._node(session)['prompt']}")
                    self._save(session)
                    return session
                text = speech.transcript
            else:
                session["inputs"].append({"kind": "dtmf", "value": dtmf})
                self._emit("ivr.input", session, kind="dtmf", digits=dtmf, node=session["node"])
            node = self._node(session)
            handler = {"account": self._on_account, "menu": self._on_menu, "callback": self._on_callback}[node["kind"]]
            handler(session, node, dtmf, text)
            self._save(session)
            return session

    # ---- account entry and lookups ------------------------------------------------------------------
    def _on_account(self, session: dict[str, Any], node: dict[str, Any], dtmf: str | None, text: str | None) -> None:
        digits = re.sub(r"\D", "", dtmf if dtmf is not None else _spoken_digits(text or ""))
        session["tries"] += 1
        contact, outcome = self._lookup(session, digits)
        session["account_number"] = digits or None
        if outcome == "unavailable":
            session["lookup"] = "unavailable"
            self._emit("ivr.lookup.fallback", session, account_number=digits)
            self._enter(session, node["unverified"], node["fallback_prompt"])
            return
        if contact is None:
            if session["tries"] < node["max_tries"]:
                session["path"].append("Account not recognised")
                self._say(session, node["retry_prompt"])
                return
            session["lookup"] = "not_found"
            self._enter(session, node["unverified"], "We could not verify that account.")
            return
        session.update(verified=True, lookup="ok", contact=contact)
        session["path"].append("Account verified")
        self._emit("ivr.account.verified", session, account_number=digits, contact_id=contact["id"])
        updates = self._ticket_updates(session, contact["id"])
        preamble = f"Thank you, {contact['first_name']}. " + " ".join(updates)
        self._enter(session, node["verified"], preamble.strip())

    def _lookup(self, session: dict[str, Any], account_number: str) -> tuple[dict[str, Any] | None, str]:
        """crm lookup with a retry; answers (contact, ok|not_found|unavailable)."""
        if not account_number:
            return None, "not_found"
        for attempt in range(1, LOOKUP_ATTEMPTS + 1):
            try:
                body = self._peer("crm", "GET", "/api/contacts", "lookup", session,
                                  params={"account_number": account_number})
                if not isinstance(body, dict) or not isinstance(body.get("contacts"), list):
                    raise EdgeError("ivr->crm.lookup", "the answer has no contacts")
            except EdgeError as exc:
                session["lookups"].append({"attempt": attempt, "outcome": "failed", "reason": exc.reason,
                                           "at": self.clock.iso()})
                self._emit("ivr.lookup.attempt", session, attempt=attempt, outcome="failed", reason=exc.reason)
                continue
            found = body["contacts"]
            session["lookups"].append({"attempt": attempt, "outcome": "found" if found else "not_found",
                                       "at": self.clock.iso()})
            self._emit("ivr.lookup.attempt", session, attempt=attempt, outcome="found" if found else "not_found")
            if not found:
                return None, "not_found"
            return self._profile(session, found[0]), "ok"
        return None, "unavailable"

    def _profile(self, session: dict[str, Any], contact: dict[str, Any]) -> dict[str, Any]:
        """What the menus need from the contact's 360 view (billing); without it the menu is the plain one."""
        profile = {"id": contact["id"], "first_name": contact["first_name"], "full_name": contact["full_name"],
                   "pending_payment": False, "balance": None}
        try:
            full = self._peer("crm", "GET", f"/api/contacts/{contact['id']}", "contact", session)
            billing = full["three_sixty"]["billing"]
            profile.update(pending_payment=billing["status"] == "pending_payment", balance=billing.get("balance"))
        except (EdgeError, KeyError, TypeError):
            pass
        return profile

    def _ticket_updates(self, session: dict[str, Any], contact_id: int) -> list[str]:
        """Recent open tickets, read out to the caller (and audited in helpdesk)."""
        try:
            body = self._peer("helpdesk", "GET", "/api/tickets", "tickets", session, params={"contact_id": contact_id})
            tickets = [t for t in (body or {}).get("tickets", []) if t["status"] in ("new", "open", "pending")][:2]
        except (EdgeError, KeyError, TypeError):
            return []
        said = []
        for ticket in tickets:
            said.append(f"Your request {ticket['id']}, {ticket['subject']}, is {ticket['status_label'].lower()}.")
            session["ticket_updates"].append({"ticket": ticket["id"], "status": ticket["status"]})
            try:
                self._peer("helpdesk", "POST", f"/api/tickets/{ticket['id']}/status-read", "tickets", session,
                           params={"via": "phone"})
            except EdgeError:
                pass
        if said:
            session["path"].append("Ticket updates offered")
            self._emit("ivr.ticket_updates.offered", session, tickets=[t["ticket"] for t in session["ticket_updates"]])
        return said

    # ---- menus, transfer, callback --------------------------------------------------------------------
    def _on_menu(self, session: dict[str, Any], node: dict[str, Any], dtmf: str | None, text: str | None) -> None:
        choice = node["options"].get(dtmf or "")
        if choice is None and text:
            words = text.lower()
            choice = next((o for o in node["options"].values() if any(k in words for k in o["keywords"])), None)
        if choice is None:
            self._say(session, f"Sorry, that is not an option. {node['prompt']}".format(
                balance=_money((session["contact"] or {}).get("balance"))))
            return
        session["path"].append(f"Chose: {choice['label']}")
        self._enter(session, choice["next"])

    def _transfer(self, session: dict[str, Any], node: dict[str, Any], preamble: str) -> None:
        session.update(queue=node["queue"], reason=node["reason"])
        queue = self._queue(session, node["queue"])
        if queue is not None and not queue.get("open_now", True):
            session["opens"] = queue.get("opens_at")
            self._enter(session, "closed", preamble)
            return
        attributes = self.attributes(session)
        try:
            call = self._peer("cti", "POST", "/api/simulator/calls", "calls", session,
                              json={"from_number": session["from_number"], "queue": node["queue"],
                                    "attributes": attributes})
        except EdgeError as exc:
            self._say(session, "Sorry, we cannot connect you right now. Please call again later.")
            session["state"] = "failed"
            self._emit("ivr.transfer.failed", session, reason=exc.reason)
            return
        session.update(state="transferred", interaction_id=call["id"])
        self._say(session, f"{preamble} Connecting you to an agent.".strip())
        self._emit("ivr.transferred", session, interaction_id=call["id"], queue=node["queue"], attributes=attributes)

    def _queue(self, session: dict[str, Any], name: str) -> dict[str, Any] | None:
        try:
            return self._peer("cti", "GET", f"/api/queues/{name}", "queues", session)
        except EdgeError:
            return None  # unknown: try to route anyway

    def _on_callback(self, session: dict[str, Any], node: dict[str, Any], dtmf: str | None, text: str | None) -> None:
        wants = dtmf == "1" or (text is not None and any(w in text.lower() for w in ("yes", "call me", "callback")))
        if not wants:
            session["state"] = "ended"
            self._say(session, "Goodbye.")
            self._emit("ivr.call.ended", session, reason="declined callback")
            return
        try:
            callback = self._peer("cti", "POST", "/api/callbacks", "callbacks", session, json={
                "number": session["from_number"], "queue": session["queue"], "reason": "after_hours",
                "contact_id": (session["contact"] or {}).get("id"), "note": session["reason"]})
        except EdgeError as exc:
            self._say(session, "Sorry, we could not book a callback. Please call again when we are open.")
            session["state"] = "ended"
            self._emit("ivr.callback.failed", session, reason=exc.reason)
            return
        session.update(state="callback_scheduled", callback=callback["id"])
        session["path"].append("Callback booked")
        self._say(session, f"Thank you. We will call you back at {callback['due_at']}. Goodbye.")
        self._emit("ivr.callback.scheduled", session, callback_id=callback["id"], due_at=callback["due_at"])

    def hang_up(self, session_id: str) -> dict[str, Any]:
        with self._lock:
            session = self.load(session_id)
            if session["state"] != LIVE:
                raise IvrError(409, f"the call already left the IVR ({session['state']})")
            session["state"] = "abandoned"
            self._emit("ivr.call.abandoned", session, node=session["node"])
            self._save(session)
            return session

    @staticmethod
    def attributes(session: dict[str, Any]) -> dict[str, Any]:
        """The caller's context, handed to cti with the call (and on to the agent and crm)."""
        contact = session["contact"] or {}
        return {
            "account_number": session["account_number"], "verified": session["verified"],
            "ivr_path": list(session["path"]), "reason": session["reason"],
            "transcript": " / ".join(session["transcript"]) or None,
            "speech_confidence": next((i["confidence"] for i in reversed(session["inputs"]) if i["kind"] == "speech"), None),
            "lookup": session["lookup"], "customer_name": contact.get("full_name"),
            "pending_payment": contact.get("pending_payment", False), "ivr_session_id": session["id"],
            "ticket_updates": [u["ticket"] for u in session["ticket_updates"]],
        }


_WORDS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
          "seven": "7", "eight": "8", "nine": "9"}


def _spoken_digits(text: str) -> str:
    """'four zero zero one 0 0 0 4' -> '40010004'."""
    return "".join(_WORDS.get(w, w) for w in re.findall(r"[a-z]+|\d", text.lower()) if w in _WORDS or w.isdigit())


def _money(value: Any) -> str:
    return f"${value:,.2f}" if isinstance(value, (int, float)) else "an amount"


def build(config: SandboxConfig) -> tuple[System, FastAPI]:
    system = System("ivr", SCHEMA, config)
    ivr = Ivr(system)
    app = system.create_app(
        "deskcheck sandbox: ivr",
        "The IVR: menu flows as data, DTMF and speech input (transcript + confidence), account lookup against crm "
        "with a retry and a fallback prompt, personalised menus, ticket updates from helpdesk, and the hand-over "
        "to cti with the caller's context. Driven through its call simulator API; it has no UI.")

    api = system.router(prefix="/api", tags=["ivr"])

    def service_only(principal: Principal) -> None:
        if principal.kind != "client":
            raise IvrError(403, "the IVR call simulator needs a service token")

    @api.get("/flows", name="ivr.flows")
    def flows(principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        return {"lines": LINES, "flows": FLOWS, "lookup_attempts": LOOKUP_ATTEMPTS,
                "min_speech_confidence": MIN_SPEECH_CONFIDENCE}

    @api.post("/calls", name="ivr.calls.start", status_code=201)
    def start(body: CallIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        service_only(principal)
        return ivr.start(body.from_number, body.line)

    @api.get("/calls/{session_id}", name="ivr.calls.get")
    def get(session_id: str, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        return ivr.load(session_id)

    @api.post("/calls/{session_id}/input", name="ivr.calls.input")
    def hear(session_id: str, body: InputIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        service_only(principal)
        return ivr.hear(session_id, body.dtmf, body.speech)

    @api.post("/calls/{session_id}/hangup", name="ivr.calls.hangup")
    def hang_up(session_id: str, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        service_only(principal)
        return ivr.hang_up(session_id)

    app.include_router(api)
    return system, app
