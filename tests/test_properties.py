"""Property-based checks: no input crashes the core or the web app, and no ID number leaks."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.applications.limits import LookupGuard
from bot.dialogue.questions import QuestionAnswerer
from bot.dialogue.status import StatusService, StatusState
from bot.dialogue.understanding import Context
from bot.rules import idnumber
from bot.rules.idnumber import mask_text, read_id
from bot.rules.workdays import WorkCalendar
from tests.conftest import make_app, make_settings
from webapp.routers import chat

BOUNDED = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
CHINESE = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), max_size=30)
ANY_TEXT = st.one_of(st.text(max_size=300), CHINESE, st.from_regex(r"[0-9xX ]{0,25}", fullmatch=True))


@pytest.fixture(scope="module")
def qa(kb, understanding):
    return QuestionAnswerer(kb, understanding)


@BOUNDED
@given(text=ANY_TEXT, aspect=st.sampled_from([None, "materials", "time"]))
def test_any_question_gets_a_reply(qa, text, aspect):
    step = qa.step(text, Context(procedure="H-RENEW", certificate="H", matter="renew", aspect=aspect))
    assert step.replies and step.replies[0].text.strip()


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
@given(text=ANY_TEXT)
def test_status_turn_never_crashes_or_echoes_an_id(kb, store, text):
    guard = LookupGuard(store.engine, max_failures=5, window=timedelta(minutes=15))
    service = StatusService(kb, store, WorkCalendar(), guard, "seal-key")
    turn = service.turn(text, StatusState(), "rest:10.0.0.1")
    assert turn.text
    found = read_id(text).number
    if found:
        assert found not in turn.text


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
