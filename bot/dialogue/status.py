"""The status look-up: read the ID number (whole, or split over two messages) and the name, check them within
the shared look-up limits, report every application. The full ID number is never kept: only its keyed hash,
its masked form, and a sealed partial number between two messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.answers.model import Answer
from bot.answers.render import Answers
from bot.applications.limits import LookupGuard
from bot.applications.store import ApplicationRecord, StatusStore
from bot.knowledge.base import KnowledgeBase
from bot.language.names import NameReader
from bot.rules import idnumber


@dataclass(frozen=True)
class IdRead:
    """What a message gave of an ID number: its hash and masked form, a sealed partial, or the problem."""

    id_hash: str | None = None
    id_masked: str | None = None
    pending: str | None = None  # a partial number, sealed, waiting for the rest
    problem: str | None = None
    spans: tuple[tuple[int, int], ...] = ()


@dataclass
class Lookup:
    """The outcome of one look-up: the reply and the records shown."""

    text: str
    records: list[ApplicationRecord] = field(default_factory=list)
    locked: bool = False


class StatusLookup:
    """Read an applicant's identity from messages and report their applications from the status store."""

    def __init__(self, kb: KnowledgeBase, store: StatusStore, answers: Answers, names: NameReader,
                 guard: LookupGuard, seal_key: str) -> None:
        self.kb = kb
        self.store = store
        self.answers = answers
        self.names = names
        self.guard = guard
        self.seal_key = seal_key
        self.say = answers.say

    @property
    def not_found(self) -> str:
        """Say that no record matches the ID number and name given."""
        return self.say("status.not_found")

    def read_id(self, text: str, pending: str | None, today: date) -> IdRead | None:
        """Return what a message gives of an ID number (with a sealed partial from before), or None."""
        before = idnumber.unseal(pending, self.seal_key) if pending else None
        read = idnumber.read_id(text, before)
        spans = tuple(read.spans)
        if read.number:
            check = idnumber.validate(read.number, today)
            if not check.ok:
                return IdRead(problem=check.problem, spans=spans)
            return IdRead(self.store.id_hash(check.number), idnumber.mask_id(check.number), spans=spans)
        if read.partial:
            return IdRead(pending=idnumber.seal(read.partial, self.seal_key), spans=spans)
        mistyped = idnumber.long_run(text)
        if mistyped:
            return IdRead(problem=idnumber.validate(mistyped, today).problem)
        return None

    def pending_length(self, pending: str | None) -> int:
        """Return how many digits of a number split over messages have come so far."""
        partial = idnumber.unseal(pending, self.seal_key) if pending else None
        return len(partial or "")

    def read_name(self, text: str, spans: tuple[tuple[int, int], ...] = (), *, asked: bool = False) -> str | None:
        """Return the applicant's name in a message; `asked` takes a message that is only a name."""
        return self.names.find(text, list(spans), alone=asked)

    def ask_identity(self, *, have_name: bool, partial_length: int = 0) -> str:
        """Ask for what is still missing of the ID number and the name."""
        if partial_length:
            rest = idnumber.ID_LENGTH - partial_length
            return self.say("status.ask_rest", have=partial_length, rest=rest)
        return self.say("status.ask_number" if have_name else "status.ask_identity")

    def locked_text(self) -> str:
        """Say that look-ups are paused, and whom to call (the same whether or not the ID is on file)."""
        minutes = int(self.guard.counter.window.total_seconds() // 60)
        return self.say("status.locked", minutes=minutes, calls=self.answers.fallback_contacts().text())

    def blocked(self, client: str, id_hash: str | None = None) -> bool:
        """Say whether this client (or ID number) may not look up now."""
        return self.guard.blocked(id_hash=id_hash, client=client)

    def unreadable(self, problem: str, client: str) -> Lookup:
        """Count an invalid ID number against the client and say what is wrong with it."""
        self.guard.record_failure(id_hash=None, client=client)
        if self.guard.blocked(id_hash=None, client=client):
            return Lookup(problem + "\n" + self.locked_text(), locked=True)
        return Lookup(problem)

    def lookup(self, id_hash: str, name: str, client: str) -> Lookup:
        """Look up the applications of an ID number under a name; a miss counts against the ID and the client."""
        if self.guard.blocked(id_hash=id_hash, client=client):
            return Lookup(self.locked_text(), locked=True)
        records = [r for r in self.store.find_by_hash(id_hash) if r.name == name]
        if records:
            return Lookup("", records)
        self.guard.record_failure(id_hash=id_hash, client=client)
        if self.guard.blocked(id_hash=id_hash, client=client):
            return Lookup(self.not_found + "\n" + self.locked_text(), locked=True)
        return Lookup(self.not_found)

    def report(self, records: list[ApplicationRecord], id_masked: str, *, today: date) -> Answer:
        """Report the applications a look-up found."""
        return self.answers.status_report(records, id_masked, today=today)
