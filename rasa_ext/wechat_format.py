"""Turn bot messages into one WeChat text reply, with buttons as numbered options listed once."""

from __future__ import annotations

import re
from typing import Any

MAX_REPLY_CHARS = 2000  # a passive text reply must stay under WeChat's 2048-byte-ish limit for comfort
NUMBER = re.compile(r"^\s*([1-9])\s*$")
WELCOME_PAYLOAD = "你好"
UNSUPPORTED = "抱歉，目前只能处理文字和语音消息。请直接用文字描述您的问题，例如：“湖州市监理工程师培训合格证延续要带什么材料？”"
VOICE_UNRECOGNISED = "抱歉，没能识别您的语音内容。请改用文字输入您的问题，例如：“培训合格证补办要带什么材料？”"
TIMEOUT = "您的问题正在处理中，请稍后再发送一次消息查看答复。"
PICK_HINT = "回复数字即可选择。"


def render(messages: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """Join bot messages into one text; return it with the payloads of the numbered options (each listed once)."""
    parts: list[str] = []
    payloads: list[str] = []
    for m in messages:
        text = str(m.get("text") or "")
        buttons = [b for b in (m.get("buttons") or [])
                   if str(b.get("payload") or b.get("title") or "") not in payloads]
        lines = [f"{len(payloads) + i}. {b.get('title', '')}" for i, b in enumerate(buttons, 1)]
        payloads += [str(b.get("payload") or b.get("title") or "") for b in buttons]
        if lines and all(line in text for line in lines):
            text += "\n" + PICK_HINT  # the text already numbers the options: do not list them twice
        elif lines:
            text = (text + "\n\n" if text else "") + "回复数字选择：\n" + "\n".join(lines)
        if text:
            parts.append(text)
    reply = "\n\n".join(parts) or "抱歉，我没有找到答案。"
    if len(reply) > MAX_REPLY_CHARS:
        reply = reply[: MAX_REPLY_CHARS - 20] + "……（内容较长，请分项提问）"
    return reply, payloads


def resolve(text: str, options: list[str]) -> str:
    """Return the payload a bare number picks from the options offered last, or the text unchanged."""
    m = NUMBER.match(text)
    if m and 1 <= int(m.group(1)) <= len(options):
        return options[int(m.group(1)) - 1]
    return text
