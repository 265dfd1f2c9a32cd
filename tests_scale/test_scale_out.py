"""Two Rasa servers sharing a Redis lock store and a PostgreSQL tracker store (scripts/scale_test.sh)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import time
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg2

from bot.knowledge.base import default_knowledge

A = f"http://127.0.0.1:{os.environ['RASA_PORT']}"
B = f"http://127.0.0.1:{os.environ['RASA2_PORT']}"
PG_PORT = int(os.environ["TEST_PG_PORT"])
WORK = Path(os.environ["SCALE_WORK"])
WECHAT_TOKEN = os.environ["WECHAT_TOKEN"]
ZHANG = "330502198503120112"


def say(server: str, sender: str, text: str) -> str:
    body = json.dumps({"sender": sender, "message": text}).encode()
    req = urllib.request.Request(server + "/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return "\n".join(m.get("text") or "" for m in json.loads(r.read()))


def stored_user_texts(sender: str) -> list[str]:
    with psycopg2.connect(host="127.0.0.1", port=PG_PORT, user="postgres", dbname="tracker") as conn, conn.cursor() as cur:
        cur.execute("select data from events where sender_id = %s and type_name = 'user' order by id", (sender,))
        return [json.loads(row[0])["text"] for row in cur.fetchall()]


def test_context_follows_the_conversation_across_servers():
    kb = default_knowledge()
    sender = f"scale-{uuid.uuid4().hex[:8]}"
    first = say(A, sender, "湖州市监理工程师培训合格证丢了要带什么")
    assert kb.procedures["H-REISSUE"].materials("lost")[0].text in first
    then = say(B, sender, "那要多久？")
    assert kb.procedures["H-REISSUE"].printing.text in then
    assert say(A, sender, "我想查一下办理进度")
    status = say(B, sender, f"身份证号{ZHANG}，姓名张伟")
    assert "审核中" in status and ZHANG not in status
    assert stored_user_texts(sender)[:3] == ["湖州市监理工程师培训合格证丢了要带什么", "那要多久？", "我想查一下办理进度"]
    assert ZHANG not in json.dumps(stored_user_texts(sender))


def test_concurrent_turns_of_one_conversation_are_serialised_by_the_lock():
    for burst in range(4):  # several bursts: a race between the servers shows up only now and then
        sender = f"lock-{burst}-{uuid.uuid4().hex[:8]}"
        texts = [f"湖州市监理协会电话{i}" for i in range(8)]
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda it, s=sender: say(A if it[0] % 2 else B, s, it[1]), enumerate(texts)))
        assert sorted(stored_user_texts(sender)) == sorted(texts)


def wechat(server: str, user: str, text: str, msg_id: int) -> str:
    timestamp, nonce = str(int(time.time())), uuid.uuid4().hex[:8]
    signature = hashlib.sha1("".join(sorted([WECHAT_TOKEN, timestamp, nonce])).encode()).hexdigest()
    query = urllib.parse.urlencode({"signature": signature, "timestamp": timestamp, "nonce": nonce})
    xml = (f"<xml><ToUserName>gh</ToUserName><FromUserName>{user}</FromUserName><CreateTime>{timestamp}</CreateTime>"
           f"<MsgType>text</MsgType><Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>")
    req = urllib.request.Request(f"{server}/webhooks/wechat/webhook?{query}", data=xml.encode(),
                                 headers={"Content-Type": "application/xml"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return re.search(r"<Content><!\[CDATA\[(.*)\]\]></Content>", r.read().decode(), re.S).group(1)


def test_wechat_needs_no_sticky_sessions():
    kb = default_knowledge()
    user, asked = f"o-{uuid.uuid4().hex[:10]}", time.time_ns()
    options = wechat(A, user, "证书丢了怎么补办", asked)
    assert "1. " in options and "2. " in options
    assert wechat(B, user, "证书丢了怎么补办", asked) == options  # WeChat's retry lands on the other server
    answer = wechat(B, user, "2", time.time_ns())  # the number picks from the options remembered by server A
    assert kb.procedures["N-LOST"].materials()[1].text in answer
    assert stored_user_texts(user)[0] == "证书丢了怎么补办" and len(stored_user_texts(user)) == 2


def test_a_locked_id_is_locked_on_every_server():
    for n in range(5):
        say(A if n % 2 else B, f"lock-{uuid.uuid4().hex[:8]}", "身份证号330503197907080235，姓名王芳")
    refused = say(A, f"lock-{uuid.uuid4().hex[:8]}", "身份证号330503197907080235，姓名李娜")
    assert "暂停" in refused and "补正" not in refused


def test_one_address_meets_one_rate_limit_over_both_servers():
    """Messages relayed for one browser address count in the shared database, whichever server takes them."""
    from bot.knowledge.channel import default_channel_phrases

    headers = {"Content-Type": "application/json", "X-Relay-Secret": os.environ["RELAY_SECRET"],
               "X-Client-Address": f"203.0.113.{uuid.uuid4().int % 200 + 20}"}
    limit = int(os.environ["MESSAGES_PER_CLIENT"])

    def relayed(server: str) -> str:
        body = json.dumps({"sender": f"rate-{uuid.uuid4().hex[:8]}", "message": "湖州市监理协会电话"}).encode()
        req = urllib.request.Request(server + "/webhooks/rest/webhook", data=body, headers=headers)
        with urllib.request.urlopen(req, timeout=30) as r:
            return "\n".join(m.get("text") or "" for m in json.loads(r.read()))

    window = 60  # MESSAGE_WINDOW_SECONDS: start at the beginning of a window, so that all count in one
    if time.time() % window > window / 2:
        time.sleep(window - time.time() % window + 0.2)
    replies = [relayed(A if n % 2 else B) for n in range(limit + 1)]
    too_fast = default_channel_phrases().too_fast
    assert all(too_fast not in reply for reply in replies[:limit]) and replies[limit] == too_fast


def test_killing_one_server_mid_conversation_loses_nothing():
    kb = default_knowledge()
    sender = f"kill-{uuid.uuid4().hex[:8]}"
    ask = say(A, sender, "证书丢了怎么补办")
    assert "1. " in ask and "2. " in ask
    os.kill(int((WORK / f"rasa-{os.environ.get('RASA_PORT', '5005')}.pid").read_text()), signal.SIGKILL)
    answer = say(B, sender, "第二个")
    assert kb.procedures["N-LOST"].materials()[1].text in answer
    assert stored_user_texts(sender) == ["证书丢了怎么补办", "第二个"]
