"""Settings read from environment variables, with embedded defaults for one machine."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Where data lives and the key that hashes ID numbers for look-up."""

    database_url: str
    id_hash_key: str
    max_status_attempts: int = 5
    today: date | None = None  # ASSISTANT_TODAY fixes "today" (evaluations reasoned from one day)


def get_settings() -> Settings:
    """Return settings from DATABASE_URL, ID_HASH_KEY and MAX_STATUS_ATTEMPTS."""
    return Settings(
        database_url=os.environ.get("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'assistant.db'}"),
        id_hash_key=os.environ.get("ID_HASH_KEY", "dev-only-change-me"),
        max_status_attempts=int(os.environ.get("MAX_STATUS_ATTEMPTS", "5")),
        today=date.fromisoformat(os.environ["ASSISTANT_TODAY"]) if os.environ.get("ASSISTANT_TODAY") else None,
    )
