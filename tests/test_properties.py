"""Property-based checks: whatever is typed, the language layer and the dialogue answer without crashing, every
fact a reply states is in the seeds (check_facts' own patterns), no ID number leaks, and the web app never 5xx's."""

from __future__ import annotations

import importlib.util
from datetime import date, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answers.render import Answers
from bot.applications.limits import LookupGuard
from bot.dialogue.questions import Context, QuestionAnswerer
from bot.dialogue.status import StatusLookup
from bot.language.names import NameReader
from bot.rules import idnumber
from bot.rules.idnumber import mask_text, read_id
from bot.rules.workdays import WorkCalendar
from tests.conftest import SHARED, make_app, make_settings, parse_of
from webapp.routers import chat

TODAY = date(2026, 11, 21)
BOUNDED = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
CHINESE = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), max_size=30)
ANY_TEXT = st.one_of(st.text(max_size=200), CHINESE, st.from_regex(r"[0-9xX ]{0,25}", fullmatch=True))
WORDS = ["湖州证", "省平台的", "国家注册", "培训合格证", "注销", "延续", "补证", "换单位", "增加专业", "勘误", "要带啥", "多久",
         "电话", "在哪办", "什么条件", "附件三", "跑几趟", "我65岁", "明年三月到期", "上礼拜过期", "材料都齐了", "新单位在上海",
         "二建还挂着", "第二个", "那注销呢", "一建", "收费吗", "renew", "documents", "延需", "注锁", "zhuxiao", "，", " "]
DOMAIN_TEXT = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map("".join)


def _check_facts():
    spec = importlib.util.spec_from_file_location("check_facts", SHARED / "tools" / "check_facts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


CHECK = _check_facts()
# check_facts joins a line's words, so two phone numbers on one seed line run together: read them word by word too.
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in (SHARED / "seeds").glob("*.txt")]
SEED_FACTS = set().union(*(CHECK.facts(CHECK.norm(t)) | CHECK.facts("\n".join(t.split())) for t in SEED_TEXTS))


def unsupported(reply: str, message: str) -> set[tuple[str, str]]:
    """Return the facts a reply states that are neither in the seeds nor said in the message."""
    return CHECK.facts(CHECK.norm(reply)) - SEED_FACTS - CHECK.facts(CHECK.norm(message))


@pytest.fixture(scope="module")
def qa(kb) -> QuestionAnswerer:
    return QuestionAnswerer(kb, Answers(kb, WorkCalendar(kb.holidays)))


@BOUNDED
@given(text=st.one_of(ANY_TEXT, DOMAIN_TEXT), aspects=st.sampled_from([[], ["materials"], ["time", "place"]]))
def test_any_message_gets_a_reply_stating_only_seed_facts(reader, qa, text, aspects):
    ctx = Context(procedures=["H-RENEW"], certificate="H", matter="renew", aspects=aspects)
    step = qa.step(parse_of(reader, text), ctx, None, TODAY)
    replies = "\n".join(a.text() for a in step.answers)
    assert replies.strip()
    assert unsupported(replies, text) == set()


@BOUNDED
@given(text=st.one_of(ANY_TEXT, DOMAIN_TEXT))
def test_entities_point_inside_the_message(reader, text):
    for entity in reader.read(text):
        assert 0 <= entity.start <= entity.end <= len(text)
        written = text[entity.start:entity.end]
        assert entity.text == (mask_text(written) if entity.entity == "id_number" else written)


@BOUNDED
@given(text=DOMAIN_TEXT)
def test_the_context_a_step_keeps_names_only_known_things(reader, qa, kb, text):
    step = qa.step(parse_of(reader, text), Context(), None, TODAY)
    ctx = step.context
    assert set(ctx.procedures) <= set(kb.procedures)
    assert ctx.certificate in (None, *kb.certificates)
    assert set(ctx.options) <= set(kb.certificates) | set(kb.procedures)


@BOUNDED
@given(digits=st.from_regex(r"[1-9][0-9]{16}", fullmatch=True), before=st.text(max_size=20), after=st.text(max_size=20))
def test_masking_hides_every_id_number(digits, before, after):
    number = digits + idnumber.check_digit(digits)
    assert number not in mask_text(f"{before} {number} {after}")


@BOUNDED
@given(digits=st.from_regex(r"[1-9][0-9]{16}", fullmatch=True), cuts=st.lists(st.integers(1, 17), max_size=4),
       separator=st.sampled_from([" ", "  ", "-", "—", "–", ".", "\u3000", "·"]))
def test_whatever_the_reader_reads_is_masked(digits, cuts, separator):
    number = digits + idnumber.check_digit(digits)
    written = number
    for cut in sorted(set(cuts), reverse=True):
        written = written[:cut] + separator + written[cut:]
    text = f"号码{written}。"
    assert read_id(text).number == number
    assert number[3:16] not in idnumber.clean(mask_text(text))


@BOUNDED
@given(text=st.one_of(ANY_TEXT, st.builds(lambda n, s: f"{n} {s}", st.sampled_from(["张伟", "李娜", "王芳"]),
                                              st.from_regex(r"33050[0-9]{13}", fullmatch=True))))
def test_the_status_look_up_never_crashes_or_echoes_an_id(kb, lexicon, store, text):
    guard = LookupGuard(store.engine, max_failures=1000, window=timedelta(minutes=15), max_client_failures=1000)
    status = StatusLookup(kb, store, Answers(kb, WorkCalendar(kb.holidays)), NameReader(lexicon.names), guard, "seal")
    read = status.read_id(text, None, TODAY)
    if read is None:
        return
    if read.problem:
        reply = status.unreadable(read.problem, "rest:10.0.0.1").text
    elif read.id_hash:
        name = status.read_name(text, read.spans) or "某某"
        reply = status.lookup(read.id_hash, read.id_masked or "", name, "rest:10.0.0.1", today=TODAY).text
    else:
        partial = idnumber.unseal(read.pending, "seal") or ""
        assert len(partial) >= idnumber.MIN_PARTIAL and partial not in (read.pending or "")
        return
    assert reply
    found = read_id(text).number
    if found:
        assert found not in reply


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    def rasa(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[{"text": "好的"}])

    real = httpx.AsyncClient
    chat.httpx.AsyncClient = lambda **kw: real(transport=httpx.MockTransport(rasa), **kw)  # type: ignore[assignment]
    path = tmp_path_factory.mktemp("web")
    try:
        yield TestClient(make_app(make_settings(path, rasa_url="http://rasa.test")))
    finally:
        chat.httpx.AsyncClient = real  # type: ignore[assignment]


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=50),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                    max_leaves=8)


@BOUNDED
@given(body=st.one_of(JSON, st.fixed_dictionaries({"sender": st.text(max_size=70), "message": st.text(max_size=300)})))
def test_chat_relay_never_answers_5xx(web, body):
    assert web.post("/api/chat", json=body).status_code in (200, 422)


@BOUNDED
@given(username=st.text(max_size=60), password=st.text(max_size=60), csrf=st.text(max_size=60))
def test_console_login_never_answers_5xx(web, username, password, csrf):
    status = web.post("/console/login", data={"username": username, "password": password, "csrf": csrf}).status_code
    assert status in (401, 403, 429)
