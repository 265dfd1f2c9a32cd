"""The services the actions use, built once per process on first use (tests build their own)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from bot.answers.render import Answers
from bot.applications.store import StatusStore, init_db, make_engine
from bot.dialogue.questions import Questions
from bot.knowledge.base import KnowledgeBase, default_knowledge
from bot.knowledge.lexicon import Lexicon, default_lexicon
from bot.language.names import NameReader
from bot.rules.workdays import WorkCalendar
from bot.settings import get_settings


@dataclass
class Services:
    """Everything an action needs, injectable for tests."""

    kb: KnowledgeBase
    answers: Answers
    questions: Questions
    names: NameReader
    store: StatusStore
    calendar: WorkCalendar
    today: Callable[[], date]
    max_attempts: int = 5


def build_services(kb: KnowledgeBase, lexicon: Lexicon, store: StatusStore, *, today: Callable[[], date],
                   max_attempts: int = 5) -> Services:
    """Wire the services around one knowledge base, lexicon and status store."""
    return Services(kb=kb, answers=Answers(kb), questions=Questions(kb), names=NameReader(lexicon.names),
                    store=store, calendar=WorkCalendar(kb.holidays), today=today, max_attempts=max_attempts)


@lru_cache(maxsize=1)
def default_services() -> Services:
    """Build the services from settings (DATABASE_URL, ASSISTANT_TODAY …) and knowledge/."""
    settings = get_settings()
    engine = make_engine(settings.database_url)
    init_db(engine)
    fixed = settings.today
    return build_services(default_knowledge(), default_lexicon(), StatusStore(engine, settings.id_hash_key),
                          today=(lambda: fixed) if fixed else date.today, max_attempts=settings.max_status_attempts)
