"""The take-along checklist built from the knowledge base, and the labels it uses."""

from __future__ import annotations

import pytest

from bot.answers.checklist import build_checklist, default_labels, load_labels
from bot.knowledge.base import KNOWLEDGE_DIR, KnowledgeError


def sections_of(answer, kind):
    return [s for s in answer.sections if s.kind == kind]


def test_every_procedure_has_a_checklist_citing_its_source(kb):
    for code, p in kb.procedures.items():
        answer = build_checklist(kb, code)
        assert answer.kind == "checklist" and answer.title == p.title and answer.procedures == [code]
        assert answer.source == kb.cite(p.source)
        assert sections_of(answer, "summary")[0].text == p.summary
        trips = sections_of(answer, "trips")[0]
        assert [i.text for i in trips.items[:len(p.visits)]] == \
            [p.step_text(v) + ("" if v.who else "（文件没有写明由谁前往）") for v in p.visits]


def test_every_material_is_a_tick_box_saying_original_or_copy_and_returned(kb):
    labels = default_labels()
    p = kb.procedures["P-CANCEL"]
    items = sections_of(build_checklist(kb, "P-CANCEL"), "materials")[0].items
    assert [i.text.split("——")[0] for i in items] == [m.text for m in p.materials()]
    assert all(i.checkable for i in items)
    certificate, id_copy = items[1], items[2]
    assert certificate.returned is False and certificate.text.endswith(labels.returned[False])
    assert id_copy.provide == "copy" and f"——{labels.provide['copy']}；{labels.returned[True]}" in id_copy.text
    assert items[0].form == "附件五" and labels.returned[None] in items[0].text
    assert labels.provide[None] in items[0].text  # the documents do not say whether the form is an original


def test_variants_each_get_their_own_list(kb):
    answer = build_checklist(kb, "P-CORRECT")
    lists = sections_of(answer, "materials")
    assert [len(s.items) for s in lists] == [len(v.materials) for v in kb.procedures["P-CORRECT"].variants]
    assert all(v.name in s.heading for s, v in zip(lists, kb.procedures["P-CORRECT"].variants, strict=True))


def test_forms_are_named_once_with_their_title_and_key(kb):
    answer = build_checklist(kb, "P-REISSUE")
    assert answer.forms == ["附件三"]
    [forms] = sections_of(answer, "forms")
    assert [(i.text, i.form) for i in forms.items] == [(f"附件三《{kb.forms['附件三'].title}》", "附件三")]
    assert not sections_of(build_checklist(kb, "N-INITIAL"), "forms")


def test_place_gives_address_and_phones_or_says_the_documents_do_not(kb):
    hz = kb.contacts["huzhou_association"]
    answer = build_checklist(kb, "H-RENEW")
    place = sections_of(answer, "place")[0].text
    assert hz.address in place and hz.person in place and hz.phones[0] in place
    assert [(ph.name, ph.number) for ph in answer.phones][:1] == [(hz.name, n) for n in hz.phones]
    national = build_checklist(kb, "N-INITIAL")
    assert kb.contacts["province_window"].note in sections_of(national, "place")[0].text
    assert {ph.number for ph in national.phones} == {n for c in kb.contacts_for(kb.procedures["N-INITIAL"])
                                                     for n in c.phones}


def test_time_says_each_deadline_and_what_later_visits_need_is_ticked(kb):
    p = kb.procedures["P-REISSUE"]
    time = sections_of(build_checklist(kb, "P-REISSUE"), "time")[0].text
    assert all(d.name in time and f"{d.working_days}个工作日" in time for d in p.deadlines)
    assert p.printing.text in time
    renew = kb.procedures["N-RENEW"]
    [collect] = sections_of(build_checklist(kb, "N-RENEW"), "collection")
    assert [i.text.split("——")[0] for i in collect.items] == [m.text for m in renew.visits[1].bring]
    assert all(i.checkable for i in collect.items)


def test_each_note_is_said_once(kb):
    text = build_checklist(kb, "H-RENEW").text()
    notes = kb.notes_for("H-RENEW")
    assert notes
    for note in notes:
        assert text.count(note.text) == 1


def test_a_missing_label_is_named(tmp_path):
    text = (KNOWLEDGE_DIR / "labels.yml").read_text(encoding="utf-8")
    (tmp_path / "labels.yml").write_text(text.replace("  copy_checked: 复印件，原件核对\n", ""), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"labels.yml: provide.copy_checked"):
        load_labels(tmp_path)
    (tmp_path / "labels.yml").write_text("provide: [", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="not valid YAML"):
        load_labels(tmp_path)
