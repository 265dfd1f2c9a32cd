"""The services the actions use, built once per process on first use (tests build their own)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from bot.answers.render import Answers
from bot.applications.limits import LookupGuard
from bot.applications.store import StatusStore
from bot.database.engine import make_engine
from bot.database.migrate import require_current
from bot.database.turns import TurnLog
from bot.dialogue.onetrip import OneTrip
from bot.dialogue.questions import QuestionAnswerer, Questions
from bot.dialogue.status import StatusLookup
from bot.knowledge.base import KnowledgeBase, default_knowledge
from bot.knowledge.lexicon import Lexicon, default_lexicon
from bot.language.names import NameReader
from bot.language.terms import dictionary_words, matter_words
from bot.rules.workdays import WorkCalendar
from bot.settings import Settings, get_settings


@dataclass
class Services:
    """Everything an action needs, injectable for tests."""

    kb: KnowledgeBase
    answers: Answers
    questions: QuestionAnswerer
    status: StatusLookup
    one_trip: OneTrip
    store: StatusStore
    turns: TurnLog
    today: Callable[[], date]


def build_services(kb: KnowledgeBase, lexicon: Lexicon, store: StatusStore, settings: Settings, *,
                   today: Callable[[], date] | None = None) -> Services:
    """Wire the services around one knowledge base, lexicon and status store, with the settings' limits."""
    answers = Answers(kb, WorkCalendar(kb.holidays))
    guard = LookupGuard(store.engine, max_failures=settings.max_status_attempts, window=settings.lookup_window,
                        max_client_failures=settings.max_client_failures,
                        unlimited_clients=frozenset(settings.unlimited_clients))
    fixed = settings.today
    names = NameReader(lexicon.names, dictionary_words(kb, lexicon), matter_words(kb, lexicon))
    return Services(
        kb=kb, answers=answers, questions=QuestionAnswerer(kb, answers),
        status=StatusLookup(kb, store, answers, names, guard, settings.id_hash_key),
        one_trip=OneTrip(kb, answers, Questions(kb)), store=store,
        turns=TurnLog(store.engine, settings.id_hash_key, names=names),
        today=today or ((lambda: fixed) if fixed else date.today),
    )


@lru_cache(maxsize=1)
def default_services() -> Services:
    """Build the services from the settings and knowledge/."""
    settings = get_settings()
    # The actions read applications and write only the assistant's own log (turns, look-up counts, questions for
    # review); staff's and the importer's writes go through engines of their own that wait for the disk.
    engine = make_engine(settings.database_url, durable=False)
    require_current(engine)
    return build_services(default_knowledge(), default_lexicon(), StatusStore(engine, settings.id_hash_key), settings)
