"""The services the actions use, built once per process on first use."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bot.applications.store import StatusStore, init_db, make_engine
from bot.dialogue.onetrip import OneTripService
from bot.dialogue.questions import QuestionAnswerer
from bot.dialogue.status import StatusService
from bot.dialogue.understanding import Understanding
from bot.knowledge.base import KnowledgeBase, default_knowledge
from bot.rules.workdays import WorkCalendar
from bot.settings import get_settings


@dataclass
class Services:
    """Everything an action needs, injectable for tests."""

    kb: KnowledgeBase
    questions: QuestionAnswerer
    status: StatusService
    one_trip: OneTripService
    store: StatusStore


def build_services(kb: KnowledgeBase, store: StatusStore, max_attempts: int = 5) -> Services:
    """Wire the services around one knowledge base and one status store."""
    understanding = Understanding(kb)
    return Services(
        kb=kb,
        questions=QuestionAnswerer(kb, understanding),
        status=StatusService(kb, store, WorkCalendar(kb.holidays), max_attempts),
        one_trip=OneTripService(kb, understanding),
        store=store,
    )


@lru_cache(maxsize=1)
def default_services() -> Services:
    """Build the services from settings (DATABASE_URL) and knowledge/."""
    settings = get_settings()
    engine = make_engine(settings.database_url)
    init_db(engine)
    return build_services(default_knowledge(), StatusStore(engine, settings.id_hash_key),
                          settings.max_status_attempts)
