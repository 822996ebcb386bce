"""The customer's web chat widget (its own page on the chat system's origin)."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .shows import shows


@shows("chat")
class ChatWidget:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.widget = page.get_by_role("region", name="Chat with us")
        self.conversation = self.widget.get_by_role("log", name="Conversation")
        self.message_box = self.widget.get_by_role("textbox", name="Message")
        self.status = self.widget.get_by_role("status", name="Chat status")

    def open(self, chat_url: str) -> "ChatWidget":
        self.page.goto(f"{chat_url}/widget")
        expect(self.conversation.get_by_role("listitem").first).to_be_visible()
        return self

    def send(self, text: str) -> None:
        self.message_box.fill(text)
        self.widget.get_by_role("button", name="Send").click()
        expect(self._item(text)).to_be_visible()

    def _item(self, text: str):
        return self.conversation.get_by_role("listitem").filter(has_text=text).last

    def expect_reply(self, text: str) -> None:
        expect(self.conversation.get_by_role("listitem").filter(has_text=text).last).to_be_visible()

    def expect_reply_matching(self, pattern: str) -> str:
        item = self.conversation.get_by_role("listitem").filter(has_text=re.compile(pattern)).last
        expect(item).to_be_visible()
        return item.inner_text()

    def expect_source(self, article: str) -> None:
        expect(self.conversation.get_by_role("link", name=re.compile(rf"^Source: .*{re.escape(article)}"))).to_be_visible()

    def expect_status(self, text: str) -> None:
        expect(self.status).to_have_text(text)

    def conversation_id(self) -> str:
        return self.page.evaluate("JSON.parse(sessionStorage.getItem('deskcheck-chat')).id")
