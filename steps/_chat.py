"""What the chat steps share: the customer's widget and the chat the scenario follows."""
from __future__ import annotations

from deskcheck.records import ChatSession


def customer_widget(journey, customer: str):
    """The chat widget the customer opened (their own browser)."""
    return journey.notes["widgets"][customer]


def chatting_customer(journey) -> str:
    """The customer who opened the chat (steps that do not name one mean them)."""
    return next(iter(journey.notes["widgets"]))


def conversation(chat, journey, customer: str | None = None) -> ChatSession:
    """The chat system's record of the customer's chat (the chatting customer's when none is named)."""
    return chat.session(journey.notes["conversations"][customer or chatting_customer(journey)])
