"""Applicants' chat: the page, the embeddable widget, and the message relay to Rasa."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import httpx
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, validator

from bot.knowledge.channel import default_channel_phrases
from bot.rules.idnumber import mask_text
from bot.settings import RELAY_SECRET_HEADER
from webapp.deps import ClientAddress, State
from webapp.templating import templates

router = APIRouter()
SENDER = re.compile(r"[A-Za-z0-9_\-]{8,64}")
CLIENT_HEADER = "X-Client-Address"
MASKED_MESSAGE_HEADER = "X-Masked-Message"  # the user's message as the page may store it (URI-encoded)


class ChatCreate(BaseModel):
    """One message from the widget."""

    sender: str
    message: str

    @validator("sender")
    def sender_is_an_id(cls, value: str) -> str:
        if not SENDER.fullmatch(value):
            raise ValueError("会话编号无效")
        return value

    @validator("message")
    def message_has_text(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("消息不能为空")
        return value


class BotMessagePublic(BaseModel):
    """One bot message as the widget shows it: the text, quick replies, and the structured answer when sent."""

    text: str = ""
    buttons: list[dict[str, str]] = []
    answer: dict[str, Any] | None = None  # bot.answers.model.Answer.payload()["answer"]
    turn: str | None = None  # the key the reply is rated by (POST /api/ratings), on the last message of a reply


def _plain(message: dict[str, Any]) -> dict[str, Any]:
    return {"text": str(message.get("text") or ""),
            "buttons": [{"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                        for b in (message.get("buttons") or []) if isinstance(b, dict)]}


def bot_messages(messages: list[Any]) -> list[dict[str, Any]]:
    """Return Rasa's REST messages for the page, each structured answer joined with the text sent with it.

    Rasa's REST channel sends one reply as its text (split at blank lines into several messages, or one
    message carrying the buttons) followed by a message with the custom payload `{"answer": ...}`. The text
    messages since the previous answer are joined into the answer's message, so the page keeps the text
    and shows the structure; text without a payload is passed on as it is. The key a reply is rated by
    (`"turn"` in the payload) stays with the message it came with, or with the text sent before it.
    """
    out: list[dict[str, Any]] = []
    pending: list[dict[str, Any]] = []
    for m in messages:
        if not isinstance(m, dict):
            continue
        custom = m.get("custom") if isinstance(m.get("custom"), dict) else {}
        answer, turn = custom.get("answer"), custom.get("turn")
        rated = {"turn": turn} if isinstance(turn, str) else {}
        if isinstance(answer, dict):
            out.append({"text": "\n\n".join(p["text"] for p in pending if p["text"]),
                        "buttons": [b for p in pending for b in p["buttons"]], "answer": answer, **rated})
            pending = []
        elif m.get("text") or m.get("buttons"):
            pending.append(_plain(m))
        elif rated and (pending or out):
            (pending or out)[-1].update(rated)
    return out + pending


@router.get("/", response_class=HTMLResponse)
async def chat_page(request: Request, state: State) -> Response:
    """Serve the full-page chat (its input as long as the assistant reads)."""
    return templates.TemplateResponse(request, "chat.html",
                                      {"embedded": False, "max_message_chars": state.settings.max_message_chars})


@router.get("/widget", response_class=HTMLResponse)
async def widget_page(request: Request, state: State) -> Response:
    """Serve the chat for the embedded frame."""
    return templates.TemplateResponse(request, "chat.html",
                                      {"embedded": True, "max_message_chars": state.settings.max_message_chars})


@router.get("/embed.js")
async def embed_script(state: State) -> Response:
    """Serve the one-line embed snippet's script, pointing at the configured public address (never Host)."""
    body = templates.get_template("embed.js").render(origin=state.settings.public_url)
    return Response(body, media_type="application/javascript", headers={"Cache-Control": "public, max-age=3600"})


@router.post("/api/chat", response_model=list[BotMessagePublic])
async def relay(chat: ChatCreate, state: State, address: ClientAddress) -> Response:
    """Pass a message to Rasa's REST channel, vouching for the browser's address, and return the bot's messages.

    A message longer than Rasa's channels read is refused here, in the same words (knowledge/channel.yml).
    """
    limit = state.settings.max_message_chars
    if len(chat.message) > limit:
        refusal = default_channel_phrases().message_too_long(length=len(chat.message), limit=limit)
        return JSONResponse({"detail": [{"loc": ["body", "message"], "msg": refusal}]}, status_code=422)
    url = f"{state.settings.rasa_url}/webhooks/rest/webhook"
    headers = {RELAY_SECRET_HEADER: state.settings.relay_secret, CLIENT_HEADER: address}
    try:
        async with httpx.AsyncClient(timeout=20) as client:
            reply = await client.post(url, json={"sender": chat.sender, "message": chat.message}, headers=headers)
            reply.raise_for_status()
            messages = reply.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise HTTPException(status_code=503, detail="助手暂时无法连接，请稍后再试") from exc
    body = bot_messages(messages if isinstance(messages, list) else [])
    return JSONResponse(body, headers={MASKED_MESSAGE_HEADER: quote(mask_text(chat.message), safe="")})
