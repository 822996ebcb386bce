"""Softphone widgets beyond call controls: the IVR journey, the chat panel, the dial box and callbacks.

Built on the softphone's frame (the `Softphone` page object owns the frame boundary and hands it here).
"""
from __future__ import annotations

import re

from playwright.sync_api import FrameLocator, Page, expect

from .shows import shows


@shows("ivr")
class IvrJourney:
    """What the IVR learnt before the call reached the agent."""

    def __init__(self, frame: FrameLocator | Page) -> None:
        self.region = frame.get_by_role("region", name="IVR journey")

    def expect_steps(self, steps: list[str]) -> None:
        for step in steps:
            expect(self.region.get_by_role("listitem").filter(has_text=step).first).to_be_visible()

    def expect_verified(self, account_number: str) -> None:
        expect(self.region.get_by_text(f"Account {account_number} · verified")).to_be_visible()

    def expect_unverified(self) -> None:
        expect(self.region.get_by_text(re.compile(r"^Unverified caller"))).to_be_visible()

    def expect_reason(self, reason: str) -> None:
        expect(self.region.get_by_text(f"Reason: {reason}")).to_be_visible()

    def expect_caller_said(self, words: str) -> None:
        expect(self.region.get_by_text(f"Caller said: “{words}”")).to_be_visible()


@shows("chat")
class ChatPanel:
    """The agent's side of a chat handed over by the bot."""

    def __init__(self, frame: FrameLocator | Page) -> None:
        self.incoming = frame.get_by_role("region", name="Incoming chat")
        self.panel = frame.get_by_role("region", name="Chat")
        self.transcript = self.panel.get_by_role("log", name="Chat transcript")
        self.reply_box = self.panel.get_by_role("textbox", name="Reply")

    @shows("chat", interaction="offered")
    def expect_offered(self, customer: str) -> None:
        expect(self.incoming).to_be_visible()
        expect(self.incoming).to_contain_text(customer)

    def accept(self) -> None:
        self.incoming.get_by_role("button", name="Accept").click()
        expect(self.panel).to_be_visible()

    def expect_context(self, intent_path: str, sentiment: str) -> None:
        expect(self.panel.get_by_text(f"Intent path: {intent_path}")).to_be_visible()
        expect(self.panel.get_by_text(re.compile(rf"^Sentiment: {re.escape(sentiment)} \("))).to_be_visible()

    def expect_ticket(self, ticket_id: str) -> None:
        expect(self.panel.get_by_text(f"Ticket: {ticket_id}")).to_be_visible()

    def expect_message(self, text: str) -> None:
        expect(self.transcript.get_by_role("listitem").filter(has_text=text).first).to_be_visible()

    def reply(self, text: str) -> None:
        self.reply_box.fill(text)
        self.panel.get_by_role("button", name="Send").click()
        self.expect_message(text)

    def end(self) -> None:
        self.panel.get_by_role("button", name="End chat").click()
        expect(self.panel).to_be_hidden()


class Dialer:
    """The dial box and the callbacks due for the agent's queues."""

    def __init__(self, frame: FrameLocator | Page) -> None:
        self.frame = frame
        self.form = frame.get_by_role("form", name="Dial")
        self.callbacks = frame.get_by_role("region", name="Callbacks due")
        self.error = frame.get_by_role("alert")

    def dial(self, number: str) -> None:
        self.form.get_by_label("Number to dial").fill(number)
        self.form.get_by_role("button", name="Dial").click()

    def expect_refused(self, reason: str) -> None:
        expect(self.error).to_contain_text(reason)

    @shows(interaction="failed")
    def expect_call_failed(self, number: str) -> None:
        expect(self.frame.get_by_text(f"Call to {number} failed: no answer")).to_be_visible()

    def expect_callback_due(self, number: str, reason: str) -> None:
        expect(self.callbacks.get_by_role("listitem").filter(has_text=f"{number} · {reason}")).to_be_visible()

    def call_back(self, number: str) -> None:
        self.callbacks.get_by_role("button", name=f"Call back {number}").click()
