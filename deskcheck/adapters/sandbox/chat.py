"""The sandbox chat system behind the chat port, and the bot's hand-over as the sandbox CTI and CRM carry it."""
from __future__ import annotations

from typing import Any

from deskcheck.adapters.sandbox.api_channels import ChatClient
from deskcheck.adapters.sandbox.settings import ChatSettings
from deskcheck.records import ChatContext, ChatMessage, ChatSession, KnowledgeArticle


def chat_message_record(body: dict[str, Any]) -> ChatMessage:
    source = body.get("source")
    return ChatMessage(sender=body.get("from", ""), text=body.get("text", ""), name=body.get("name"),
                       source=KnowledgeArticle(source.get("id", ""), source.get("title", "")) if source else None,
                       fallback=body.get("fallback") is True)


def sentiment_label(sentiment: Any) -> str | None:
    """The sandbox gives the mood as ``{score, label}``."""
    return sentiment.get("label") if isinstance(sentiment, dict) else sentiment


def chat_session_record(body: dict[str, Any]) -> ChatSession:
    contact = body.get("contact") or {}
    return ChatSession(
        id=body["id"], state=body["state"],
        transcript=tuple(chat_message_record(m) for m in body.get("messages") or ()),
        intent_path=tuple(body.get("intent_path") or ()), sentiment=sentiment_label(body.get("sentiment")),
        contact_id=contact.get("id"), authenticated=bool(contact), ticket_id=body.get("ticket_id"),
        call_id=body.get("interaction_id"), correlation_id=body.get("correlation_id"), awaiting=body.get("awaiting"),
        agent_name=body.get("agent_name"))


def chat_context(attributes: dict[str, Any] | None) -> ChatContext | None:
    """The bot's part of a chat's attributes (None for a call that is not a chat from the bot)."""
    attributes = attributes or {}
    if "conversation_id" not in attributes:
        return None
    return ChatContext(
        conversation_id=attributes.get("conversation_id"),
        transcript=tuple(chat_message_record(m) for m in attributes.get("transcript") or ()),
        intent_path=tuple(attributes.get("intent_path") or ()), sentiment=sentiment_label(attributes.get("sentiment")))


class SandboxChat(ChatSettings):
    """The chat port over the sandbox chat system's API (the customer side is its web widget)."""

    capabilities = frozenset({"chat_bot"})

    def __init__(self, api: ChatClient) -> None:
        self.api = api

    def session(self, session_id: str) -> ChatSession:
        return chat_session_record(self.api.conversation(session_id))

    def sessions(self, contact_id: Any = None) -> list[ChatSession]:
        return [chat_session_record(c) for c in self.api.conversations(contact_id=contact_id)]
