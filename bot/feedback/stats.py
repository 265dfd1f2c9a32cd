"""The dashboard's numbers: questions per day, share answered, ratings by procedure and answer kind, the most
asked unanswered wordings, and how long replies took (median and 95th percentile), over the last days."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.database.failures import utc_now
from bot.database.tables import Turn
from bot.database.turns import NOT_USEFUL, USEFUL, as_utc, codes_of

LOCAL = timezone(timedelta(hours=8), "CST")  # days are counted in China Standard Time (no daylight saving)
TOP_UNANSWERED = 10
CSV_COLUMNS = ("time", "channel", "message", "intent", "confidence", "answer_kind", "procedures", "answered",
               "clarification", "clarification_settled", "latency_ms", "rating", "rating_reason")


def percentile(values: list[int], share: float) -> float | None:
    """Return the nearest-rank percentile of some values (None when there are none)."""
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[max(0, math.ceil(share * len(ordered)) - 1)])


@dataclass
class Day:
    """One day's questions."""

    day: date
    questions: int = 0
    answered: int = 0
    latencies: list[int] = field(default_factory=list)

    @property
    def answered_share(self) -> float | None:
        """Return the share of the day's questions that were answered."""
        return self.answered / self.questions if self.questions else None


@dataclass
class Ratings:
    """The ratings of one procedure or one answer kind."""

    key: str
    useful: int = 0
    not_useful: int = 0

    @property
    def total(self) -> int:
        """Return how many ratings there are."""
        return self.useful + self.not_useful


@dataclass
class Stats:
    """Everything the dashboard shows for a period."""

    start: date
    end: date
    days: list[Day]
    by_procedure: list[Ratings]
    by_kind: list[Ratings]
    top_unanswered: list[tuple[str, int]]
    latencies: list[int]

    @property
    def questions(self) -> int:
        """Return how many questions there were."""
        return sum(d.questions for d in self.days)

    @property
    def answered_share(self) -> float | None:
        """Return the share of questions answered."""
        return sum(d.answered for d in self.days) / self.questions if self.questions else None

    @property
    def rated(self) -> int:
        """Return how many replies were rated."""
        return sum(r.total for r in self.by_kind)

    @property
    def useful_share(self) -> float | None:
        """Return the share of ratings that said 有用."""
        return sum(r.useful for r in self.by_kind) / self.rated if self.rated else None

    @property
    def latency_median(self) -> float | None:
        """Return the median reply time in milliseconds."""
        return percentile(self.latencies, 0.5)

    @property
    def latency_p95(self) -> float | None:
        """Return the 95th-percentile reply time in milliseconds."""
        return percentile(self.latencies, 0.95)


def _most_rated(ratings: Ratings) -> tuple[int, str]:
    return -ratings.total, ratings.key


class Dashboard:
    """Read the turns of a period into the dashboard's numbers and rows."""

    def __init__(self, engine: Engine, *, now: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.now = now

    def period(self, days: int) -> tuple[date, date, datetime]:
        """Return the first and last local day of the last `days` days, and when the first began (UTC)."""
        end = self.now().astimezone(LOCAL).date()
        start = end - timedelta(days=days - 1)
        return start, end, datetime(start.year, start.month, start.day, tzinfo=LOCAL).astimezone(timezone.utc)

    def _turns(self, since: datetime) -> list[Turn]:
        with Session(self.engine) as session:
            return list(session.scalars(select(Turn).where(Turn.at >= since).order_by(Turn.id)))

    def stats(self, *, days: int = 30) -> Stats:
        """Return the numbers of the last `days` days (today included)."""
        start, end, since = self.period(days)
        by_day = {start + timedelta(days=i): Day(start + timedelta(days=i)) for i in range(days)}
        procedures: dict[str, Ratings] = {}
        kinds: dict[str, Ratings] = {}
        unanswered: Counter[str] = Counter()
        latencies = []
        for turn in self._turns(since):
            day = by_day.get(as_utc(turn.at).astimezone(LOCAL).date())
            if day is None:
                continue
            day.questions += 1
            day.answered += bool(turn.answered)
            if turn.latency_ms is not None:
                day.latencies.append(turn.latency_ms)
                latencies.append(turn.latency_ms)
            if not turn.answered and turn.message:
                unanswered[turn.message] += 1
            if turn.rating in (USEFUL, NOT_USEFUL):
                for ratings in [kinds.setdefault(turn.kind, Ratings(turn.kind)),
                                *(procedures.setdefault(c, Ratings(c)) for c in codes_of(turn))]:
                    ratings.useful += turn.rating == USEFUL
                    ratings.not_useful += turn.rating == NOT_USEFUL
        return Stats(start, end, list(by_day.values()), sorted(procedures.values(), key=_most_rated),
                     sorted(kinds.values(), key=_most_rated), unanswered.most_common(TOP_UNANSWERED), latencies)

    def rows(self, *, days: int = 30) -> Iterator[dict[str, Any]]:
        """Yield the turns of the last `days` days as CSV rows (messages masked, times in China Standard Time)."""
        _start, _end, since = self.period(days)
        for turn in self._turns(since):
            yield {
                "time": as_utc(turn.at).astimezone(LOCAL).strftime("%Y-%m-%d %H:%M:%S"), "channel": turn.channel,
                "message": turn.message, "intent": turn.intent,
                "confidence": "" if turn.confidence is None else f"{turn.confidence:.3f}", "answer_kind": turn.kind,
                "procedures": " ".join(codes_of(turn)), "answered": int(bool(turn.answered)),
                "clarification": int(bool(turn.clarification)),
                "clarification_settled": "" if turn.resolved is None else int(turn.resolved),
                "latency_ms": "" if turn.latency_ms is None else turn.latency_ms,
                "rating": turn.rating or "", "rating_reason": turn.rating_reason or "",
            }
