"""WeChat channel against the running Rasa server: signatures, plaintext and encrypted messages."""

from __future__ import annotations

import hashlib
import os
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import xmltodict
from wechatpy.crypto import WeChatCrypto

from bot.knowledge.base import default_knowledge
from rasa_ext.wechat_format import RATE_LINE, RATE_THANKS, VOICE_UNRECOGNISED

URL = os.environ.get("RASA_URL", "http://127.0.0.1:5005") + "/webhooks/wechat/webhook"
TOKEN = os.environ.get("WECHAT_TOKEN", "e2e-token")
APP_ID = os.environ.get("WECHAT_APP_ID", "wx0123456789abcdef")
AES_KEY = os.environ.get("WECHAT_AES_KEY", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")


def signed_query(**extra: str) -> dict[str, str]:
    timestamp, nonce = str(int(time.time())), "nonce123"
    signature = hashlib.sha1("".join(sorted([TOKEN, timestamp, nonce])).encode()).hexdigest()
    return {"signature": signature, "timestamp": timestamp, "nonce": nonce, **extra}


def call(query: dict[str, str], body: bytes | None = None, method: str = "POST") -> tuple[int, str]:
    req = urllib.request.Request(URL + "?" + urllib.parse.urlencode(query), data=body, method=method,
                                 headers={"Content-Type": "application/xml"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def text_xml(user: str, content: str, kind: str = "text") -> str:
    inner = f"<Content><![CDATA[{content}]]></Content>" if kind == "text" else "<PicUrl><![CDATA[x]]></PicUrl>"
    return (f"<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[{kind}]]></MsgType>{inner}"
            f"<MsgId>{time.time_ns()}</MsgId></xml>")


def reply_content(xml: str) -> str:
    return xmltodict.parse(xml)["xml"]["Content"]


def test_url_verification_echoes_and_rejects_bad_signature():
    assert call(signed_query(echostr="hello123"), method="GET") == (200, "hello123")
    bad = {**signed_query(echostr="hello123"), "signature": "0" * 40}
    assert call(bad, method="GET")[0] == 403


def test_unsigned_message_is_rejected():
    status, _ = call({**signed_query(), "signature": "bad"}, text_xml("u-bad", "你好").encode())
    assert status == 403


def test_plaintext_question_gets_passive_reply():
    status, xml = call(signed_query(), text_xml("u-plain", "湖州市监理工程师培训合格证增加专业要带什么材料").encode())
    assert status == 200
    parsed = xmltodict.parse(xml)["xml"]
    assert parsed["ToUserName"] == "u-plain" and parsed["MsgType"] == "text"
    first_material = default_knowledge().procedures["H-ADD-SPECIALTY"].materials()[1].text
    assert first_material in parsed["Content"]


def voice_xml(user: str, recognition: str) -> str:
    return (f"<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[voice]]></MsgType>"
            f"<MediaId><![CDATA[media1]]></MediaId><Format><![CDATA[amr]]></Format>"
            f"<Recognition><![CDATA[{recognition}]]></Recognition><MsgId>{time.time_ns()}</MsgId></xml>")


def test_a_voice_message_is_answered_from_its_recognition_text():
    status, xml = call(signed_query(), voice_xml("u-voice", "那个湖州的培训证增加专业要带啥材料啊").encode())
    assert status == 200
    content = reply_content(xml)
    first_material = default_knowledge().procedures["H-ADD-SPECIALTY"].materials()[1].text
    assert first_material in content


def test_a_voice_message_without_recognition_asks_for_text():
    _, xml = call(signed_query(), voice_xml("u-voice-2", "").encode())
    assert reply_content(xml) == VOICE_UNRECOGNISED


def test_buttons_become_numbers_and_one_picks_the_first():
    _, xml = call(signed_query(), text_xml("u-number", "证书丢了怎么补办").encode())
    content = reply_content(xml)
    assert "1. " in content and "2. " in content
    _, xml = call(signed_query(), text_xml("u-number", "2").encode())
    photo = default_knowledge().procedures["N-LOST"].materials()[1].text
    assert photo in reply_content(xml)


def test_encrypted_message_round_trip():
    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    query = signed_query()
    encrypted = crypto.encrypt_message(text_xml("u-aes", "湖州市监理协会的电话是多少"), query["nonce"], query["timestamp"])
    envelope = xmltodict.parse(encrypted)["xml"]
    body = (f"<xml><ToUserName><![CDATA[gh_account]]></ToUserName>"
            f"<Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>")
    query.update(encrypt_type="aes", msg_signature=envelope["MsgSignature"], timestamp=envelope["TimeStamp"],
                 nonce=envelope["Nonce"])
    status, xml = call(query, body.encode())
    assert status == 200
    reply = xmltodict.parse(xml)["xml"]
    plain = crypto.decrypt_message(xml, reply["MsgSignature"], reply["TimeStamp"], reply["Nonce"])
    assert default_knowledge().contacts["huzhou_association"].phones[0] in reply_content(plain)
    tampered = {**query, "msg_signature": "0" * 40}
    assert call(tampered, body.encode())[0] == 403


def test_subscribe_gets_welcome_and_image_gets_polite_answer():
    event = (f"<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[u-sub]]></FromUserName>"
             f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
             f"<Event><![CDATA[subscribe]]></Event></xml>")
    _, xml = call(signed_query(), event.encode())
    assert "您好" in reply_content(xml)
    _, xml = call(signed_query(), text_xml("u-img", "", kind="image").encode())
    assert "文字" in reply_content(xml)


@pytest.mark.parametrize("body", [b"", b"<xml><broken", "你好".encode()])
def test_malformed_body_is_a_4xx(body):
    assert call(signed_query(), body)[0] == 400


def test_a_short_answer_offers_a_rating_and_a_digit_is_kept_and_thanked():
    user = f"u-rate-{time.time_ns()}"
    _, xml = call(signed_query(), text_xml(user, "湖州的协会电话号码给一个").encode())
    assert reply_content(xml).endswith(RATE_LINE)
    _, xml = call(signed_query(), text_xml(user, "1").encode())
    assert reply_content(xml) == RATE_THANKS
