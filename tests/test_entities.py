"""Reading a message into entities (what it names, the facts of the case) and those into one-trip facts.

The reader is the one the NLU component runs (rasa_ext/nlu.py); the Parse is what the actions read back.
Every message is our own wording; dates are read against a fixed today.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.language.situation import facts_from, facts_of
from tests.conftest import parse_of, rasa_entities

TODAY = date(2026, 11, 21)


def values(reader, text: str, name: str) -> list[tuple[object, object]]:
    """Return (value, role) of every entity of one name in a message."""
    return [(e.value, e.role) for e in reader.read(text) if e.entity == name]


# ---------------------------------------------------------------------------------------------- entities
def test_entities_point_at_the_words_as_written(reader):
    text = "湖州市監理工程師培訓合格證 Renew 要帶啥"
    for ent in rasa_entities(reader, text):
        assert text[ent["start"]:ent["end"]], ent
    found = {e.entity: e.text for e in reader.read(text)}
    assert found["certificate"] == "湖州市監理工程師培訓合格證"
    assert found["matter"] == "Renew"


def test_entities_are_emitted_as_rasa_stores_them(reader):
    ents = rasa_entities(reader, "注销的证书原件还没找到")
    missing = [e for e in ents if e.get("role") == "missing"]
    assert missing and missing[0]["entity"] == "material" and missing[0]["extractor"] == "KnowledgeEntityExtractor"
    assert {"entity", "value", "start", "end", "confidence_entity"} <= set(missing[0])


# ---------------------------------------------------------------------------------------------- certificates
@pytest.mark.parametrize(("text", "expected"), [
    ("省平台那个培训证", [("P", None)]),
    ("湖州的培训合格证", [("H", None)]),
    ("协会自己发的那本", [("H", None)]),
    ("部里发的那个", [("N", None)]),
    ("培训合格证", [("training", None)]),
    ("注册证", [("N", "generic")]),
    ("转注册怎么弄", [("N", "implied")]),
])
def test_certificates_named_generic_or_implied(reader, text, expected):
    assert values(reader, text, "certificate") == expected


def test_a_negated_certificate_is_not_named(reader):
    assert values(reader, "不是省平台的", "certificate") == []
    assert values(reader, "不是省平台的，是部里发的", "certificate") == [("N", None)]


def test_a_certificate_inside_a_form_name_still_counts(reader):
    parse = parse_of(reader, "湖州市监理工程师培训合格证延续汇总表怎么填")
    assert "H" in parse.certificates and parse.matters == ["renew"]


def test_a_matter_only_hinted_counts_only_when_no_matter_is_named(reader):
    assert parse_of(reader, "湖州的证快到期了").matter_hint == "renew"
    parse = parse_of(reader, "快到期了想先把湖州的证注销")
    assert parse.matters == ["cancel"] and parse.matter_hint is None


def test_matters_in_a_clause_about_another_registration_are_not_ours(reader):
    parse = parse_of(reader, "我的国家注册要转注册，一建还没注销")
    assert parse.matters == ["transfer"] and parse.other_registration == "yes"


# ---------------------------------------------------------------------------------------------- ordinals
@pytest.mark.parametrize(("text", "number"), [("第二个", 2), ("2", 2), ("选1", 1), ("第三种", 3), ("最后一个", -1),
                                              ("头一个", 1), ("２", 2)])
def test_ordinals(reader, text, number):
    assert parse_of(reader, text).ordinal == number


@pytest.mark.parametrize("text", ["我有2个专业", "附件2怎么填", "2027年到期"])
def test_a_number_inside_a_question_is_no_ordinal(reader, text):
    assert parse_of(reader, text).ordinal is None


# ---------------------------------------------------------------------------------------------- facts
@pytest.mark.parametrize(("text", "age"), [("我今年六十六了", 66), ("本人63周岁", 63), ("我都58岁了", 58)])
def test_age(reader, text, age):
    assert parse_of(reader, text).age == age


def test_numbers_that_are_no_age(reader):
    assert parse_of(reader, "还有5天到期").age is None
    assert parse_of(reader, "我有3岁的孩子").age is None  # below any working age: not the holder's


@pytest.mark.parametrize(("text", "validity"), [
    ("证书还在有效期内", "valid"), ("证书没过期", "valid"), ("证快要到期了", "near"), ("证书失效了", "expired"),
])
def test_validity(reader, text, validity):
    assert parse_of(reader, text).validity == validity


@pytest.mark.parametrize(("text", "validity", "months"), [("湖州的证上个月过期了", "expired", -1.2),
                                                         ("证下个月就到期了", None, 0.8)])
def test_expiry_said_with_le(reader, text, validity, months):
    parse = parse_of(reader, text)
    facts = facts_of(parse, None, TODAY)
    assert parse.expiry is not None and facts.months_to_expiry == pytest.approx(months, abs=0.3)
    if validity:
        assert parse.validity == validity


@pytest.mark.parametrize(("text", "months", "within"), [
    ("证书后年三月份到期", 15.8, True),
    ("证书大后年春天到期", 28.8, True),
    ("证书有效期到明年六月", 6.8, True),
    ("还有两个多月到期", 2.5, True),
    ("证书上礼拜过期", -0.3, False),
    ("过期三个月了", -3.0, False),
    ("有效期截止到去年年底", -10.7, False),
])
def test_expiry_relative_to_today(reader, text, months, within):
    facts = facts_of(parse_of(reader, text), None, TODAY)
    assert facts.months_to_expiry == pytest.approx(months, abs=0.1)
    assert facts.within_validity is within


def test_the_same_expiry_on_another_day(reader):
    parse = parse_of(reader, "证书明年二月底到期")
    assert facts_of(parse, None, date(2027, 1, 31)).months_to_expiry == pytest.approx(13.0, abs=0.1)
    assert facts_of(parse, None, TODAY).months_to_expiry == pytest.approx(3.2, abs=0.1)


def test_just_expired_names_no_matter(reader):
    assert parse_of(reader, "证书前两天刚过期").matters == []


@pytest.mark.parametrize(("text", "proxy"), [
    ("我让老婆替我去交", "yes"), ("单位派人去办", "yes"), ("能委托别人办吗", "yes"), ("我本人去", "no"),
    ("我自己过去", "no"), ("叫我媳妇去领就行", "yes"), ("托个朋友帮忙跑一趟", "yes"),
])
def test_who_goes(reader, text, proxy):
    assert parse_of(reader, text).proxy == proxy


@pytest.mark.parametrize("text", ["我是公司人事，帮同事问下他湖州证延续的事", "帮我爸问问注册证书变更", "我同事的证书要注销"])
def test_asking_for_someone_is_not_going_for_them(reader, text):
    assert parse_of(reader, text).proxy is None


@pytest.mark.parametrize("text", ["请问证书到哪里领", "找到原来的合同了", "叫什么名字的表"])
def test_a_sending_word_without_someone_sent_is_not_proxy(reader, text):
    assert parse_of(reader, text).proxy is None


def test_an_expiry_without_a_matter_hints_at_renewal(reader):
    assert parse_of(reader, "我那证明年三月到期了，现在能办吗").matter_hint == "renew"


def test_asking_in_place_of_a_relative_is_not_proxy(reader):
    assert parse_of(reader, "替我爸问一下注册证书变更").proxy is None


@pytest.mark.parametrize(("text", "region"), [
    ("新公司在宁波", "zhejiang"), ("上海的单位", "other_province"), ("新单位是德清的", "huzhou"),
    ("从湖州跳槽去嘉兴的公司", "zhejiang"), ("原来在杭州，现在的单位在上海", "other_province"),
])
def test_employer_region_without_the_place_of_origin(reader, text, region):
    assert parse_of(reader, text).employer_region == region


def test_a_place_without_an_employer_word_is_no_employer_region(reader):
    assert parse_of(reader, "我人在上海").employer_region is None


@pytest.mark.parametrize(("text", "other"), [
    ("消防工程师还挂在老东家", "yes"), ("二建还没转出来", "yes"), ("名下没有别的注册证书", "no"),
])
def test_other_registration(reader, text, other):
    assert parse_of(reader, text).other_registration == other


def test_naming_another_qualification_is_not_holding_it(reader):
    assert parse_of(reader, "一建证书怎么注销").other_registration is None


@pytest.mark.parametrize(("text", "trained"), [("在湖州协会报名培训的", "yes"), ("没在湖州协会报名", "no")])
def test_trained_here(reader, text, trained):
    assert parse_of(reader, text).trained_here == trained


@pytest.mark.parametrize(("text", "ready"), [
    ("东西都备全了", "yes"), ("材料是不是带齐了就行", "yes"), ("能不能说材料都准备好了", "yes"),
    ("材料还没准备齐", "no"),
])
def test_ready_with_question_tags(reader, text, ready):
    assert parse_of(reader, text).ready == ready


@pytest.mark.parametrize(("text", "n"), [("证上已经有两个专业了", 2), ("现在证上有俩专业", 2), ("专业已满两项", 2),
                                         ("证书只有一个专业", 1)])
def test_specialties(reader, text, n):
    assert parse_of(reader, text).specialties == n


def test_missing_and_alternative_materials(reader):
    parse = parse_of(reader, "解除证明有了，社保记录还差")
    assert "termination_proof" in parse.materials and "termination_proof" not in parse.missing
    assert "insurance_3_months" in parse.missing
    assert parse_of(reader, "派出所开的证明还没去开").missing == ["police_proof"]
    assert parse_of(reader, "用仲裁书能顶吗").alternatives == ["termination_proof"]


def test_a_message_that_only_asks_states_no_facts(reader):
    assert not parse_of(reader, "湖州证延续要带啥").states_facts
    assert parse_of(reader, "我64岁").states_facts


# ---------------------------------------------------------------------------------------------- facts_of
def test_facts_of_one_message(reader, kb):
    proc = kb.procedures["H-CHANGE-EMPLOYER"]
    facts = facts_of(parse_of(reader, "我今年61岁，新单位在上海，没在湖州协会报名，离职证明还没开出来"), proc, TODAY)
    assert facts.age == 61 and facts.employer_region == "other_province" and facts.employer_trained_here is False
    assert facts.missing == {"termination_proof"} and not facts.all_ready


def test_all_ready_means_every_material_of_the_procedure(reader, kb):
    proc = kb.procedures["P-CORRECT"]
    facts = facts_of(parse_of(reader, "材料都准备好了"), proc, TODAY)
    assert facts.all_ready and facts.have == {m.id for v in proc.variants for m in v.materials}


def test_not_ready_without_saying_which_leaves_every_material_to_check(reader, kb):
    proc = kb.procedures["P-CORRECT"]
    facts = facts_of(parse_of(reader, "材料还没准备齐"), proc, TODAY)
    assert facts.missing == {m.id for v in proc.variants for m in v.materials} and not facts.all_ready


def test_a_missing_material_of_another_procedure_is_ignored(reader, kb):
    facts = facts_of(parse_of(reader, "公安的证明还没拿到"), kb.procedures["H-RENEW"], TODAY)
    assert facts.missing == set()
    facts = facts_of(parse_of(reader, "公安的证明还没拿到"), kb.procedures["P-CORRECT"], TODAY)
    assert facts.missing == {"police_proof"}


def test_facts_from_slots_read_an_expiry_against_today(kb):
    values = {"expiry": "year_offset=1;month=3", "validity": None, "proxy": "no", "age": 50.0}
    facts = facts_from(values, [], [], kb.procedures["H-RENEW"], date(2027, 2, 1))
    assert facts.months_to_expiry == pytest.approx(13.4, abs=0.1) and facts.within_validity
    assert facts.proxy is False and facts.age == 50


@pytest.mark.parametrize(("text", "valid"), [("湖州证后天就过期了", True), ("证书下个月过期", True),
                                             ("证书过期一个月了", False), ("上礼拜刚过期", False)])
def test_an_expired_word_with_a_date_says_when(reader, kb, text, valid):
    assert facts_of(parse_of(reader, text), kb.procedures["H-RENEW"], TODAY).within_validity is valid


# ---------------------------------------------------------------------------------------------- verdicts from words
def verdict_of(reader, kb, code: str, text: str):
    from bot.rules.onetrip import decide, implied_variant

    proc = kb.procedures[code]
    parse = parse_of(reader, text)
    facts = facts_of(parse, proc, TODAY)
    return decide(proc, facts, parse.variants[0] if parse.variants else implied_variant(proc, facts), final=True)


@pytest.mark.parametrize(("code", "text", "kind"), [
    ("H-RENEW", "我60岁，证书后年三月到期，材料都备齐了", "not_yet"),  # not yet within three months of expiry
    ("H-RENEW", "我60岁，证书下个月底到期，材料都备齐了", "one"),
    ("H-RENEW", "我今年六十六了，证书下个月到期", "cannot"),
    ("P-CHANGE-EMPLOYER", "新公司在宁波，材料都备齐了", "unclear"),  # in the province, outside Huzhou: the seed is unclear
    ("P-CHANGE-EMPLOYER", "新单位在上海，没在湖州协会报名，材料都备齐了", "cannot"),
    ("N-TRANSFER", "消防工程师还挂在老东家，材料都齐了", "not_yet"),
    ("P-CORRECT", "身份证号要勘误，公安的证明还没拿到，别的都有", "not_yet"),
    ("P-CANCEL", "我让同事替我去办，东西都齐了", "cannot"),
    ("H-ADD-SPECIALTY", "证上已经有两个专业了，材料都齐了", "cannot"),
])
def test_the_verdict_follows_the_facts_said(reader, kb, code, text, kind):
    assert verdict_of(reader, kb, code, text).kind == kind


def test_an_expired_certificate_is_no_one_trip_renewal(reader, kb):
    assert verdict_of(reader, kb, "H-RENEW", "证书上礼拜过期了，我60岁").kind != "one"


# ---------------------------------------------------------------------------------------------- a place is no certificate
def _named(reader, text: str, entity: str) -> list:
    return [e.value for e in reader.read(text) if e.entity == entity]


@pytest.mark.parametrize("text", ["湖州今天下雨吗", "湖州有什么好玩的地方", "从湖州去上海怎么坐车", "湖州的"])
def test_a_place_alone_names_no_certificate(reader, text):
    assert _named(reader, text, "certificate") == [] and "huzhou" in _named(reader, text, "region")


def test_a_training_certificate_is_huzhous_only_when_the_place_stands_right_before_it(reader):
    assert _named(reader, "湖州的培训证要延续", "certificate") == ["H"]
    assert _named(reader, "我在湖州上班，培训证要延续", "certificate") == ["training"]


@pytest.mark.parametrize(("text", "body"), [("宁波市监理协会电话多少", "宁波市监理协会"), ("福建发的培训证能用吗", "福建发的"),
                                            ("安徽省住建厅在哪", "安徽省住建厅")])
def test_another_places_body_or_certificate_is_out_of_scope(reader, text, body):
    assert body in _named(reader, text, "out_of_scope")
    assert _named(reader, text, "certificate") == [] and _named(reader, text, "contact") == []


def test_a_certificate_a_city_association_in_zhejiang_issued_is_no_other_places(reader):
    assert _named(reader, "温州协会发的培训证，换到湖州的公司怎么变更", "out_of_scope") == []


def test_a_holding_word_before_a_question_word_holds_nothing(reader):
    assert _named(reader, "二建注册在哪里办", "other_registration") == []
    assert _named(reader, "二建还注册在老单位，国家注册转注册能办吗", "other_registration") == ["yes"]


# ---------------------------------------------------------------------------------------------- after approval
@pytest.mark.parametrize("text", ["国注延续的名单公布了，下一步我该干嘛", "转注册审过了 然后要去哪",
                                  "专业增加批下来了，后续还得做什么"])
def test_what_to_do_once_approved_asks_the_step_after_it(reader, text):
    aspects = _named(reader, text, "aspect")
    assert "collection" in aspects and "guide" not in aspects and "time" not in aspects
    assert _named(reader, text, "progress") == []


def test_a_question_whether_it_is_approved_stays_a_progress_question(reader):
    assert _named(reader, "我的延续审核通过了吗", "progress") == ["yes"]


def test_a_general_matter_word_beside_a_specific_matter_is_the_specific_one(reader):
    assert _named(reader, "名字改了以后国注的变更怎么弄", "matter") == ["personal_change"]


def test_a_message_telling_only_what_was_handed_in_asks_what_comes_next(reader):
    assert _named(reader, "国注转注册的材料前天交到省厅了", "aspect") == ["collection"]
    assert "collection" not in _named(reader, "材料前天交到省厅了，要多久", "aspect")


def test_a_validity_said_to_be_past_is_expired(reader):
    assert _named(reader, "注册证书有效期都过了还能延续吗", "validity") == ["expired"]


def test_a_place_right_before_a_certificate_noun_names_huzhous_certificate(reader):
    assert _named(reader, "湖州那本要延续", "certificate") == ["H"]
    assert _named(reader, "湖州，证书要延续", "certificate") != ["H"]


def test_options_weighed_tell_no_fact(reader):
    assert _named(reader, "湖州那本换单位 是本人去还是单位去", "proxy") == []
    assert "process" in _named(reader, "湖州那本换单位 是本人去还是单位去", "aspect")  # who goes: the process says


def test_an_age_said_after_a_person(reader):
    assert _named(reader, "我爸都67了，他的培训证还能延续吗", "age") == [67.0]


@pytest.mark.parametrize("text", ["我要人工", "帮我接人工", "能不能找个真人跟我说", "有真人客服吗"])
def test_asking_for_a_person_asks_whom_to_call(reader, text):
    assert ("aspect", "contact") in [(e.entity, e.value) for e in reader.read(text)]


def test_asking_whether_one_talks_to_a_person_asks_no_contact(reader):
    assert ("aspect", "contact") not in [(e.entity, e.value) for e in reader.read("你是真人吗")]


@pytest.mark.parametrize("text", ["我那本湖州的培训证寻不着了", "证书找不着了咋办"])
def test_a_certificate_that_cannot_be_found_is_lost(reader, text):
    assert ("matter", "reissue") in [(e.entity, e.value) for e in reader.read(text)]


def test_asking_to_be_told_everything_at_once_asks_the_one_time_notice(reader):
    found = [(e.entity, e.value) for e in reader.read("材料有毛病的话能不能一次讲清楚")]
    assert ("policy", "one_time_notice") in found


def test_asking_which_road_asks_the_place(reader):
    assert ("aspect", "place") in [(e.entity, e.value) for e in reader.read("协会在湖州哪条路上")]


def test_a_word_that_sounds_as_ours_is_a_typo_not_another_subject(reader):
    assert "out_of_scope" not in [e.entity for e in reader.read("我家里的证数找不到了")]  # 证数 sounds as 证书
    assert ("out_of_scope", "驾照") in [(e.entity, e.value) for e in reader.read("驾照丢了怎么补")]


@pytest.mark.parametrize("text", ["延续是我自己去还是单位去办", "cancel的话company去办还是personal去办"])
def test_asking_who_goes_asks_the_process(reader, text):
    assert ("aspect", "process") in [(e.entity, e.value) for e in reader.read(text)]


def test_who_goes_weighed_as_options_asks_no_proxy_verdict(reader):
    found = [(e.entity, e.value) for e in reader.read("补证要本人去还是公司去")]
    assert ("aspect", "process") in found and ("aspect", "proxy") not in found


def test_a_changed_id_number_on_the_national_certificate_is_its_personal_change(reader):
    assert ("matter", "personal_change") in [(e.entity, e.value) for e in reader.read("国家注册证书我改了身份证号要办啥")]


def test_how_many_years_a_certificate_holds_is_a_topic_the_documents_leave_out(reader):
    assert "topic" in [e.entity for e in reader.read("培训合格证有效期是多少年")]
