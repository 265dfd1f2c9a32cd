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


# Rating a reply that ends a question. The rating line is offered only when the reply has no numbered options, and
# its two answers are remembered as the options, so a bare 1 or 2 picks a rating exactly as it picks an option; a
# rating is kept and acknowledged by the channel and never reaches the dialogue.
RATE_PREFIX = "rate:"
RATE_LINE = "这个回答有用吗？回复 1 有用，2 没用。"
RATE_THANKS = "谢谢您的评价！还有问题请直接发送。"
RATE_ASK_REASON = "谢谢反馈，我们会改进。能说说哪里不好吗？回复数字（不回也可以）："
RATE_REASONS = (("off_point", "没答到点上"), ("wrong", "信息不对"), ("unclear", "看不懂"), ("other", "其他"))
RATE_NOTED = "谢谢，已记下。还有问题请直接发送。"
RATE_LOST = "这条答复已无法评价。还有问题请直接发送。"


def rated_turn(messages: list[dict[str, Any]]) -> str | None:
    """Return the key of the reply's rating (the last custom payload carrying one), or None when it asks more."""
    turns = [m["custom"]["turn"] for m in messages
             if isinstance(m.get("custom"), dict) and isinstance(m["custom"].get("turn"), str)]
    return turns[-1] if turns else None


def offer_rating(reply: str, payloads: list[str], turn: str | None) -> tuple[str, list[str]]:
    """Add the rating line to a reply that ends a question and offers no options (when it fits)."""
    line = "\n\n" + RATE_LINE
    if turn is None or payloads or len(reply) + len(line) > MAX_REPLY_CHARS:
        return reply, payloads
    return reply + line, [f"{RATE_PREFIX}{turn}:useful", f"{RATE_PREFIX}{turn}:not_useful"]


def rating_of(payload: str) -> tuple[str, str, str | None] | None:
    """Return (turn, rating, reason) when an option picked is a rating, else None."""
    if not payload.startswith(RATE_PREFIX):
        return None
    turn, _, rest = payload[len(RATE_PREFIX):].partition(":")
    rating, _, reason = rest.partition(":")
    return turn, rating, reason or None


def rating_reply(turn: str, rating: str, reason: str | None, *, saved: bool) -> tuple[str, list[str]]:
    """Return the acknowledgement of a rating and its options (the reasons, after 没用 without one)."""
    if not saved:
        return RATE_LOST, []
    if rating != "not_useful":
        return RATE_THANKS, []
    if reason is not None:
        return RATE_NOTED, []
    lines = [f"{i}. {name}" for i, (_, name) in enumerate(RATE_REASONS, 1)]
    return RATE_ASK_REASON + "\n" + "\n".join(lines), [f"{RATE_PREFIX}{turn}:not_useful:{key}"
                                                        for key, _ in RATE_REASONS]
