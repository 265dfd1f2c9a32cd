"""Shared fixtures: the knowledge base, a scratch status store, services, Rasa action plumbing."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from bot.applications.store import StatusStore
from bot.database.engine import make_engine
from bot.database.migrate import upgrade
from bot.knowledge.base import KnowledgeBase, default_knowledge
from bot.knowledge.lexicon import Lexicon, default_lexicon
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SHARED", ROOT.parent / "shared"))
TODAY = date(2026, 11, 21)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return default_knowledge()


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return default_lexicon()


@pytest.fixture(scope="session")
def reader(kb, lexicon):
    """The entity reader the NLU component uses (jieba and the matchers are built once per session)."""
    from bot.language.entities import EntityReader

    return EntityReader(kb, lexicon)


def parse_of(reader, text: str):
    """Return the Parse the actions see for a message: the reader's entities as Rasa stores them."""
    from bot.language.parse import Parse

    return Parse.from_entities(rasa_entities(reader, text))


def rasa_entities(reader, text: str) -> list[dict]:
    """Return a message's entities as the NLU component emits them."""
    return [e.as_rasa("KnowledgeEntityExtractor") for e in reader.read(text)]


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    """Return settings for a test: its own database and folder, fixed secrets, no environment."""
    values: dict[str, object] = {
        "env": "development", "var_dir": tmp_path / "var", "database_url": f"sqlite:///{tmp_path / 'status.db'}",
        "id_hash_key": "test-key", "session_secret": "s" * 40, "relay_secret": "relay-test-secret",
        "public_url": "http://assistant.example.org",
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture()
def settings(tmp_path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture()
def store(settings) -> StatusStore:
    engine = make_engine(settings.database_url)
    upgrade(engine)
    return StatusStore(engine, settings.id_hash_key)


@pytest.fixture()
def services(kb, lexicon, store, settings):
    from actions.services import build_services

    return build_services(kb, lexicon, store, settings, today=lambda: TODAY)


@pytest.fixture()
def dispatcher():
    from rasa_sdk.executor import CollectingDispatcher

    return CollectingDispatcher()


@pytest.fixture()
def domain() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def make_app(settings: Settings):
    """Return the web app on a migrated database."""
    from webapp.main import create_app

    upgrade(make_engine(settings.database_url))
    return create_app(settings)
