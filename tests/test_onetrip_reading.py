"""Reading one-trip facts out of a message (the dialogue's interim reader, until the NLU emits the facts)."""

from __future__ import annotations

import pytest

from bot.dialogue.onetrip import read_facts


def test_reads_facts_from_one_message(kb):
    proc = kb.procedures["P-CORRECT"]
    facts = read_facts("身份证号要勘误，我只带了勘误申请表和身份证复印件，证书还在有效期内", proc.materials("id_number"))
    assert facts.have == {"correct_form", "id_copy"} and facts.missing == {"police_proof"}
    assert facts.within_validity is True


@pytest.mark.parametrize(("text", "field", "value"), [
    ("我今年67岁", "age", 67),
    ("我六十五周岁", "age", 65),
    ("还有五个月才到期", "months_to_expiry", 5),
    ("证书下个月到期", "months_to_expiry", 1),
    ("已经过了有效期", "within_validity", False),
    ("证书上已经有两个专业了", "specialties", 2),
    ("想让同事帮我去办", "proxy", True),
    ("我本人去", "proxy", False),
    ("我还有一个其他专业的注册证书在别的企业", "other_registration", True),
    ("没有其他注册证书", "other_registration", False),
])
def test_fact_words(text, field, value):
    assert getattr(read_facts(text, ()), field) == value


def test_missing_material_in_its_clause(kb):
    proc = kb.procedures["H-CHANGE-EMPLOYER"]
    facts = read_facts("劳动合同带了，解除劳动合同的证明还没拿到", proc.materials())
    assert facts.missing == {"termination_proof"} and "new_contract" in facts.have
