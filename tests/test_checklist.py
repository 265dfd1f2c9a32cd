"""The take-along checklist built from the knowledge base, and the labels it uses (issue 18, points 2, 4, 8-11)."""

from __future__ import annotations

import pytest

from bot.answers.checklist import build_checklist
from bot.knowledge.base import KNOWLEDGE_DIR, KnowledgeError
from bot.knowledge.labels import load_labels


def sections_of(answer, kind):
    return [s for s in answer.sections if s.kind == kind]


def test_every_procedure_has_a_checklist_citing_its_source(kb):
    for code, p in kb.procedures.items():
        answer = build_checklist(kb, code)
        assert answer.kind == "checklist" and answer.title == p.title and answer.procedures == [code]
        cited = [p.source, *(kb.policies[k].source for k in p.material_policies)]  # and the 2018 notice it states
        assert answer.source == "；".join(kb.cite(s) for s in cited)
        assert sections_of(answer, "summary")[0].text == p.summary
        trips = sections_of(answer, "trips")[0]
        unsaid = kb.labels.say("visits.who_unsaid_step")
        steps = list(p.steps[:p.visits[0].step - 1]) if p.visits else []  # the declaration before the first visit
        steps += [p.step_text(v) + ("" if v.who else unsaid) for v in p.visits]
        assert [i.text for i in trips.items[:len(steps)]] == steps


def test_national_checklists_start_at_the_declaration_step(kb):
    for code, p in kb.procedures.items():
        if p.certificate == "N":
            trips = sections_of(build_checklist(kb, code), "trips")[0]
            assert trips.items[0].text == p.steps[0] and p.steps[0].startswith("（1）申报"), code


def test_the_kicker_says_one_trip_only_where_the_seed_does(kb):
    for code, p in kb.procedures.items():
        kicker = build_checklist(kb, code).kicker
        assert ("最多跑一次" in kicker) == kb.one_trip_covers(p), code
    assert build_checklist(kb, "N-INITIAL").kicker == kb.labels.say(
        "checklist.kicker_visits", place="省厅2号窗口", count="两次")
    assert "两次或三次" in build_checklist(kb, "N-PERSONAL-CHANGE").kicker  # with the 遗失补办 that follows


def test_conditions_are_listed_with_alternatives_as_such(kb):
    for code, p in kb.procedures.items():
        [conditions] = sections_of(build_checklist(kb, code), "conditions")
        text = "\n".join([conditions.text, *(i.text for i in conditions.items)])
        assert all(c.text in text for c in p.conditions), code
        if not p.conditions:
            assert conditions.text == kb.labels.say("checklist.no_conditions")
    [cancel] = sections_of(build_checklist(kb, "P-CANCEL"), "conditions")
    assert len(cancel.items) == 2 and "符合其一即可" in cancel.items[0].text and "或其他原因申请注销的" in cancel.items[0].text
    renew = "\n".join(i.text for i in sections_of(build_checklist(kb, "H-RENEW"), "conditions")[0].items)
    assert "65周岁内" in renew and "到期前三个月内" in renew


def test_cancellation_says_first_that_it_cannot_be_undone(kb):
    for code in ("P-CANCEL", "H-CANCEL"):
        answer = build_checklist(kb, code)
        assert answer.sections[1].kind == "notes" and "证书注销后无法重新登记证书" in answer.sections[1].text


def test_forms_say_who_signs_and_stamps_them(kb):
    for code in kb.procedures:
        items = [i for s in sections_of(build_checklist(kb, code), "materials") for i in s.items if i.form]
        for item in items:
            form = kb.forms[item.form]
            assert form.handed_in_with and all(sign in item.text for sign in form.handed_in_with), (code, item.text)
    reissue = sections_of(build_checklist(kb, "P-REISSUE"), "materials")[0].items[0].text
    assert "本人签字" in reissue and "所在单位意见" in reissue
    rename = sections_of(build_checklist(kb, "P-CHANGE-COMPANY-NAME"), "materials")[0].items[0].text
    assert "填报单位盖章" in rename


def test_the_2018_notice_is_with_the_national_registration_materials(kb):
    notice = kb.policies["social_insurance_2018"]
    for code in kb.procedures:
        text = build_checklist(kb, code).text()
        assert (notice.text in text) == (code in ("N-INITIAL", "N-TRANSFER", "N-RENEW")), code


def test_every_material_is_a_tick_box_saying_original_or_copy_and_returned(kb):
    labels = kb.labels
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


def test_time_is_the_seeds_lines_and_what_later_visits_need_is_ticked(kb):
    for code, p in kb.procedures.items():
        time = sections_of(build_checklist(kb, code), "time")[0].text
        assert all(t in time for t in p.time.text) and (p.printing is None or p.printing.text in time)
        assert "受理后" not in time and "0个工作日" not in time, code  # no count of our own
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
