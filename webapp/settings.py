"""Web settings from environment variables."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

from bot.settings import Settings, get_settings


@dataclass(frozen=True)
class WebSettings:
    """Where Rasa is, how sessions are signed, and the shared data settings."""

    rasa_url: str
    session_secret: str
    secure_cookies: bool
    data: Settings


def get_web_settings() -> WebSettings:
    """Return settings from RASA_URL, SESSION_SECRET and SECURE_COOKIES (plus DATABASE_URL)."""
    return WebSettings(
        rasa_url=os.environ.get("RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
        session_secret=os.environ.get("SESSION_SECRET") or secrets.token_urlsafe(32),
        secure_cookies=os.environ.get("SECURE_COOKIES", "false").lower() == "true",
        data=get_settings(),
    )
