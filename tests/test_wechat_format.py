"""WeChat replies: messages joined, buttons numbered, a bare number picks an option."""

from __future__ import annotations

from rasa_ext.wechat_format import MAX_REPLY_CHARS, OptionMemory, render


def test_messages_joined_and_buttons_numbered():
    text, payloads = render([
        {"text": "请问是哪一种证书？",
         "buttons": [{"title": "培训合格证", "payload": "P"}, {"title": "注册证书", "payload": "N"}]},
        {"text": "也可以直接输入。"},
    ])
    assert "请问是哪一种证书？" in text and "1. 培训合格证" in text and "2. 注册证书" in text and "也可以直接输入" in text
    assert payloads == ["P", "N"]


def test_long_reply_is_cut_politely():
    text, _ = render([{"text": "长" * 5000}])
    assert len(text) <= MAX_REPLY_CHARS and text.endswith("请分项提问）")


def test_number_picks_the_remembered_option():
    memory = OptionMemory(size=2)
    memory.remember("u1", ["第一项", "第二项"])
    assert memory.resolve("u1", " 2 ") == "第二项"
    assert memory.resolve("u1", "3") == "3"
    assert memory.resolve("u2", "1") == "1"
    memory.remember("u2", ["x"])
    memory.remember("u3", ["y"])
    assert memory.resolve("u1", "1") == "1"  # oldest forgotten beyond the bound
    memory.remember("u3", [])
    assert memory.resolve("u3", "1") == "1"
