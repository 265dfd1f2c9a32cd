"""The form paths through the REST channel against the live servers (scripts/e2e.sh starts them and imports
/work/shared/eval/applications.csv): a bare-ID reply, an interruption, leaving, a follow-up after a result, and a
one-trip question over two turns. Every message is our own wording; each conversation has its own sender."""

from __future__ import annotations

import json
import os
import urllib.request
import uuid

import pytest

from bot.knowledge.base import default_knowledge

RASA = os.environ.get("RASA_URL", "http://127.0.0.1:5005")
LIU = "330102199005150477"  # 刘洋: N-TRANSFER 已受理
LI = "330503197907080235"  # 李娜: H-REISSUE 需补正
ASK_NAME = "姓名"
KB = default_knowledge()
HUZHOU_PHONE = KB.contacts["huzhou_association"].phones[0]


class Chat:
    """One conversation over the REST channel."""

    def __init__(self) -> None:
        self.sender = f"e2e-conv-{uuid.uuid4().hex[:12]}"
        self.last: list[str] = []

    def say(self, message: str) -> str:
        body = json.dumps({"sender": self.sender, "message": message}).encode()
        req = urllib.request.Request(RASA + "/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            self.last = [m.get("text") or "" for m in json.loads(r.read())]
        return "\n".join(self.last)


@pytest.fixture()
def chat() -> Chat:
    return Chat()


def test_a_bare_id_number_after_the_assistant_asks(chat):
    assert "身份证号" in chat.say("麻烦帮我看看审核结果出来没有")
    reply = chat.say(LIU)
    assert ASK_NAME in reply and "再见" not in reply and "已停止" not in reply
    report = chat.say("我叫刘洋")
    assert "已受理" in report and "ZJ2026110004" in report and LIU not in report


def test_the_report_names_the_masked_number(chat):
    chat.say("麻烦帮我看看审核结果出来没有")
    assert "330*************77" in chat.say(f"刘洋 {LIU}")


def test_an_interruption_during_the_look_up_is_answered_and_the_look_up_goes_on(chat):
    chat.say("想查一下我交的申请")
    reply = chat.say("对了，协会的电话是多少")
    assert HUZHOU_PHONE in reply and "身份证号" in reply
    assert "已受理" in chat.say(f"{LIU}，刘洋")


def test_leaving_the_look_up(chat):
    chat.say("想查一下我交的申请")
    reply = chat.say("算了不查了")
    assert "已停止" in reply
    assert HUZHOU_PHONE in chat.say("协会的电话是多少")


def test_a_follow_up_after_a_supplement_result(chat):
    assert "需补正" in chat.say(f"李娜 {LI}")
    reply = chat.say("那还要补交什么")
    assert "附件三" in reply and "身份证原件" in reply
    assert "还有什么可以帮您" not in reply


def test_a_short_follow_up_after_a_supplement_result(chat):
    chat.say(f"李娜 {LI}")
    reply = chat.say("那还缺啥")
    assert "附件三" in reply and "还有什么可以帮您" not in reply


def test_an_id_number_split_over_two_messages(chat):
    chat.say("想查一下我交的申请")
    assert "剩余" in chat.say("身份证 330102 19900515")
    reply = chat.say("0477 刘洋")
    assert "已受理" in reply and len(chat.last) <= 2


def test_a_short_question_during_the_look_up_is_not_the_name(chat):
    chat.say("想查一下我交的申请")
    reply = chat.say("费用多少")
    assert "文件" in reply or "没有" in reply  # the documents are silent on fees: the reply says so
    assert "已受理" in chat.say(f"{LIU} 刘洋")


def test_a_one_trip_question_answered_over_two_turns(chat):
    asked = chat.say("省平台的证注销能一次办好吗")
    assert "请告诉我" in asked and "本人" in asked
    verdict = chat.say("我自己去，东西都准备好了")
    assert "最多跑一次" in verdict and "请告诉我" not in verdict
    assert "附件五" in verdict


def test_a_bare_number_with_nothing_pending_is_no_goodbye(chat):
    reply = chat.say("1")
    assert "选的是哪一项" in reply and "再见" not in reply
