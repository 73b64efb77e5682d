"""Before a meeting (rule M8) through the console: time polls, requests, topics, reminders."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from bot.admin import import_roster_file
from bot.wiring import App
from core import texts
from core.clock import ManualClock
from core.config import Rules
from core.meetings import Blackout
from core.messages import ChatKind, Outgoing
from tests.conftest import SHANGHAI, FakeBot, texts_of

HEADER = "编号,姓名,镇,网格,村,屋场,户号,在家,党员,年龄,角色,手机\n"
# A fourth resident household for 枫树湾 (4 at home: half is 2), and a minor of household 3.
MORE_FENGSHU = HEADER + ("V10,李新,金溪镇,东片网格,金竹村,枫树湾,5,是,否,30,,\n"
                         "V09,李小妹,金溪镇,东片网格,金竹村,枫树湾,3,是,否,16,,\n")
NOV10, NOV12 = "11月10日（周二）19:30", "11月12日（周四）19:30"
POLL = "/poll 2026-11-10 19:30 2026-11-12 19:30"


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A moment of 2026 in Shanghai."""
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
async def more(app: App, bot: FakeBot, tmp_path: Path) -> FakeBot:
    """The bot after 枫树湾 gained a fourth resident household and a minor."""
    extra = tmp_path / "more.csv"
    extra.write_text(MORE_FENGSHU, encoding="utf-8")
    await import_roster_file(app, extra)
    await bot.start(set())
    return bot


def _to(messages: list[Outgoing], *chats: str) -> list[Outgoing]:
    return [message for message in messages if message.chat_id in chats]


async def test_poll_households_per_time_until_the_head_closes_it(more: FakeBot) -> None:
    bot = more
    asked = await bot.say("H01", "枫树湾", POLL)
    assert asked[0].text == "\n".join([texts.POLL_ASKED.format(head="李勇"),
                                       f"1. {NOV10}：0户", f"2. {NOV12}：0户"])
    assert asked[0].button_labels() == [NOV10, NOV12]
    picked = await bot.press("V01", "枫树湾", NOV10)
    assert picked[0].toast and picked[0].text == f"李平杰：已选{NOV10}。"
    assert picked[1].edit and picked[1].text.endswith(f"1. {NOV10}：1户\n2. {NOV12}：0户")
    assert picked[1].button_labels() == [NOV10, NOV12]
    # 李大娘 of the same household picks the other time: each time counts the household.
    await bot.press("V02", "枫树湾", NOV12)
    changed = await bot.press("V01", "枫树湾", NOV12)
    assert changed[0].text == f"李平杰：已改选{NOV12}。"
    assert changed[1].text.endswith(f"1. {NOV10}：0户\n2. {NOV12}：1户")
    await bot.press("R01", "枫树湾", NOV12)
    await bot.press("V03", "枫树湾", NOV10)
    assert texts_of(await bot.press("V09", "枫树湾", NOV10)) == [texts.POLL_NOT_MEMBER]
    assert texts_of(await bot.press("V04", "枫树湾", NOV10))[0].startswith("你不属于")
    assert texts_of(await bot.say("H01", "枫树湾", "/poll")) == ["\n".join([
        texts.POLL_STATE.format(state="进行中"), f"1. {NOV10}：1户", f"2. {NOV12}：2户"])]
    assert texts_of(await bot.say("V01", "枫树湾", "/poll 结束")) == [
        texts.ROLE_REFUSED.format(role="村民", command="/poll")]
    closed = await bot.say("H01", "private", "/poll 结束")
    result = "\n".join([texts.POLL_STATE.format(state="已截止"), f"1. {NOV10}：1户",
                        f"2. {NOV12}：2户", texts.POLL_BEST.format(when=NOV12)])
    # Closed from the private chat: the head gets the result, and so does the group.
    assert [(message.chat_kind, message.text) for message in closed] == [
        (ChatKind.PRIVATE, result), (ChatKind.GROUP, result)]
    assert texts_of(await bot.press("V01", "枫树湾", NOV10)) == [texts.POLL_ENDED_ALREADY]
    assert texts_of(await bot.say("H01", "枫树湾", "/poll 结束")) == [texts.POLL_NONE]


async def test_poll_refusals_change_nothing(bot: FakeBot) -> None:
    for text, reply in [
        ("/poll 2026-11-10 19:30", texts.POLL_BAD.format(value="2026-11-10 19:30")),
        ("/poll 2026-11-10 19:30 2026-13-01 19:30", texts.POLL_BAD.format(
            value="2026-13-01 19:30")),
        ("/poll 2026-11-05 18:00 2026-11-12 19:30", texts.POLL_IN_PAST.format(
            when="11月5日（周四）18:00")),
        ("/poll 2026-11-10 19:30 2028-01-01 19:30", texts.POLL_TOO_FAR),
    ]:
        assert texts_of(await bot.say("H01", "枫树湾", text)) == [reply]
    assert texts_of(await bot.say("H01", "枫树湾", "/poll")) == [texts.POLL_NONE]
    started = await bot.say("H01", "private", POLL)
    assert texts_of(started[:1]) == [texts.POLL_STARTED]
    assert started[1].chat_kind is ChatKind.GROUP and started[1].button_labels() == [
        NOV10, NOV12]
    assert texts_of(await bot.say("H01", "枫树湾", POLL)) == [texts.POLL_STILL_OPEN]


async def test_request_tells_head_and_cadres_past_half_once(more: FakeBot) -> None:
    bot = more
    first = await bot.say("V01", "枫树湾", "/request 商量修村口的路")
    assert texts_of(first) == [texts.REQUEST_RECORDED.format(topic="商量修村口的路", asking=1,
                                                             resident=4)]
    # The same household asking again is still one household.
    assert "1户提议" in (await bot.say("V02", "private", "/request 装路灯"))[0].text
    # Two of four resident households: exactly half is not enough.
    half = await bot.say("R01", "枫树湾", "/request 修路")
    assert "2户提议" in half[0].text and _to(half, "H01", "C01") == []
    past = await bot.say("V10", "枫树湾", "/request 修路")
    told = texts.REQUEST_WANTED.format(homestead="金竹村枫树湾", asking=3, resident=4,
                                       topics="商量修村口的路；装路灯；修路")
    assert sorted((message.chat_id, message.text)
                  for message in _to(past, "H01", "C01", "C02")) == [("C01", told), ("H01", told)]
    # Once per crossing: a fourth household asking tells nobody again.
    assert _to(await bot.say("H01", "枫树湾", "/request 修路"), "H01", "C01") == []
    # Thirty days on, the requests have lapsed: a new crossing tells them again.
    bot.clock.set(at(12, 6, 9))
    for person in ("V01", "R01"):
        assert _to(await bot.say(person, "枫树湾", "/request 修桥"), "H01", "C01") == []
    again = await bot.say("V10", "枫树湾", "/request 修桥")
    assert sorted(message.chat_id for message in _to(again, "H01", "C01")) == ["C01", "H01"]


async def test_request_only_from_adults_of_the_homestead(more: FakeBot) -> None:
    bot = more
    assert texts_of(await bot.say("V09", "枫树湾", "/request 修路")) == [
        texts.REQUEST_NOT_MEMBER]
    # A cadre of the village may act in 枫树湾's group, but lives in 杨家湾.
    assert texts_of(await bot.say("C01", "枫树湾", "/request 修路")) == [
        texts.REQUEST_NOT_MEMBER]
    assert texts_of(await bot.say("V01", "枫树湾", "/request")) == [texts.REQUEST_USAGE]


async def test_requests_before_the_last_meeting_do_not_count(more: FakeBot) -> None:
    bot = more
    for person in ("V01", "R01"):
        await bot.say(person, "枫树湾", "/request 修路")
    await bot.say("H01", "枫树湾", "/meeting 2026-11-06 19:30 晒谷坪 修路")
    bot.clock.set(at(11, 6, 19, 30))
    await bot.say("H01", "枫树湾", "/open")
    await bot.say("H01", "枫树湾", "/end")
    bot.clock.set(at(11, 7, 9))
    after = await bot.say("V10", "枫树湾", "/request 修桥")
    assert "1户提议" in after[0].text and _to(after, "H01", "C01") == []


async def test_topic_reaches_every_head_of_the_village_and_its_meetings(bot: FakeBot) -> None:
    assert texts_of(await bot.say("V01", "枫树湾", "/topic 环境整治")) == [
        texts.ROLE_REFUSED.format(role="村民", command="/topic")]
    assert texts_of(await bot.say("C01", "private", "/topic")) == [texts.TOPIC_USAGE]
    set_ = await bot.say("C01", "private", "/topic 人居环境整治")
    told = texts.TOPIC_TOLD.format(village="金竹村", month=11, topic="人居环境整治")
    assert [(message.chat_id, message.text) for message in set_] == [
        ("C01", texts.TOPIC_SET.format(village="金竹村", month=11, topic="人居环境整治")),
        ("H01", told), ("H02", told), ("H04", told)]
    await bot.say("H01", "枫树湾", "/meeting 2026-11-06 19:30 晒谷坪 修路")
    bot.clock.set(at(11, 6, 19, 30))
    opened = await bot.say("H01", "枫树湾", "/open")
    assert texts_of(opened[1:]) == [texts.TOPIC_LINE.format(topic="人居环境整治")]
    # 丰收村 has no topic: its opening message comes alone.
    await bot.say("H03", "丰收村/老屋场", "/meeting 2026-11-06 20:00 祠堂 修桥")
    bot.clock.set(at(11, 6, 20))
    assert len(await bot.say("H03", "丰收村/老屋场", "/open")) == 1
    reminded = await bot.tick(at(11, 20, 9))
    assert sorted(message.chat_id for message in reminded) == ["H02", "H04"]
    assert all(message.text.endswith("\n村定本月主题：人居环境整治") for message in reminded)


async def test_missing_meeting_reminder_waits_out_the_busy_season(app: App,
                                                                  clock: ManualClock) -> None:
    season = Blackout("秋收", date(2000, 11, 15), date(2000, 11, 25), yearly=True,
                      village="金竹村")
    app.context = replace(app.context, rules=Rules(blackouts=(season,)))
    bot = FakeBot(app, clock)
    await bot.start(set())
    # On the 20th 金竹村 is harvesting: only 丰收村's head is reminded.
    assert [message.chat_id for message in await bot.tick(at(11, 20, 9))] == ["H03"]
    assert await bot.tick(at(11, 25, 21)) == []
    # 枫树湾 holds its meeting after the season; the other two 屋场 still have none.
    await bot.say("H01", "枫树湾", "/meeting 2026-11-28 19:30 晒谷坪 修路")
    after = await bot.tick(at(11, 26, 9))
    assert sorted(message.chat_id for message in after) == ["H02", "H04"]
    assert after[0].text.startswith("11月")
    assert await bot.tick(at(11, 27, 9)) == []


async def test_a_household_living_away_is_not_counted_against_the_resident_ones(
        more: FakeBot) -> None:
    # 颜荣香's household (4号) lives away: it may ask, but the threshold counts resident
    # households on both sides (rule M8), so her request adds none.
    away = await more.say("V03", "枫树湾", "/request 修路")
    assert texts_of(away) == [texts.REQUEST_RECORDED.format(topic="修路", asking=0, resident=4)]
