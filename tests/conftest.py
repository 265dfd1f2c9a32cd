"""Shared fixtures: the knowledge base, a scratch status store, services, Rasa action plumbing."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from bot.applications.store import StatusStore, init_db, make_engine
from bot.knowledge.base import KnowledgeBase, default_knowledge

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SHARED", ROOT.parent / "shared"))
TODAY = date(2026, 11, 21)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return default_knowledge()


@pytest.fixture(scope="session")
def understanding(kb):
    from bot.dialogue.understanding import Understanding

    return Understanding(kb)


@pytest.fixture()
def store(tmp_path) -> StatusStore:
    engine = make_engine(f"sqlite:///{tmp_path / 'status.db'}")
    init_db(engine)
    return StatusStore(engine, "test-key")


@pytest.fixture()
def services(kb, store):
    from actions.services import build_services

    return build_services(kb, store, max_attempts=5)


@pytest.fixture()
def dispatcher():
    from rasa_sdk.executor import CollectingDispatcher

    return CollectingDispatcher()


@pytest.fixture()
def domain() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
