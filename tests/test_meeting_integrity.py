"""Meetings that cannot be bent: counts within persons present, never-opened meetings (issue 22)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.wiring import App
from core import texts
from storage import meetings
from storage.schema import meeting, motion
from tests.conftest import SHANGHAI, FakeBot, texts_of

MEETING_AT = datetime(2026, 11, 6, 19, 30, tzinfo=SHANGHAI)


async def _open_meeting(bot: FakeBot) -> None:
    await bot.say("H01", "枫树湾", "/meeting 2026-11-06 19:30 晒谷坪 讨论修路")
    bot.clock.set(MEETING_AT)
    await bot.say("H01", "枫树湾", "/open")


async def test_a_count_never_exceeds_persons_present_when_decided(app: App, bot: FakeBot) -> None:
    await _open_meeting(bot)
    await bot.say("R01", "枫树湾", "/attend 1 2 3*2")
    await bot.say("H01", "枫树湾", "/motion 修路")
    assert texts_of(await bot.say("R01", "枫树湾", "/tally 4 0 0")) == [
        texts.TALLY_RECORDED.format(yes=4, no=0, abstain=0)]
    await bot.say("R01", "枫树湾", "/attend 3*1")  # one of household 3 left
    refused = texts.TALLY_EXCEEDS_PRESENT.format(total=4, persons=3)
    assert texts_of(await bot.say("H01", "枫树湾", "/close")) == [refused]
    assert texts_of(await bot.say("H01", "枫树湾", "/end")) == [refused]
    async with app.context.db.read() as connection:
        assert await connection.scalar(select(motion.c.status)) == "open"
    await bot.say("R01", "枫树湾", "/tally 3 0 0")
    closed = await bot.say("H01", "枫树湾", "/close")
    assert "赞成3 反对0 弃权0，到会3人，须赞成3人：通过。" in closed[0].text


async def test_a_meeting_never_opened_becomes_missed_after_its_day(app: App, bot: FakeBot) -> None:
    await bot.say("H01", "枫树湾", "/meeting 2026-11-06 19:30 晒谷坪 讨论修路")
    assert [m for m in await bot.tick(datetime(2026, 11, 6, 23, 59, tzinfo=SHANGHAI))
            if m.chat_id == "H01"] == []
    told = [m for m in await bot.tick(datetime(2026, 11, 7, 0, 5, tzinfo=SHANGHAI))
            if m.chat_id == "H01"]
    assert texts_of(told) == [texts.MEETING_MISSED.format(
        when="11月6日（周五）19:30", place="晒谷坪", topic="讨论修路")]
    async with app.context.db.read() as connection:
        assert await connection.scalar(select(meeting.c.status)) == "missed"
    assert await bot.tick(datetime(2026, 11, 7, 1, 0, tzinfo=SHANGHAI)) == []  # told once
    assert texts_of(await bot.say("H01", "枫树湾", "/open")) == [texts.MEETING_NONE_SCHEDULED]
    async with app.context.db.read() as connection:  # not held: the month has no meeting
        assert await meetings.homesteads_with_meeting(
            connection, datetime(2026, 11, 1, tzinfo=SHANGHAI),
            datetime(2026, 12, 1, tzinfo=SHANGHAI)) == set()


async def test_open_only_opens_a_meeting_of_today(app: App, bot: FakeBot) -> None:
    await bot.say("H01", "枫树湾", "/meeting 2026-11-06 19:30 晒谷坪 讨论修路")
    bot.clock.set(datetime(2026, 11, 7, 9, 0, tzinfo=SHANGHAI))  # before any job ran
    assert texts_of(await bot.say("H01", "枫树湾", "/open")) == [
        texts.MEETING_DAY_PASSED.format(when="11月6日（周五）19:30")]
    async with app.context.db.read() as connection:
        assert await connection.scalar(select(meeting.c.status)) == "scheduled"
