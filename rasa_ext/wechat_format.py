"""Turn bot messages into one WeChat text reply, with buttons as numbered options."""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any

MAX_REPLY_CHARS = 2000  # a passive text reply must stay under WeChat's 2048-byte-ish limit for comfort
NUMBER = re.compile(r"^\s*([1-9])\s*$")
WELCOME_PAYLOAD = "你好"
UNSUPPORTED = "抱歉，目前只能处理文字消息。请直接用文字描述您的问题，例如：“湖州市监理工程师培训合格证延续要带什么材料？”"
TIMEOUT = "您的问题正在处理中，请稍后再发送一次消息查看答复。"


def render(messages: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """Join bot messages into one text; return it with the payloads of the numbered options."""
    parts: list[str] = []
    payloads: list[str] = []
    for m in messages:
        if m.get("text"):
            parts.append(str(m["text"]))
        buttons = m.get("buttons") or []
        if buttons:
            start = len(payloads)
            lines = [f"{start + i}. {b.get('title', '')}" for i, b in enumerate(buttons, 1)]
            payloads += [str(b.get("payload") or b.get("title") or "") for b in buttons]
            parts.append("回复数字选择：\n" + "\n".join(lines))
    text = "\n\n".join(parts) or "抱歉，我没有找到答案。"
    if len(text) > MAX_REPLY_CHARS:
        text = text[: MAX_REPLY_CHARS - 20] + "……（内容较长，请分项提问）"
    return text, payloads


class OptionMemory:
    """Remember each user's last numbered options, so that '1' picks the first (bounded)."""

    def __init__(self, size: int = 10000) -> None:
        self.size = size
        self._options: OrderedDict[str, list[str]] = OrderedDict()

    def remember(self, user: str, payloads: list[str]) -> None:
        """Keep a user's options (or forget them when there are none)."""
        self._options.pop(user, None)
        if payloads:
            self._options[user] = payloads
            while len(self._options) > self.size:
                self._options.popitem(last=False)

    def resolve(self, user: str, text: str) -> str:
        """Return the payload a bare number picks, or the text unchanged."""
        m = NUMBER.match(text)
        options = self._options.get(user) or []
        if m and 1 <= int(m.group(1)) <= len(options):
            return options[int(m.group(1)) - 1]
        return text
