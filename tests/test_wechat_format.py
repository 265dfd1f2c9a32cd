"""WeChat replies: messages joined, options numbered once; shared memory of options and of answered messages."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from wechatpy import parse_message

from bot.database.channel_memory import ChannelMemory
from bot.database.tables import Turn
from bot.database.turns import TurnCreate, TurnLog
from rasa_ext.wechat import WeChatInput, message_key
from rasa_ext.wechat_format import (
    MAX_REPLY_CHARS,
    PICK_HINT,
    RATE_ASK_REASON,
    RATE_LINE,
    RATE_NOTED,
    RATE_THANKS,
    VOICE_UNRECOGNISED,
    offer_rating,
    rated_turn,
    rating_of,
    render,
    resolve,
)

BUTTONS = [{"title": "培训合格证", "payload": "P"}, {"title": "注册证书", "payload": "N"}]


def test_messages_joined_and_buttons_numbered():
    text, payloads = render([{"text": "请问是哪一种证书？", "buttons": BUTTONS}, {"text": "也可以直接输入。"}])
    assert "请问是哪一种证书？" in text and "1. 培训合格证" in text and "2. 注册证书" in text and "也可以直接输入" in text
    assert payloads == ["P", "N"]


def test_options_already_numbered_in_the_text_are_not_listed_again():
    text, payloads = render([{"text": "请问是哪一种？\n1. 培训合格证\n2. 注册证书", "buttons": BUTTONS}])
    assert text.count("培训合格证") == 1 and text.endswith(PICK_HINT) and payloads == ["P", "N"]


def test_the_same_options_in_two_messages_are_listed_once():
    text, payloads = render([{"text": "先选证书：", "buttons": BUTTONS}, {"text": "", "buttons": BUTTONS}])
    assert text.count("1. 培训合格证") == 1 and "3." not in text and payloads == ["P", "N"]


def test_long_reply_is_cut_politely():
    text, _ = render([{"text": "长" * 5000}])
    assert len(text) <= MAX_REPLY_CHARS and text.endswith("请分项提问）")


def test_a_bare_number_picks_an_option():
    assert resolve(" 2 ", ["第一项", "第二项"]) == "第二项"
    assert resolve("3", ["第一项", "第二项"]) == "3" and resolve("1", []) == "1"


@pytest.fixture()
def memory(store):
    return ChannelMemory(store.engine)


def test_options_are_shared_by_every_replica(memory, store):
    memory.remember_options(user_key="wechat:o1", payloads=["第一项", "第二项"])
    assert ChannelMemory(store.engine).options(user_key="wechat:o1") == ["第一项", "第二项"]
    memory.remember_options(user_key="wechat:o1", payloads=[])
    assert memory.options(user_key="wechat:o1") == []


def test_a_message_is_claimed_once(memory, store):
    assert memory.claim(message_key="wechat:msg:1")
    assert not ChannelMemory(store.engine).claim(message_key="wechat:msg:1")
    assert memory.reply_for(message_key="wechat:msg:1") is None
    memory.save_reply(message_key="wechat:msg:1", reply="答复")
    assert memory.reply_for(message_key="wechat:msg:1") == "答复"


def xml(kind: str, body: str, msg_id: str = "") -> str:
    return (f"<xml><ToUserName>gh</ToUserName><FromUserName>o-user</FromUserName><CreateTime>1763700000</CreateTime>"
            f"<MsgType>{kind}</MsgType>{body}{f'<MsgId>{msg_id}</MsgId>' if msg_id else ''}</xml>")


@pytest.fixture()
def channel(memory):
    return WeChatInput("token", "", "", memory, max_clock_skew=300, clock=lambda: 1763700000.0)


class Bot:
    """Stands in for Rasa: answers with the text it was given, counts turns, offers two options."""

    def __init__(self) -> None:
        self.turns: list[tuple[str, dict]] = []

    async def __call__(self, message) -> None:
        self.turns.append((message.text, message.metadata))
        await message.output_channel.send_response(message.sender_id, {"text": f"答：{message.text}",
                                                                       "buttons": BUTTONS})


def test_a_retried_message_gets_the_same_reply_without_a_second_turn(channel):
    bot = Bot()
    message = parse_message(xml("text", "<Content>你好</Content>", "42"))
    first = asyncio.run(channel._once(bot, message))
    again = asyncio.run(channel._once(bot, parse_message(xml("text", "<Content>你好</Content>", "42"))))
    assert first == again and "答：你好" in first and len(bot.turns) == 1
    assert bot.turns[0][1]["client"] == "wechat:o-user" and bot.turns[0][1]["received_at"] > 1.7e9


def test_voice_is_answered_like_text_and_unrecognised_voice_asks_for_text(channel):
    bot = Bot()
    voice = parse_message(xml("voice", "<MediaId>m</MediaId><Format>amr</Format><Recognition>证书补办</Recognition>", "7"))
    assert "答：证书补办" in asyncio.run(channel._once(bot, voice))
    silent = parse_message(xml("voice", "<MediaId>m</MediaId><Format>amr</Format><Recognition></Recognition>", "8"))
    assert asyncio.run(channel._once(bot, silent)) == VOICE_UNRECOGNISED and len(bot.turns) == 1


def test_a_number_picks_from_the_options_remembered_in_the_shared_store(channel):
    bot = Bot()
    asyncio.run(channel._once(bot, parse_message(xml("text", "<Content>证书</Content>", "1"))))
    asyncio.run(channel._once(bot, parse_message(xml("text", "<Content>2</Content>", "2"))))
    assert bot.turns[-1][0] == "N"


def test_events_are_keyed_by_sender_and_time_and_stale_timestamps_refused(channel):
    event = parse_message(xml("event", "<Event>subscribe</Event>"))
    assert message_key(event) == f"wechat:o-user:{datetime(2025, 11, 21, 4, 40, tzinfo=timezone.utc).timestamp():.0f}:event"
    assert channel._fresh("1763700000") and channel._fresh("1763700299")
    assert not channel._fresh("1763613600") and not channel._fresh("x")


# Rating a reply by number: offered only when no options are pending, kept by the channel, never a dialogue turn.
class RatedBot:
    """Stands in for Rasa and the actions: keeps each reply as a turn and sends its rating key; options on request."""

    def __init__(self, turns: TurnLog) -> None:
        self.turns = turns
        self.said: list[str] = []

    async def __call__(self, message) -> None:
        self.said.append(message.text)
        key = self.turns.record(TurnCreate(sender=message.sender_id, channel="wechat", message=message.text,
                                           kind="procedure", procedures=["H-RENEW"]))
        out = {"text": f"答：{message.text}", **({"buttons": BUTTONS} if "哪种" in message.text else {})}
        await message.output_channel.send_response(message.sender_id, out)
        await message.output_channel.send_custom_json(message.sender_id, {"turn": key})


@pytest.fixture()
def rated(memory, store):
    turns = TurnLog(store.engine, "test-key")
    channel = WeChatInput("token", "", "", memory, max_clock_skew=300, clock=lambda: 1763700000.0, turns=turns)
    return channel, RatedBot(turns), store


def say(channel, bot, text: str, msg_id: str) -> str:
    return asyncio.run(channel._once(bot, parse_message(xml("text", f"<Content>{text}</Content>", msg_id))))


def test_a_digit_after_the_rating_line_is_kept_and_acknowledged_not_sent_to_the_dialogue(rated):
    channel, bot, store = rated
    assert say(channel, bot, "湖州培训证延续要带啥", "11").endswith(RATE_LINE)
    assert say(channel, bot, "2", "12").startswith(RATE_ASK_REASON)
    assert say(channel, bot, "3", "13") == RATE_NOTED
    assert bot.said == ["湖州培训证延续要带啥"]
    with Session(store.engine) as session:
        row = session.scalars(select(Turn)).one()
    assert (row.rating, row.rating_reason) == ("not_useful", "unclear")
    assert "答：1" in say(channel, bot, "1", "14")  # nothing pending any more: the digit is a message again
    assert say(channel, bot, "1", "15") == RATE_THANKS and len(bot.said) == 2


def test_no_rating_line_while_options_are_offered_and_a_digit_still_picks_one(rated):
    channel, bot, _ = rated
    reply = say(channel, bot, "哪种证书", "21")
    assert RATE_LINE not in reply and "1. 培训合格证" in reply
    say(channel, bot, "2", "22")
    assert bot.said[-1] == "N"


def test_the_rating_line_is_added_only_when_it_fits():
    key = "ab" * 16
    assert offer_rating("短答复", [], key) == ("短答复\n\n" + RATE_LINE, [f"rate:{key}:useful", f"rate:{key}:not_useful"])
    assert offer_rating("短答复", ["P"], key) == ("短答复", ["P"])
    assert offer_rating("长" * MAX_REPLY_CHARS, [], key)[1] == []
    assert rated_turn([{"text": "x"}, {"custom": {"turn": key}}]) == key and rated_turn([{"text": "x"}]) is None
    assert rating_of(f"rate:{key}:not_useful:wrong") == (key, "not_useful", "wrong") and rating_of("P") is None
