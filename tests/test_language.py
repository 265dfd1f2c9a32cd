"""The language layer: normalising, finding knowledge-base words with typos, relative dates, names.

Every message here is our own wording; none comes from the evaluation sets.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.language import terms as t
from bot.language.dates import DateReader, RelativeDate, add_months
from bot.language.matcher import ADDED, DROPPED, EXACT, PINYIN, SHAPE, SOUND, Entry, TermMatcher
from bot.language.names import NameReader
from bot.language.text import Normaliser, chinese_number

OURS = frozenset({t.CERT, t.TRAINING, t.NATIONAL, t.HUZHOU, t.MATTER, t.MATTER_HINT, t.RENAME})


# ---------------------------------------------------------------------------------------------- normaliser
@pytest.fixture(scope="module")
def normaliser(lexicon):
    return Normaliser(lexicon.english.english, lexicon.dialect.dialect)


def test_traditional_characters_become_simplified_at_the_same_offsets(normaliser):
    raw = "湖州證書註銷要帶什麼"
    norm = normaliser(raw)
    assert norm.text == "湖州证书注销要带什么"
    assert norm.starts == tuple(range(len(raw))) and norm.ends == tuple(range(1, len(raw) + 1))


def test_full_width_digits_and_letters_point_back_at_their_character(normaliser):
    raw = "号码３３０５，ＯＫ"
    norm = normaliser(raw)
    assert "3305" in norm.text
    start = norm.text.index("3305")
    assert norm.span(start, start + 4) == (2, 6)
    assert raw[slice(*norm.span(start, start + 4))] == "３３０５"


def test_english_words_are_read_as_chinese_and_keep_the_span_of_the_english(normaliser):
    raw = "湖州证 Renew 要什么 documents"
    norm = normaliser(raw)
    assert "延续" in norm.text and "材料" in norm.text
    assert "renew" not in norm.text and "documents" not in norm.text
    at = norm.text.index("延续")
    assert raw[slice(*norm.span(at, at + 2))] == "Renew"
    at = norm.text.index("材料")
    assert raw[slice(*norm.span(at, at + 2))] == "documents"


def test_the_longest_english_phrase_wins_and_unknown_words_stay(normaliser):
    norm = normaliser("what is the phone number")
    assert norm.text.endswith("电话") and "what is the" in norm.text
    assert "号码" not in norm.text  # "phone number" is one phrase, not "phone" + "number"


def test_dialect_words_are_read_as_mandarin_and_keep_the_span_of_the_dialect(normaliser):
    raw = "我張證唔見咗，點算好"
    norm = normaliser(raw)
    assert norm.text == "我张证不见了,怎么办好"
    at = norm.text.index("怎么办")
    assert raw[slice(*norm.span(at, at + 3))] == "點算"
    assert normaliser("侬个证寻不着了，几时好办").text.startswith("你个证")


def test_a_bare_interjection_is_no_dialect_negation(normaliser):
    assert normaliser("唔，好的，谢谢").text == "唔,好的,谢谢"


@pytest.mark.parametrize("text", ["协会几点办公", "我这边个人信息变了", "那延续呢个人能去办吗"])
def test_mandarin_run_together_is_not_read_as_dialect(normaliser, text):
    assert normaliser(text).text == text


def test_control_characters_and_spaces_do_not_shift_offsets(normaliser):
    raw = "注销\t\x07要带啥"
    norm = normaliser(raw)
    assert len(norm.text) == len(raw)
    at = norm.text.index("要带啥")
    assert raw[slice(*norm.span(at, at + 3))] == "要带啥"


def test_an_empty_span_points_at_a_position(normaliser):
    norm = normaliser("注销")
    assert norm.span(1, 1) == (1, 1) and norm.span(5, 5) == (2, 2)


@pytest.mark.parametrize(("token", "number"), [("六十六", 66), ("两", 2), ("俩", 2), ("半", 0.5), ("12", 12),
                                               ("一百", 100), ("", None), ("许多", None)])
def test_chinese_numbers(token, number):
    assert chinese_number(token) == number


# ---------------------------------------------------------------------------------------------- term matcher
def kb_finds(reader, text: str) -> list[tuple[str, str, str, str]]:
    """Return (label, key, text, how) of the knowledge-base words found in a message as the reader finds them."""
    norm = reader.normaliser(text)
    return [(m.label, m.key, m.text, m.how) for m in reader.kb_matcher.find(norm.text)]


def finds(reader, text: str, label: str, key: str) -> list[str]:
    """Return how a label/key was found in a message (empty when it was not)."""
    return [how for lb, k, _, how in kb_finds(reader, text) if lb == label and k == key]


@pytest.mark.parametrize(("text", "label", "key", "how"), [
    # homophones (same toneless pinyin, one character right)
    ("我那本湖州的证想延需一下", t.MATTER, "renew", SOUND),
    ("省平台的证书要补症", t.MATTER, "reissue", SOUND),
    ("国家注册监理想专叶变更", t.MATTER, "add_specialty", SOUND),
    # southern-accent fuzzy pairs: zh/z (注 zhu → zu), sh/s
    ("湖州的证书租销怎么弄", t.MATTER, "cancel", SOUND),
    # look-alike characters
    ("省平台的证要注锁", t.MATTER, "cancel", SHAPE),
    ("湖州证廷续材料", t.MATTER, "renew", SHAPE),
    # a dropped character inside a word of three or more
    ("我有个培训合证要补", t.TRAINING, "training", DROPPED),
    ("湖州证要增专业", t.MATTER, "add_specialty", EXACT),
    # an added character inside a word of three or more
    ("国家注册证要转的注册", t.MATTER, "transfer", ADDED),
    # typed as pinyin letters
    ("湖州证 zhuxiao", t.MATTER, "cancel", PINYIN),
    ("省平台 kanwu 怎么办", t.MATTER, "correct", PINYIN),
    ("湖州证 zengjia zhuanye", t.MATTER, "add_specialty", PINYIN),
])
def test_typo_classes_find_the_word_meant(reader, text, label, key, how):
    assert how in finds(reader, text, label, key), kb_finds(reader, text)


def test_the_word_as_typed_wins_over_a_sound_alike(reader):
    found = kb_finds(reader, "湖州培训合格证延续")
    assert ("CERT", "H", "湖州培训合格证", EXACT) in found
    assert [how for lb, k, _, how in found if lb == t.MATTER] == [EXACT]


def test_exact_only_words_are_never_taken_for_a_sound_or_shape_alike(reader, lexicon):
    for word in lexicon.typos.exact_only:
        for lb, _k, text, how in kb_finds(reader, f"我问一下{word}的事"):
            assert how not in (SOUND, SHAPE) or word not in text, (word, lb, text, how)


@pytest.mark.parametrize("text", ["不办了", "我不发了", "公示期多久", "地质勘察"])
def test_everyday_sound_alikes_of_exact_only_words_are_not_found(reader, text):
    assert [f for f in kb_finds(reader, text) if f[3] != EXACT] == []


def test_two_character_phrasings_are_not_fuzzed(reader, lexicon):
    """A two-character aspect word ("要盖") has everyday sound-alikes ("要改"): only naming labels are fuzzed."""
    matcher = TermMatcher([Entry(t.ASPECT, "fields", "要盖"), Entry(t.MATTER, "cancel", "注销")], lexicon.typos,
                          naming_labels=t.NAMING_LABELS)
    assert matcher.find("我要改一下") == []
    assert SHAPE in [m.how for m in matcher.find("柱销")]


def test_a_two_character_fuzzy_find_must_start_on_a_word_boundary(lexicon):
    matcher = TermMatcher([Entry(t.MATTER, "initial", "初始")], lexicon.typos, naming_labels=t.NAMING_LABELS)
    text = "当初是这样"  # 当初 | 是: 初是 sounds like 初始 but starts inside a word
    assert [m.how for m in matcher.find(text)] == [SOUND]
    assert matcher.find(text, frozenset({0, 2, 3, 5})) == []


def test_fuzzy_finds_can_be_switched_off(lexicon):
    matcher = TermMatcher([Entry(t.MATTER, "cancel", "注销")], lexicon.typos, fuzzy=False)
    assert matcher.find("注锁") == [] and len(matcher.find("注销")) == 1


def test_every_out_of_scope_term_is_found_as_typed_and_never_fuzzed_into_ours(reader, kb):
    """No qualification of another kind turns into one of our certificates or matters by a typo match."""
    wrong: list[tuple[str, str, str, str]] = []
    for term in kb.out_of_scope_terms:
        for frame in ("{}", "{}证书", "我的{}要办延续", "{}证书丢了怎么补", "{}换了个单位"):
            wrong += [(frame.format(term), lb, text, how) for lb, _k, text, how in kb_finds(reader, frame.format(term))
                      if lb in OURS and how != EXACT]
    assert wrong == []


@pytest.mark.parametrize("term", ["一级建造师", "二建", "监理员", "造价工程师", "消防工程师", "安全员", "考试"])
def test_out_of_scope_terms_are_found(reader, term):
    assert (t.OUT_OF_SCOPE, "oos", term, EXACT) in kb_finds(reader, f"{term}的事情问一下")


@pytest.mark.parametrize("term", ["B证", "C证", "A证"])
def test_capitalised_out_of_scope_terms_are_found(reader, term):
    assert any(lb == t.OUT_OF_SCOPE for lb, *_ in kb_finds(reader, f"我的{term}丢了"))


@pytest.mark.parametrize("text", ["一建的注册证书丢了", "监理员证怎么注销", "造价工程师变更注册要啥材料",
                                  "二建延续注册", "我的施工员证书要延期"])
def test_near_domain_phrases_do_not_become_ours(reader, text):
    entities = reader.read(text)
    ours = [e for e in entities if e.entity == "certificate" and e.role not in ("generic", "implied")]
    assert ours == [] and any(e.entity == "out_of_scope" for e in entities)


# ---------------------------------------------------------------------------------------------- dates
TODAY = date(2026, 11, 21)  # a Saturday
LEAP_EVE = date(2027, 1, 31)  # the next February ends on the 28th; the February after next on the 29th


@pytest.fixture(scope="module")
def dates(lexicon):
    return DateReader(lexicon.dates)


def when(dates: DateReader, text: str, today: date) -> date:
    found = dates.find(text)
    assert len(found) == 1, found
    return found[0].date.resolve(today)


@pytest.mark.parametrize(("text", "today", "meant"), [
    ("后年三月", TODAY, date(2028, 3, 15)),
    ("明年一月底", TODAY, date(2027, 1, 31)),
    ("今年年底", TODAY, date(2026, 12, 31)),
    ("大后年春天", TODAY, date(2029, 4, 15)),
    ("上礼拜", TODAY, date(2026, 11, 11)),
    ("下周五", TODAY, date(2026, 11, 27)),
    ("前几天", TODAY, date(2026, 11, 18)),
    ("这个月底", TODAY, date(2026, 11, 30)),
    ("下下个月", TODAY, date(2027, 1, 15)),
    ("下个月十号", TODAY, date(2026, 12, 10)),
    ("60年3月", TODAY, date(1960, 3, 15)),  # a two-digit year: the century within a lifetime of today
    ("28年5月", TODAY, date(2028, 5, 15)),
    ("上月31号", TODAY, date(2026, 10, 31)),
    ("下个月31号", TODAY, date(2026, 12, 31)),
    ("三月", TODAY, date(2027, 3, 15)),  # a month already past this year means next year's
    ("去年十二月", TODAY, date(2025, 12, 15)),
    ("2027年5月", TODAY, date(2027, 5, 15)),
    ("还剩四十天", TODAY, date(2026, 12, 31)),
    ("还有两个多月", TODAY, date(2027, 2, 5)),
    ("半年后", TODAY, date(2027, 5, 21)),
    ("明年二月底", LEAP_EVE, date(2028, 2, 29)),
    ("下个月底", LEAP_EVE, date(2027, 2, 28)),
    ("还有一个月", LEAP_EVE, date(2027, 2, 28)),
    ("后年二月底", LEAP_EVE, date(2029, 2, 28)),
])
def test_dates_relative_to_a_fixed_today(dates, text, today, meant):
    assert when(dates, text, today) == meant


def test_the_same_words_mean_another_day_on_another_today(dates):
    assert when(dates, "下个月底", TODAY) != when(dates, "下个月底", LEAP_EVE)
    assert when(dates, "上礼拜", date(2028, 3, 1)) == date(2028, 2, 23)


def test_a_span_without_direction_is_left_to_the_words_around(dates):
    found = dates.find("三个月")
    assert found[0].date.undirected and found[0].date.months_ahead == 3


def test_words_that_are_no_date_give_none(dates):
    assert dates.find("材料要带啥") == [] and dates.find("十三月") == []


def test_a_relative_date_survives_its_entity_value():
    meant = RelativeDate(year_offset=2, month=3, part="end")
    assert RelativeDate.decode(meant.encode()) == meant
    span = RelativeDate(months_ahead=-2.5, undirected=True)
    assert RelativeDate.decode(span.encode()) == span


def test_adding_months_clamps_to_the_month_end():
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert add_months(date(2026, 11, 21), -3) == date(2026, 8, 21)


# ---------------------------------------------------------------------------------------------- names
ID = "330502198503120112"


@pytest.fixture(scope="module")
def names(kb, lexicon):
    return NameReader(lexicon.names, t.dictionary_words(kb, lexicon), t.matter_words(kb, lexicon))


def id_spans(text: str) -> list[tuple[int, int]]:
    at = text.index(ID)
    return [(at, at + len(ID))]


@pytest.mark.parametrize("text", [f"申请人：欧阳晓 身份证{ID}", f"名字叫欧阳晓，{ID}", f"我叫欧阳晓 {ID}"])
def test_name_after_a_label(names, text):
    assert names.find(text, id_spans(text)) == "欧阳晓"


@pytest.mark.parametrize("text", [f"孙莉莉{ID}", f"孙莉莉 {ID}", f"{ID} 孙莉莉", f"{ID}，孙莉莉", f"帮我查下孙莉莉 {ID}"])
def test_name_right_before_or_after_the_id_number(names, text):
    assert names.find(text, id_spans(text)) == "孙莉莉"


@pytest.mark.parametrize(("text", "name"), [
    (f"立新 {ID} 查下", "立新"), (f"{ID}，红旗", "红旗"), (f"{ID}晓光", "晓光"), (f"长江,{ID},帮我看看", "长江"),
    (f"查下进度：朝阳 {ID}", "朝阳"), (f"东升, 身份证 {ID}", "东升"), (f"{ID} 欧阳春晓", "欧阳春晓"),
])
def test_a_name_that_is_also_a_word_is_read_by_its_place_beside_the_id_number(names, text, name):
    assert names.find(text, id_spans(text)) == name


@pytest.mark.parametrize(("text", "name"), [
    (f"看下文明的申请走到哪了 {ID}", "文明"), (f"我们单位的高峰查一下，{ID}", "高峰"), (f"{ID}高兴的材料审完没", "高兴"),
    (f"本人名字叫方便，{ID}", "方便"), (f"{ID} 单位的海涛进度怎样", "海涛"), (f"公司里的常青 {ID} 查下", "常青"),
    (f"帮忙看下金山的申请 {ID}", "金山"), (f"查下白云的办理进度{ID}", "白云"),
    (f"帮我问下马可的进度 {ID}", "马可"), (f"{ID} 问下周正的进度", "周正"),  # jieba cuts across: 下马 | 可, 下周 | 正的
])
def test_an_ordinary_word_in_a_names_frame_is_the_name(names, text, name):
    assert names.find(text, id_spans(text)) == name


@pytest.mark.parametrize("text", [f"我的申请怎样了 {ID}", f"{ID} 这个人的进度", f"公司的证书 {ID}", f"{ID} 单位的申请"])
def test_a_frame_holding_a_pronoun_or_a_word_of_ours_has_no_name(names, text):
    assert names.find(text, id_spans(text)) is None


@pytest.mark.parametrize("text", [f"{ID} 查一下", f"延续 {ID}", f"{ID}补正", f"{ID} 谢谢", f"今天 {ID}",
                                  f"{ID} 国家注册", f"{ID} 到哪了", f"{ID} 单位变更那个", f"进度 {ID}"])
def test_beside_the_id_number_words_of_ours_their_sound_alikes_and_chat_are_no_name(names, text):
    assert names.find(text, id_spans(text)) is None


@pytest.mark.parametrize("text", ["我周晓梅，身份证后四位是1234，查一下", "俺吴刚 查下进度"])
def test_a_name_right_after_a_word_for_oneself_at_the_start(names, text):
    assert names.find(text) in ("周晓梅", "吴刚")


@pytest.mark.parametrize("text", ["我和同事一起办的", "我要查一下", "我们单位的证"])
def test_a_word_for_oneself_before_other_words_is_no_name(names, text):
    assert names.find(text) is None


def test_a_name_alone_when_it_was_asked_for(names):
    assert names.find("申请人是何平", alone=True) == "何平"
    assert names.find("邵晓东", alone=True) == "邵晓东"


def test_no_surname_is_a_character_never_in_names(names, lexicon):
    assert set(lexicon.names.surnames) & set(lexicon.names.not_in_names) == set()
    assert names.find("谢晓东", alone=True) == "谢晓东"


@pytest.mark.parametrize("text", ["我这个单子办到哪一步了", "帮忙看看走到哪了", "审核完了没有", "现在是什么进度",
                                  "批下来没", "查一下申请状态"])
def test_progress_questions_are_not_names(names, text):
    assert names.find(text, alone=True) is None


@pytest.mark.parametrize("text", ["周末办不办", "金华的单位", "方便查吗"])
def test_words_starting_with_a_surname_are_not_names(names, text):
    assert names.find(text) is None


@pytest.mark.parametrize("text", ["费用多少", "时间多久", "金额多少"])
def test_short_questions_starting_with_a_not_name_word_are_not_names(names, text):
    assert names.find(text, alone=True) is None


def test_a_dropped_character_does_not_fuzz_a_two_character_phrasing(reader):
    assert [f for f in kb_finds(reader, "帮领导问一下证书的事") if f[0] == t.ASPECT] == []


@pytest.mark.parametrize("text", ["身份证尾号6789，帮我查下延续", "证件后四位是 4321 我的变更批了没"])
def test_the_last_digits_of_an_id_number_say_a_look_up_and_are_not_kept(reader, text):
    tails = [e for e in reader.read(text) if e.entity == "id_number"]
    assert [e.value for e in tails] == ["tail"] and not any(c.isdigit() for e in tails for c in e.text)


def test_digits_after_a_tail_word_that_are_no_number_say_nothing(reader):
    assert not [e for e in reader.read("尾号是什么意思") if e.entity == "id_number"]


def test_a_phrasing_found_by_sound_must_cover_whole_words(reader):
    aspects = [e.value for e in reader.read("这里有什么好吃的") if e.entity == "aspect"]
    assert aspects == []  # 什么 | 好吃, not the phrasing 什么号 by sound
    assert "contact" in [e.value for e in reader.read("协会的电话是什么号") if e.entity == "aspect"]


def test_a_request_word_right_after_a_labelled_name_is_not_part_of_it(names):
    text = f"我替我妈周红查一下，她身份证{ID}，延续怎么还没办好"
    assert names.find(text, id_spans(text)) == "周红"


@pytest.mark.parametrize(("text", "name"), [
    (f"查下进度 晨曦{ID}", "晨曦"), (f"身份证号是{ID}然后名字叫彩虹看看办到哪了", "彩虹"), (f"查下黄河{ID}的进度", "黄河"),
    (f"呃我叫晓月啊身份证是{ID}", "晓月"), (f"ID {ID} name 建华 check 一下", "建华"),
])
def test_where_a_name_is_expected_a_word_with_a_names_shape_is_one(names, text, name):
    assert names.find(text, id_spans(text)) == name


def test_a_word_that_is_no_name_after_a_label_is_not_cut_into_one(names):
    text = f"我是单位人事，帮同事孙莉莉查一下，身份证{ID}"
    assert names.find(text, id_spans(text)) == "孙莉莉"


def test_tagged_words_are_remembered_until_jieba_learns_a_word():
    import jieba

    from bot.language.names import tagged_words

    text = "请问鹤鸣楼下那个窗口几点开门"
    first = tagged_words(text)
    assert tagged_words(text) is first  # the tagger ran once
    jieba.add_word("鹤鸣楼下那", freq=10**6)  # a word learnt later changes how the text is cut
    try:
        assert "鹤鸣楼下那" in [w.word for w in tagged_words(text)]
    finally:
        jieba.del_word("鹤鸣楼下那")  # (we only ever add words: an added word changes what is remembered)
