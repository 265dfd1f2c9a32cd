"""What a messaging channel must remember across replicas: replies to retried messages, numbered options."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.database.failures import utc_now
from bot.database.tables import ChannelOptions, ChannelReply

REPLY_KEPT = timedelta(days=1)


class ChannelMemory:
    """Claim each incoming message once, keep its reply for retries, and keep each user's numbered options."""

    def __init__(self, engine: Engine, *, now: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.now = now

    def claim(self, *, message_key: str) -> bool:
        """Say whether this is the first time the message arrives (and claim it, on whatever replica)."""
        now = self.now()
        try:
            with Session(self.engine) as session, session.begin():
                session.add(ChannelReply(message_key=message_key[:160], reply=None, received_at=now))
        except IntegrityError:
            return False
        with Session(self.engine) as session, session.begin():
            session.execute(delete(ChannelReply).where(ChannelReply.received_at < now - REPLY_KEPT))
        return True

    def save_reply(self, *, message_key: str, reply: str) -> None:
        """Keep the reply given to a claimed message."""
        with Session(self.engine) as session, session.begin():
            row = session.get(ChannelReply, message_key[:160])
            if row is not None:
                row.reply = reply

    def reply_for(self, *, message_key: str) -> str | None:
        """Return the reply given to a message, or None while it is still being answered."""
        with Session(self.engine) as session:
            row = session.get(ChannelReply, message_key[:160])
            return row.reply if row is not None else None

    def remember_options(self, *, user_key: str, payloads: list[str]) -> None:
        """Keep a user's numbered options (or forget them when there are none)."""
        with Session(self.engine) as session, session.begin():
            row = session.get(ChannelOptions, user_key[:160])
            if not payloads:
                if row is not None:
                    session.delete(row)
                return
            if row is None:
                row = ChannelOptions(user_key=user_key[:160])
                session.add(row)
            row.payloads = json.dumps(payloads, ensure_ascii=False)
            row.updated_at = self.now()

    def options(self, *, user_key: str) -> list[str]:
        """Return a user's last numbered options."""
        with Session(self.engine) as session:
            row = session.get(ChannelOptions, user_key[:160])
            return list(json.loads(row.payloads)) if row is not None else []
