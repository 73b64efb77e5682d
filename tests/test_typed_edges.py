"""What people type is checked at the edge with a clear reply, never 出了点问题 (issue 22 item 11)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from core import texts
from core.messages import ChatKind, Incoming
from core.when import DateTooFar, parse_day
from tests.conftest import SHANGHAI, FakeBot, texts_of


async def _motion_open(bot: FakeBot) -> None:
    await bot.say("H01", "枫树湾", "/meeting 2026-11-06 19:30 晒谷坪 讨论修路")
    bot.clock.set(datetime(2026, 11, 6, 19, 30, tzinfo=SHANGHAI))
    await bot.say("H01", "枫树湾", "/open")
    await bot.say("R01", "枫树湾", "/attend 1 2")
    await bot.say("H01", "枫树湾", "/motion 修路")


@pytest.mark.parametrize("text", [
    "/tally ² 0 0", "/tally 1 ¹ 0", "/attend ²", "/attend 1*²", "/status ²",
    "/status 99999999999999999999", "/status 2147483648", "/solve 2147483648 修好了",
    "/ratings 2147483648 1 0 0", "/done 2147483648 已办", "/minutes 说\x00话",
])
async def test_odd_numbers_and_characters_get_a_clear_reply(bot: FakeBot, text: str) -> None:
    await _motion_open(bot)
    replies = texts_of(await bot.say("R01", "枫树湾", text))
    assert replies and texts.INTERNAL_ERROR not in replies


@pytest.mark.parametrize("payload", ["vote:¹", "vote:¹:yes", "checkin:¹", "checkin:2147483648",
                                     "vote:2147483648:yes", "icat:1:¹", "rate:¹:satisfied"])
async def test_forged_button_data_gets_a_clear_reply(bot: FakeBot, payload: str) -> None:
    await _motion_open(bot)
    incoming = Incoming(channel="console", chat_id="hs:3", chat_kind=ChatKind.GROUP,
                        user_id="V01", payload=payload)
    replies = [reply.text for reply in await bot.app.answer(incoming)]
    assert replies and texts.INTERNAL_ERROR not in replies


async def test_nul_is_refused_at_the_edge(bot: FakeBot) -> None:
    assert texts_of(await bot.say("V01", "枫树湾", "/issue 路灯\x00坏了")) == [texts.TEXT_HAS_NUL]


async def test_an_over_long_place_is_refused(bot: FakeBot) -> None:
    place = "晒" * 201
    assert texts_of(await bot.say("H01", "枫树湾", f"/meeting 2026-11-06 19:30 {place} 修路")) == [
        texts.TEXT_TOO_LONG.format(what="地点", limit=200)]


async def test_an_over_long_department_is_refused(bot: FakeBot) -> None:
    await bot.say("V01", "枫树湾", "/issue 桥断了")
    await bot.press("V01", "枫树湾", "基建加强")
    await bot.say("H01", "枫树湾", "/escalate 1")
    await bot.say("C01", "private", "/escalate 1")
    replies = texts_of(await bot.say("T01", "private", f"/assign 1 {'交' * 101} T01 2026-12-20"))
    assert replies == [texts.TEXT_TOO_LONG.format(what="部门", limit=100)]


def test_a_day_more_than_two_years_ahead_is_refused() -> None:
    today = date(2026, 11, 5)
    assert parse_day("2028-11-05", today) == date(2028, 11, 5)
    with pytest.raises(DateTooFar):
        parse_day("2028-11-06", today)
    with pytest.raises(DateTooFar):
        parse_day("9999-12-31", today)
    assert texts.format_day(date(2027, 1, 5), today=today) == "2027年1月5日"
    assert texts.format_day(date(2026, 12, 5), today=today) == "12月5日"


async def test_promise_far_ahead_refused_and_next_year_shows_the_year(bot: FakeBot) -> None:
    await bot.say("V01", "枫树湾", "/issue 路灯坏了")
    await bot.press("V01", "枫树湾", "设施管护")
    assert texts_of(await bot.say("H01", "枫树湾", "/promise 1 9999-12-31")) == [
        texts.DATE_TOO_FAR.format(value="9999-12-31")]
    promised = texts_of(await bot.say("H01", "枫树湾", "/promise 1 2027-01-05"))
    assert "2027年1月5日" in promised[0]
