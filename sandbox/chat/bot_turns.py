"""chat's bot side of a conversation: each customer message read as an intent (bot.py), authentication
against crm, answers from crm and helpdesk, knowledge answers with their source, plain fallbacks when a
backend fails, support requests raised in helpdesk and the hand-off to a live agent in cti."""
from __future__ import annotations

from typing import Any

from ..platform.faults import EdgeError
from . import bot

FALLBACK_HINT = " Would you like to talk to a person? Just say \"agent\"."


class BotTurnsMixin:
    """Part of :class:`sandbox.chat.conversations.Chat` (one domain object, split by concern)."""

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
