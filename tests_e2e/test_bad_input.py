"""Odd input on every channel: a clear reply or a 4xx, never a 5xx, and the next message is answered."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

import pytest
import socketio

from bot.knowledge.base import default_knowledge

RASA = os.environ.get("RASA_URL", "http://127.0.0.1:5005")
WEB = os.environ.get("WEB_URL", "http://127.0.0.1:8000")
ODD_TEXTS = ["", "   ", "证" * 10000, "😀🎉🙏", "\x00\x01\x1b[31m\u200b", "<script>alert(1)</script>",
             "'; DROP TABLE events; --", "Robert'); DELETE FROM applications;--", "\ud7ff\ufffd", "?" * 300]


def request(url: str, body: bytes | None, content_type: str = "application/json", method: str = "POST") -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def rest(sender: str, message: object) -> tuple[int, list]:
    status, body = request(RASA + "/webhooks/rest/webhook", json.dumps({"sender": sender, "message": message}).encode())
    return status, json.loads(body or b"[]") if status == 200 else []


def answered_normally(sender: str) -> bool:
    status, messages = rest(sender, "湖州市监理协会的电话是多少")
    phone = default_knowledge().contacts["huzhou_association"].phones[0]
    return status == 200 and any(phone in (m.get("text") or "") for m in messages)


@pytest.mark.parametrize("text", ODD_TEXTS, ids=range(len(ODD_TEXTS)))
def test_rest_odd_text(text):
    sender = f"odd-rest-{abs(hash(text))}"
    status, messages = rest(sender, text)
    assert status == 200 and any(m.get("text") for m in messages)
    assert all(m.get("text") or m.get("custom") for m in messages)  # the structure rides beside the text
    assert answered_normally(sender)


@pytest.mark.parametrize(("body", "content_type", "method"), [
    (b"{not json", "application/json", "POST"),
    (b'{"sender": "s1"}', "application/json", "POST"),
    (b'{"sender": "s1", "message": null}', "application/json", "POST"),
    (b'{"sender": "s1", "message": 123}', "application/json", "POST"),
    (b'{"sender": ["s1"], "message": "hi"}', "application/json", "POST"),
    (b'["not", "an", "object"]', "application/json", "POST"),
    (b"hello", "text/plain", "POST"),
    (b"<xml/>", "application/xml", "POST"),
    (None, "application/json", "GET"),
    (b"{}", "application/json", "PUT"),
    (b"{}", "application/json", "DELETE"),
])
def test_rest_malformed_requests_are_4xx(body, content_type, method):
    status, _ = request(RASA + "/webhooks/rest/webhook", body, content_type, method)
    assert 400 <= status < 500


def test_socketio_odd_text_then_normal():
    client = socketio.Client(reconnection=False)
    replies: list[dict] = []
    client.on("bot_uttered", lambda data: replies.append(data))
    client.connect(RASA, socketio_path="/socket.io", transports=["polling"], wait_timeout=10)
    try:
        client.emit("session_request", {"session_id": "odd-sio"})
        for text in ["", "😀", "<b>x</b>", "证" * 10000, "\x00\x1b"]:
            client.emit("user_uttered", {"message": text, "session_id": "odd-sio"})
        client.emit("user_uttered", {"message": "湖州市监理协会的地址", "session_id": "odd-sio"})
        address = default_knowledge().contacts["huzhou_association"].address
        for _ in range(100):
            if any(address in (r.get("text") or "") for r in replies):
                break
            client.sleep(0.1)
        assert any(address in (r.get("text") or "") for r in replies)
    finally:
        client.disconnect()


@pytest.mark.parametrize("body", [
    {"sender": "abcdefgh", "message": ""}, {"sender": "abcdefgh", "message": " \t\n"},
    {"sender": "abcdefgh", "message": "证" * 10000}, {"sender": "x", "message": "你好"}, {"message": "你好"},
    {"sender": "abcdefgh", "message": None}, {"sender": "abcdefgh", "message": ["list"]},
])
def test_web_relay_rejects_bad_bodies_with_422(body):
    status, payload = request(WEB + "/api/chat", json.dumps(body).encode())
    assert status == 422 and json.loads(payload)["detail"]


@pytest.mark.parametrize("text", ODD_TEXTS[3:8])
def test_web_relay_passes_odd_but_valid_text(text):
    status, payload = request(WEB + "/api/chat", json.dumps({"sender": "odd-web-1", "message": text}).encode())
    assert status == 200 and json.loads(payload)


@pytest.mark.parametrize(("path", "body", "content_type", "method"), [
    ("/api/chat", b"{oops", "application/json", "POST"),
    ("/api/chat", b"sender=a", "application/x-www-form-urlencoded", "POST"),
    ("/api/chat", None, "application/json", "GET"),
    ("/console/login", b"username=" + b"a" * 10000 + b"&password=x", "application/x-www-form-urlencoded", "POST"),
    ("/console/login", b"\xff\xfe", "application/x-www-form-urlencoded", "POST"),
    ("/console/applications", b"id_number=1", "application/x-www-form-urlencoded", "POST"),
    ("/console/import", b"--x\r\n", "multipart/form-data; boundary=x", "POST"),
    ("/console", None, "text/html", "DELETE"),
])
def test_web_and_console_malformed_requests_are_4xx_or_redirect(path, body, content_type, method):
    status, _ = request(WEB + path, body, content_type, method)
    assert status < 500
