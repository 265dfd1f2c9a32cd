"""An SQL tracker store that never writes a whole or partial ID number to the conversation store.

A user message's text comes masked from its channel (rasa_ext/guard.py puts it in the metadata), so it is
not read again here; every other string of every event is masked before it is written.

It reads and writes Rasa's events table as SQLTrackerStore does, with plain statements instead of ORM
objects (reading a session of a few hundred events through the ORM cost more than rebuilding the
tracker from them), and with indexes for the two questions asked every turn: where the conversation's
latest session starts, and which events belong to it. The statements are SQL text made once per store
(SQLAlchemy's `select()` built anew for each of the four statements of a turn cost about 1.5 ms of CPU
a turn to build and look up in its cache).
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.rules.idnumber import mask_data
from bot.settings import get_settings
from rasa_ext.guard import MASKED_TEXT


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """Use write-ahead logging: a turn's commit then costs no full fsync of the database."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _pooled_sqlite_engine(url: Any) -> sa.engine.Engine:
    """Return an SQLite engine that keeps its connections open, in write-ahead logging.

    SQLAlchemy 1.4 opens and closes an SQLite file for every session (NullPool), so every read and every
    save of a tracker paid for opening the file and for the pragmas again. Rasa uses its store from the
    event loop's thread only; a connection is checked out by one session at a time.
    """
    engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, pool_size=1, max_overflow=4,
                              connect_args={"check_same_thread": False})
    sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def masked_event(data: dict[str, Any]) -> dict[str, Any]:
    """Return an event as it may be stored: ID numbers masked in every string, the user's text as its channel masked it."""
    metadata = data.get("metadata")
    masked = metadata.get(MASKED_TEXT) if data.get("event") == "user" and isinstance(metadata, dict) else None
    if not isinstance(masked, str):
        return dict(mask_data(data))
    parse = data.get("parse_data")
    unread = {**data, "text": None, "metadata": {**metadata, MASKED_TEXT: None}}
    if isinstance(parse, dict):
        unread["parse_data"] = {**parse, "text": None}
    out: dict[str, Any] = mask_data(unread)
    out["text"] = out["metadata"][MASKED_TEXT] = masked
    if isinstance(parse, dict) and "text" in parse:
        out["parse_data"]["text"] = masked
    return out


EVENTS = SQLTrackerStore.SQLEvent.__table__
COLUMNS = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")


class Statements:
    """The store's statements, in SQL text quoted for its database."""

    def __init__(self, dialect: sa.engine.Dialect) -> None:
        q = dialect.identifier_preparer.quote
        table, sender, kind, time = q(EVENTS.name), q("sender_id"), q("type_name"), q("timestamp")
        self.session_start = sa.text(
            f"SELECT max({time}) FROM {table} WHERE {sender} = :sender AND {kind} = :session_started")
        self.events = sa.text(f"SELECT {q('data')} FROM {table} WHERE {sender} = :sender ORDER BY {q('id')}")
        self.events_since = sa.text(
            f"SELECT {q('data')} FROM {table} WHERE {sender} = :sender AND {time} >= :start ORDER BY {q('id')}")
        self.count = sa.text(f"SELECT count(*) FROM {table} WHERE {sender} = :sender")
        self.count_since = sa.text(f"SELECT count(*) FROM {table} WHERE {sender} = :sender AND {time} >= :start")
        self.insert = sa.text(f"INSERT INTO {table} ({', '.join(q(c) for c in COLUMNS)}) "
                              f"VALUES ({', '.join(':' + c for c in COLUMNS)})")
INDEXES = (
    sa.Index("ix_events_session_starts", EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp),
    sa.Index("ix_events_sender_time", EVENTS.c.sender_id, EVENTS.c.timestamp),
)


def _create_indexes(engine: sa.engine.Engine) -> None:
    """Create the indexes on an events table made before they existed (another server may be doing the same)."""
    for index in INDEXES:
        try:
            index.create(bind=engine, checkfirst=True)
        except (sa.exc.OperationalError, sa.exc.ProgrammingError):
            if not sa.inspect(engine).has_index(EVENTS.name, index.name):
                raise


class MaskingSQLTrackerStore(SQLTrackerStore):
    """Store events like SQLTrackerStore, with ID numbers masked in every stored field (text and parse_data).

    Connection settings not given in endpoints.yml come from the settings (TRACKER_DIALECT, TRACKER_HOST,
    TRACKER_PORT, TRACKER_DB, TRACKER_USER, TRACKER_PASSWORD; default: SQLite var/tracker.db).
    Events are not streamed to an event broker, so no unmasked copy leaves the process.
    """

    def __init__(self, domain: Domain | None = None, **kwargs: Any) -> None:
        settings = get_settings()
        connection = {
            "dialect": settings.tracker_dialect,
            "host": settings.tracker_host or None,
            "port": settings.tracker_port,
            "db": settings.tracker_db,
            "username": settings.tracker_user or None,
            "password": settings.tracker_password or None,
        }
        connection.update({k: v for k, v in kwargs.items() if v is not None})
        super().__init__(domain=domain, **connection)
        if self.engine.dialect.name == "sqlite":
            url = self.engine.url
            self.engine.dispose()
            self.engine = _pooled_sqlite_engine(url)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        _create_indexes(self.engine)
        self.sql = Statements(self.engine.dialect)

    def _session_start(self, session: sa.orm.Session, sender_id: str) -> float | None:
        """Return when the conversation's latest session started (None: it has none)."""
        return session.execute(self.sql.session_start,
                               {"sender": sender_id, "session_started": SessionStarted.type_name}).scalar()

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        """Rebuild the tracker from the events of the latest session (or of all sessions)."""
        with self.session_scope() as session:
            start = None if fetch_events_from_all_sessions else self._session_start(session, sender_id)
            rows = session.execute(self.sql.events, {"sender": sender_id}) if start is None else \
                session.execute(self.sql.events_since, {"sender": sender_id, "start": start})
            events = [json.loads(data) for data in rows.scalars()]
        if not self.domain or not events:
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append the tracker's new events (those after the ones stored for its session), masked."""
        with self.session_scope() as session:
            start = self._session_start(session, tracker.sender_id)
            stored = session.execute(self.sql.count, {"sender": tracker.sender_id}).scalar_one() if start is None \
                else session.execute(self.sql.count_since, {"sender": tracker.sender_id, "start": start}).scalar_one()
            rows = []
            for event in itertools.islice(tracker.events, stored, None):
                data = masked_event(event.as_dict())
                rows.append({
                    "sender_id": tracker.sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                })
            if rows:
                session.execute(self.sql.insert, rows)
            session.commit()

    def forget(self, sender_id: str) -> None:
        """Delete every event of a conversation (the server's own warm-up, rasa_ext/server.py)."""
        with self.session_scope() as session:
            session.execute(sa.delete(EVENTS).where(EVENTS.c.sender_id == sender_id))
            session.commit()
