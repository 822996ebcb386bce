"""The sandbox IVR and chat adapters turn the sandbox's JSON into records (the only place that reads it)."""
from __future__ import annotations

import pytest

from deskcheck.adapters.sandbox.chat import chat_context, chat_session_record
from deskcheck.adapters.sandbox.http import ApiError
from deskcheck.adapters.sandbox.ivr import SandboxIvr, ivr_context, ivr_session_record
from deskcheck.ports import Refused
from deskcheck.records import AccountLookup, ChatMessage, IvrContext, KnowledgeArticle

HANDED_OVER = {"account_number": "40010004", "verified": True, "ivr_path": ["Account entry", "Account verified"],
               "reason": "Technical support", "transcript": "my internet keeps dropping", "lookup": "ok",
               "ivr_session_id": "ivr-1", "customer_name": "Nadia Haddad"}
CHAT_HANDED_OVER = {"conversation_id": "chat-1", "channel": "chat", "verified": True, "account_number": "40010004",
                    "transcript": [{"from": "customer", "name": "You", "text": "a person please", "at": "t"}],
                    "intent_path": ["Refund status", "Talk to an agent"], "sentiment": {"score": -0.5, "label": "negative"}}


def test_ivr_context_of_a_call_the_ivr_handed_over():
    assert ivr_context(HANDED_OVER) == IvrContext(
        account_number="40010004", verified=True, lookup="ok", path=("Account entry", "Account verified"),
        reason="Technical support", caller_said="my internet keeps dropping", session_id="ivr-1")


def test_a_call_without_the_ivr_or_a_chat_has_no_ivr_context():
    assert ivr_context({}) is None
    assert ivr_context(None) is None
    assert ivr_context({"record_id": "7"}) is None  # a click-to-dial call
    assert ivr_context(CHAT_HANDED_OVER) is None  # a chat carries verified/account_number too, but no IVR


def test_an_ivr_path_given_as_one_string_is_one_step():
    assert ivr_context({"ivr_path": "main>billing>verify", "verified": True}).path == ("main>billing>verify",)


def test_chat_context_of_a_chat_the_bot_handed_over():
    context = chat_context(CHAT_HANDED_OVER)
    assert context.conversation_id == "chat-1" and context.sentiment == "negative"
    assert context.intent_path == ("Refund status", "Talk to an agent")
    assert context.transcript == (ChatMessage("customer", "a person please", "You"),)
    assert chat_context(HANDED_OVER) is None


def test_ivr_session_record():
    session = ivr_session_record({
        "id": "ivr-1", "state": "in_ivr", "from_number": "+15550100", "correlation_id": "c-1",
        "path": ["Account entry", "Account not recognised"], "prompts": ["Welcome", "Please enter it again"],
        "lookups": [{"attempt": 1, "outcome": "failed", "reason": "timeout", "at": "t"},
                    {"attempt": 2, "outcome": "not_found", "at": "t"}],
        "transcript": ["erm"], "ticket_updates": [{"ticket": "T-9", "status": "open"}], "interaction_id": None,
        "callback": None, "opens": "2026-12-01T09:00:00.000+00:00", "account_number": "99999999"})
    assert session.prompt == "Please enter it again"
    assert session.lookups == (AccountLookup(1, "failed", "timeout"), AccountLookup(2, "not_found"))
    assert (session.caller_said, session.ticket_updates, session.opens_at) == (("erm",), ("T-9",),
                                                                               "2026-12-01T09:00:00.000+00:00")
    assert "Account not recognised" in session.describe()


def test_chat_session_record():
    session = chat_session_record({
        "id": "chat-1", "state": "bot", "correlation_id": "c-2", "awaiting": "identity", "contact": None,
        "intent_path": ["Knowledge answer"], "sentiment": {"score": 0.0, "label": "neutral"}, "ticket_id": None,
        "interaction_id": None, "agent_name": None,
        "messages": [{"from": "customer", "name": "You", "text": "reset my router", "at": "t"},
                     {"from": "bot", "name": "Assistant", "text": "Unplug it", "at": "t",
                      "source": {"id": "KB-101", "title": "Resetting your router", "url": "/kb/KB-101"}},
                     {"from": "bot", "name": "Assistant", "text": "Sorry", "at": "t", "fallback": True}]})
    assert not session.authenticated and session.contact_id is None and session.awaiting == "identity"
    assert session.said_by("bot") == ["Unplug it", "Sorry"]
    assert session.transcript[1].source == KnowledgeArticle("KB-101", "Resetting your router")
    assert str(session.transcript[1].source) == "KB-101 Resetting your router"
    assert session.last_message.fallback and not session.transcript[1].fallback
    assert session.sentiment == "neutral"


class _RefusingIvr:
    def press(self, session_id, digits):
        raise ApiError("POST", f"/api/calls/{session_id}/input", 409, {"detail": "the caller is no longer in the IVR"})


def test_an_ivr_that_refuses_input_is_a_domain_refusal():
    with pytest.raises(Refused, match="the IVR refused to hear the keys '1': the caller is no longer in the IVR"):
        SandboxIvr(_RefusingIvr()).press("ivr-1", "1")
