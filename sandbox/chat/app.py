"""chat: the customer web chat widget (its own page), the bot (bot.py) with authentication against crm,
answers from crm and helpdesk, knowledge answers with their source, fallbacks, escalation to a live agent
in cti with transcript, intent path and sentiment, and support requests raised in helpdesk.

The widget speaks to `/widget/api/...` with the conversation's own token (customers have no account
here); systems and the suite use `/api/...` with bearer tokens. Routes are plain `def`.

This module builds the app and holds the systems' API; conversations.py keeps the conversations,
bot_turns.py the bot's side of them, widget.py the widget's API and pages.
"""
from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI
from pydantic import BaseModel, ConfigDict, Field

from ..platform.auth import Principal
from ..platform.guard import RecordId
from ..platform.system import SandboxConfig, System
from . import bot
from .conversations import SCHEMA, Chat
from .widget import MessageIn, add_widget_pages, build_widget_api


class AgentMessageIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    text: str = Field(min_length=1, max_length=2000)
    agent_name: str | None = Field(default=None, max_length=120)


class AgentEventIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    agent_name: str | None = Field(default=None, max_length=120)
    interaction_id: str | None = Field(default=None, max_length=60)


def build(config: SandboxConfig) -> tuple[System, FastAPI]:
    system = System("chat", SCHEMA, config)
    chat = Chat(system)
    app = system.create_app(
        "deskcheck sandbox: chat",
        "The customer web chat and its bot: intents (order status, refund status, reschedule a service), "
        "authentication by email or customer id against crm, knowledge answers with their source, fallbacks, "
        "escalation to a live agent (cti) and support requests (helpdesk). The widget is at /widget.")

    app.include_router(build_widget_api(system, chat))

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

    add_widget_pages(app)
    return system, app
