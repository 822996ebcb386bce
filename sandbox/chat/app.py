"""chat: the customer web chat widget (its own page), the bot (bot.py) with authentication against crm,
answers from crm and helpdesk, knowledge answers with their source, fallbacks, escalation to a live agent
in cti with transcript, intent path and sentiment, and support requests raised in helpdesk.

The widget speaks to `/widget/api/...` with the conversation's own token (customers have no account
here); systems and the suite use `/api/...` with bearer tokens. Routes are plain `def`.
"""
from __future__ import annotations

import html
import secrets
import threading
import uuid
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Header
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field

from ..platform import correlation
from ..platform.auth import Principal
from ..platform.db import dumps, loads
from ..platform.errors import Refusal as ChatError
from ..platform.faults import EdgeError
from ..platform.guard import RecordId
from ..platform.system import SandboxConfig, System
from . import bot

SCHEMA = "CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, doc TEXT NOT NULL);"
STATIC = Path(__file__).parent / "static"
FALLBACK_HINT = " Would you like to talk to a person? Just say \"agent\"."


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    text: str = Field(min_length=1, max_length=2000)


class AgentMessageIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    text: str = Field(min_length=1, max_length=2000)
    agent_name: str | None = Field(default=None, max_length=120)


class AgentEventIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    agent_name: str | None = Field(default=None, max_length=120)
    interaction_id: str | None = Field(default=None, max_length=60)


class Chat:
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

    def _bot_turn(self, conv: dict[str, Any], text: str) -> None:
        if conv["awaiting"] == "identity":
            self._authenticate(conv, text)
            return
        if conv["awaiting"] == "reschedule_date":
            self._reschedule_date(conv, text)
            return
        intent = bot.detect_intent(text)
        if intent is None:
            article = bot.knowledge_for(text)
            if article is not None:
                self._intent(conv, "knowledge")
                self._add(conv, "bot", article["answer"], source={"id": article["id"], "title": article["title"],
                                                                  "url": f"/kb/{article['id']}"})
                return
            self._intent(conv, "fallback")
            self._add(conv, "bot", "Sorry, I didn't understand that. You can ask about an order, a refund, a service "
                                   "visit, or for a person.")
            return
        self._intent(conv, intent)
        if intent in bot.NEEDS_AUTH and conv["contact"] is None:
            conv.update(awaiting="identity", pending_intent=intent)
            self._add(conv, "bot", "First, please tell me your email address or customer id so I can find your account.")
            return
        self._fulfil(conv, intent)

    def _fulfil(self, conv: dict[str, Any], intent: str) -> None:
        {"refund_status": self._refund_status, "order_status": self._order_status, "reschedule": self._reschedule,
         "escalate": self._escalate, "raise_ticket": self._raise_ticket, "close_ticket": self._close_ticket}[intent](conv)

    def _fallback(self, conv: dict[str, Any], what: str, backend: str, reason: str) -> None:
        """A backend answered nothing (or failed): say so plainly and offer a person."""
        self._emit("chat.fallback", conv, backend=backend, reason=reason)
        self._add(conv, "bot", f"Sorry, I can't see your {what} right now.{FALLBACK_HINT}", fallback=True)

    # ---- authentication against crm -------------------------------------------------------------------
    def _authenticate(self, conv: dict[str, Any], text: str) -> None:
        email, customer_id = bot.EMAIL.search(text), bot.CUSTOMER_ID.search(text)
        params = {"q": email.group(0)} if email else {"account_number": customer_id.group(0)} if customer_id else None
        if params is None:
            self._add(conv, "bot", "Please give me the email address on your account, or your customer id.")
            return
        try:
            body = self._peer("crm", "GET", "/api/contacts", "lookup", conv, params=params)
            contacts = body["contacts"]
        except (EdgeError, KeyError, TypeError) as exc:
            conv["awaiting"] = None
            self._fallback(conv, "account", "crm", str(exc))
            return
        if email:
            contacts = [c for c in contacts if (c.get("email") or "").lower() == email.group(0).lower()]
        if len(contacts) != 1:
            self._emit("chat.authentication.failed", conv, by="email" if email else "customer_id")
            self._add(conv, "bot", "I couldn't find an account with that. Please check it and try again.")
            return
        contact = contacts[0]
        conv["contact"] = {k: contact.get(k) for k in ("id", "first_name", "full_name", "email", "phone", "account_number")}
        conv["awaiting"] = None
        conv["intent_path"].append(bot.INTENT_LABELS["authenticate"])
        self._emit("chat.authenticated", conv, contact_id=contact["id"], by="email" if email else "customer_id")
        self._add(conv, "bot", f"Thanks, {contact['first_name']}, I found your account.")
        intent, conv["pending_intent"] = conv["pending_intent"], None
        if intent:
            self._fulfil(conv, intent)

    # ---- intents ---------------------------------------------------------------------------------------
    def _tickets(self, conv: dict[str, Any], **params: Any) -> list[dict[str, Any]] | None:
        """The contact's tickets from helpdesk; None when helpdesk fails or answers nothing."""
        try:
            body = self._peer("helpdesk", "GET", "/api/tickets", "tickets", conv,
                              params={"contact_id": conv["contact"]["id"], **params})
            return body["tickets"]
        except (EdgeError, KeyError, TypeError):
            return None

    def _refund_status(self, conv: dict[str, Any]) -> None:
        tickets = self._tickets(conv, category="refund")
        if tickets is None:
            self._fallback(conv, "refund details", "helpdesk", "no answer from helpdesk")
            return
        if not tickets:
            self._add(conv, "bot", "I can't find a refund request on your account. I can raise one for you: "
                                   "just say \"raise a support request\".")
            return
        ticket = tickets[0]
        replies = [c for c in ticket["comments"] if c["author_type"] == "agent" and c["public"]]
        update = f" Latest update: {replies[-1]['body']}" if replies else ""
        self._add(conv, "bot", f"Your refund request {ticket['id']} ({ticket['subject']}) is "
                               f"{ticket['status_label'].lower()}.{update}", ticket=ticket["id"])
        try:
            self._peer("helpdesk", "POST", f"/api/tickets/{ticket['id']}/status-read", "tickets", conv,
                       params={"via": "chat"})
        except EdgeError:
            pass

    def _order_status(self, conv: dict[str, Any]) -> None:
        try:
            body = self._peer("crm", "GET", f"/api/contacts/{conv['contact']['id']}", "contact", conv)
            orders = body["three_sixty"]["recent_orders"]
        except (EdgeError, KeyError, TypeError) as exc:
            self._fallback(conv, "order details", "crm", str(exc))
            return
        if not orders:
            self._add(conv, "bot", "I can't find any orders on your account.")
            return
        order = orders[0]
        self._add(conv, "bot", f"Your latest order {order['number']} is {order['status']}.")

    def _reschedule(self, conv: dict[str, Any]) -> None:
        conv["awaiting"] = "reschedule_date"
        self._add(conv, "bot", "Which day would suit you for the service visit? Please write it as YYYY-MM-DD.")

    def _reschedule_date(self, conv: dict[str, Any], text: str) -> None:
        found = bot.DATE.search(text)
        if not found:
            self._add(conv, "bot", "Please write the date as YYYY-MM-DD, for example 2026-12-03.")
            return
        conv["awaiting"] = None
        self._emit("chat.service_rescheduled", conv, contact_id=conv["contact"]["id"], date=found.group(1))
        self._add(conv, "bot", f"Done: your service visit is moved to {found.group(1)}. You'll get a confirmation by email.")

    def _new_ticket(self, conv: dict[str, Any], subject: str, tags: list[str]) -> dict[str, Any] | None:
        """A helpdesk ticket with the conversation as its description; priority follows the mood."""
        topics = [p for p in conv["intent_path"] if p in ("Refund status", "Order status", "Reschedule a service")]
        category = {"Refund status": "refund", "Order status": "order", "Reschedule a service": "service_visit"}.get(
            topics[-1] if topics else "", "general")
        contact = conv["contact"] or {}
        request = {
            "subject": subject, "channel": "chat", "category": category,
            "priority": "high" if conv["sentiment"]["label"] == "negative" else "normal",
            "contact_id": contact.get("id"), "requester_name": contact.get("full_name"),
            "requester_email": contact.get("email"), "source_ref": conv["id"],
            "tags": ["chatbot", *tags, *(f"intent:{p}" for p in topics)],
            "description": self.transcript_text(conv),
            "idempotency_key": f"{conv['id']}:{subject}"}  # the outbox may deliver it more than once
        try:
            ticket = self._peer("helpdesk", "POST", "/api/tickets", "tickets", conv, json=request)
        except EdgeError as exc:
            # the helpdesk is down: the request waits in the outbox and is created when it is back
            self.system.outboxes["helpdesk"].send("POST", "/api/tickets", "tickets", request, conv["correlation_id"])
            self._emit("chat.ticket.queued", conv, reason=exc.reason, priority=request["priority"], category=category)
            return {"queued": True, **request}
        if ticket is None:  # the helpdesk answered with nothing: no ticket to speak of
            self._emit("chat.ticket.failed", conv, reason="empty answer")
            return None
        conv["ticket_id"] = ticket["id"]
        self._emit("chat.ticket.raised", conv, ticket=ticket["id"], priority=ticket["priority"], category=category)
        return ticket

    def _raise_ticket(self, conv: dict[str, Any]) -> None:
        topic = next((p for p in reversed(conv["intent_path"]) if p in ("Refund status", "Order status",
                                                                         "Reschedule a service")), "Support request")
        ticket = self._new_ticket(conv, f"{topic} (raised in chat)", [])
        if ticket is None:
            self._fallback(conv, "support requests", "helpdesk", "ticket not created")
            return
        if ticket.get("queued"):
            where = f" We'll email you at {ticket['requester_email']} once it is created." \
                if ticket.get("requester_email") else ""
            self._add(conv, "bot", "Our helpdesk is not answering right now, so your support request is queued: "
                                   f"it will be created as soon as the helpdesk is back.{where}")
            return
        where = f" We'll email you at {ticket['requester_email']}." if ticket.get("requester_email") else ""
        self._add(conv, "bot", f"I've raised support request {ticket['id']} for you (priority {ticket['priority']}).{where}",
                  ticket=ticket["id"])

    def _close_ticket(self, conv: dict[str, Any]) -> None:
        tickets = self._tickets(conv)
        if tickets is None:
            self._fallback(conv, "support requests", "helpdesk", "no answer from helpdesk")
            return
        open_ones = [t for t in tickets if t["status"] in ("new", "open", "pending")]
        if not open_ones:
            self._add(conv, "bot", "You have no open support requests.")
            return
        ticket = open_ones[0]
        try:
            self._peer("helpdesk", "POST", f"/api/tickets/{ticket['id']}/comments", "tickets", conv, json={
                "body": "The customer confirmed in chat that the request can be closed.",
                "author": conv["contact"]["full_name"], "author_type": "customer", "channel": "chat",
                "status": "solved"})
        except EdgeError as exc:
            self._fallback(conv, "support requests", "helpdesk", exc.reason)
            return
        self._add(conv, "bot", f"Your support request {ticket['id']} is now closed. Thank you!", ticket=ticket["id"])

    def _escalate(self, conv: dict[str, Any]) -> None:
        ticket = self._new_ticket(conv, "Chat handed to an agent", ["handoff"])
        contact = conv["contact"] or {}
        try:
            interaction = self._peer("cti", "POST", "/api/chats", "chats", conv, json={
                "conversation_id": conv["id"], "queue": "support",
                "customer_name": contact.get("full_name") or "Chat visitor", "contact_id": contact.get("id"),
                "account_number": contact.get("account_number"), "phone": contact.get("phone"),
                "email": contact.get("email"), "transcript": self.transcript(conv),
                "intent_path": conv["intent_path"], "sentiment": conv["sentiment"],
                "ticket_id": (ticket or {}).get("id")})
        except EdgeError as exc:
            self._emit("chat.escalation.failed", conv, reason=exc.reason)
            where = f" I've raised support request {ticket['id']} so we can get back to you." \
                if ticket and ticket.get("id") else ""
            self._add(conv, "bot", f"Sorry, no agent can take the chat right now.{where}")
            return
        conv.update(state="waiting_agent", interaction_id=interaction["id"])
        self._emit("chat.escalated", conv, interaction_id=interaction["id"], ticket=(ticket or {}).get("id"),
                   intent_path=conv["intent_path"], sentiment=conv["sentiment"])
        self._add(conv, "bot", "I'm connecting you to an agent now. I've shared our conversation, so you won't "
                               "have to repeat yourself.")

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


def build(config: SandboxConfig) -> tuple[System, FastAPI]:
    system = System("chat", SCHEMA, config)
    chat = Chat(system)
    app = system.create_app(
        "deskcheck sandbox: chat",
        "The customer web chat and its bot: intents (order status, refund status, reschedule a service), "
        "authentication by email or customer id against crm, knowledge answers with their source, fallbacks, "
        "escalation to a live agent (cti) and support requests (helpdesk). The widget is at /widget.")

    # ---- the widget's own API: the conversation token is the credential ---------------------------
    widget = system.router(prefix="/widget/api", tags=["widget"])

    def owned(conversation_id: str, token: str | None) -> dict[str, Any]:
        conv = chat.load(conversation_id)
        if not token or not secrets.compare_digest(conv["token"], token):
            raise ChatError(403, "this chat belongs to another browser")
        return conv

    @widget.post("/conversations", name="chat.widget.start", status_code=201)
    def widget_start() -> dict[str, Any]:
        conv = chat.start()
        return {**chat.view(conv), "token": conv["token"]}

    @widget.get("/conversations/{conversation_id}", name="chat.widget.get")
    def widget_get(conversation_id: str, x_chat_token: str | None = Header(default=None)) -> dict[str, Any]:
        return chat.view(owned(conversation_id, x_chat_token))

    @widget.post("/conversations/{conversation_id}/messages", name="chat.widget.say")
    def widget_say(conversation_id: str, body: MessageIn, x_chat_token: str | None = Header(default=None)) -> dict:
        owned(conversation_id, x_chat_token)
        return chat.view(chat.customer_says(conversation_id, body.text))

    @widget.post("/conversations/{conversation_id}/end", name="chat.widget.end")
    def widget_end(conversation_id: str, x_chat_token: str | None = Header(default=None)) -> dict[str, Any]:
        owned(conversation_id, x_chat_token)
        return chat.view(chat.end(conversation_id))

    app.include_router(widget)

    # ---- systems and the suite ---------------------------------------------------------------------
    api = system.router(prefix="/api", tags=["conversations"])

    @api.get("/conversations", name="chat.conversations.list")
    def list_conversations(contact_id: RecordId | None = None, principal: Principal = Depends(system.auth)) -> dict:
        return {"conversations": chat.all(contact_id)}

    @api.get("/conversations/{conversation_id}", name="chat.conversations.get")
    def get_conversation(conversation_id: str, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        return chat.view(chat.load(conversation_id))

    @api.post("/conversations", name="chat.conversations.start", status_code=201)
    def start_conversation(principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        return chat.view(chat.start())

    @api.post("/conversations/{conversation_id}/messages", name="chat.conversations.say")
    def say(conversation_id: str, body: MessageIn, principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        """A customer message (what the widget sends), for API tests and simulations."""
        return chat.view(chat.customer_says(conversation_id, body.text))

    @api.post("/conversations/{conversation_id}/agent-messages", name="chat.conversations.agent_message", status_code=201)
    def agent_message(conversation_id: str, body: AgentMessageIn, principal: Principal = Depends(system.auth)) -> dict:
        return chat.view(chat.agent_event(conversation_id, "message", body.agent_name, body.text))

    @api.post("/conversations/{conversation_id}/agent-joined", name="chat.conversations.agent_joined")
    def agent_joined(conversation_id: str, body: AgentEventIn, principal: Principal = Depends(system.auth)) -> dict:
        return chat.view(chat.agent_event(conversation_id, "joined", body.agent_name))

    @api.post("/conversations/{conversation_id}/agent-left", name="chat.conversations.agent_left")
    def agent_left(conversation_id: str, body: AgentEventIn, principal: Principal = Depends(system.auth)) -> dict:
        return chat.view(chat.agent_event(conversation_id, "left", body.agent_name))

    @api.get("/intents", name="chat.intents.list")
    def intents(principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        """The bot's intents and intent-path labels, what customers say to reach them, the sentiment labels."""
        return bot.intents_view()

    @api.get("/knowledge", name="chat.knowledge.list")
    def knowledge(principal: Principal = Depends(system.auth)) -> dict[str, Any]:
        return {"articles": [{k: a[k] for k in ("id", "title", "answer")} for a in bot.KNOWLEDGE]}

    app.include_router(api)

    # ---- pages -------------------------------------------------------------------------------------
    @app.get("/widget", name="chat.pages.widget", response_class=HTMLResponse, tags=["pages"])
    def widget_page() -> HTMLResponse:
        return HTMLResponse((STATIC / "widget.html").read_text(encoding="utf-8"), headers={"cache-control": "no-store"})

    @app.get("/kb/{article_id}", name="chat.pages.article", response_class=HTMLResponse, tags=["pages"])
    def article_page(article_id: str) -> HTMLResponse:
        article = next((a for a in bot.KNOWLEDGE if a["id"] == article_id), None)
        if article is None:
            return HTMLResponse("<!doctype html><title>Not found</title><p role='alert'>No such article</p>", 404)
        e = html.escape
        return HTMLResponse(f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{e(article['title'])}"
                            f"</title></head><body><main><h1>{e(article['title'])}</h1><p>{e(article['id'])}</p>"
                            f"<p>{e(article['answer'])}</p></main></body></html>")

    app.mount("/static", StaticFiles(directory=STATIC), name="chat.static")
    return system, app
