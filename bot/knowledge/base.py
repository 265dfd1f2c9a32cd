"""Load and validate the knowledge base in knowledge/ into typed, read-only records."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import (
    BaseModel,
    ConstrainedInt,
    ConstrainedStr,
    Extra,
    Field,
    StrictBool,
    ValidationError,
    root_validator,
    validator,
)

from bot.knowledge.files import KNOWLEDGE_DIR as KNOWLEDGE_DIR  # re-exported: callers import them from here
from bot.knowledge.files import KnowledgeError as KnowledgeError
from bot.knowledge.files import read_mapping as read_mapping
from bot.knowledge.labels import Labels, load_labels

PHONE_PATTERN = re.compile(r"0\d{2,3}-\d{7,8}")
# The aspects of a question that the code gives a meaning of its own (knowledge/aspects.yml defines each, with
# the words that ask it).
CONDITIONS = "conditions"
MATERIALS = "materials"
UPLOADS = "uploads"
PROCESS = "process"
PLACE = "place"
TIME = "time"
COLLECTION = "collection"
FORMS = "forms"
PROXY = "proxy"
TRIPS = "trips"
CONTACT = "contact"
GUIDE = "guide"  # the whole guide, which holds every aspect
FIELDS = "fields"  # what to fill in or sign on a form: answered with the form itself
REASON = "reason"  # why: after a status look-up, the record's reason; otherwise the conditions
# What an answer about a procedure can cover; notes.yml `about` names these.
ASPECTS = (CONDITIONS, MATERIALS, UPLOADS, PROCESS, PLACE, TIME, COLLECTION, FORMS, PROXY, TRIPS, CONTACT)


if TYPE_CHECKING:  # the checker sees plain types; pydantic sees the constrained ones
    Text = str
    Count = int
else:
    class Text(ConstrainedStr):
        """A non-empty text (a number or a list is not a text)."""

        strict = True
        min_length = 1
        regex = re.compile(r"(?s).*\S")

    class Count(ConstrainedInt):
        """A whole number of 0 or more."""

        strict = True
        ge = 0


class Record(BaseModel):
    """A read-only knowledge record that rejects unknown fields."""

    class Config:
        extra = Extra.forbid
        frozen = True


def _not_empty(value: tuple[Any, ...]) -> tuple[Any, ...]:
    if not value:
        raise ValueError("must list at least one item")
    return value


Provide = Literal["original", "copy", "copy_checked", "original_or_copy"]


class Certificate(Record):
    key: Literal["P", "H", "N"]
    name: Text
    short: Text
    source: Text
    aliases: tuple[Text, ...] = ()
    contacts: tuple[Text, ...] = ()
    forms_note: Text | None = None  # where the application forms of all its procedures come from, if not 附件
    time_note: Text | None = None  # what its procedures say of time, when all say the same (no working days)
    regions: tuple[Text, ...] = ()  # a place of these regions, given as the answer to "which certificate", picks it


class Matter(Record):
    key: Text
    name: Text
    aliases: tuple[Text, ...]
    covers: dict[Text, tuple[Text, ...]] = {}  # per certificate: the matters a general word ("变更") covers
    general: StrictBool = False  # a general word: a more specific matter said beside it is the one meant


class Material(Record):
    id: Text
    text: Text
    provide: Provide | None = None
    returned: StrictBool | None = None
    aliases: tuple[Text, ...] = ()
    form: Text | None = None


class MaterialVariant(Record):
    key: Text
    name: Text
    aliases: tuple[Text, ...] = ()
    materials: tuple[Material, ...]


class Condition(Record):
    """A condition in the seed's words; `question`, `follow_up` and `restated` come from checks.yml on loading
    unless the procedure words them itself. Conditions sharing a `one_of` key are alternatives: one suffices."""

    text: Text
    check: Text
    value: Count | None = None
    one_of: Text | None = None
    question: Text | None = None
    follow_up: Text | None = None
    restated: Text | None = None

    @property
    def said(self) -> str:
        """Return the condition as said to people: the seed's words, then what they come to where that helps."""
        return self.text + (f"（{self.restated}）" if self.restated else "")


class Visit(Record):
    """One trip the seed describes: its step, who may go, what to bring (after the first)."""

    name: Text
    step: Count
    who: Text | None = None
    when: Text | None = None
    bring: tuple[Material, ...] = ()


class FollowOn(Record):
    """A step after the last visit that starts another procedure."""

    step: Count
    procedures: tuple[Text, ...]


class TimeLimit(Record):
    text: tuple[Text, ...]

    _text = validator("text", allow_reuse=True)(_not_empty)


class Printing(Record):
    text: Text


class Deadline(Record):
    """A working-day limit; from_acceptance false when the seed does not say from which day it runs, and then
    `estimated` true when a status reply still counts it from the acceptance date, saying so."""

    name: Text
    working_days: Count
    from_acceptance: StrictBool
    estimated: StrictBool = False


class Procedure(Record):
    code: Text
    certificate: Text
    matter: Text
    title: Text
    source: Text
    handler: Text
    summary: Text
    conditions: tuple[Condition, ...] = ()
    plain_materials: tuple[Material, ...] = Field((), alias="materials")
    material_variants: tuple[MaterialVariant, ...] = ()
    variants: tuple[MaterialVariant, ...] = ()
    uploads: Text | None = None
    steps: tuple[Text, ...]
    visits: tuple[Visit, ...]
    then: FollowOn | None = None
    time: TimeLimit
    printing: Printing | None = None
    deadlines: tuple[Deadline, ...] = ()
    same_as: Text | None = None
    warning: Text | None = None  # an irreversible consequence, in the seed's words: said first in every answer
    material_policies: tuple[Text, ...] = ()  # policies (policies.yml) that change what the materials are
    follow_on_trips: tuple[Count, ...] = ()  # filled on loading: the visits of each procedure `then` starts

    _steps = validator("steps", allow_reuse=True)(_not_empty)

    @root_validator(skip_on_failure=True)
    def _variants(cls, values: dict[str, Any]) -> dict[str, Any]:
        """Give a plain material list as the one variant 'all'."""
        plain = values["plain_materials"]
        values["variants"] = values["material_variants"] or (
            (MaterialVariant(key="all", name="材料", materials=plain),) if plain else ())
        return values

    @property
    def trips(self) -> int:
        """Return how many visits the seed describes."""
        return len(self.visits)

    @property
    def path_trips(self) -> tuple[int, int]:
        """Return the fewest and the most visits of the whole path, with the procedure a final step starts."""
        after = self.follow_on_trips or (0,)
        return self.trips + min(after), self.trips + max(after)

    def condition(self, check: str) -> Condition | None:
        """Return the first condition with this check, if any."""
        return next((c for c in self.conditions if c.check == check), None)

    def materials(self, variant: str | None = None) -> tuple[Material, ...]:
        """Return the materials of one variant, or of the only/first one."""
        if not self.variants:
            return ()
        for v in self.variants:
            if v.key == variant:
                return v.materials
        return self.variants[0].materials

    def all_materials(self) -> tuple[Material, ...]:
        """Return the first-visit materials of every variant, each id once."""
        seen: dict[str, Material] = {}
        for v in self.variants:
            for m in v.materials:
                seen.setdefault(m.id, m)
        return tuple(seen.values())

    def variant(self, key: str | None) -> MaterialVariant | None:
        """Return the named material variant, if this procedure splits its list."""
        return next((v for v in self.variants if v.key == key), None)

    def step_text(self, visit: Visit | FollowOn) -> str:
        """Return the seed line of a visit or follow-on step."""
        return self.steps[visit.step - 1]


class Form(Record):
    key: Text
    title: Text
    names_in_text: tuple[Text, ...] = ()
    used_by: tuple[Text, ...] = ()
    source: Text
    fields: tuple[Text, ...]
    signatures: tuple[Text, ...] = ()
    aliases: tuple[Text, ...] = ()
    long_fields: tuple[Text, ...] = ()  # fields written as a paragraph
    table_columns: tuple[Text, ...] = ()  # a summary form's columns; its other fields head the sheet
    table_rows: int = 0  # blank rows of the summary table
    handed_in_with: tuple[Text, ...] = ()  # the signatures and stamps it must carry when handed in

    _fields = validator("fields", allow_reuse=True)(_not_empty)

    @root_validator(skip_on_failure=True)
    def _layout(cls, values: dict[str, Any]) -> dict[str, Any]:
        """Check that the layout names only the form's fields, a table has columns and rows, and what it is
        handed in with is among its signatures."""
        for name in ("long_fields", "table_columns"):
            unknown = [f for f in values[name] if f not in values["fields"]]
            if unknown:
                raise ValueError(f"{name} names fields not in fields: {unknown}")
        unknown = [s for s in values["handed_in_with"] if s not in values["signatures"]]
        if unknown:
            raise ValueError(f"handed_in_with names signatures not in signatures: {unknown}")
        if bool(values["table_columns"]) != bool(values["table_rows"]):
            raise ValueError("a summary table needs both table_columns and table_rows")
        return values

    @property
    def field_words(self) -> tuple[str, ...]:
        """Return the words of its fields, as a question names them ("专业（1）" is 专业, "原聘用单位名称及联系电话"
        is 原聘用单位名称 and 联系电话)."""
        words = (w for f in self.fields for w in re.sub(r"（.*?）", "", f).split("及"))
        return tuple(dict.fromkeys(w for w in words if len(w) >= 2))

    def has_field(self, word: str) -> bool:
        """Say whether a field of the form is (or holds) the word asked about ("性别", "联系电话")."""
        return any(word in f for f in self.fields)

    @property
    def head_fields(self) -> tuple[str, ...]:
        """Return the fields filled in once: every field that is not a table column."""
        return tuple(f for f in self.fields if f not in self.table_columns)


class Contact(Record):
    key: Text
    name: Text
    phone_line: str = ""
    phones: tuple[str, ...] = ()
    handles: Text
    source: Text
    aliases: tuple[Text, ...] = ()
    address: Text | None = None
    person: Text | None = None
    note: Text | None = None
    issues: tuple[Text, ...] = ()  # certificates it issues ("协会那个" answering which certificate)
    topical: StrictBool = False  # a topic of its own: naming it asks for it, even beside a matter

    @root_validator(skip_on_failure=True)
    def _phones(cls, values: dict[str, Any]) -> dict[str, Any]:
        """Read the phone numbers out of the seed's phone line."""
        values["phones"] = tuple(PHONE_PATTERN.findall(values["phone_line"]))
        return values


class PolicyCase(Record):
    """One case a policy lists (e.g. 上门咨询 under 不算多跑)."""

    key: Text
    name: Text


class Policy(Record):
    key: Text
    title: Text
    text: Text
    source: Text
    aliases: tuple[Text, ...] = ()
    procedures: tuple[Text, ...] = ()
    when: Text | None = None
    covers: Text | None = None
    outside_note: Text | None = None
    exceptions: tuple[PolicyCase, ...] = ()
    said_with: tuple[Text, ...] = ()  # policies said together with it (the rest of its paragraph in the seed)


class Aspect(Record):
    key: Text
    name: Text
    aliases: tuple[Text, ...]
    intent: Text | None = None  # the NLU intent of a question that asks this aspect alone
    generic: StrictBool = False  # its words ask about anything ("多久", "在哪"): beside a place alone, nothing of ours


class SilentTopic(Record):
    topic: Text
    aliases: tuple[Text, ...]


class Check(Record):
    """A condition check: what it tests and the question that settles it (none: only assumed)."""

    key: Text
    meaning: Text
    question: Text | None = None
    follow_up: Text | None = None
    when_to_apply: StrictBool = False  # it says when the procedure may be applied for
    window: StrictBool = False  # it opens a window of time to apply in
    restated: Text | None = None  # what the seed's words come to, said after them ("即须由证书持有人本人办理")
    asked_as: Text | None = None  # what a question about the check itself asks for ("年龄限制")
    asked_by: tuple[Text, ...] = ()  # words that ask about the check itself
    told_by: tuple[Text, ...] = ()  # facts of a case (Parse fields) whose telling asks about the check too


class Note(Record):
    """Where the seeds are unclear or contradict themselves, and which answers must say so."""

    key: Text
    text: Text
    seed_note: Count | None = None
    procedures: tuple[Text, ...] = ()
    policies: tuple[Text, ...] = ()
    about: tuple[Literal[ASPECTS], ...] = ()  # type: ignore[valid-type]
    check: Text | None = None
    variant: Text | None = None  # said only when this case is asked of procedures that do not have it


# What an application status means to the code; statuses.yml gives each status word its stage.
STAGES = ("submitted", "accepted", "reviewing", "correction", "completed", "refused")


class Status(Record):
    key: Text
    label: Text
    stage: Literal[STAGES]  # type: ignore[valid-type]
    next: Text | None = None


class CertificatesFile(Record):
    certificates: tuple[Certificate, ...]
    training_aliases: tuple[Text, ...]
    huzhou_aliases: tuple[Text, ...]
    national_words: tuple[Text, ...]


class MattersFile(Record):
    matters: tuple[Matter, ...]
    rename_words: tuple[Text, ...]
    company_words: tuple[Text, ...]


class ScopeFile(Record):
    out_of_scope_terms: tuple[Text, ...]
    silent_topics: tuple[SilentTopic, ...] = ()


class HolidayYear(Record):
    holidays: tuple[date, ...] = ()
    workdays: tuple[date, ...] = ()


class HolidaysFile(Record):
    years: dict[int, HolidayYear] | None = None


class SourcesFile(Record):
    sources: dict[str, Text]


class FormsFile(Record):
    forms: tuple[Form, ...]


class ContactsFile(Record):
    fallback: tuple[Text, ...]
    contacts: tuple[Contact, ...]


class PoliciesFile(Record):
    policies: tuple[Policy, ...]


class AspectsFile(Record):
    aspects: tuple[Aspect, ...]

    @validator("aspects")
    def every_aspect_the_code_reads(cls, value: tuple[Aspect, ...]) -> tuple[Aspect, ...]:
        """Demand every aspect the code gives a meaning (ASPECTS, GUIDE, FIELDS, REASON)."""
        missing = [k for k in (*ASPECTS, GUIDE, FIELDS, REASON) if k not in {a.key for a in value}]
        if missing:
            raise ValueError(f"must define the aspects {', '.join(missing)}")
        return value


class ChecksFile(Record):
    checks: tuple[Check, ...]


class NotesFile(Record):
    notes: tuple[Note, ...]


class StatusesFile(Record):
    statuses: tuple[Status, ...]


class ProceduresFile(Record):
    procedures: tuple[Procedure, ...]


@dataclass(frozen=True)
class KnowledgeBase:
    certificates: dict[str, Certificate]
    training_aliases: tuple[str, ...]
    huzhou_aliases: tuple[str, ...]
    national_words: tuple[str, ...]
    matters: dict[str, Matter]
    rename_words: tuple[str, ...]
    company_words: tuple[str, ...]
    procedures: dict[str, Procedure]
    forms: dict[str, Form]
    contacts: dict[str, Contact]
    policies: dict[str, Policy]
    aspects: tuple[Aspect, ...]
    out_of_scope_terms: tuple[str, ...]
    labels: Labels
    silent_topics: tuple[SilentTopic, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)
    holidays: dict[int, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    checks: dict[str, Check] = field(default_factory=dict)
    notes: tuple[Note, ...] = ()
    statuses: dict[str, Status] = field(default_factory=dict)
    fallback_contacts: tuple[str, ...] = ()

    def find(self, certificate: str, matter: str) -> list[Procedure]:
        """Return the procedures of a certificate for a matter (two for N reissue)."""
        return [p for p in self.procedures.values() if p.certificate == certificate and p.matter == matter]

    def cite(self, source: str) -> str:
        """Return a seed reference ('file section') with the document's title instead of its file name."""
        file, _, section = source.partition(" ")
        return f"{self.sources.get(file, file)} {section}".strip()

    def one_trip_covers(self, proc: Procedure) -> bool:
        """Say whether the seed that defines "最多跑一次" speaks of this procedure."""
        return proc.source.partition(" ")[0] == self.policies["one_trip_definition"].covers

    def asking_for(self, material: str) -> list[Procedure]:
        """Return the procedures that ask for a material (on any visit, in any variant)."""
        return [p for p in self.procedures.values()
                if any(m.id == material for v in p.variants for m in v.materials)
                or any(m.id == material for v in p.visits for m in v.bring)]

    def contacts_for(self, proc: Procedure) -> list[Contact]:
        """Return whom to call about a procedure, per its certificate."""
        return [self.contacts[k] for k in self.certificates[proc.certificate].contacts]

    def generic_aspects(self) -> frozenset[str]:
        """Return the aspects whose words ask about anything ("多久", "在哪", "电话")."""
        return frozenset(a.key for a in self.aspects if a.generic)

    def aspect_of_intent(self) -> dict[str, str]:
        """Return the aspect each aspect intent asks (ask_materials → materials), from aspects.yml."""
        return {a.intent: a.key for a in self.aspects if a.intent}

    def notes_for(self, code: str, aspects: list[str] | tuple[str, ...] | None = None) -> list[Note]:
        """Return the notes on a procedure, about any of the aspects (None: every note on it), but not the notes
        said only when a case the procedure lacks is asked (case_notes)."""
        return [n for n in self.notes if code in n.procedures and n.variant is None
                and (aspects is None or set(n.about) & set(aspects))]

    def case_notes(self, codes: list[str], variant: str | None) -> list[Note]:
        """Return the notes on a case (variant) asked of procedures none of which has it, e.g. a damaged national
        certificate: the documents describe only its loss."""
        procs = [self.procedures[c] for c in codes]
        if variant is None or any(p.variant(variant) for p in procs):
            return []
        return [n for n in self.notes if n.variant == variant and set(n.procedures) & set(codes)]

    def stage(self, status: str) -> str | None:
        """Return what a status word means to the code (statuses.yml), None for a word it does not know."""
        known = self.statuses.get(status)
        return known.stage if known else None

    def status_word(self, stage: str) -> str:
        """Return the status word of a stage, as the import format writes it."""
        return next(s.key for s in self.statuses.values() if s.stage == stage)

    def note_on(self, code: str, check: str) -> Note | None:
        """Return the note qualifying a procedure's condition of this check, if any."""
        return next((n for n in self.notes if code in n.procedures and n.check == check), None)

    def terms(self) -> set[str]:
        """Return every name and alias, for the tokenizer's user dictionary."""
        words: set[str] = set(self.training_aliases) | set(self.huzhou_aliases) | set(self.national_words)
        words |= set(self.rename_words) | set(self.out_of_scope_terms)
        words |= {a for t in self.silent_topics for a in t.aliases}
        for c in self.certificates.values():
            words |= {c.name, c.short, *c.aliases}
        for m in self.matters.values():
            words |= set(m.aliases)
        for a in self.aspects:
            words |= set(a.aliases)
        for f in self.forms.values():
            words |= {f.title, *f.names_in_text, *f.aliases}
        for ct in self.contacts.values():
            words |= {ct.name, *ct.aliases}
        for p in self.policies.values():
            words |= set(p.aliases)
        for proc in self.procedures.values():
            for v in proc.variants:
                words |= set(v.aliases)
                for mat in v.materials:
                    words |= set(mat.aliases)
        return {w for w in words if w}


def _where(loc: tuple[Any, ...], data: Any) -> str:
    """Name a field by its path, each list item by its key or code when it has one."""
    path, node = "", data
    for part in loc:
        if part == "__root__":
            continue
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            name = (item.get("code") or item.get("key")) if isinstance(item, dict) else None
            path += f"[{name if isinstance(name, str) and name else part}]"
            node = item
        else:
            path += f".{part}" if path else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return path or "(file)"


def _parse(directory: Path, name: str, model: type[Record]) -> Any:
    """Read one YAML file into its model, naming the file and field on any problem."""
    data = read_mapping(directory, name)
    try:
        return model.parse_obj(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise KnowledgeError(name, _where(first["loc"], data), first["msg"]) from None


def _known(file: str, where: str, value: str | None, known: dict[str, Any] | set[str], kind: str) -> None:
    if value is not None and value not in known:
        raise KnowledgeError(file, where, f"names unknown {kind} {value!r}")


def _unique(file: str, where: str, keys: list[str]) -> None:
    for key in keys:
        if keys.count(key) > 1:
            raise KnowledgeError(file, f"{where}[{key}]", "appears twice")


def _check_procedures(kb: KnowledgeBase) -> None:
    """Check that every name a procedure uses exists and every step it points to is there."""
    file = "procedures.yml"
    for p in kb.procedures.values():
        w = f"procedures[{p.code}]"
        _known(file, f"{w}.certificate", p.certificate, kb.certificates, "certificate")
        _known(file, f"{w}.matter", p.matter, kb.matters, "matter")
        _known(file, f"{w}.handler", p.handler, kb.contacts, "contact")
        _known(file, f"{w}.source", p.source.partition(" ")[0], kb.sources, "source")
        _known(file, f"{w}.same_as", p.same_as, kb.procedures, "procedure")
        for i, c in enumerate(p.conditions):
            _known(file, f"{w}.conditions[{i}].check", c.check, kb.checks, "check")
        for v in p.variants:
            for m in v.materials:
                _known(file, f"{w}.materials[{m.id}].form", m.form, kb.forms, "form")
        for key in p.material_policies:
            _known(file, f"{w}.material_policies", key, kb.policies, "policy")
        pointers = [(f"{w}.visits[{i}].step", v.step) for i, v in enumerate(p.visits)]
        pointers += [(f"{w}.then.step", p.then.step)] if p.then else []
        for where, step in pointers:
            if not 1 <= step <= len(p.steps):
                raise KnowledgeError(file, where, f"must be a line of steps (1 to {len(p.steps)})")
        for code in p.then.procedures if p.then else ():
            _known(file, f"{w}.then.procedures", code, kb.procedures, "procedure")


def _check_references(kb: KnowledgeBase) -> None:
    """Check the names other files use: forms, certificates, notes and policies."""
    for f in kb.forms.values():
        for code in f.used_by:
            _known("forms.yml", f"forms[{f.key}].used_by", code, kb.procedures, "procedure")
    for p in kb.policies.values():
        for k in p.said_with:
            _known("policies.yml", f"policies[{p.key}].said_with", k, kb.policies, "policy")
    for c in kb.certificates.values():
        for key in c.contacts:
            _known("certificates.yml", f"certificates[{c.key}].contacts", key, kb.contacts, "contact")
    for key in kb.fallback_contacts:
        _known("contacts.yml", "fallback", key, kb.contacts, "contact")
    for n in kb.notes:
        for code in n.procedures:
            _known("notes.yml", f"notes[{n.key}].procedures", code, kb.procedures, "procedure")
        for key in n.policies:
            _known("notes.yml", f"notes[{n.key}].policies", key, kb.policies, "policy")
        _known("notes.yml", f"notes[{n.key}].check", n.check, kb.checks, "check")
        variants = {v.key for code in n.procedures for v in kb.procedures[code].variants}
        if n.variant is not None and n.variant in variants:
            raise KnowledgeError("notes.yml", f"notes[{n.key}].variant", "is a case those procedures have")
    for p in kb.policies.values():
        for code in p.procedures:
            _known("policies.yml", f"policies[{p.key}].procedures", code, kb.procedures, "procedure")
        _known("policies.yml", f"policies[{p.key}].covers", p.covers, kb.sources, "source")
    needed = {"one_trip_definition": ("when", "covers", "outside_note"), "not_extra_trip": ("exceptions",)}
    for key, fields in needed.items():
        _known("policies.yml", f"policies[{key}]", key, kb.policies, "policy (the one-trip answers need it)")
        for name in fields:
            if not getattr(kb.policies[key], name):
                raise KnowledgeError("policies.yml", f"policies[{key}].{name}", "the one-trip answers need it")


def load_knowledge(directory: Path | str = KNOWLEDGE_DIR) -> KnowledgeBase:
    """Load every knowledge file, raising KnowledgeError naming file and field on any problem."""
    d = Path(directory)
    certs: CertificatesFile = _parse(d, "certificates.yml", CertificatesFile)
    matters: MattersFile = _parse(d, "matters.yml", MattersFile)
    forms: FormsFile = _parse(d, "forms.yml", FormsFile)
    contacts: ContactsFile = _parse(d, "contacts.yml", ContactsFile)
    policies: PoliciesFile = _parse(d, "policies.yml", PoliciesFile)
    aspects: AspectsFile = _parse(d, "aspects.yml", AspectsFile)
    scope: ScopeFile = _parse(d, "scope.yml", ScopeFile)
    holidays: HolidaysFile = _parse(d, "holidays.yml", HolidaysFile)
    sources: SourcesFile = _parse(d, "sources.yml", SourcesFile)
    checks: ChecksFile = _parse(d, "checks.yml", ChecksFile)
    notes: NotesFile = _parse(d, "notes.yml", NotesFile)
    statuses: StatusesFile = _parse(d, "statuses.yml", StatusesFile)
    procedures: ProceduresFile = _parse(d, "procedures.yml", ProceduresFile)
    labels = load_labels(d)
    _unique("procedures.yml", "procedures", [p.code for p in procedures.procedures])
    _unique("notes.yml", "notes", [n.key for n in notes.notes])
    kb = KnowledgeBase(
        certificates={c.key: c for c in certs.certificates}, training_aliases=certs.training_aliases,
        huzhou_aliases=certs.huzhou_aliases, national_words=certs.national_words,
        matters={m.key: m for m in matters.matters}, rename_words=matters.rename_words,
        company_words=matters.company_words, procedures={p.code: p for p in procedures.procedures},
        forms={f.key: f for f in forms.forms}, contacts={c.key: c for c in contacts.contacts},
        policies={p.key: p for p in policies.policies}, aspects=aspects.aspects,
        out_of_scope_terms=scope.out_of_scope_terms, labels=labels, silent_topics=scope.silent_topics,
        sources=dict(sources.sources),
        holidays={year: {"holidays": tuple(map(str, days.holidays)), "workdays": tuple(map(str, days.workdays))}
                  for year, days in (holidays.years or {}).items()},
        checks={c.key: c for c in checks.checks}, notes=notes.notes, statuses={s.key: s for s in statuses.statuses},
        fallback_contacts=contacts.fallback,
    )
    _check_procedures(kb)
    _check_references(kb)
    trips = {code: p.trips for code, p in kb.procedures.items()}
    for code, p in kb.procedures.items():
        kb.procedures[code] = p.copy(update={"conditions": tuple(
            c.copy(update={"question": c.question or kb.checks[c.check].question,
                           "follow_up": c.follow_up or kb.checks[c.check].follow_up,
                           "restated": c.restated or kb.checks[c.check].restated})
            for c in p.conditions), "follow_on_trips": tuple(trips[c] for c in (p.then.procedures if p.then else ()))})
    return kb


@lru_cache(maxsize=1)
def default_knowledge() -> KnowledgeBase:
    """Return the knowledge base in knowledge/, loaded once per process."""
    return load_knowledge()
