"""The knowledge base covers every procedure code and rejects broken files clearly."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys

import pytest

from bot.knowledge.base import KNOWLEDGE_DIR, KnowledgeError, load_knowledge
from tests.conftest import SHARED


def contract_rows() -> list[dict[str, str]]:
    with (SHARED / "contracts" / "procedures.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


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


def test_forms_one_to_six_with_fields(kb):
    assert list(kb.forms) == ["附件一", "附件二", "附件三", "附件四", "附件五", "附件六"]
    assert all(f.fields for f in kb.forms.values())


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


def test_check_facts_finds_nothing_unsupported():
    result = subprocess.run([sys.executable, str(SHARED / "tools" / "check_facts.py"), str(KNOWLEDGE_DIR)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(("file", "old", "new", "field"), [
    ("procedures.yml", "    certificate: P\n", "    certificate: Q\n", "procedures[P-RENEW].certificate"),
    ("procedures.yml", "        check: within_validity\n", "        check: sometimes\n", ".check"),
    ("procedures.yml", "        provide: copy_checked\n", "        provide: photocopy\n", ".provide"),
    ("procedures.yml", "    trips: 1\n", "    trips: many\n", ".trips"),
    ("forms.yml", "    used_by: [P-CANCEL, H-CANCEL]\n", "    used_by: [X-CANCEL]\n", "forms[附件五].used_by"),
    ("forms.yml", "    long_fields: [注销事由]\n", "    long_fields: [事由]\n", "forms[4].long_fields"),
    ("forms.yml", "    table_rows: 15\n", "", "forms[1].table_rows"),
    ("contacts.yml", "    name: 湖州市监理协会\n", "    name: 42\n", "contacts[0].name"),
    ("matters.yml", "matters:", "matterz:", "matters"),
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
