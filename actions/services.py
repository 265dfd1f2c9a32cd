"""The services the actions use, built once per process on first use."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bot.applications.limits import LookupGuard
from bot.applications.store import StatusStore
from bot.database.engine import make_engine
from bot.database.migrate import require_current
from bot.dialogue.onetrip import OneTripService
from bot.dialogue.questions import QuestionAnswerer
from bot.dialogue.status import StatusService
from bot.dialogue.understanding import Understanding
from bot.knowledge.base import KnowledgeBase, default_knowledge
from bot.rules.workdays import WorkCalendar
from bot.settings import Settings, get_settings


@dataclass
class Services:
    """Everything an action needs, injectable for tests."""

    kb: KnowledgeBase
    questions: QuestionAnswerer
    status: StatusService
    one_trip: OneTripService
    store: StatusStore


def build_services(kb: KnowledgeBase, store: StatusStore, settings: Settings) -> Services:
    """Wire the services around one knowledge base, one status store and the settings' limits."""
    understanding = Understanding(kb)
    guard = LookupGuard(store.engine, max_failures=settings.max_status_attempts, window=settings.lookup_window,
                        max_client_failures=settings.max_client_failures)
    return Services(
        kb=kb,
        questions=QuestionAnswerer(kb, understanding),
        status=StatusService(kb, store, WorkCalendar(kb.holidays), guard, settings.id_hash_key, settings.today),
        one_trip=OneTripService(kb, understanding),
        store=store,
    )


@lru_cache(maxsize=1)
def default_services() -> Services:
    """Build the services from the settings and knowledge/."""
    settings = get_settings()
    engine = make_engine(settings.database_url)
    require_current(engine)
    return build_services(default_knowledge(), StatusStore(engine, settings.id_hash_key), settings)
