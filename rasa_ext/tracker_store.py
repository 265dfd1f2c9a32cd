"""An SQL tracker store that never writes a whole or partial ID number to the conversation store."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.rules.idnumber import mask_data
from bot.settings import get_settings


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

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append the tracker's new events, masked, to the events table."""
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = mask_data(event.as_dict())
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
