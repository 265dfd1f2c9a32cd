"""Load and validate the knowledge base in knowledge/ into typed, read-only records."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

KNOWLEDGE_DIR = Path(__file__).resolve().parents[2] / "knowledge"

CERTIFICATE_KEYS = ("P", "H", "N")
CONDITION_CHECKS = frozenset({
    "has_certificate",  # holds the certificate in question
    "within_validity",  # the certificate is within its validity period
    "max_age",  # applicant's age within `value` years (周岁)
    "renew_window",  # apply no earlier than `value` months before expiry
    "max_specialties",  # fewer than `value` specialties on the certificate now
    "employer_scope",  # which employers the certificate may move to
    "in_person",  # the holder in person, no proxy
    "no_other_registration",  # other registration certificates settled first
    "correction_scope",  # what may be corrected
    "reason",  # the reasons that qualify
})
PROVIDE_KINDS = frozenset({"original", "copy", "copy_checked", "original_or_copy"})
PHONE_PATTERN = re.compile(r"0\d{2,3}-\d{7,8}")


class KnowledgeError(ValueError):
    """A knowledge-base file is missing, malformed, or inconsistent."""

    def __init__(self, file: str, where: str, problem: str) -> None:
        super().__init__(f"{file}: {where}: {problem}")
        self.file = file
        self.where = where
        self.problem = problem


@dataclass(frozen=True)
class Certificate:
    key: str
    name: str
    short: str
    issuer: str
    source: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Matter:
    key: str
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Material:
    id: str
    text: str
    provide: str
    returned: bool | None
    aliases: tuple[str, ...]
    form: str | None = None


@dataclass(frozen=True)
class MaterialVariant:
    key: str
    name: str
    aliases: tuple[str, ...]
    materials: tuple[Material, ...]


@dataclass(frozen=True)
class Condition:
    text: str
    check: str
    value: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class TimeLimit:
    text: tuple[str, ...]
    working_days: int | None
    clock_starts: str | None = None


@dataclass(frozen=True)
class Printing:
    text: str
    working_days: int | None
    bulk_working_days: int | None = None


@dataclass(frozen=True)
class Procedure:
    code: str
    certificate: str
    matter: str
    title: str
    source: str
    handler: str
    applicant: str
    summary: str
    conditions: tuple[Condition, ...]
    variants: tuple[MaterialVariant, ...]
    steps: tuple[str, ...]
    time: TimeLimit
    trips: int
    trips_text: str
    notes: tuple[str, ...]
    printing: Printing | None = None
    collection_materials: tuple[str, ...] = ()
    uploads: str | None = None
    same_as: str | None = None

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

    def variant(self, key: str | None) -> MaterialVariant | None:
        """Return the named material variant, if this procedure splits its list."""
        return next((v for v in self.variants if v.key == key), None)


@dataclass(frozen=True)
class Form:
    key: str
    title: str
    names_in_text: tuple[str, ...]
    used_by: tuple[str, ...]
    source: str
    fields: tuple[str, ...]
    signatures: tuple[str, ...]
    aliases: tuple[str, ...]
    long_fields: tuple[str, ...] = ()  # fields written as a paragraph
    table_columns: tuple[str, ...] = ()  # a summary form's columns; its other fields head the sheet
    table_rows: int = 0  # blank rows of the summary table

    @property
    def head_fields(self) -> tuple[str, ...]:
        """Return the fields filled in once: every field that is not a table column."""
        return tuple(f for f in self.fields if f not in self.table_columns)


@dataclass(frozen=True)
class Contact:
    key: str
    name: str
    phones: tuple[str, ...]
    handles: str
    source: str
    aliases: tuple[str, ...]
    address: str | None = None
    person: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Policy:
    key: str
    title: str
    text: str
    source: str
    aliases: tuple[str, ...]
    note: str | None = None
    procedures: tuple[str, ...] = ()


@dataclass(frozen=True)
class Aspect:
    key: str
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class SilentTopic:
    topic: str
    aliases: tuple[str, ...]


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
    silent_topics: tuple[SilentTopic, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)
    holidays: dict[int, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    def find(self, certificate: str, matter: str) -> list[Procedure]:
        """Return the procedures of a certificate for a matter (two for N reissue)."""
        return [p for p in self.procedures.values() if p.certificate == certificate and p.matter == matter]

    def cite(self, source: str) -> str:
        """Return a seed reference ('file section') with the document's title instead of its file name."""
        file, _, section = source.partition(" ")
        return f"{self.sources.get(file, file)} {section}".strip()

    def by_matter(self, matter: str) -> list[Procedure]:
        """Return every procedure of a matter, across certificates."""
        return [p for p in self.procedures.values() if p.matter == matter]

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


class _Reader:
    """Read typed values out of one YAML file, naming the file and field on error."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, where: str, problem: str) -> KnowledgeError:
        return KnowledgeError(self.file, where, problem)

    def str(self, data: dict[str, Any], key: str, where: str, *, optional: bool = False) -> str | None:
        value = data.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str) or (not value.strip() and not optional):
            raise self.fail(f"{where}.{key}", "must be a non-empty text")
        return value

    def req(self, data: dict[str, Any], key: str, where: str) -> str:
        value = self.str(data, key, where)
        assert value is not None
        return value

    def strs(self, data: dict[str, Any], key: str, where: str, *, optional: bool = True) -> tuple[str, ...]:
        value = data.get(key)
        if value is None and optional:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(f"{where}.{key}", "must be a list of texts")
        return tuple(value)

    def int_or_none(self, data: dict[str, Any], key: str, where: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.fail(f"{where}.{key}", "must be a whole number of 0 or more, or null")
        return value

    def items(self, data: Any, key: str, where: str) -> list[dict[str, Any]]:
        value = data.get(key) if isinstance(data, dict) else None
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(f"{where}{key}", "must be a list of records")
        return value


def _load_yaml(directory: Path, name: str) -> dict[str, Any]:
    path = directory / name
    try:
        with path.open(encoding="utf-8") as f:
            data = yaml.safe_load(f)
    except FileNotFoundError:
        raise KnowledgeError(name, "(file)", "is missing") from None
    except yaml.YAMLError as exc:
        raise KnowledgeError(name, "(file)", f"is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise KnowledgeError(name, "(file)", "must hold a mapping at the top")
    return data


def _material(r: _Reader, data: dict[str, Any], where: str, forms: dict[str, Form]) -> Material:
    provide = r.req(data, "provide", where)
    if provide not in PROVIDE_KINDS:
        raise r.fail(f"{where}.provide", f"must be one of {sorted(PROVIDE_KINDS)}")
    returned = data.get("returned")
    if returned is not None and not isinstance(returned, bool):
        raise r.fail(f"{where}.returned", "must be true, false or null")
    form = r.str(data, "form", where, optional=True)
    if form is not None and form not in forms:
        raise r.fail(f"{where}.form", f"names unknown form {form!r}")
    return Material(
        id=r.req(data, "id", where),
        text=r.req(data, "text", where),
        provide=provide,
        returned=returned,
        aliases=r.strs(data, "aliases", where),
        form=form,
    )


def _form(r: _Reader, data: dict[str, Any], key: str, where: str) -> Form:
    fields = r.strs(data, "fields", where, optional=False)
    long_fields = r.strs(data, "long_fields", where)
    columns = r.strs(data, "table_columns", where)
    for name, listed in (("long_fields", long_fields), ("table_columns", columns)):
        unknown = [f for f in listed if f not in fields]
        if unknown:
            raise r.fail(f"{where}.{name}", f"names fields not in fields: {unknown}")
    rows = r.int_or_none(data, "table_rows", where) or 0
    if bool(columns) != bool(rows):
        raise r.fail(f"{where}.table_rows", "a summary table needs both table_columns and table_rows")
    return Form(key, r.req(data, "title", where), r.strs(data, "names_in_text", where), r.strs(data, "used_by", where),
                r.req(data, "source", where), fields, r.strs(data, "signatures", where), r.strs(data, "aliases", where),
                long_fields=long_fields, table_columns=columns, table_rows=rows)


def _procedure(r: _Reader, data: dict[str, Any], i: int, kb_parts: dict[str, Any]) -> Procedure:
    where = f"procedures[{i}]"
    code = r.req(data, "code", where)
    where = f"procedures[{code}]"
    certificate = r.req(data, "certificate", where)
    if certificate not in kb_parts["certificates"]:
        raise r.fail(f"{where}.certificate", f"names unknown certificate {certificate!r}")
    matter = r.req(data, "matter", where)
    if matter not in kb_parts["matters"]:
        raise r.fail(f"{where}.matter", f"names unknown matter {matter!r}")
    handler = r.req(data, "handler", where)
    if handler not in kb_parts["contacts"]:
        raise r.fail(f"{where}.handler", f"names unknown contact {handler!r}")
    conditions = []
    for j, c in enumerate(r.items(data, "conditions", f"{where}.")):
        cw = f"{where}.conditions[{j}]"
        check = r.req(c, "check", cw)
        if check not in CONDITION_CHECKS:
            raise r.fail(f"{cw}.check", f"must be one of {sorted(CONDITION_CHECKS)}")
        conditions.append(Condition(
            text=r.req(c, "text", cw), check=check,
            value=r.int_or_none(c, "value", cw), note=r.str(c, "note", cw, optional=True),
        ))
    forms = kb_parts["forms"]
    if "material_variants" in data:
        variants = []
        for j, v in enumerate(r.items(data, "material_variants", f"{where}.")):
            vw = f"{where}.material_variants[{j}]"
            mats = tuple(_material(r, m, f"{vw}.materials[{k}]", forms)
                         for k, m in enumerate(r.items(v, "materials", f"{vw}.")))
            variants.append(MaterialVariant(r.req(v, "key", vw), r.req(v, "name", vw), r.strs(v, "aliases", vw), mats))
    else:
        mats = tuple(_material(r, m, f"{where}.materials[{k}]", forms)
                     for k, m in enumerate(r.items(data, "materials", f"{where}.")))
        variants = [MaterialVariant("all", "材料", (), mats)] if mats else []
    time_data = data.get("time")
    if not isinstance(time_data, dict):
        raise r.fail(f"{where}.time", "must be a record with text and working_days")
    time = TimeLimit(
        text=r.strs(time_data, "text", f"{where}.time", optional=False),
        working_days=r.int_or_none(time_data, "working_days", f"{where}.time"),
        clock_starts=r.str(time_data, "clock_starts", f"{where}.time", optional=True),
    )
    printing = None
    if "printing" in data:
        pd = data["printing"]
        if not isinstance(pd, dict):
            raise r.fail(f"{where}.printing", "must be a record")
        printing = Printing(
            text=r.req(pd, "text", f"{where}.printing"),
            working_days=r.int_or_none(pd, "working_days", f"{where}.printing"),
            bulk_working_days=r.int_or_none(pd, "bulk_working_days", f"{where}.printing"),
        )
    trips = data.get("trips")
    if trips not in (0, 1, 2):
        raise r.fail(f"{where}.trips", "must be 0, 1 or 2")
    return Procedure(
        code=code, certificate=certificate, matter=matter,
        title=r.req(data, "title", where), source=r.req(data, "source", where),
        handler=handler, applicant=r.req(data, "applicant", where), summary=r.req(data, "summary", where),
        conditions=tuple(conditions), variants=tuple(variants),
        steps=r.strs(data, "steps", where, optional=False), time=time, trips=trips,
        trips_text=r.req(data, "trips_text", where), notes=r.strs(data, "notes", where),
        printing=printing, collection_materials=r.strs(data, "collection_materials", where),
        uploads=r.str(data, "uploads", where, optional=True), same_as=r.str(data, "same_as", where, optional=True),
    )


def load_knowledge(directory: Path | str = KNOWLEDGE_DIR) -> KnowledgeBase:
    """Load every knowledge file, raising KnowledgeError naming file and field on any problem."""
    directory = Path(directory)
    r = _Reader("certificates.yml")
    data = _load_yaml(directory, r.file)
    certificates = {}
    for i, c in enumerate(r.items(data, "certificates", "")):
        w = f"certificates[{i}]"
        key = r.req(c, "key", w)
        if key not in CERTIFICATE_KEYS:
            raise r.fail(f"{w}.key", f"must be one of {CERTIFICATE_KEYS}")
        certificates[key] = Certificate(key, r.req(c, "name", w), r.req(c, "short", w), r.req(c, "issuer", w),
                                        r.req(c, "source", w), r.strs(c, "aliases", w))
    training_aliases = r.strs(data, "training_aliases", "", optional=False)
    huzhou_aliases = r.strs(data, "huzhou_aliases", "", optional=False)
    national_words = r.strs(data, "national_words", "", optional=False)

    r = _Reader("matters.yml")
    data = _load_yaml(directory, r.file)
    matters = {}
    for i, m in enumerate(r.items(data, "matters", "")):
        w = f"matters[{i}]"
        key = r.req(m, "key", w)
        matters[key] = Matter(key, r.req(m, "name", w), r.strs(m, "aliases", w, optional=False))
    rename_words = r.strs(data, "rename_words", "", optional=False)
    company_words = r.strs(data, "company_words", "", optional=False)

    r = _Reader("forms.yml")
    data = _load_yaml(directory, r.file)
    forms = {}
    for i, f in enumerate(r.items(data, "forms", "")):
        w = f"forms[{i}]"
        key = r.req(f, "key", w)
        forms[key] = _form(r, f, key, w)

    r = _Reader("contacts.yml")
    data = _load_yaml(directory, r.file)
    contacts = {}
    for i, c in enumerate(r.items(data, "contacts", "")):
        w = f"contacts[{i}]"
        key = r.req(c, "key", w)
        line = c.get("phone_line", "")
        if not isinstance(line, str):
            raise r.fail(f"{w}.phone_line", "must be the seed's phone line as text (may be empty)")
        contacts[key] = Contact(
            key=key, name=r.req(c, "name", w), phones=tuple(PHONE_PATTERN.findall(line)),
            handles=r.req(c, "handles", w), source=r.req(c, "source", w), aliases=r.strs(c, "aliases", w),
            address=r.str(c, "address", w, optional=True), person=r.str(c, "person", w, optional=True),
            note=r.str(c, "note", w, optional=True),
        )

    r = _Reader("policies.yml")
    data = _load_yaml(directory, r.file)
    policies = {}
    for i, p in enumerate(r.items(data, "policies", "")):
        w = f"policies[{i}]"
        key = r.req(p, "key", w)
        policies[key] = Policy(key, r.req(p, "title", w), r.req(p, "text", w), r.req(p, "source", w),
                               r.strs(p, "aliases", w), r.str(p, "note", w, optional=True),
                               r.strs(p, "procedures", w))

    r = _Reader("aspects.yml")
    data = _load_yaml(directory, r.file)
    aspects = tuple(Aspect(r.req(a, "key", f"aspects[{i}]"), r.req(a, "name", f"aspects[{i}]"),
                           r.strs(a, "aliases", f"aspects[{i}]", optional=False))
                    for i, a in enumerate(r.items(data, "aspects", "")))

    r = _Reader("scope.yml")
    data = _load_yaml(directory, r.file)
    out_of_scope = r.strs(data, "out_of_scope_terms", "", optional=False)
    silent_topics = tuple(SilentTopic(r.req(t, "topic", f"silent_topics[{i}]"),
                                      r.strs(t, "aliases", f"silent_topics[{i}]", optional=False))
                          for i, t in enumerate(r.items(data, "silent_topics", "")))

    r = _Reader("holidays.yml")
    data = _load_yaml(directory, r.file)
    years = data.get("years") or {}
    if not isinstance(years, dict):
        raise r.fail("years", "must be a mapping of year to holidays and workdays")
    holidays: dict[int, dict[str, tuple[str, ...]]] = {}
    for year, days in years.items():
        if not isinstance(year, int) or not isinstance(days, dict):
            raise r.fail(f"years[{year}]", "must be a year with holidays and workdays lists")
        holidays[year] = {k: tuple(str(d) for d in days.get(k) or ()) for k in ("holidays", "workdays")}

    r = _Reader("sources.yml")
    data = _load_yaml(directory, r.file)
    sources = data.get("sources")
    if not isinstance(sources, dict) or not all(isinstance(v, str) and v for v in sources.values()):
        raise r.fail("sources", "must map each seed file name to its title")

    r = _Reader("procedures.yml")
    data = _load_yaml(directory, r.file)
    parts = {"certificates": certificates, "matters": matters, "contacts": contacts, "forms": forms}
    procedures: dict[str, Procedure] = {}
    for i, p in enumerate(r.items(data, "procedures", "")):
        proc = _procedure(r, p, i, parts)
        if proc.code in procedures:
            raise r.fail(f"procedures[{proc.code}]", "code appears twice")
        procedures[proc.code] = proc
    for f in forms.values():
        for code in f.used_by:
            if code not in procedures:
                raise KnowledgeError("forms.yml", f"forms[{f.key}].used_by", f"names unknown procedure {code!r}")

    return KnowledgeBase(
        certificates=certificates, training_aliases=training_aliases, huzhou_aliases=huzhou_aliases,
        national_words=national_words,
        matters=matters, rename_words=rename_words, company_words=company_words, procedures=procedures,
        forms=forms, contacts=contacts, policies=policies, aspects=aspects,
        out_of_scope_terms=out_of_scope, silent_topics=silent_topics, sources=sources, holidays=holidays,
    )


@lru_cache(maxsize=1)
def default_knowledge() -> KnowledgeBase:
    """Return the knowledge base in knowledge/, loaded once per process."""
    return load_knowledge()
