"""The chat page, embed script and the relay to Rasa's REST channel."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.answers.model import Answer, Phone, Section
from tests.conftest import make_app, make_settings
from webapp.routers import chat


@pytest.fixture()
def client(tmp_path, monkeypatch):
    seen: list[dict] = []

    def rasa(request: httpx.Request) -> httpx.Response:
        import json

        body = json.loads(request.content)
        seen.append({**body, "headers": dict(request.headers)})
        if body["message"] == "down":
            return httpx.Response(500)
        return httpx.Response(200, json=[{"recipient_id": body["sender"], "text": "<b>您好</b>",
                                          "buttons": [{"title": "查询进度", "payload": "我想查询办理进度"}]}])

    real = httpx.AsyncClient
    monkeypatch.setattr(chat.httpx, "AsyncClient", lambda **kw: real(transport=httpx.MockTransport(rasa), **kw))
    c = TestClient(make_app(make_settings(tmp_path, rasa_url="http://rasa.test")))
    c.seen = seen  # type: ignore[attr-defined]
    return c


def test_pages_and_embed(client):
    page = client.get("/")
    assert page.status_code == 200 and 'id="chat-log"' in page.text and "/static/chat.js" in page.text
    assert client.get("/widget").status_code == 200
    embed = client.get("/embed.js")
    assert embed.headers["content-type"].startswith("application/javascript")
    assert '"http://assistant.example.org"' in embed.text and "/widget" in embed.text
    assert "textContent" in client.get("/static/chat.js").text


def test_relay_passes_text_and_buttons(client):
    r = client.post("/api/chat", json={"sender": "abc12345", "message": "  你好  "})
    assert r.status_code == 200
    assert r.json() == [{"text": "<b>您好</b>", "buttons": [{"title": "查询进度", "payload": "我想查询办理进度"}]}]
    sent = client.seen[-1]
    assert (sent["sender"], sent["message"]) == ("abc12345", "你好")
    assert sent["headers"]["x-relay-secret"] == "relay-test-secret"
    assert sent["headers"]["x-client-address"] == "testclient"


def test_the_page_is_given_only_the_masked_message_to_store(client):
    r = client.post("/api/chat", json={"sender": "abc12345", "message": "身份证号 330502-19850312-0112 张伟"})
    from urllib.parse import unquote

    stored = unquote(r.headers["x-masked-message"])
    assert stored == "身份证号 330*************12 张伟"


@pytest.mark.parametrize("body", [
    {"sender": "abc12345", "message": "   "},
    {"sender": "<script>", "message": "你好"},
    {"message": "你好"},
])
def test_bad_input_gets_a_chinese_422(client, body):
    r = client.post("/api/chat", json=body)
    assert r.status_code == 422 and r.json()["detail"]


def test_a_message_over_the_bound_is_refused_in_the_words_every_channel_uses(client):
    from bot.knowledge.channel import default_channel_phrases

    before = len(client.seen)
    r = client.post("/api/chat", json={"sender": "abc12345", "message": "长" * 501})
    assert r.status_code == 422
    assert r.json()["detail"][0]["msg"] == default_channel_phrases().message_too_long(length=501, limit=500)
    assert len(client.seen) == before  # never relayed
    assert client.post("/api/chat", json={"sender": "abc12345", "message": "长" * 500}).status_code == 200
    assert 'maxlength="500"' in client.get("/").text


def test_a_body_over_the_bound_is_refused_before_it_is_read(client):
    big = b'{"sender": "abc12345", "message": "' + b"x" * (65 * 1024) + b'"}'
    r = client.post("/api/chat", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and "太大" in r.json()["detail"]

    def chunks():
        yield b'{"sender": "abc12345", "message": "'
        for _ in range(70):
            yield b"y" * 1024
        yield b'"}'

    streamed = client.post("/api/chat", content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413
    assert client.post("/api/chat", json={"sender": "abc12345", "message": "你好"}).status_code == 200


def test_rasa_down_is_a_503_in_chinese(client):
    r = client.post("/api/chat", json={"sender": "abc12345", "message": "down"})
    assert r.status_code == 503 and "稍后" in r.json()["detail"]


def test_wrong_method_and_content_type(client):
    assert client.get("/api/chat").status_code == 405
    assert client.post("/api/chat", content=b"not json", headers={"Content-Type": "text/plain"}).status_code == 422


def test_an_answer_payload_joins_the_text_sent_with_it():
    answer = Answer("contact", title="联系方式", sections=[Section("contacts", text="电话：0572-2090418")],
                    phones=[Phone("湖州市监理协会", "0572-2090418")]).payload()
    messages = [
        {"recipient_id": "s", "text": "好的。"},
        {"recipient_id": "s", "text": "第一段"},
        {"recipient_id": "s", "text": "第二段", "buttons": [{"title": "是", "payload": "是"}]},
        {"recipient_id": "s", "custom": answer},
        {"recipient_id": "s", "custom": {"something": "else"}},
        {"recipient_id": "s", "text": "还有什么可以帮您？"},
        "not a message",
    ]
    assert chat.bot_messages(messages) == [
        {"text": "好的。\n\n第一段\n\n第二段", "buttons": [{"title": "是", "payload": "是"}], "answer": answer["answer"]},
        {"text": "还有什么可以帮您？", "buttons": []},
    ]


def test_relay_passes_the_structured_answer(tmp_path, monkeypatch):
    answer = Answer("procedure", title="标题", procedures=["H-RENEW"]).payload()

    def rasa(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[{"recipient_id": "abc12345", "text": "【标题】"},
                                         {"recipient_id": "abc12345", "custom": answer}])

    real = httpx.AsyncClient
    monkeypatch.setattr(chat.httpx, "AsyncClient", lambda **kw: real(transport=httpx.MockTransport(rasa), **kw))
    r = TestClient(make_app(make_settings(tmp_path, rasa_url="http://rasa.test"))).post(
        "/api/chat", json={"sender": "abc12345", "message": "延续"})
    assert r.json() == [{"text": "【标题】", "buttons": [], "answer": answer["answer"]}]


KEY = "0123456789abcdef" * 2


def test_the_rating_key_goes_with_its_answer_or_with_the_text_before_it():
    answer = Answer("procedure", title="标题", procedures=["H-RENEW"]).payload()
    assert chat.bot_messages([{"text": "【标题】"}, {"custom": {**answer, "turn": KEY}}]) == [
        {"text": "【标题】", "buttons": [], "answer": answer["answer"], "turn": KEY}]
    assert chat.bot_messages([{"text": "第一段"}, {"text": "第二段"}, {"custom": {"turn": KEY}}]) == [
        {"text": "第一段", "buttons": []}, {"text": "第二段", "buttons": [], "turn": KEY}]
    assert chat.bot_messages([{"custom": {"turn": 7}}, {"text": "好的"}]) == [{"text": "好的", "buttons": []}]


@pytest.fixture()
def rated(tmp_path):
    from bot.database.turns import TurnCreate

    app = make_app(make_settings(tmp_path))
    key = app.state.services.turns.record(TurnCreate(sender="abc12345", channel="web", message="湖州培训证延续要带啥",
                                                     kind="procedure", procedures=["H-RENEW"]))
    return TestClient(app), key


def test_a_reply_is_rated_with_an_optional_reason_by_its_own_conversation(rated):
    client, key = rated
    assert client.post("/api/ratings", json={"sender": "abc12345", "turn": key, "rating": "useful"}).status_code == 204
    r = client.post("/api/ratings", json={"sender": "abc12345", "turn": key, "rating": "not_useful", "reason": "wrong"})
    assert r.status_code == 204
    stranger = client.post("/api/ratings", json={"sender": "zzz98765", "turn": key, "rating": "useful"})
    assert stranger.status_code == 404 and "无法评价" in stranger.json()["detail"]
    stats = client.app.state.services.dashboard.stats(days=1)
    assert [(r.key, r.useful, r.not_useful) for r in stats.by_kind] == [("procedure", 0, 1)]


@pytest.mark.parametrize("body", [
    {"sender": "abc12345", "turn": KEY, "rating": "useful", "reason": "wrong"},
    {"sender": "abc12345", "turn": "not-a-key", "rating": "useful"},
    {"sender": "abc12345", "turn": KEY, "rating": "great"},
    {"sender": "a b", "turn": KEY, "rating": "useful"},
])
def test_a_bad_rating_gets_a_422(rated, body):
    client, _ = rated
    assert client.post("/api/ratings", json=body).status_code == 422
