"""The chat bot: intents by keywords, authentication against crm, answers from crm and helpdesk,
knowledge answers that cite their article, fallbacks when a backend returns nothing, escalation to a
live agent (cti) and support requests (helpdesk).
"""
from __future__ import annotations

import re
from typing import Any

INTENTS = (  # first match wins; keywords are matched as whole words or phrases
    ("close_ticket", ("close my ticket", "close my request", "close the ticket", "close the request",
                      "close my support request", "you can close")),
    ("escalate", ("agent", "person", "human", "someone", "representative")),
    ("raise_ticket", ("support request", "raise a ticket", "open a ticket", "raise a request", "complaint")),
    ("refund_status", ("refund",)),
    ("order_status", ("order", "delivery", "parcel", "package")),
    ("reschedule", ("reschedule", "appointment", "technician visit", "service visit", "move my visit")),
)
NEEDS_AUTH = {"refund_status", "order_status", "reschedule", "raise_ticket", "close_ticket"}
INTENT_LABELS = {"refund_status": "Refund status", "order_status": "Order status", "reschedule": "Reschedule a service",
                 "escalate": "Talk to an agent", "raise_ticket": "Raise a support request",
                 "close_ticket": "Close a support request", "knowledge": "Knowledge answer",
                 "authenticate": "Authentication", "fallback": "Not understood"}

KNOWLEDGE = (
    {"id": "KB-101", "title": "Resetting your router", "keywords": ("reset", "router", "restart"),
     "answer": "Unplug the router for 30 seconds, plug it back in and wait until the light is steady green."},
    {"id": "KB-204", "title": "Understanding your bill", "keywords": ("bill", "invoice", "charges"),
     "answer": "Your bill shows the plan price, any one-off charges and taxes. It is issued on the 1st of each month."},
    {"id": "KB-310", "title": "Changing your address", "keywords": ("address", "moving", "move house"),
     "answer": "You can change your address in your account settings, or an agent can do it for you."},
)

NEGATIVE = {"angry", "terrible", "awful", "ridiculous", "useless", "annoyed", "frustrated", "worst", "unacceptable",
            "still", "waiting", "never", "late", "bad", "upset", "disappointed"}
POSITIVE = {"thanks", "thank", "great", "good", "perfect", "happy", "love", "excellent", "brilliant"}
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
CUSTOMER_ID = re.compile(r"\b\d{6,12}\b")
DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")

GREETING = ("Hi! I'm the Deskcheck assistant. I can check an order or a refund, reschedule a service visit, "
            "answer questions, raise a support request, or put you through to a person.")


SENTIMENTS = ("negative", "neutral", "positive")


def intents_view() -> dict[str, Any]:
    """The bot's vocabulary for people naming it: each intent with the words the intent path shows, what a
    customer says to reach it and whether the bot must identify them first; the other steps a path can show
    (identifying the customer, a knowledge answer, not understood); the sentiment labels."""
    intents = dict(INTENTS)
    return {"intents": [{"intent": intent, "label": INTENT_LABELS[intent], "keywords": list(keywords),
                         "needs_authentication": intent in NEEDS_AUTH} for intent, keywords in INTENTS],
            "path_steps": [{"step": step, "label": label} for step, label in INTENT_LABELS.items() if step not in intents],
            "sentiments": list(SENTIMENTS)}


def detect_intent(text: str) -> str | None:
    words = " " + re.sub(r"[^a-z0-9 ]", " ", text.lower()) + " "
    for intent, keywords in INTENTS:
        if any(f" {k} " in words or (" " in k and k in words) for k in keywords):
            return intent
    return None


def knowledge_for(text: str) -> dict[str, Any] | None:
    words = set(re.findall(r"[a-z]+", text.lower()))
    best = max(KNOWLEDGE, key=lambda a: len(words & set(a["keywords"])))
    return best if words & set(best["keywords"]) else None


def sentiment(texts: list[str]) -> dict[str, Any]:
    """A lexicon score in [-1, 1] over what the customer wrote, with its label."""
    words = [w for t in texts for w in re.findall(r"[a-z]+", t.lower())]
    neg = sum(w in NEGATIVE for w in words)
    pos = sum(w in POSITIVE for w in words)
    score = round((pos - neg) / max(1, pos + neg), 2) if pos + neg else 0.0
    label = SENTIMENTS[0] if score < -0.25 else SENTIMENTS[2] if score > 0.25 else SENTIMENTS[1]
    return {"score": score, "label": label}
