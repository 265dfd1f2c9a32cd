"""The review queue: questions the assistant did not answer well, grouped by similar wording, and staff reviews.

A turn is queued when it was not answered, was rated 没用, was understood with low confidence, or asked which
certificate or matter was meant and the person never said (an abandoned clarification). Turns are grouped by
similar wording (the same characters after normalising, or most of their character pairs in common); a wording
staff have reviewed leaves the queue. Messages were masked when the turns were kept.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.database.failures import utc_now
from bot.database.tables import Review, Turn
from bot.database.turns import CLARIFICATION_OPEN, NOT_USEFUL, as_utc, codes_of
from bot.feedback.labels import FINE, Label
from bot.language.text import simplify

UNANSWERED, RATED_NOT_USEFUL, LOW_CONFIDENCE, ABANDONED = "unanswered", "not_useful", "low_confidence", "abandoned"
REASON_NAMES = {UNANSWERED: "没能回答", RATED_NOT_USEFUL: "评为没用", LOW_CONFIDENCE: "理解把握不大", ABANDONED: "追问后没有下文"}
RATING_REASON_NAMES = {"off_point": "没答到点上", "wrong": "信息不对", "unclear": "看不懂", "other": "其他"}
SIMILAR = 0.6  # share of character pairs two wordings have in common (Jaccard) to be grouped
WINDOW = timedelta(days=90)
MAX_TURNS = 5000  # the newest problem turns looked at
NEWEST, FREQUENT = "newest", "frequent"
_NOT_WORD = re.compile(r"[\W_]+")


def wording_hash(text: str) -> str:
    """Return the key a wording is reviewed under (SHA-256 of the masked text)."""
    return hashlib.sha256(text.encode()).hexdigest()


def wording_key(text: str) -> str:
    """Return a wording normalised for grouping: simplified, half-width, lower-case, no spaces or punctuation."""
    return _NOT_WORD.sub("", simplify(text).lower())


def _pairs(key: str) -> set[str]:
    return {key[i:i + 2] for i in range(len(key) - 1)} or {key}


def similar(a: str, b: str) -> bool:
    """Say whether two normalised wordings are alike enough to be reviewed together."""
    pa, pb = _pairs(a), _pairs(b)
    return a == b or len(pa & pb) / len(pa | pb) >= SIMILAR


@dataclass
class QueueGroup:
    """Wordings alike enough to be reviewed at once, with why they were queued."""

    wordings: list[tuple[str, int]] = field(default_factory=list)  # (masked text, times asked), most asked first
    turn_ids: list[int] = field(default_factory=list)  # the newest turn of each wording
    count: int = 0
    last_at: datetime | None = None
    reasons: Counter[str] = field(default_factory=Counter)
    rating_reasons: Counter[str] = field(default_factory=Counter)
    kind: str = ""  # what the newest turn was answered as
    procedures: list[str] = field(default_factory=list)
    confidence: float | None = None  # the lowest

    @property
    def wording(self) -> str:
        """Return the most asked wording."""
        return self.wordings[0][0] if self.wordings else ""


@dataclass(frozen=True)
class ReviewPublic:
    """A review as the console shows it."""

    id: int
    wording: str
    label: Label
    intent: str | None
    reviewed_by: str
    reviewed_at: datetime
    trained: bool
    not_trained_because: str | None
    model_right: bool | None
    checked_at: datetime | None

    @property
    def awaiting_training(self) -> bool:
        """Say whether the review trains an intent the model built last has not learnt yet."""
        return self.intent is not None and not self.trained and not self.not_trained_because


def _public(row: Review) -> ReviewPublic:
    return ReviewPublic(row.id, row.wording, Label(row.label, row.procedure, row.aspect), row.intent,
                        row.reviewed_by, as_utc(row.reviewed_at), bool(row.trained), row.not_trained_because,
                        row.model_right, as_utc(row.checked_at) if row.checked_at else None)


class ReviewQueue:
    """Read the queue, store reviews, and keep what training and the model checks found."""

    def __init__(self, engine: Engine, *, min_confidence: float = 0.6, now: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.min_confidence = min_confidence
        self.now = now

    def reasons_of(self, turn: Turn) -> list[str]:
        """Return why a turn is queued (nothing when it went well)."""
        out = []
        if not turn.answered:
            out.append(UNANSWERED)
        if turn.rating == NOT_USEFUL:
            out.append(RATED_NOT_USEFUL)
        if turn.confidence is not None and turn.confidence < self.min_confidence:
            out.append(LOW_CONFIDENCE)
        if turn.clarification and (turn.resolved is False or
                                   (turn.resolved is None and as_utc(turn.at) < self.now() - CLARIFICATION_OPEN)):
            out.append(ABANDONED)
        return out

    def _problem_turns(self, session: Session) -> list[tuple[Turn, list[str]]]:
        reviewed = set(session.scalars(select(Review.wording_hash)))
        rows = session.scalars(
            select(Turn).where(Turn.message != "", Turn.at >= self.now() - WINDOW,
                               or_(Turn.answered.is_(False), Turn.rating == NOT_USEFUL,
                                   Turn.confidence < self.min_confidence, Turn.clarification.is_(True)))
            .order_by(Turn.id.desc()).limit(MAX_TURNS)).all()
        out = []
        for turn in rows:
            reasons = self.reasons_of(turn)
            if reasons and wording_hash(turn.message) not in reviewed:
                out.append((turn, reasons))
        return out

    def groups(self, *, order: str = FREQUENT, limit: int = 50) -> list[QueueGroup]:
        """Return the queue: groups of similar wordings, most asked (or newest) first."""
        with Session(self.engine) as session:
            turns = self._problem_turns(session)  # newest first
        by_text: dict[str, list[tuple[Turn, list[str]]]] = {}
        for turn, reasons in turns:
            by_text.setdefault(turn.message, []).append((turn, reasons))
        clusters: list[tuple[str, QueueGroup]] = []
        for text, seen in sorted(by_text.items(), key=lambda kv: (-len(kv[1]), -kv[1][0][0].id)):
            key = wording_key(text)
            group = next((g for k, g in clusters if similar(k, key)), None)
            if group is None:
                group = QueueGroup()
                clusters.append((key, group))
            newest = seen[0][0]
            group.wordings.append((text, len(seen)))
            group.turn_ids.append(newest.id)
            group.count += len(seen)
            for turn, reasons in seen:
                group.reasons.update(reasons)
                if turn.rating_reason:
                    group.rating_reasons[turn.rating_reason] += 1
                if turn.confidence is not None:
                    group.confidence = min(turn.confidence, group.confidence if group.confidence is not None else 1.0)
            if group.last_at is None or as_utc(newest.at) > group.last_at:
                group.last_at, group.kind, group.procedures = as_utc(newest.at), newest.kind, codes_of(newest)
        groups = [g for _, g in clusters]
        if order == NEWEST:
            groups.sort(key=lambda g: (g.last_at, g.count), reverse=True)
        else:
            groups.sort(key=lambda g: (g.count, g.last_at), reverse=True)
        return groups[:limit]

    def label(self, *, turn_ids: list[int], label: Label, username: str) -> list[ReviewPublic]:
        """Store what the wordings of these turns should have been (a new review of a wording replaces the old)."""
        now = self.now()
        with Session(self.engine) as session, session.begin():
            texts = dict.fromkeys(t for t in session.scalars(select(Turn.message).where(Turn.id.in_(turn_ids))) if t)
            rows = []
            for text in texts:
                row = session.scalars(select(Review).where(Review.wording_hash == wording_hash(text))).first()
                if row is None:
                    row = Review(wording_hash=wording_hash(text), wording=text)
                    session.add(row)
                row.label, row.procedure, row.aspect, row.intent = label.kind, label.procedure, label.aspect, label.intent
                row.reviewed_by, row.reviewed_at = username, now
                row.trained, row.not_trained_because = False, None
                row.model_right = row.checked_model = row.checked_at = None
                rows.append(row)
            session.flush()
            return [_public(r) for r in rows]

    def reviewed(self, *, limit: int = 200) -> list[ReviewPublic]:
        """Return the reviews, newest first."""
        with Session(self.engine) as session:
            rows = session.scalars(select(Review).order_by(Review.reviewed_at.desc(), Review.id.desc()).limit(limit))
            return [_public(r) for r in rows]

    def trainable(self) -> list[ReviewPublic]:
        """Return every review that trains an intent (not those answered fine), oldest first."""
        with Session(self.engine) as session:
            rows = session.scalars(select(Review).where(Review.label != FINE).order_by(Review.id))
            return [_public(r) for r in rows]

    def awaiting_training(self) -> int:
        """Return how many reviewed wordings the model built last has not been trained on."""
        return sum(r.awaiting_training for r in self.trainable())

    def unchecked(self, model: str) -> list[ReviewPublic]:
        """Return the reviews that train an intent and were not checked against this model."""
        with Session(self.engine) as session:
            rows = session.scalars(select(Review).where(Review.label != FINE, or_(
                Review.checked_model.is_(None), Review.checked_model != model)).order_by(Review.id))
            return [_public(r) for r in rows]

    def record_check(self, review_id: int, *, right: bool, model: str) -> None:
        """Keep whether a model reads a reviewed wording as labelled."""
        with Session(self.engine) as session, session.begin():
            row = session.get(Review, review_id)
            if row is not None:
                row.model_right, row.checked_model, row.checked_at = right, model[:64], self.now()

    def record_export(self, *, written: set[str], left_out: dict[str, str]) -> None:
        """Keep which reviewed wordings the export wrote as examples, and why it left others out."""
        with Session(self.engine) as session, session.begin():
            for row in session.scalars(select(Review).where(Review.label != FINE)):
                if row.wording in left_out:
                    row.not_trained_because = left_out[row.wording][:120]
                elif row.wording in written:
                    row.not_trained_because = None

    def mark_trained(self, wordings: set[str]) -> int:
        """Mark the reviewed wordings the model just built was trained on; return how many were new to it."""
        marked = 0
        with Session(self.engine) as session, session.begin():
            for row in session.scalars(select(Review).where(Review.label != FINE, Review.trained.is_(False))):
                if row.wording in wordings:
                    row.trained = True
                    marked += 1
        return marked
