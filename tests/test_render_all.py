"""Render every answer the assistant can give and check each against the seeds with ../shared/tools/check_facts.py.

A number, phone, working-day count, age or address that the documents lack fails here wherever it comes from.
The payload never states anything the text does not, and no note is said twice in one answer.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from types import ModuleType

import pytest

from bot.answers.model import Answer
from bot.answers.render import COMPLETE, Answers
from bot.answers.verdict_table import PROBES, table
from bot.applications.store import ApplicationRecord
from bot.knowledge.base import ASPECTS, default_knowledge
from bot.rules.onetrip import VERDICT_KINDS, decide
from tests.conftest import ROOT, SHARED

KB = default_knowledge()
ANSWERS = Answers(KB)
STATUSES = ("已提交", "已受理", "审核中", "需补正", "已办结", "不予受理")
# Payload fields that are identifiers or enumerations, not statements.
STRUCTURE = {"kind", "verdict", "procedures", "provide"}


def load_check_facts() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_facts", SHARED / "tools" / "check_facts.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seed_facts() -> set[tuple[str, str]]:
    """Return the seeds' facts as check_facts finds them, and also with every space kept as a break.

    check_facts.norm joins a line's words, so the seed line "010-68313292  010-68362887" reads as one run of
    digits and neither number counts as a seed fact; read word by word, both do.
    """
    found = set()
    for path in (SHARED / "seeds").glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        found |= CHECK.facts(CHECK.norm(text)) | CHECK.facts("\n".join(text.split()))
    return found


CHECK = load_check_facts()
SEED_FACTS = seed_facts()


def procedure_answers() -> Iterator[tuple[str, Answer]]:
    groups = [[c] for c in KB.procedures] + [[c, p.same_as] for c, p in KB.procedures.items() if p.same_as]
    groups += [["N-LOST", "N-REISSUE-WITH-ORIGINAL"], ["P-CHANGE-COMPANY-NAME", "N-COMPANY-RENAME"]]
    for codes in groups:
        proc = KB.procedures[codes[0]]
        for variant in [None, *(v.key for v in proc.variants if len(proc.variants) > 1)]:
            for aspects in [[], ["guide"], list(ASPECTS), *([a] for a in ASPECTS)]:
                yield f"procedure {codes} {aspects} {variant}", ANSWERS.procedure(codes, aspects, variant)
        for _, facts in PROBES:
            yield f"conditions {codes} with facts", ANSWERS.procedure(codes, ["conditions"], facts=facts(proc))


def verdict_answers() -> Iterator[tuple[str, Answer]]:
    for code, proc in KB.procedures.items():
        for variant in [None, *(v.key for v in proc.variants)]:
            for label, facts in PROBES:
                for final in (False, True):
                    verdict = decide(proc, facts(proc), variant, final=final)
                    yield f"verdict {code} {label} {variant} {final}", ANSWERS.verdict(proc, verdict)


def status_answers() -> Iterator[tuple[str, Answer]]:
    for code in KB.procedures:
        for status in STATUSES:
            for accepted in (None, date(2026, 11, 17), date(2030, 1, 4)):
                record = ApplicationRecord("T1", "330502198503120112", "张伟", "", code, status, date(2026, 11, 16),
                                           accepted, date(2026, 11, 20) if status == "已办结" else None,
                                           ("补办申请表",) if status in ("需补正", "不予受理") else (), "备注")
                for today in (date(2026, 11, 18), date(2031, 1, 1)):
                    yield f"status {code} {status} {accepted} {today}", ANSWERS.status_report(
                        [record], "330*************12", today=today)


def other_answers() -> Iterator[tuple[str, Answer]]:
    for key in KB.forms:
        yield f"form {key}", ANSWERS.form(key)
    for key in KB.contacts:
        yield f"contact {key}", ANSWERS.contact([key])
    yield "contacts all", ANSWERS.contact(list(KB.contacts))
    for key, policy in KB.policies.items():
        for situation in [None, COMPLETE, *(c.key for c in policy.exceptions)]:
            yield f"policy {key} {situation}", ANSWERS.policy(key, situation)
    for matter in [None, *KB.matters]:
        yield f"clarify {matter}", ANSWERS.clarify_certificate(list(KB.certificates), matter)
        for certificate in [None, *KB.certificates]:
            if matter:
                yield f"no such {matter} {certificate}", ANSWERS.no_such_procedure(matter, certificate)
    for certificate in [None, *KB.certificates]:
        yield f"clarify matter {certificate}", ANSWERS.clarify_matter(certificate)
    for topic in KB.silent_topics:
        yield f"silent {topic.topic}", ANSWERS.silent(topic.topic)
    yield "out of scope", ANSWERS.out_of_scope()
    yield "not understood", ANSWERS.not_understood()
    yield "fallback", ANSWERS.fallback_contacts()


def every_answer() -> Iterator[tuple[str, Answer]]:
    yield from procedure_answers()
    yield from verdict_answers()
    yield from status_answers()
    yield from other_answers()


def strings(value: object, key: str = "") -> Iterator[str]:
    """Yield the statements inside a payload, skipping identifiers and enumerations."""
    if key in STRUCTURE:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v, key)


@pytest.fixture(scope="module")
def rendered() -> list[tuple[str, Answer, str]]:
    return [(name, answer, answer.text()) for name, answer in every_answer()]


def test_every_kind_of_answer_is_rendered(rendered):
    kinds = {a.kind for _, a, _ in rendered}
    assert kinds >= {"procedure", "verdict", "status", "form", "contact", "policy", "clarify", "no_such_procedure",
                     "silent", "out_of_scope", "not_understood", "contacts"}
    verdicts = {(a.procedures[0], a.verdict) for _, a, _ in rendered if a.kind == "verdict"}
    assert {v for _, v in verdicts} == set(VERDICT_KINDS)
    for code, proc in KB.procedures.items():
        if proc.visits:
            assert {(code, "ask"), (code, "not_yet")} <= verdicts, code
    assert len(rendered) > 2000


def test_no_fact_the_documents_lack(rendered):
    for name, _, text in rendered:
        unsupported = CHECK.facts(CHECK.norm(text)) - SEED_FACTS
        assert not unsupported, (name, unsupported)


def test_payload_states_nothing_the_text_does_not(rendered):
    for name, answer, text in rendered:
        for s in strings(answer.payload()):
            assert s in text, (name, s)


def test_every_answer_has_text_and_each_note_once(rendered):
    notes = [n.text for n in KB.notes]
    for name, _, text in rendered:
        assert text.strip(), name
        for note in notes:
            assert text.count(note) <= 1, (name, note)


def test_materials_are_checkable_items_and_phones_are_data(rendered):
    for name, answer, text in rendered:
        for s in answer.sections:
            if s.kind == "materials":
                assert all(i.checkable for i in s.items), name
        for phone in answer.phones:
            assert phone.number in text, name


def test_the_check_catches_an_invented_number():
    proc = KB.procedures["P-REISSUE"]
    invented = proc.copy(update={"deadlines": (proc.deadlines[0].copy(update={"working_days": 6}),)})
    kb = replace(KB, procedures={**KB.procedures, proc.code: invented})
    record = ApplicationRecord("T1", "330502198503120112", "张伟", "", proc.code, "审核中", date(2026, 11, 16),
                               date(2026, 11, 17), None, (), "")
    text = Answers(kb).status_report([record], "x", today=date(2026, 11, 18)).text()
    assert CHECK.facts(CHECK.norm(text)) - SEED_FACTS == {("working days", "6")}


def test_docs_table_is_current():
    current = (ROOT / "docs" / "verdicts.md").read_text(encoding="utf-8")
    assert current == table(KB, SHARED / "seeds"), "regenerate: python -m bot.answers.verdict_table ../shared/seeds"
