"""The knowledge base covers every procedure code, keeps the seeds' words, and rejects broken files clearly."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys

import pytest

from bot.knowledge.base import KNOWLEDGE_DIR, KnowledgeError, load_knowledge
from tests.conftest import SHARED

CHINESE_COUNTS = {5: "五", 7: "七", 10: "十"}


def contract_rows() -> list[dict[str, str]]:
    with (SHARED / "contracts" / "procedures.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def seed_text(source: str) -> str:
    """Return a seed file with all whitespace removed, for verbatim checks."""
    text = (SHARED / "seeds" / source.partition(" ")[0]).read_text(encoding="utf-8")
    return "".join(text.split())


def test_every_contract_code_is_in_the_knowledge_base(kb):
    rows = contract_rows()
    assert {r["code"] for r in rows} == set(kb.procedures)
    for r in rows:
        proc = kb.procedures[r["code"]]
        assert kb.certificates[proc.certificate].name == r["certificate"], r["code"]
        seed, _, section = r["source"].partition(" ")
        assert proc.source == f"{seed} {section}", r["code"]


def test_every_procedure_has_steps_time_and_a_handler_with_contact(kb):
    for proc in kb.procedures.values():
        assert proc.steps and proc.time.text, proc.code
        assert proc.handler in kb.contacts
        assert kb.contacts_for(proc), proc.code


def test_verbatim_fields_are_the_seeds_words(kb):
    for proc in kb.procedures.values():
        seed = seed_text(proc.source)
        verbatim = [*proc.steps, *(c.text for c in proc.conditions)]
        verbatim += [v.who for v in proc.visits if v.who] + [v.when for v in proc.visits if v.when]
        verbatim += [proc.printing.text] if proc.printing else []
        verbatim += [proc.warning] if proc.warning else []
        if proc.certificate != "N":  # the national seed lists materials inside sentences
            verbatim += [m.text for m in proc.all_materials()]
        for text in verbatim:
            assert "".join(text.split()) in seed, (proc.code, text)


def test_visits_follow_the_seed(kb):
    national_two = {"N-INITIAL", "N-RENEW", "N-LOST", "N-TRANSFER", "N-ADD-SPECIALTY", "N-COMPANY-RENAME"}
    for proc in kb.procedures.values():
        assert (proc.trips == 2) == (proc.code in national_two), proc.code
        for later in proc.visits[1:]:
            assert later.who == "本人或企业代办人员" and "单位介绍信" in [m.text for m in later.bring], proc.code
    assert [m.text for m in kb.procedures["N-RENEW"].visits[1].bring] == ["单位介绍信", "注册证书原件"]
    assert kb.procedures["P-RENEW"].trips == 0
    assert kb.procedures["N-PERSONAL-CHANGE"].then.procedures == ("N-LOST", "N-REISSUE-WITH-ORIGINAL")


def test_returned_only_where_the_seed_says_so(kb):
    for proc in kb.procedures.values():
        for m in proc.all_materials():
            assert (m.returned is True) == ("核验后退回" in m.text), (proc.code, m.id)
            if m.returned is False:
                assert any("收回" in s for s in proc.steps), (proc.code, m.id)


@pytest.mark.parametrize("code", sorted(load_knowledge().procedures))
def test_provide_is_what_the_text_says(kb, code):
    for m in kb.procedures[code].all_materials():
        said = {
            "original": "原件" in m.text and "复印件" not in m.text,
            "copy": "复印件" in m.text and "核对" not in m.text,
            "copy_checked": "核对" in m.text,
            "original_or_copy": "原件或复印件" in m.text,
            None: ("原件" not in m.text and "复印件" not in m.text) or "（或" in m.text,
        }
        assert said[m.provide], (code, m.id, m.provide)


def test_working_days_are_the_ones_the_text_gives(kb):
    for proc in kb.procedures.values():
        texts = [*proc.time.text, *([proc.printing.text] if proc.printing else [])]
        for d in proc.deadlines:
            if d.working_days:
                assert any(f"{CHINESE_COUNTS[d.working_days]}个工作日" in t for t in texts), (proc.code, d.name)
            if d.name == "系统审核":
                review = next(t for t in proc.time.text if "系统审核" in t)
                assert f"{CHINESE_COUNTS[d.working_days]}个工作日" in review, proc.code
    for code in ("P-REISSUE", "H-REISSUE", "P-CORRECT"):
        assert [(d.name, d.working_days) for d in kb.procedures[code].deadlines] == [("系统审核", 7), ("证书打印", 10)]


def test_national_procedures_give_no_working_days(kb):
    for proc in kb.procedures.values():
        if proc.visits:
            assert (proc.certificate == "N") == (not proc.deadlines), proc.code


def test_seed_notes_are_recorded(kb):
    on = {(code, n.seed_note) for n in kb.notes for code in n.procedures}
    for code in ("P-REISSUE", "P-CORRECT", "P-CANCEL", "H-REISSUE", "H-CANCEL"):
        assert (code, 3) in on
    assert {("N-RENEW", 7), ("N-ADD-SPECIALTY", 7), ("N-COMPANY-RENAME", 7)} <= on
    assert {("P-CHANGE-COMPANY-NAME", 8), ("P-CHANGE-COMPANY-NAME", 9), ("P-CHANGE-EMPLOYER", 9)} <= on
    assert ("H-RENEW", 13) in on
    assert kb.note_on("H-RENEW", "max_age") and kb.note_on("P-CHANGE-EMPLOYER", "employer_scope")
    additions = (KNOWLEDGE_DIR.parent / "docs" / "seed-notes-additions.md").read_text(encoding="utf-8")
    assert "13." in additions and "《专业监理工程师培训合格证》" in additions


def test_every_check_a_fact_settles_has_a_question(kb):
    assumed_only = {"has_certificate", "reason", "correction_scope"}
    for check in kb.checks.values():
        assert (check.question is None) == (check.key in assumed_only), check.key
    own = {("P-CHANGE-COMPANY-NAME", "employer_scope")}  # a rename has no new employer: asked in its own words
    assert all(c.question == kb.checks[c.check].question for p in kb.procedures.values() for c in p.conditions
               if (p.code, c.check) not in own)


def test_forms_one_to_six_with_fields(kb):
    assert list(kb.forms) == ["附件一", "附件二", "附件三", "附件四", "附件五", "附件六"]
    assert all(f.fields for f in kb.forms.values())


def test_each_form_is_handed_in_with_the_signatures_on_it_but_the_association_s(kb):
    for f in kb.forms.values():
        assert f.handed_in_with == tuple(s for s in f.signatures if "协会意见" not in s), f.key
        seed = seed_text(f.source)
        assert all(("签字" if "签字" in s else "盖章" if "盖章" in s else "公章") in seed for s in f.handed_in_with)


def test_a_form_handed_in_with_a_signature_it_lacks_is_named(tmp_path):
    copy = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, copy)
    path = copy / "forms.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    handed_in_with: [填报单位盖章]\n", "    handed_in_with: [法人签字]\n", 1),
                    encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"forms\[附件二\].*handed_in_with"):
        load_knowledge(copy)


def test_summary_forms_have_a_table_and_the_others_a_paragraph(kb):
    rename, renew = kb.forms["附件二"], kb.forms["附件六"]
    assert rename.head_fields == renew.head_fields == ("填报单位（盖章）", "填报人", "手机号")
    assert rename.table_columns[-2:] == ("原单位名称", "现单位名称") and rename.table_rows > 0
    assert kb.forms["附件三"].long_fields == ("补办事由",) and not kb.forms["附件三"].table_columns


def test_phone_numbers_come_from_the_seed_lines(kb):
    seeds = "".join(p.read_text(encoding="utf-8") for p in (SHARED / "seeds").glob("*.txt"))
    phones = [p for c in kb.contacts.values() for p in c.phones]
    assert len(phones) == 6
    assert all(p in seeds for p in phones)


def test_one_trip_covers_only_the_association_text(kb):
    covered = {p.code for p in kb.procedures.values() if kb.one_trip_covers(p)}
    assert covered == {p.code for p in kb.procedures.values() if p.certificate in ("P", "H")}


def test_check_facts_finds_nothing_unsupported():
    result = subprocess.run([sys.executable, str(SHARED / "tools" / "check_facts.py"), str(KNOWLEDGE_DIR)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(("file", "old", "new", "field"), [
    ("procedures.yml", "    certificate: P\n", "    certificate: Q\n", "procedures[P-RENEW].certificate"),
    ("procedures.yml", "        check: within_validity\n", "        check: sometimes\n", ".check"),
    ("procedures.yml", "        provide: copy_checked\n", "        provide: photocopy\n", ".provide"),
    ("procedures.yml", "        step: 1\n", "        step: many\n", "visits[0].step"),
    ("procedures.yml", "        step: 1\n", "        step: 4\n", "visits[0].step"),
    ("procedures.yml", "        returned: true\n", "        returned: maybe\n", ".returned"),
    ("forms.yml", "    used_by: [P-CANCEL, H-CANCEL]\n", "    used_by: [X-CANCEL]\n", "forms[附件五].used_by"),
    ("forms.yml", "    long_fields: [注销事由]\n", "    long_fields: [事由]\n", "forms[附件五]"),
    ("forms.yml", "    table_rows: 15\n", "", "forms[附件二]"),
    ("contacts.yml", "    name: 湖州市监理协会\n", "    name: 42\n", "contacts[huzhou_association].name"),
    ("matters.yml", "matters:", "matterz:", "matters"),
    ("notes.yml", "    about: [time, collection]\n", "    about: [weather]\n", "notes[renew_printing_copied].about"),
    ("notes.yml", "    check: max_age\n", "    check: maximum_age\n", "notes[age_65].check"),
])
def test_broken_file_names_file_and_field(tmp_path, file, old, new, field):
    copy = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, copy)
    path = copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(copy)
    assert err.value.file == file
    assert field in err.value.where


def test_invalid_yaml_and_missing_file(tmp_path):
    copy = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, copy)
    (copy / "aspects.yml").write_text("aspects: [\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"aspects\.yml"):
        load_knowledge(copy)
    (copy / "aspects.yml").unlink()
    with pytest.raises(KnowledgeError, match=r"aspects\.yml.*missing"):
        load_knowledge(copy)
