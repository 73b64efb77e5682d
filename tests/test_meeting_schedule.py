"""Before a meeting (M8): /cancel, replacing a pending meeting, dates as heads type them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from bot.wiring import App
from core import texts
from core.messages import ChatKind, Outgoing
from storage import events, org
from storage.schema import event, meeting
from tests.conftest import SHANGHAI, FakeBot, texts_of

FENGSHU, YANGJIA = "枫树湾", "杨家湾"
SATURDAY = "11月7日（周六）19:30"


async def _chat(app: App, name: str) -> str:
    """The console chat id of a 屋场 group."""
    async with app.context.db.read() as connection:
        (found,) = await org.homesteads_named(connection, name)
    return f"hs:{found.id}"


async def _meetings(app: App) -> list[tuple[str, str]]:
    """Every meeting as (place, status), oldest first."""
    async with app.context.db.read() as connection:
        return [(row.place, row.status) for row in await connection.execute(
            select(meeting.c.place, meeting.c.status).order_by(meeting.c.id))]


async def _state(app: App) -> tuple[Any, ...]:
    """What a refusal must leave untouched: meetings and the event log."""
    async with app.context.db.read() as connection:
        return (await _meetings(app),
                await connection.scalar(select(func.count()).select_from(event)))


async def _cancellations(app: App) -> list[dict[str, Any]]:
    async with app.context.db.read() as connection:
        return [found.payload for found in await events.of_kind(connection, "meeting.cancelled")]


def _in(messages: list[Outgoing], chat_id: str) -> list[str]:
    return [message.text for message in messages if message.chat_id == chat_id]


async def _refused(app: App, bot: FakeBot, person: str, chat: str, text: str,
                   expected: str) -> None:
    before = await _state(app)
    assert texts_of(await bot.say(person, chat, text)) == [expected]
    assert await _state(app) == before


# --- /cancel ------------------------------------------------------------------------

async def test_cancelled_meeting_is_announced_and_never_reminded(app: App, bot: FakeBot) -> None:
    fengshu, yangjia = await _chat(app, FENGSHU), await _chat(app, YANGJIA)
    await bot.say("H01", FENGSHU, "/meeting 2026-11-07 19:30 晒谷坪 修路")
    await bot.say("H02", YANGJIA, "/meeting 2026-11-07 19:30 祠堂 清淤")  # kept: reminded
    cancelled = await bot.say("H01", FENGSHU, "/cancel 下雨路滑")
    assert texts_of(cancelled) == [texts.MEETING_CANCELLED_NOTICE.format(
        head="李勇", when=SATURDAY, place="晒谷坪", reason="原因：下雨路滑")]
    assert cancelled[0].chat_id == fengshu
    assert await _meetings(app) == [("晒谷坪", "cancelled"), ("祠堂", "scheduled")]
    assert await _cancellations(app) == [{"reason": "下雨路滑", "replaced_by": None}]
    # The evening before and the hour before: only the meeting still on is reminded.
    for moment in (datetime(2026, 11, 6, 19, 1, tzinfo=SHANGHAI),
                   datetime(2026, 11, 7, 18, 31, tzinfo=SHANGHAI)):
        sent = await bot.tick(moment)
        assert _in(sent, fengshu) == []
        assert len(_in(sent, yangjia)) == 1
    await _refused(app, bot, "H01", FENGSHU, "/cancel", texts.MEETING_NOTHING_TO_CANCEL)


async def test_cancel_privately_tells_the_group(app: App, bot: FakeBot) -> None:
    await bot.say("H01", "private", "/meeting 2026-11-07 19:30 晒谷坪 修路")
    replies = await bot.say("H01", "private", "/cancel")
    assert replies[0].chat_kind is ChatKind.PRIVATE
    assert replies[0].text == texts.MEETING_CANCEL_DONE.format(when=SATURDAY)
    assert _in(replies, await _chat(app, FENGSHU)) == [texts.MEETING_CANCELLED_NOTICE.format(
        head="李勇", when=SATURDAY, place="晒谷坪", reason="")]


async def test_cancel_refusals_change_nothing(app: App, bot: FakeBot) -> None:
    await _refused(app, bot, "H01", FENGSHU, "/cancel", texts.MEETING_NOTHING_TO_CANCEL)
    await bot.say("H01", FENGSHU, "/meeting 2026-11-05 20:00 晒谷坪 修路")
    await _refused(app, bot, "V01", FENGSHU, "/cancel",
                   texts.ROLE_REFUSED.format(role="村民", command="/cancel"))
    await _refused(app, bot, "R01", FENGSHU, "取消",
                   texts.ROLE_REFUSED.format(role="记录员", command="/cancel"))
    await _refused(app, bot, "H02", FENGSHU, "/cancel",
                   texts.PLACE_REFUSED.format(place="金竹村枫树湾"))
    bot.clock.set(datetime(2026, 11, 5, 20, 0, tzinfo=SHANGHAI))
    await bot.say("H01", FENGSHU, "/open")
    await _refused(app, bot, "H01", FENGSHU, "/cancel", texts.MEETING_OPEN_NOT_CANCELLED)
    assert await _meetings(app) == [("晒谷坪", "open")]


async def test_typed_alias_cancels(app: App, bot: FakeBot) -> None:
    await bot.say("H01", FENGSHU, "/meeting 2026-11-07 19:30 晒谷坪 修路")
    assert texts_of(await bot.say("H01", FENGSHU, "取消 村部要用")) == [
        texts.MEETING_CANCELLED_NOTICE.format(head="李勇", when=SATURDAY, place="晒谷坪",
                                              reason="原因：村部要用")]


# --- a second meeting while one is pending ------------------------------------------------

async def test_second_meeting_asks_and_keeping_changes_nothing(app: App, bot: FakeBot) -> None:
    await bot.say("H01", FENGSHU, "/meeting 2026-11-06 19:30 晒谷坪 修路")
    asked = await bot.say("H01", FENGSHU, "/meeting 2026-11-08 19:30 祠堂 清淤")
    assert texts_of(asked) == [texts.MEETING_REPLACE_ASK.format(
        old="11月6日（周五）19:30", place="晒谷坪", topic="修路", new="11月8日（周日）19:30")]
    assert asked[0].button_labels() == ["替换", "保留"]
    assert all(len(button.payload.encode()) <= 64 for row in asked[0].buttons for button in row)
    assert texts_of(await bot.press("V01", FENGSHU, "替换")) == [
        texts.ROLE_REFUSED.format(role="村民", command="/mreplace")]
    kept = await bot.press("H01", FENGSHU, "保留")
    assert texts_of(kept) == [texts.MEETING_KEPT.format(when="11月6日（周五）19:30")]
    assert await _meetings(app) == [("晒谷坪", "scheduled"), ("祠堂", "cancelled")]
    assert await _cancellations(app) == []
    # The question was answered: its other button does nothing now.
    assert texts_of(await bot.press("H01", FENGSHU, "替换")) == [texts.MEETING_NOT_PENDING]
    assert await _meetings(app) == [("晒谷坪", "scheduled"), ("祠堂", "cancelled")]


async def test_replacing_cancels_the_old_meeting_and_its_reminders(app: App,
                                                                   bot: FakeBot) -> None:
    fengshu = await _chat(app, FENGSHU)
    await bot.say("H01", FENGSHU, "/meeting 2026-11-06 19:30 晒谷坪 修路")
    await bot.say("H01", FENGSHU, "/meeting 2026-11-08 19:30 祠堂 清淤")
    replaced = await bot.press("H01", FENGSHU, "替换")
    assert texts_of(replaced)[0] == texts.MEETING_CANCELLED_NOTICE.format(
        head="李勇", when="11月6日（周五）19:30", place="晒谷坪",
        reason="改到11月8日（周日）19:30开。")
    assert texts_of(replaced)[1].startswith("已安排议事恳谈会：11月8日（周日）19:30，在祠堂。")
    assert await _meetings(app) == [("晒谷坪", "cancelled"), ("祠堂", "scheduled")]
    (payload,) = await _cancellations(app)
    assert payload["replaced_by"] is not None
    assert texts_of(await bot.press("H01", FENGSHU, "保留")) == [texts.MEETING_NOT_PENDING]
    # The old meeting's hour-before moment passes in silence; the new one is reminded.
    assert _in(await bot.tick(datetime(2026, 11, 6, 18, 31, tzinfo=SHANGHAI)), fengshu) == []
    evening = _in(await bot.tick(datetime(2026, 11, 7, 19, 1, tzinfo=SHANGHAI)), fengshu)
    assert [text.split("\n")[0] for text in evening] == [
        "提醒：明天19:30在祠堂召开红色屋场议事恳谈会。"]


async def test_replacing_privately_tells_the_group_both(app: App, bot: FakeBot) -> None:
    await bot.say("H01", "private", "/meeting 2026-11-06 19:30 晒谷坪 修路")
    asked = await bot.say("H01", "private", "/meeting 2026-11-08 19:30 祠堂 清淤")
    assert asked[0].button_labels() == ["替换", "保留"]
    replaced = await bot.press("H01", "private", "替换")
    group = _in(replaced, await _chat(app, FENGSHU))
    assert group[0].startswith("李勇取消了11月6日（周五）19:30在晒谷坪的议事恳谈会。改到")
    assert group[1].startswith("李勇安排了议事恳谈会：11月8日（周日）19:30，在祠堂。")


async def test_busy_season_then_replace(app: App, busy_bot: FakeBot) -> None:
    bot = busy_bot
    await bot.say("H01", FENGSHU, "/meeting 2026-11-06 19:30 晒谷坪 修路")
    await bot.press("H01", FENGSHU, "确认安排")
    asked = await bot.say("H01", FENGSHU, "/meeting 2026-11-07 19:30 祠堂 清淤")
    assert asked[0].button_labels() == ["确认安排", "取消"]
    confirmed = await bot.press("H01", FENGSHU, "确认安排")
    assert confirmed[0].button_labels() == ["替换", "保留"]
    replaced = await bot.press("H01", FENGSHU, "替换")
    assert texts_of(replaced)[1].startswith("已安排议事恳谈会：11月7日（周六）19:30")
    assert await _meetings(app) == [("晒谷坪", "cancelled"), ("祠堂", "scheduled")]
    # 取消 typed under a question drops what was asked, not the meeting already on.
    await bot.say("H01", FENGSHU, "/meeting 2026-11-08 19:30 村部 再议")
    assert texts_of(await bot.say("H01", FENGSHU, "取消")) == [
        texts.MEETING_ASKED_DROPPED.format(when="11月8日（周日）19:30",
                                           kept=texts.MEETING_STILL_ON.format(when=SATURDAY))]
    assert await _meetings(app) == [("晒谷坪", "cancelled"), ("祠堂", "scheduled"),
                                    ("村部", "cancelled")]
    assert await _cancellations(app) == [{"reason": "", "replaced_by": 2}]


# --- what heads type on Chinese phone keyboards ----------------------------------------

async def test_full_width_slash_spaces_and_chinese_dates(app: App, bot: FakeBot) -> None:
    scheduled = await bot.say("H01", FENGSHU, "／meeting　明天　19点30　晒谷坪　讨论 修路")
    assert texts_of(scheduled) == [texts.MEETING_SCHEDULED.format(
        when="11月6日（周五）19:30", place="晒谷坪", topic="讨论 修路")]
    next_wednesday = await bot.say("H02", YANGJIA, "/开会 下周三 19点半 祠堂 清淤")
    assert next_wednesday[0].text.startswith("已安排议事恳谈会：11月11日（周三）19:30，在祠堂。")
    month_day = await bot.say("H03", "丰收村/老屋场", "/meeting 12-21 晚上7点 祠堂 议题")
    assert month_day[0].text.startswith("已安排议事恳谈会：12月21日（周一）19:00")
    one_word = await bot.say("H04", "金竹村/老屋场", "／ＭＥＥＴＩＮＧ 后天19：30 村部 议题")
    assert one_word[0].text.startswith("已安排议事恳谈会：11月7日（周六）19:30")


async def test_chinese_dates_in_the_past_or_unreadable_are_refused(app: App,
                                                                   bot: FakeBot) -> None:
    await _refused(app, bot, "H01", FENGSHU, "/meeting 今天 18点 村部 议题",
                   texts.MEETING_IN_PAST.format(when="11月5日（周四）18:00"))
    await _refused(app, bot, "H01", FENGSHU, "/meeting 11-04 19:30 村部 议题",
                   texts.MEETING_IN_PAST.format(when="11月4日（周三）19:30"))
    await _refused(app, bot, "H01", FENGSHU, "／meeting 下周八 19点 村部 议题",
                   texts.MEETING_BAD_TIME.format(value="下周八 19点"))
    await _refused(app, bot, "H01", FENGSHU, "/meeting 明天19点 村部",
                   texts.MEETING_USAGE)
    assert await _meetings(app) == []


async def test_promise_reads_the_same_dates(app: App, bot: FakeBot) -> None:
    await bot.say("V01", FENGSHU, "/issue 村口路灯坏了")
    await bot.press("V01", FENGSHU, "设施管护")
    assert texts_of(await bot.say("H01", FENGSHU, "／promise 1 12月10日 买灯泡")) == [
        texts.PROMISE_RECORDED.format(number=1, day="12月10日", note="买灯泡")]
    assert texts_of(await bot.say("H01", FENGSHU, "/promise 1 下周一")) == [
        texts.PROMISE_RECORDED.format(number=1, day="11月9日", note="")]
