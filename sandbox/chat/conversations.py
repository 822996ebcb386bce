"""chat conversations: stored one document each, started, fed the customer's messages (to the bot, or to the
agent once handed to cti), the agent's side as cti reports it, and the end; the bot's turns are bot_turns.py."""
from __future__ import annotations

import secrets
import threading
import uuid
from typing import Any

from ..platform import correlation
from ..platform.db import dumps, loads
from ..platform.errors import Refusal as ChatError
from ..platform.faults import EdgeError
from ..platform.system import System
from . import bot
from .bot_turns import BotTurnsMixin

SCHEMA = "CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, doc TEXT NOT NULL);"


class Chat(BotTurnsMixin):
    """The chat domain: one object, the bot's turns in the mixin it is made of."""

    def __init__(self, system: System) -> None:
        self.system, self.db, self.events, self.clock = system, system.db, system.events, system.clock
        self._lock = threading.RLock()

    # ---- storage --------------------------------------------------------------------------------
    def load(self, conversation_id: str) -> dict[str, Any]:
        row = self.db.one("SELECT doc FROM conversations WHERE id=?", (conversation_id,))
        if row is None:
            raise ChatError(404, f"no conversation {conversation_id!r}")
        return loads(row["doc"])

    def _save(self, conv: dict[str, Any]) -> None:
        self.db.execute("UPDATE conversations SET doc=? WHERE id=?", (dumps(conv), conv["id"]))

    def all(self, contact_id: int | None = None) -> list[dict[str, Any]]:
        found = [loads(r["doc"]) for r in self.db.query("SELECT doc FROM conversations ORDER BY seq DESC")]
        return [self.view(c) for c in found if contact_id is None or (c["contact"] or {}).get("id") == contact_id]

    @staticmethod
    def view(conv: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in conv.items() if k != "token"}

    def _emit(self, type: str, conv: dict[str, Any], **data: Any) -> None:
        self.events.emit(type, {"conversation_id": conv["id"], **data}, correlation_id=conv["correlation_id"])

    def _peer(self, peer: str, method: str, path: str, edge: str, conv: dict[str, Any], **kwargs: Any) -> Any:
        return self.system.peers[peer].request(method, path, edge=edge, correlation_id=conv["correlation_id"], **kwargs)

    def _add(self, conv: dict[str, Any], sender: str, text: str, name: str | None = None, **extra: Any) -> None:
        message = {"from": sender, "name": name or {"bot": "Assistant", "customer": "You", "system": ""}.get(sender, sender),
                   "text": text, "at": self.clock.iso(), **extra}
        conv["messages"].append(message)
        if sender == "bot":
            self._emit("chat.bot.replied", conv, text=text, intent=conv["intent_path"][-1] if conv["intent_path"] else None,
                       **extra)

    def _intent(self, conv: dict[str, Any], intent: str) -> None:
        conv["intent_path"].append(bot.INTENT_LABELS[intent])
        self._emit("chat.intent.detected", conv, intent=intent)

    # ---- the conversation -------------------------------------------------------------------------
    def start(self) -> dict[str, Any]:
        seq = self.db.one("SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM conversations")["next"]
        conv = {"id": f"chat-{uuid.uuid4().hex[:12]}", "token": secrets.token_urlsafe(18), "state": "bot",
                "correlation_id": correlation.current() or correlation.new_id(), "messages": [], "intent_path": [],
                "contact": None, "awaiting": None, "pending_intent": None, "ticket_id": None, "interaction_id": None,
                "agent_name": None, "sentiment": bot.sentiment([]), "started_at": self.clock.iso()}
        self.db.execute("INSERT INTO conversations (id, seq, doc) VALUES (?,?,?)", (conv["id"], seq, dumps(conv)))
        self._add(conv, "bot", bot.GREETING)
        self._save(conv)
        self._emit("chat.conversation.started", conv)
        return conv

    def customer_says(self, conversation_id: str, text: str) -> dict[str, Any]:
        with self._lock:
            conv = self.load(conversation_id)
            if conv["state"] == "closed":
                raise ChatError(409, "this conversation has ended; start a new chat")
            self._add(conv, "customer", text)
            conv["sentiment"] = bot.sentiment([m["text"] for m in conv["messages"] if m["from"] == "customer"])
            self._emit("chat.message.received", conv, text=text, sentiment=conv["sentiment"])
            if conv["state"] in ("waiting_agent", "with_agent"):
                # the agent reads it in the softphone's chat panel
                self.system.outboxes["cti"].send("POST", f"/api/interactions/{conv['interaction_id']}/messages",
                                                 "messages", {"text": text}, conv["correlation_id"])
            else:
                self._bot_turn(conv, text)
            self._save(conv)
            return conv

    @staticmethod
    def transcript(conv: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"from": m["from"], "name": m["name"], "text": m["text"], "at": m["at"]} for m in conv["messages"]]

    @staticmethod
    def transcript_text(conv: dict[str, Any]) -> str:
        return "\n".join(f"{m['name'] or m['from']}: {m['text']}" for m in conv["messages"])

    # ---- the agent side (from cti) ------------------------------------------------------------------
    def agent_event(self, conversation_id: str, what: str, agent_name: str | None, text: str | None = None) -> dict:
        with self._lock:
            conv = self.load(conversation_id)
            name = agent_name or "Agent"
            if what == "joined":
                conv.update(state="with_agent", agent_name=name)
                self._add(conv, "system", f"{name} joined the chat")
            elif what == "left":
                conv["state"] = "closed"
                self._add(conv, "system", f"{name} left the chat")
            else:
                if conv["state"] == "closed":
                    raise ChatError(409, "this conversation has ended")
                self._add(conv, "agent", text or "", name=name)
            self._emit(f"chat.agent.{what}", conv, agent_name=name)
            self._save(conv)
            return conv

    def end(self, conversation_id: str) -> dict[str, Any]:
        """The customer closes the chat; an agent on it sees the customer leave."""
        with self._lock:
            conv = self.load(conversation_id)
            if conv["state"] == "closed":
                return conv
            if conv["interaction_id"]:
                try:
                    self._peer("cti", "POST", f"/api/simulator/calls/{conv['interaction_id']}/hangup", "chats", conv)
                except EdgeError:
                    pass  # the agent ends it from the softphone
            conv["state"] = "closed"
            self._add(conv, "system", "You left the chat")
            self._emit("chat.conversation.ended", conv)
            self._save(conv)
            return conv
