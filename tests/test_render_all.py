"""Render every answer, checklist and page the assistant can give and check each against the seeds.

../shared/tools/check_facts.py reads every number, phone, date, day count, copy count and floor
(`facts(text, every=True)`): one that the documents lack fails here wherever it comes from, except the
facts of the application record a status reply renders (its dates and the dates counted from them). The
payload never states anything the text does not, no note is said twice in one answer, each case's material
list is whole, and "最多跑一次" is said only of procedures whose own text uses the term (issue 18).
"""

from __future__ import annotations

import html
import importlib.util
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from types import ModuleType
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from bot.answers.checklist import build_checklist
from bot.answers.model import Answer, Item
from bot.answers.render import COMPLETE, Answers
from bot.answers.verdict_table import PROBES, table
from bot.applications.store import ApplicationRecord
from bot.knowledge.base import ASPECTS, KnowledgeBase, Procedure, default_knowledge
from bot.rules.onetrip import VERDICT_KINDS, decide
from bot.rules.workdays import WorkCalendar
from tests.conftest import ROOT, SHARED, make_app, make_settings

KB = default_knowledge()
ANSWERS = Answers(KB)
CALENDAR = WorkCalendar(KB.holidays)
# Payload fields that are identifiers or enumerations, not statements.
STRUCTURE = {"kind", "verdict", "procedures", "provide"}
ONE_TRIP = "最多跑一次"


def load_check_facts() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_facts", SHARED / "tools" / "check_facts.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CHECK = load_check_facts()


def facts(text: str) -> set[tuple[str, str]]:
    """Return every fact check_facts reads in a text (every=True: dates, phones in any writing, days, copies…)."""
    return CHECK.facts(CHECK.norm(text), every=True)


def seed_facts() -> set[tuple[str, str]]:
    """Return the seeds' facts as check_facts finds them, also with every space kept as a break."""
    found = set()
    for path in (SHARED / "seeds").glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        found |= facts(text) | CHECK.facts("\n".join(text.split()), every=True)
    return found


SEED_FACTS = seed_facts()


# ---------------------------------------------------------------------------------------------- every answer
def procedure_answers() -> Iterator[tuple[str, Answer]]:
    groups = [[c] for c in KB.procedures] + [[c, p.same_as] for c, p in KB.procedures.items() if p.same_as]
    groups += [["N-LOST", "N-REISSUE-WITH-ORIGINAL"], ["P-CHANGE-COMPANY-NAME", "N-COMPANY-RENAME"]]
    cases = sorted({v.key for p in KB.procedures.values() for v in p.variants if len(p.variants) > 1})
    for codes in groups:
        proc = KB.procedures[codes[0]]
        for variant in [None, *cases]:  # a case the procedure lacks too (a damaged national certificate)
            for aspects in [[], ["guide"], list(ASPECTS), *([a] for a in ASPECTS)]:
                yield f"procedure {codes} {aspects} {variant}", ANSWERS.procedure(codes, aspects, variant)
        for _, probe in PROBES:
            yield f"conditions {codes} with facts", ANSWERS.procedure(codes, ["conditions"], facts=probe(proc))


def verdict_answers() -> Iterator[tuple[str, Answer]]:
    for code, proc in KB.procedures.items():
        for variant in [None, *(v.key for v in proc.variants)]:
            for label, probe in PROBES:
                for final in (False, True):
                    verdict = decide(proc, probe(proc), variant, final=final)
                    yield f"verdict {code} {label} {variant} {final}", ANSWERS.verdict(proc, verdict)
                    for aspects in (["collection"], ["time"]):
                        yield f"verdict {code} {label} {variant} {final} {aspects}", ANSWERS.verdict(
                            proc, verdict, aspects)


def status_records() -> Iterator[ApplicationRecord]:
    for code in KB.procedures:
        for status in KB.statuses:
            for accepted in (None, date(2026, 11, 17), date(2030, 1, 4)):
                completed = date(2026, 11, 20) if KB.stage(status) == "completed" else None
                missing = ("补办申请表",) if KB.stage(status) in ("correction", "refused") else ()
                yield ApplicationRecord("T1", "330502198503120112", "张伟", "", code, status, date(2026, 11, 16),
                                        accepted, completed, missing, "备注")


def record_facts(record: ApplicationRecord, kb: KnowledgeBase = KB) -> set[tuple[str, str]]:
    """Return the facts a status reply may state from the record itself: its dates and the dates counted from
    its acceptance date (the procedure's working days are checked against the seeds as numbers)."""
    days = [record.submitted_date, record.accepted_date, record.completed_date]
    if record.accepted_date:
        days += [CALENDAR.add(record.accepted_date, d.working_days).day
                 for d in kb.procedures[record.procedure_code].deadlines]
    return facts(" ".join(d.isoformat() for d in days if d))


def status_answers() -> Iterator[tuple[str, Answer, set[tuple[str, str]]]]:
    for record in status_records():
        for today in (date(2026, 11, 18), date(2031, 1, 1)):
            yield (f"status {record.procedure_code} {record.status} {record.accepted_date} {today}",
                   ANSWERS.status_report([record], "330*************12", today=today), record_facts(record))


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
    for code in KB.procedures:
        yield f"checklist {code}", build_checklist(KB, code)


def every_answer() -> Iterator[tuple[str, Answer, set[tuple[str, str]]]]:
    """Yield every answer with the facts it may state beyond the seeds' (a status reply: its record's)."""
    for name, answer in [*procedure_answers(), *verdict_answers(), *other_answers()]:
        yield name, answer, set()
    yield from status_answers()


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
def rendered() -> list[tuple[str, Answer, str, set[tuple[str, str]]]]:
    return [(name, answer, answer.text(), own) for name, answer, own in every_answer()]


def test_every_kind_of_answer_is_rendered(rendered):
    kinds = {a.kind for _, a, _, _ in rendered}
    assert kinds >= {"procedure", "verdict", "status", "form", "contact", "policy", "clarify", "no_such_procedure",
                     "silent", "out_of_scope", "not_understood", "contacts", "checklist"}
    verdicts = {(a.procedures[0], a.verdict) for _, a, _, _ in rendered if a.kind == "verdict"}
    assert {v for _, v in verdicts} == set(VERDICT_KINDS)
    for code, proc in KB.procedures.items():
        if proc.visits:
            assert {(code, "ask"), (code, "not_yet")} <= verdicts, code
    assert len(rendered) > 2000


def test_no_fact_the_documents_lack(rendered):
    for name, _, text, own in rendered:
        unsupported = facts(text) - SEED_FACTS - own
        assert not unsupported, (name, unsupported)


def test_payload_states_nothing_the_text_does_not(rendered):
    for name, answer, text, _ in rendered:
        for s in strings(answer.payload()):
            assert s in text, (name, s)


def test_every_answer_has_text_and_each_note_once(rendered):
    notes = [n.text for n in KB.notes]
    for name, _, text, _ in rendered:
        assert text.strip(), name
        for note in notes:
            assert text.count(note) <= 1, (name, note)


def test_materials_are_checkable_items_and_phones_are_data(rendered):
    for name, answer, text, _ in rendered:
        for s in answer.sections:
            if s.kind == "materials":
                assert all(i.checkable for i in s.items), name
        for phone in answer.phones:
            assert phone.number in text, name


# ---------------------------------------------------------------------------------------------- the pages
@pytest.fixture(scope="module")
def client(tmp_path_factory) -> TestClient:
    return TestClient(make_app(make_settings(tmp_path_factory.mktemp("pages"))))


def page_text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "\n", page.split("<main", 1)[1]))


def pages(client: TestClient) -> Iterator[tuple[str, list[str], str]]:
    """Yield every printable page: its address, the procedures it is about, and its text."""
    for code in KB.procedures:
        yield f"/checklist/{code}", [code], page_text(client.get(f"/checklist/{code}").text)
    yield "/forms", [], page_text(client.get("/forms").text)
    for key, form in KB.forms.items():
        yield f"/forms/{key}", list(form.used_by), page_text(client.get(f"/forms/{quote(key)}").text)


def test_no_page_states_a_fact_the_documents_lack(client):
    today = facts(date.today().isoformat())  # each page is dated the day it is printed
    for address, _, text in pages(client):
        unsupported = facts(text) - SEED_FACTS - today
        assert not unsupported, (address, unsupported)


def test_one_trip_is_said_only_of_procedures_whose_text_uses_it(rendered, client):
    """"最多跑一次" belongs to the association's document; a national answer may say only that its text lacks it."""
    outside = KB.policies["one_trip_definition"].outside_note or ""

    def says_it(text: str) -> bool:
        return ONE_TRIP in text.replace(outside, "")

    def allowed(codes: list[str]) -> bool:
        return any(KB.one_trip_covers(KB.procedures[c]) for c in codes)

    for name, answer, text, _ in rendered:
        if answer.procedures and says_it(text):
            assert allowed(answer.procedures), name
    for address, codes, text in pages(client):
        if codes and says_it(text):
            assert allowed(codes), address
    national = client.get("/checklist/N-RENEW").text
    assert ONE_TRIP not in national and "两次" in national


# ---------------------------------------------------------------------------------------------- each case whole
SEVERAL_CASES = [code for code, p in KB.procedures.items() if len(p.variants) > 1]


def case_items(answer: Answer, heading: str) -> list[Item]:
    return next(s.items for s in answer.sections if s.kind == "materials" and s.heading == heading)


@pytest.mark.parametrize("code", SEVERAL_CASES)
def test_each_case_lists_its_own_materials_whole(code):
    """Issue 18.1: a person reads only their case; its list must not leave out what another case also needs."""
    proc: Procedure = KB.procedures[code]
    parts = ANSWERS.parts
    verdict = ANSWERS.verdict(proc, decide(proc, PROBES[0][1](proc), final=True))
    checklist = build_checklist(KB, code)
    for case in proc.variants:
        expected = [m.text for m in case.materials]
        heading = parts.say("materials.case", case=case.name)
        for answer in (ANSWERS.procedure([code], ["materials"]), ANSWERS.procedure([code], []), verdict,
                       ANSWERS.procedure([code], ["materials"], case.key)):
            items = case_items(answer, heading)
            assert [i.text.removesuffix(parts.signing(m)) for i, m in zip(items, case.materials, strict=True)] \
                == expected, (code, case.key)
        listed = case_items(checklist, parts.say("checklist.case", heading=KB.labels.checklist["materials"],
                                                 case=case.name))
        assert [i.text.split("——")[0] for i in listed] == expected, (code, case.key)
    damaged = ANSWERS.procedure(["P-REISSUE"], ["materials"], "damaged").text()
    assert "专业监理工程师培训合格证证书补办申请表（附件三）" in damaged and "损坏证书原件" in damaged


def test_the_check_catches_an_invented_number():
    proc = KB.procedures["P-REISSUE"]
    invented = proc.copy(update={"deadlines": (proc.deadlines[0].copy(update={"working_days": 6}),)})
    kb = replace(KB, procedures={**KB.procedures, proc.code: invented})
    record = ApplicationRecord("T1", "330502198503120112", "张伟", "", proc.code, "审核中", date(2026, 11, 16),
                               date(2026, 11, 17), None, (), "")
    text = Answers(kb).status_report([record], "x", today=date(2026, 11, 18)).text()
    assert facts(text) - SEED_FACTS - record_facts(record, kb) == {("working days", "6")}


def test_the_check_catches_an_invented_date_phone_and_day_count():
    text = "请于2026年3月5日前拨打 (0572) 2090419 或 13800000000，5天内办结，一式两份，3楼"
    assert facts(text) - SEED_FACTS == {("date", "2026-03-05"), ("date", "03-05"), ("phone", "0572-2090419"),
                                        ("phone", "13800000000"), ("days", "5"), ("copies", "2"), ("floor", "3")}


def test_docs_table_is_current():
    current = (ROOT / "docs" / "verdicts.md").read_text(encoding="utf-8")
    assert current == table(KB, SHARED / "seeds"), "regenerate: python -m bot.answers.verdict_table ../shared/seeds"
