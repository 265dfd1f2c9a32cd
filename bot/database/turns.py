"""The answered turns: each reply kept (masked) for review and the dashboard, its rating, its clarification's fate.

A turn is one reply of the assistant to a question. It is kept with the message masked (ID numbers by the one
reader, names by the name reader), the answer's kind and procedure codes, the intent and its confidence, and
how long the turn took; the conversation only as a keyed hash of its sender. A status look-up's message is the
person's identity and is not kept at all. Channels rate a reply by the turn's random key, and only within the
conversation it belongs to.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from itertools import pairwise

from pydantic import BaseModel
from sqlalchemy import bindparam, delete, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.database.failures import utc_now
from bot.database.tables import Turn
from bot.language.names import PERSON_TAGS, NameReader, tagged_words
from bot.rules.idnumber import mask_text

USEFUL, NOT_USEFUL = "useful", "not_useful"
RATINGS = (USEFUL, NOT_USEFUL)
REASONS = ("off_point", "wrong", "unclear", "other")  # 没答到点上, 信息不对, 看不懂, 其他
NAME_MASK = "某某"
MAX_MESSAGE = 200  # a question; a longer message is kept cut (reading names costs more the longer the text)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # PostgreSQL refuses NUL in text
CLARIFICATION_OPEN = timedelta(minutes=30)  # a clarification nobody followed up within this was abandoned
RECEIVED_AT = "received_at"  # message metadata: when the channel received it (epoch seconds), for the reply time


# A reply is kept with two plain statements (settle the clarification before it, insert it): a third of the CPU of
# the ORM's select, object and flush, on every answered turn. Typed where SQLite needs SQLAlchemy's conversion.
_SETTLE_CLARIFICATION = text(
    "UPDATE turns SET resolved = :resolved WHERE id = (SELECT max(id) FROM turns WHERE conversation = :conversation)"
    " AND clarification = :yes AND resolved IS NULL"
).bindparams(bindparam("resolved", type_=Turn.__table__.c.resolved.type),
             bindparam("yes", type_=Turn.__table__.c.clarification.type))
_INSERT_TURN = text(
    "INSERT INTO turns (key, conversation, at, channel, message, intent, confidence, kind, procedures, answered,"
    " clarification, rateable, latency_ms) VALUES (:key, :conversation, :at, :channel, :message, :intent,"
    " :confidence, :kind, :procedures, :answered, :clarification, :rateable, :latency_ms)"
).bindparams(*(bindparam(name, type_=Turn.__table__.c[name].type)
               for name in ("at", "answered", "clarification", "rateable")))


class TurnCreate(BaseModel):
    """One reply as an action reports it."""

    sender: str
    channel: str
    message: str
    intent: str = ""
    confidence: float | None = None
    kind: str
    procedures: list[str] = []
    answered: bool = True
    clarification: bool = False  # the reply asked which certificate or matter was meant
    rateable: bool = True  # the reply ends a question (a clarification does not)
    personal: bool = False  # the message is the person's identity (a status look-up): not kept
    latency_ms: int | None = None


def as_utc(moment: datetime) -> datetime:
    """Return a stored time as aware UTC (SQLite gives it back naive)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def codes_of(turn: Turn) -> list[str]:
    """Return a turn's procedure codes."""
    return [c for c in (turn.procedures or "").split(",") if c]


KEY_LENGTH = 32


def new_key() -> str:
    """Return a random handle a reply is rated by: 32 lowercase letters (about 150 bits), no digits, so a key in a
    reply's payload can never read as a number, a date or a phone number of the answer."""
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(KEY_LENGTH))


class TurnLog:
    """Record replies, rate them, and read them back."""

    def __init__(self, engine: Engine, secret: str, *, names: NameReader | None = None,
                 now: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.secret = secret
        self.names = names
        self.now = now

    def conversation_of(self, sender: str) -> str:
        """Return the keyed hash a conversation is kept under (never the sender id itself)."""
        return hmac.new(self.secret.encode(), f"turn:{sender}".encode(), hashlib.sha256).hexdigest()[:32]

    def masked(self, text: str) -> str:
        """Return a message with ID numbers and the names the name reader finds masked (best effort: also a
        surname jieba cut off a tagged given name, as in 老婆马丽丽)."""
        out = _CONTROL.sub("", mask_text(text))[:MAX_MESSAGE]
        if self.names is None:
            return out
        for _ in range(3):  # a message may name more than one person
            name = self.names.find(out)
            if not name or name not in out:
                break
            out = out.replace(name, NAME_MASK)
        for before, word in pairwise(tagged_words(out)):
            if word.flag in PERSON_TAGS and len(before.word) == 1 and self.names.is_name(before.word + word.word):
                out = out.replace(before.word + word.word, NAME_MASK)
        return out

    def record(self, turn: TurnCreate) -> str:
        """Keep one reply and settle the clarification before it; return the key the reply is rated by."""
        key = new_key()
        conversation = self.conversation_of(turn.sender)
        with self.engine.begin() as connection:
            connection.execute(_SETTLE_CLARIFICATION, {  # the next reply answered it, or it was asked again
                "resolved": turn.answered and not turn.clarification, "conversation": conversation, "yes": True})
            connection.execute(_INSERT_TURN, {
                "key": key, "conversation": conversation, "at": self.now(), "channel": turn.channel[:16],
                "message": "" if turn.personal else self.masked(turn.message), "intent": turn.intent[:40],
                "confidence": turn.confidence, "kind": turn.kind[:32], "procedures": ",".join(turn.procedures)[:400],
                "answered": turn.answered, "clarification": turn.clarification,
                "rateable": turn.rateable and not turn.clarification, "latency_ms": turn.latency_ms})
        return key

    def forget(self, sender: str) -> int:
        """Delete every reply kept of a conversation (the server's own warm-up); return how many there were."""
        with Session(self.engine) as session, session.begin():
            return session.execute(delete(Turn).where(Turn.conversation == self.conversation_of(sender))).rowcount

    def rate(self, *, key: str, sender: str, rating: str, reason: str | None = None) -> bool:
        """Rate a rateable reply of the sender's own conversation (a later rating replaces it); say whether it was."""
        if rating not in RATINGS or (reason is not None and (rating != NOT_USEFUL or reason not in REASONS)):
            return False
        with Session(self.engine) as session, session.begin():
            row = session.scalars(select(Turn).where(Turn.key == key[:32])).first()
            if row is None or not row.rateable or row.conversation != self.conversation_of(sender):
                return False
            row.rating, row.rating_reason, row.rated_at = rating, reason, self.now()
            return True
