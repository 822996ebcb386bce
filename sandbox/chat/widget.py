"""What the customer's browser talks to: the widget's own API, whose credential is the conversation's token
(customers have no account here), the widget page and the knowledge articles the bot links to."""
from __future__ import annotations

import html
import secrets
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Header
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field

from ..platform.errors import Refusal as ChatError
from ..platform.system import System
from . import bot
from .conversations import Chat

STATIC = Path(__file__).parent / "static"


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    text: str = Field(min_length=1, max_length=2000)


def build_widget_api(system: System, chat: Chat) -> APIRouter:
    """The conversation's routes for its own browser: start, read, say, end."""
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

    return widget


def add_widget_pages(app: FastAPI) -> None:
    """The widget page, the knowledge article pages and the widget's static files."""
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
