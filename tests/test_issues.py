"""The problem ledger through the real handlers: raise, promise, escalate, assign, solve, rate."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.admin import import_roster_file, verify
from bot.channels.console import CHANNEL
from bot.settings import Settings
from bot.wiring import App, build_app
from core import texts
from core.clock import ManualClock
from core.issues import CATEGORIES, Level, Status
from core.messages import ChatKind, Incoming, Outgoing
from storage import issues, org
from storage.issues import Issue
from storage.schema import event, issue, outbox, rating, rating_round
from tests.conftest import SHANGHAI, SMALL_ROSTER, FakeBot, joined, texts_of

FENGSHU = "枫树湾"
FENGSHU_FULL = "金竹村枫树湾"
RATINGS = ["满意", "基本满意", "不满意"]
# A second official of 金溪镇, for "solving an issue assigned to someone else".
EXTRA_OFFICIAL = ("编号,姓名,镇,网格,村,屋场,户号,在家,党员,年龄,角色,手机\n"
                  "T03,吴干事,金溪镇,,,,,,否,30,镇干部,13800000011\n")


def at(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2026) -> datetime:
    """A moment in Shanghai."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


async def _ledger(app: App) -> tuple[Any, ...]:
    """Everything a refusal must leave untouched: events, issue rows, rounds and ratings."""
    async with app.context.db.read() as connection:
        return (
            await connection.scalar(select(func.count()).select_from(event)),
            [tuple(row) for row in await connection.execute(select(issue).order_by(issue.c.id))],
            [tuple(row) for row in await connection.execute(
                select(rating_round).order_by(rating_round.c.id))],
            [tuple(row) for row in await connection.execute(
                select(rating).order_by(rating.c.round_id, rating.c.person_id))],
        )


async def _issue(app: App, number: int) -> Issue:
    async with app.context.db.read() as connection:
        found = await issues.get(connection, number)
    assert found is not None
    return found


async def _group(app: App, name: str) -> str:
    """The console chat id of a 屋场 group."""
    async with app.context.db.read() as connection:
        (found,) = await org.homesteads_named(connection, name)
    return f"hs:{found.id}"


async def _outbox_keys(app: App) -> list[str]:
    async with app.context.db.read() as connection:
        return sorted(row[0] for row in await connection.execute(select(outbox.c.key)))


async def _raise(bot: FakeBot, person: str, chat: str, title: str, category: str) -> int:
    """Raise an issue and pick its category; return its number."""
    replies = await bot.say(person, chat, f"/issue {title}")
    match = re.match(r"已记入问题清单：(\d+)号问题", replies[0].text)
    assert match is not None, texts_of(replies)
    number = int(match.group(1))
    assert texts_of(await bot.press(person, chat, category)) == [
        texts.ISSUE_CATEGORY_SET.format(number=number, category=category)]
    return number


async def _refused(app: App, replies: list[Outgoing], expected: str,
                   before: tuple[Any, ...]) -> None:
    """One refusal with exactly this text, and nothing in the ledger changed."""
    assert texts_of(replies) == [expected]
    assert await _ledger(app) == before


async def _say_refused(app: App, bot: FakeBot, person: str, chat: str, text: str,
                       expected: str) -> None:
    before = await _ledger(app)
    await _refused(app, await bot.say(person, chat, text), expected, before)


async def _press_refused(app: App, bot: FakeBot, person: str, chat: str, label: str,
                         expected: str) -> None:
    before = await _ledger(app)
    replies = await bot.press(person, chat, label)
    await _refused(app, replies, expected, before)
    assert replies[0].toast


def _window(start: str, counted_from: str = texts.COUNTED_FROM_VILLAGE) -> str:
    """How a message states the start of the village's 5 working days (rule I9)."""
    return texts.REPORT_WINDOW.format(start=start, counted_from=counted_from, days=5)


def _to(messages: list[Outgoing], chat_id: str) -> list[str]:
    return [message.text for message in messages if message.chat_id == chat_id]


def _about(messages: list[Outgoing], text: str) -> list[Outgoing]:
    return [message for message in messages if message.text == text]


async def _to_village(bot: FakeBot, number: int) -> None:
    replies = await bot.say("H01", FENGSHU, f"/escalate {number}")
    assert "已上报村里" in replies[0].text


async def _to_township(bot: FakeBot, number: int) -> None:
    await _to_village(bot, number)
    replies = await bot.say("C01", "private", f"/escalate {number} 村里没钱")
    assert replies[0].text == texts.ESCALATED_TO_TOWNSHIP.format(
        number=number, title=(await _issue(bot.app, number)).title, reason="村里没钱")


@pytest.fixture
async def sqlite_bot(sqlite_url: str, clock: ManualClock) -> AsyncIterator[FakeBot]:
    """A bound bot on SQLite alone, for bugs in the logic rather than in a database."""
    wired = await build_app(Settings(database_url=sqlite_url), clock)
    try:
        await import_roster_file(wired, SMALL_ROSTER)
        fake = FakeBot(wired, clock)
        await fake.start(set())
        yield fake
    finally:
        await wired.close()


# --- I1: raising an issue and its category ------------------------------------------------

async def test_raise_in_the_group_and_pick_a_category(app: App, bot: FakeBot) -> None:
    raised = await bot.say("V01", FENGSHU, "/issue 村口路灯坏了")
    assert texts_of(raised) == [texts.ISSUE_RAISED.format(number=1, title="村口路灯坏了")]
    assert raised[0].button_labels() == list(CATEGORIES)
    assert all(len(row) == 2 for row in raised[0].buttons)
    assert [button.payload for row in raised[0].buttons for button in row] == [
        f"icat:1:{index}" for index in range(10)]
    fresh = await _issue(app, 1)
    assert (fresh.category, fresh.level, fresh.status, fresh.overdue) == (
        None, Level.HOMESTEAD, Status.OPEN, False)

    # Another villager of the same household, and a village cadre, may not pick it.
    await _press_refused(app, bot, "V02", FENGSHU, "设施管护", texts.ISSUE_CATEGORY_NOT_YOURS)
    await _press_refused(app, bot, "C01", FENGSHU, "设施管护", texts.ISSUE_CATEGORY_NOT_YOURS)
    picked = await bot.press("V01", FENGSHU, "设施管护")
    assert texts_of(picked) == [texts.ISSUE_CATEGORY_SET.format(number=1, category="设施管护")]
    assert (await _issue(app, 1)).category == "设施管护"
    await _press_refused(app, bot, "H01", FENGSHU, "环境治理",
                         texts.ISSUE_CATEGORY_ALREADY.format(number=1))
    assert (await _issue(app, 1)).category == "设施管护"

    # The head and the recorder may pick the category of someone else's issue.
    await bot.say("V02", FENGSHU, "/issue 水井要清淤")
    assert texts_of(await bot.press("H01", FENGSHU, "生活改善")) == [
        texts.ISSUE_CATEGORY_SET.format(number=2, category="生活改善")]
    await bot.say("V03", FENGSHU, "/issue 祠堂屋顶漏雨")
    assert texts_of(await bot.press("R01", FENGSHU, "基建加强")) == [
        texts.ISSUE_CATEGORY_SET.format(number=3, category="基建加强")]

    await _say_refused(app, bot, "V01", FENGSHU, "/issue", texts.ISSUE_USAGE)
    await _say_refused(app, bot, "V01", FENGSHU, "/issue    ", texts.ISSUE_USAGE)
    # Until it has a category an issue cannot move.
    await bot.say("V01", FENGSHU, "/issue 村道塌方")
    await _say_refused(app, bot, "H01", FENGSHU, "/escalate 4",
                       texts.ISSUE_NO_CATEGORY.format(number=4))
    await _say_refused(app, bot, "H01", FENGSHU, "/solve 4 修好了",
                       texts.ISSUE_NO_CATEGORY.format(number=4))
    async with app.context.db.read() as connection:
        raised_events = [found.kind for found in await issues.history(connection, 1)]
    assert raised_events == ["issue.raised", "issue.categorised"]


async def test_a_village_cadre_who_raised_an_issue_picks_its_category(
        sqlite_bot: FakeBot) -> None:
    bot = sqlite_bot
    await bot.say("C01", FENGSHU, "/issue 村道塌方")
    assert texts_of(await bot.press("C01", FENGSHU, "基建加强")) == [
        texts.ISSUE_CATEGORY_SET.format(number=1, category="基建加强")]


async def test_an_issue_raised_in_a_meeting_is_in_its_summary(app: App, bot: FakeBot) -> None:
    await _raise(bot, "V02", FENGSHU, "水井要清淤", "生活改善")  # before the meeting
    await bot.say("H01", FENGSHU, "/meeting 2026-11-06 19:30 晒谷坪 议事")
    bot.clock.set(at(11, 6, 19, 30))
    await bot.say("H01", FENGSHU, "/open")
    await _raise(bot, "V01", FENGSHU, "村口路灯坏了", "设施管护")
    ended = await bot.say("H01", FENGSHU, "/end")
    line = texts.SUMMARY_ISSUES.format(count=1, titles="2号村口路灯坏了")
    assert line in ended[0].text.split("\n")
    assert "水井" not in ended[0].text
    assert _to(ended, "C01") == [ended[0].text]
    assert (await _issue(app, 2)).meeting_id is not None
    assert (await _issue(app, 1)).meeting_id is None


# --- I2: solved on the spot or an agreed date ------------------------------------------------

async def test_promise_records_the_date_and_overdue_is_told_once(app: App, bot: FakeBot) -> None:
    await _raise(bot, "V01", FENGSHU, "村口路灯坏了", "设施管护")
    await _say_refused(app, bot, "V01", FENGSHU, "/promise 1 2026-12-10",
                       texts.ROLE_REFUSED.format(role="村民", command="/promise"))
    await _say_refused(app, bot, "H01", FENGSHU, "/promise 1", texts.PROMISE_USAGE)
    await _say_refused(app, bot, "H01", FENGSHU, "/promise 1 2026-11-04 昨天",
                       texts.PROMISE_BAD_DATE.format(value="2026-11-04"))
    await _say_refused(app, bot, "H01", FENGSHU, "/promise 1 12月32日",
                       texts.PROMISE_BAD_DATE.format(value="12月32日"))
    await _say_refused(app, bot, "H01", FENGSHU, "/promise 1 2026-02-30",
                       texts.PROMISE_BAD_DATE.format(value="2026-02-30"))
    await _say_refused(app, bot, "H01", FENGSHU, "/promise 7 2026-12-10",
                       texts.ISSUE_UNKNOWN.format(number=7))

    promised = await bot.say("H01", FENGSHU, "/promise 1 2026-12-10 买灯泡换上")
    assert texts_of(promised) == [texts.PROMISE_RECORDED.format(
        number=1, day="12月10日", note="买灯泡换上")]
    found = await _issue(app, 1)
    assert (found.agreed_date, found.overdue, found.status) == (
        date(2026, 12, 10), False, Status.OPEN)

    overdue_text = texts.PROMISE_OVERDUE.format(number=1, title="村口路灯坏了", day="12月10日")
    assert _about(await bot.tick(at(12, 10, 23, 59)), overdue_text) == []
    assert not (await _issue(app, 1)).overdue
    told = _about(await bot.tick(at(12, 11, 0, 5)), overdue_text)
    assert [(message.chat_id, message.chat_kind) for message in told] == [
        ("H01", ChatKind.PRIVATE)]
    assert (await _issue(app, 1)).overdue
    for moment in (at(12, 11, 0, 10), at(12, 11, 9), at(12, 12, 9)):
        assert _about(await bot.tick(moment), overdue_text) == []
    async with app.context.db.read() as connection:
        kinds = [found.kind for found in await issues.history(connection, 1)]
    assert kinds.count("issue.overdue") == 1
    status = await bot.say("V02", FENGSHU, "/status 1")
    assert status[0].text.startswith(texts.STATUS_HEADER.format(
        number=1, title="村口路灯坏了", homestead=FENGSHU_FULL, category="设施管护",
        level="屋场", status="待处理", overdue=texts.OVERDUE_MARK))
    assert texts.STATUS_DEADLINE.format(day="2026-12-10") in status[0].text.split("\n")


# --- I3: to the village, and to the township past 5 working days ---------------------------

async def test_escalate_without_meeting_then_the_sweep_goes_to_the_township_once(
        app: App, bot: FakeBot) -> None:
    await _raise(bot, "V01", FENGSHU, "村口路灯坏了", "设施管护")
    group = await _group(app, FENGSHU)
    escalated = await bot.say("H01", FENGSHU, "/escalate 1 需要村里出钱")
    notice = texts.ESCALATED_TO_VILLAGE.format(
        number=1, title="村口路灯坏了", deadline="11月12日", reason="需要村里出钱",
        window=_window("11月5日"))
    # Escalated on Thursday 11-05: five working days later is Thursday 11-12.
    assert [(message.chat_id, message.text) for message in escalated] == [
        (group, notice), ("C01", notice)]
    found = await _issue(app, 1)
    assert (found.level, found.status, found.deadline, found.overdue) == (
        Level.VILLAGE, Status.ESCALATED, date(2026, 11, 12), False)

    overdue = texts.ESCALATED_OVERDUE.format(number=1, title="村口路灯坏了", deadline="11月12日",
                                             window=_window("11月5日"))
    assert _about(await bot.tick(at(11, 12, 23, 59)), overdue) == []
    assert (await _issue(app, 1)).level is Level.VILLAGE
    swept = _about(await bot.tick(at(11, 13, 0, 5)), overdue)
    assert sorted(message.chat_id for message in swept) == sorted(["T01", "C01", group])
    found = await _issue(app, 1)
    assert (found.level, found.status, found.overdue) == (
        Level.TOWNSHIP, Status.ESCALATED, True)
    before = await _ledger(app)
    for moment in (at(11, 13, 0, 10), at(11, 13, 9), at(11, 16, 9)):
        assert _about(await bot.tick(moment), overdue) == []
    assert await _ledger(app) == before
    assert sum(key.startswith("issue:1:overdue-escalated") for key in
               await _outbox_keys(app)) == 3
    async with app.context.db.read() as connection:
        history = await issues.history(connection, 1)
    assert [(entry.kind, entry.actor_id is None) for entry in history][-2:] == [
        ("issue.escalated", False), ("issue.escalated", True)]
    assert history[-1].payload["automatic"] is True


async def _meeting_issue(bot: FakeBot, head: str, chat: str, day: date, raiser: str,
                         title: str) -> int:
    """Hold a meeting on ``day`` where ``raiser`` raises an issue; return its number."""
    bot.clock.set(at(day.month, day.day, 10, year=day.year) - timedelta(days=1))
    await bot.say(head, chat, f"/meeting {day.isoformat()} 19:30 村部 议事")
    bot.clock.set(at(day.month, day.day, 19, 30, year=day.year))
    assert (await bot.say(head, chat, "/open"))[0].button_labels() == ["签到"]
    number = await _raise(bot, raiser, chat, title, "基建加强")
    await bot.say(head, chat, "/end")
    return number


async def test_deadline_counts_working_days_across_holidays_and_into_2027(
        app: App, bot: FakeBot) -> None:
    # Spring Festival 2026: meeting Thursday 02-12, escalated that evening (rule I9: the
    # meeting's day), so the 5 working days cross the holiday.
    spring = await _meeting_issue(bot, "H01", FENGSHU, date(2026, 2, 12), "V01", "水渠堵了")
    bot.clock.set(at(2, 12, 21))
    escalated = await bot.say("H01", FENGSHU, f"/escalate {spring}")
    assert escalated[0].text == texts.ESCALATED_TO_VILLAGE.format(
        number=spring, title="水渠堵了", deadline="2月26日", reason="",
        window=_window("2月12日", texts.COUNTED_FROM_MEETING))
    assert (await _issue(app, spring)).deadline == date(2026, 2, 26)

    # National Day 2026 and the swapped Saturday 10-10: meeting 09-29, escalated 10-09.
    # Rule I9 (on purpose, issue 13): it reached the village on 10-09, after the meeting,
    # so the 5 working days count from 10-09: 10-10 (worked), 10-12 .. 10-15.
    autumn = await _meeting_issue(bot, "H02", "杨家湾", date(2026, 9, 29), "V04", "桥栏杆松了")
    bot.clock.set(at(10, 9, 9))
    escalated = await bot.say("H02", "杨家湾", f"/escalate {autumn}")
    assert escalated[0].text == texts.ESCALATED_TO_VILLAGE.format(
        number=autumn, title="桥栏杆松了", deadline="10月15日", reason="",
        window=_window("10月9日"))
    assert _to(escalated, "C01") == [escalated[0].text]
    assert (await _issue(app, autumn)).deadline == date(2026, 10, 15)
    overdue = texts.ESCALATED_OVERDUE.format(number=autumn, title="桥栏杆松了",
                                             deadline="10月15日", window=_window("10月9日"))
    assert _about(await bot.tick(at(10, 10, 9)), overdue) == []
    assert _about(await bot.tick(at(10, 15, 20)), overdue) == []
    assert len(_about(await bot.tick(at(10, 16, 0, 5)), overdue)) == 3
    # The spring issue went to the township long ago, on the first tick after 02-26.
    assert (await _issue(app, spring)).level is Level.TOWNSHIP

    # Year end into 2027, whose holidays nobody knows: Monday-Friday, and the township
    # officials are warned once, however many issues are escalated.
    bot.clock.set(at(12, 28, 9))
    first = await _raise(bot, "V01", FENGSHU, "村口路灯坏了", "设施管护")
    second = await _raise(bot, "V02", FENGSHU, "水井要清淤", "生活改善")
    warning = texts.CALENDAR_UNKNOWN.format(year=2027)
    escalated = await bot.say("H01", FENGSHU, f"/escalate {first}")
    assert escalated[0].text == texts.ESCALATED_TO_VILLAGE.format(
        number=first, title="村口路灯坏了", deadline="1月4日", reason="",
        window=_window("12月28日"))
    assert [message.chat_id for message in _about(escalated, warning)] == ["T01"]
    assert _about(await bot.say("H01", FENGSHU, f"/escalate {second}"), warning) == []
    assert [(await _issue(app, number)).deadline for number in (first, second)] == [
        date(2027, 1, 4), date(2027, 1, 4)]
    keys = [key for key in await _outbox_keys(app) if key.startswith("calendar:unknown:")]
    assert len(keys) == 1 and keys[0].startswith("calendar:unknown:2027:")


@pytest.fixture
async def app_with_2027(database_url: str, clock: ManualClock,
                        tmp_path: Path) -> AsyncIterator[App]:
    """An app whose holiday file makes 2027-01-01 a holiday."""
    holidays = tmp_path / "holidays.toml"
    holidays.write_text('[2027]\nholidays = ["2027-01-01"]\n', encoding="utf-8")
    wired = await build_app(Settings(database_url=database_url, holiday_file=str(holidays)),
                            clock)
    await import_roster_file(wired, SMALL_ROSTER)
    try:
        yield wired
    finally:
        await wired.close()


async def test_holiday_file_moves_the_deadline_and_nobody_is_warned(
        app_with_2027: App, clock: ManualClock) -> None:
    bot = FakeBot(app_with_2027, clock)
    await bot.start(set())
    bot.clock.set(at(12, 28, 9))
    await _raise(bot, "V01", FENGSHU, "村口路灯坏了", "设施管护")
    escalated = await bot.say("H01", FENGSHU, "/escalate 1")
    assert texts_of(escalated) == [texts.ESCALATED_TO_VILLAGE.format(
        number=1, title="村口路灯坏了", deadline="1月5日", reason="",
        window=_window("12月28日"))] * 2
    assert (await _issue(app_with_2027, 1)).deadline == date(2027, 1, 5)
    assert not any(key.startswith("calendar:") for key in await _outbox_keys(app_with_2027))


# --- refusals: each one changes nothing ----------------------------------------------------

async def test_escalate_assign_and_status_refusals(app: App, bot: FakeBot) -> None:
    at_home = await _raise(bot, "V01", FENGSHU, "村口路灯坏了", "设施管护")
    at_village = await _raise(bot, "V02", FENGSHU, "水井要清淤", "生活改善")
    await _to_village(bot, at_village)
    at_township = await _raise(bot, "V03", FENGSHU, "祠堂屋顶漏雨", "基建加强")
    await _to_township(bot, at_township)

    for text in ("/status 99", "/escalate 99", "/solve 99 好了"):
        await _say_refused(app, bot, "H01", FENGSHU, text, texts.ISSUE_UNKNOWN.format(number=99))
    await _say_refused(app, bot, "T01", "private", "/assign 99 城建办 T01 2026-12-01",
                       texts.ISSUE_UNKNOWN.format(number=99))
    await _say_refused(app, bot, "H01", FENGSHU, "/escalate 路灯",
                       texts.ISSUE_BAD_NUMBER.format(usage=texts.ESCALATE_USAGE))
    await _say_refused(app, bot, "V01", FENGSHU, f"/escalate {at_home}",
                       texts.ROLE_REFUSED.format(role="村民", command="/escalate"))
    await _say_refused(app, bot, "H01", FENGSHU, f"/escalate {at_village}",
                       texts.ESCALATE_NOT_YOUR_LEVEL.format(number=at_village, level="村",
                                                            role="屋场长"))
    await _say_refused(app, bot, "C01", "private", f"/escalate {at_home}",
                       texts.ESCALATE_NOT_YOUR_LEVEL.format(number=at_home, level="屋场",
                                                            role="村干部"))
    await _say_refused(app, bot, "C01", "private", f"/escalate {at_township}",
                       texts.ESCALATE_TOP.format(number=at_township))
    # A village cadre of another village does not see it at all.
    await _say_refused(app, bot, "C02", "private", f"/escalate {at_village}",
                       texts.ISSUE_NOT_YOURS.format(number=at_village))

    assign = f"/assign {at_township} 城建办 T01 2026-12-01"
    await _say_refused(app, bot, "H01", FENGSHU, assign,
                       texts.ROLE_REFUSED.format(role="屋场长", command="/assign"))
    await _say_refused(app, bot, "C01", "private", assign,
                       texts.ROLE_REFUSED.format(role="村干部", command="/assign"))
    await _say_refused(app, bot, "T02", "private", assign,
                       texts.ISSUE_NOT_YOURS.format(number=at_township))
    await _say_refused(app, bot, "T01", "private", f"/assign {at_village} 城建办 T01 2026-12-01",
                       texts.ASSIGN_NOT_TOWNSHIP.format(number=at_village, level="村"))
    await _say_refused(app, bot, "T01", "private", f"/assign {at_home} 城建办 T01 2026-12-01",
                       texts.ASSIGN_NOT_TOWNSHIP.format(number=at_home, level="屋场"))
    await _say_refused(app, bot, "T01", "private",
                       f"/assign {at_township} 城建办 T01 2026-11-04",
                       texts.PROMISE_BAD_DATE.format(value="2026-11-04"))
    await _say_refused(app, bot, "T01", "private", f"/assign {at_township} 城建办 T01 下周",
                       texts.PROMISE_BAD_DATE.format(value="下周"))
    for wrong in (f"/assign {at_township} 城建办 T01", f"/assign {at_township}",
                  f"/assign {at_township} 城建办 周 镇长 2026-12-01"):
        await _say_refused(app, bot, "T01", "private", wrong, texts.ASSIGN_USAGE)

    # /status (I5): anyone of the 屋场 and those above it; nobody else.
    header = texts.STATUS_HEADER.format(
        number=at_home, title="村口路灯坏了", homestead=FENGSHU_FULL, category="设施管护",
        level="屋场", status="待处理", overdue="")
    for person, chat in (("V02", FENGSHU), ("V03", "private"), ("C01", "private"),
                         ("C01", FENGSHU), ("T01", "private")):
        replies = await bot.say(person, chat, f"/status {at_home}")
        assert len(replies) == 1 and replies[0].text.startswith(header + "\n"), (person, chat)
    for person in ("V04", "H03", "C02", "T02"):
        await _say_refused(app, bot, person, "private", f"/status {at_home}",
                           texts.ISSUE_NOT_YOURS.format(number=at_home))
    await _say_refused(app, bot, "V04", FENGSHU, f"/status {at_home}",
                       texts.PLACE_REFUSED.format(place=FENGSHU_FULL))
    await _say_refused(app, bot, "V01", FENGSHU, "/status",
                       texts.ISSUE_BAD_NUMBER.format(usage="/status 12"))


@pytest.fixture
async def bot_with_t03(bot: FakeBot, tmp_path: Path) -> FakeBot:
    """The bot after a second 金溪镇 official T03 joined the roster."""
    return await joined(bot, tmp_path / "extra.csv", EXTRA_OFFICIAL)


async def test_solve_only_by_the_current_handler(app: App, bot_with_t03: FakeBot) -> None:
    bot = bot_with_t03
    at_village = await _raise(bot, "V02", FENGSHU, "水井要清淤", "生活改善")
    await _to_village(bot, at_village)
    at_township = await _raise(bot, "V03", FENGSHU, "祠堂屋顶漏雨", "基建加强")
    await _to_township(bot, at_township)

    await _say_refused(app, bot, "H01", FENGSHU, f"/solve {at_village} 修好了",
                       texts.SOLVE_NOT_HANDLER.format(number=at_village,
                                                      handler=texts.HANDLER_VILLAGE))
    await _say_refused(app, bot, "C01", "private", f"/solve {at_village}", texts.SOLVE_USAGE)
    await _say_refused(app, bot, "T01", "private", f"/solve {at_township} 修好了",
                       texts.SOLVE_ASSIGN_FIRST.format(number=at_township))
    await _say_refused(app, bot, "C01", "private", f"/solve {at_township} 修好了",
                       texts.SOLVE_NOT_HANDLER.format(number=at_township,
                                                      handler=texts.HANDLER_TOWNSHIP))
    assigned = await bot.say("T01", "private", f"/assign {at_township} 城建办 T01 2026-11-20")
    assert texts_of(assigned)[0] == texts.ASSIGNED.format(
        number=at_township, title="祠堂屋顶漏雨", department="城建办", responsible="周镇长",
        day="11月20日")
    await _say_refused(app, bot, "T03", "private", f"/solve {at_township} 修好了",
                       texts.SOLVE_NOT_HANDLER.format(number=at_township, handler="城建办周镇长"))
    await _say_refused(app, bot, "C01", "private", f"/solve {at_township} 修好了",
                       texts.SOLVE_NOT_HANDLER.format(number=at_township, handler="城建办周镇长"))
    # The village cadre may solve what is at the village.
    solved = await bot.say("C01", "private", f"/solve {at_village} 已清淤")
    assert solved[0].text.startswith(f"{at_village}号问题“水井要清淤”已办结：已清淤")
    assert (await _issue(app, at_village)).status is Status.RESOLVED


async def test_assign_names_department_person_and_date(app: App, bot_with_t03: FakeBot) -> None:
    bot = bot_with_t03
    number = await _raise(bot, "V01", FENGSHU, "村口路灯坏了", "设施管护")
    await _to_township(bot, number)
    group = await _group(app, FENGSHU)
    assigned = await bot.say("T01", "private", f"/assign {number} 城建办 T03 2026-11-20")
    text = texts.ASSIGNED.format(number=number, title="村口路灯坏了", department="城建办",
                                 responsible="吴干事", day="11月20日")
    assert sorted((message.chat_id, message.text) for message in assigned) == sorted(
        [("T01", text), ("T03", text), (group, text)])
    found = await _issue(app, number)
    async with app.context.db.read() as connection:
        t03 = await org.person_by_code(connection, "T03")
    assert t03 is not None
    assert (found.status, found.department, found.responsible, found.due_date,
            found.handler_id) == (Status.ASSIGNED, "城建办", "吴干事", date(2026, 11, 20), t03.id)
    await _say_refused(app, bot, "T01", "private", f"/solve {number} 修好了",
                       texts.SOLVE_NOT_HANDLER.format(number=number, handler="城建办吴干事"))
    # Past the due date the township officials are told once.
    due = texts.DUE_OVERDUE.format(number=number, title="村口路灯坏了", day="11月20日",
                                   department="城建办")
    assert _about(await bot.tick(at(11, 20, 22)), due) == []
    told = _about(await bot.tick(at(11, 21, 9)), due)
    assert sorted(message.chat_id for message in told) == ["T01", "T03"]
    assert _about(await bot.tick(at(11, 22, 9)), due) == []
    assert (await _issue(app, number)).overdue
    solved = await bot.say("T03", "private", f"/solve {number} 已换新灯")
    assert _to(solved, group)[0].startswith(f"{number}号问题“村口路灯坏了”已办结：已换新灯")


async def test_due_date_missed_after_an_overdue_escalation_is_told(sqlite_bot: FakeBot) -> None:
    bot, app = sqlite_bot, sqlite_bot.app
    await _raise(bot, "V01", FENGSHU, "村口路灯坏了", "设施管护")
    await _to_village(bot, 1)
    await bot.tick(at(11, 13, 0, 5))
    assert (await _issue(app, 1)).overdue
    await bot.say("T01", "private", "/assign 1 城建办 T01 2026-11-20")
    due = texts.DUE_OVERDUE.format(number=1, title="村口路灯坏了", day="11月20日",
                                   department="城建办")
    assert [message.chat_id for message in _about(await bot.tick(at(11, 21, 9)), due)] == [
        "T01"]


async def test_rating_refusals(app: App, bot: FakeBot) -> None:
    await _raise(bot, "V01", FENGSHU, "村口路灯坏了", "设施管护")
    solved = await bot.say("H01", FENGSHU, "/solve 1 换了灯泡")
    payload = solved[0].buttons[0][0].payload
    rated = await bot.press("V01", FENGSHU, "满意")
    assert texts_of(rated) == [texts.RATED.format(choice="满意")] and rated[0].toast
    await _press_refused(app, bot, "V01", FENGSHU, "不满意", texts.RATE_AGAIN)
    await _press_refused(app, bot, "V04", FENGSHU, "满意",
                         texts.PLACE_REFUSED.format(place=FENGSHU_FULL))
    await _press_refused(app, bot, "C01", FENGSHU, "满意",
                         texts.RATE_NOT_MEMBER.format(place=FENGSHU_FULL))
    # The payload itself, sent from outside the 屋场 group, is refused too.
    for person, chat_id, kind in (("V04", "V04", ChatKind.PRIVATE),
                                  ("V04", await _group(app, "杨家湾"), ChatKind.GROUP),
                                  ("T01", "T01", ChatKind.PRIVATE)):
        before = await _ledger(app)
        replies = await app.router.handle(app.context, Incoming(
            channel=CHANNEL, chat_id=chat_id, chat_kind=kind, user_id=person, payload=payload))
        await _refused(app, replies, texts.RATE_NOT_MEMBER.format(place=FENGSHU_FULL), before)
    before = await _ledger(app)
    replies = await app.router.handle(app.context, Incoming(
        channel=CHANNEL, chat_id="V02", chat_kind=ChatKind.PRIVATE, user_id="V02",
        payload="rate:1:excellent"))
    await _refused(app, replies, texts.BUTTON_EXPIRED, before)
    # When the window has closed, even before the job decides, nobody rates any more.
    bot.clock.set(at(11, 8, 19, 0))
    await _press_refused(app, bot, "V02", FENGSHU, "满意", texts.RATE_CLOSED)
    async with app.context.db.read() as connection:
        assert (await issues.tally(connection, 1, 1)).raters == 1


# --- I6: rating rounds -----------------------------------------------------------------------

async def _rate(bot: FakeBot, votes: list[tuple[str, str]]) -> None:
    for person, label in votes:
        assert texts_of(await bot.press(person, FENGSHU, label)) == [
            texts.RATED.format(choice=label)]


async def test_solved_on_the_spot_sixty_percent_closes_and_no_ratings_waits(
        app: App, bot_with_more: FakeBot) -> None:
    """Changed by issue 13 (I8): the head may not rate his own solve, and a round without
    ratings after its extension waits for the meeting instead of reopening."""
    bot = bot_with_more
    group = await _group(app, FENGSHU)
    await _raise(bot, "V01", FENGSHU, "村口路灯坏了", "设施管护")
    await _raise(bot, "V02", FENGSHU, "水井要清淤", "生活改善")
    # I2: the head solves it on the spot; the rating round starts in the group.
    solved = await bot.say("H01", FENGSHU, "/solve 1 换了灯泡")
    assert texts_of(solved) == [texts.SOLVED.format(
        number=1, title="村口路灯坏了", note="换了灯泡",
        closes=texts.format_when(at(11, 8, 19, 0)))]
    assert solved[0].button_labels() == RATINGS
    assert (await _issue(app, 1)).status is Status.RESOLVED
    await _say_refused(app, bot, "H01", FENGSHU, "/solve 1 再说一次",
                       texts.ISSUE_FINISHED.format(number=1, status="已办结待评价"))
    await _press_refused(app, bot, "H01", FENGSHU, "满意", texts.RATE_ASSESSED)
    await _rate(bot, [("V08", "满意"), ("R01", "基本满意"), ("V01", "满意"),
                      ("V02", "不满意"), ("V03", "不满意")])
    bot.clock.set(at(11, 5, 19, 30))
    await bot.say("H01", FENGSHU, "/solve 2 清过了")

    first = await bot.tick(at(11, 8, 19, 10))
    closed = texts.ISSUE_CLOSED.format(number=1, title="村口路灯坏了", rate="60%", raters=5)
    assert [message.chat_id for message in _about(first, closed)] == [group]
    found = await _issue(app, 1)
    assert (found.status, found.satisfaction) == (Status.CLOSED, 0.6)
    assert found.closed_at == at(11, 8, 19, 10)
    assert (await _issue(app, 2)).status is Status.RESOLVED

    extended = await bot.tick(at(11, 8, 19, 40))
    notice = texts.ROUND_EXTENDED.format(number=2, raters=0, needed=3,
                                         closes=texts.format_when(at(11, 11, 19, 40)))
    assert [(message.chat_id, message.button_labels()) for message in
            _about(extended, notice)] == [(group, RATINGS)]
    assert (await _issue(app, 2)).status is Status.RESOLVED
    assert await bot.tick(at(11, 9, 9)) == []

    waiting = await bot.tick(at(11, 11, 19, 45))
    assert texts_of(waiting) == [texts.ROUND_AWAITS_MEETING.format(
        number=2, title="水井要清淤", raters=0, needed=3)]
    assert _to(waiting, group) == texts_of(waiting)
    found = await _issue(app, 2)
    assert (found.status, found.level, found.satisfaction) == (
        Status.RESOLVED, Level.HOMESTEAD, None)
    assert await bot.tick(at(11, 12, 9)) == []
    await _say_refused(app, bot, "H01", FENGSHU, "/solve 1 再报一次",
                       texts.ISSUE_FINISHED.format(number=1, status="已销号"))


async def test_whole_life_with_a_reopen(app: App, bot: FakeBot) -> None:
    """The sample replay: escalated, overdue to the township, reopened below 60%, closed."""
    group = await _group(app, FENGSHU)
    bot.clock.set(at(9, 29, 19, 30))
    await _raise(bot, "V01", FENGSHU, "村口路灯坏了", "设施管护")
    bot.clock.set(at(9, 29, 19, 33))
    await bot.say("H01", FENGSHU, "/escalate 1 需要村里出钱")
    assert (await _issue(app, 1)).deadline == date(2026, 10, 12)
    await bot.tick(at(10, 12, 20))
    await bot.tick(at(10, 13, 0, 5))
    bot.clock.set(at(10, 13, 9))
    await bot.say("T01", "private", "/assign 1 城建办 T01 2026-10-20")
    bot.clock.set(at(10, 14, 9))
    solved = await bot.say("T01", "private", "/solve 1 已换新灯")
    text = texts.SOLVED.format(number=1, title="村口路灯坏了", note="已换新灯",
                               closes=texts.format_when(at(10, 17, 9)))
    assert [(message.chat_id, message.text, message.button_labels()) for message in solved] == [
        ("T01", text, []), (group, text, RATINGS)]
    assert (await _issue(app, 1)).status is Status.RESOLVED
    bot.clock.set(at(10, 14, 10))
    await _rate(bot, [("V01", "不满意")])
    assert texts_of(await bot.press("V01", FENGSHU, "满意")) == [texts.RATE_AGAIN]
    await _rate(bot, [("V02", "不满意")])

    extended = await bot.tick(at(10, 17, 10))
    assert _to(extended, group) == [texts.ROUND_EXTENDED.format(
        number=1, raters=2, needed=3, closes=texts.format_when(at(10, 20, 10)))]
    assert await bot.tick(at(10, 17, 11)) == []
    # Issue 13 (I8): a round is decided only with min_raters ratings; the third comes
    # in the extension.
    bot.clock.set(at(10, 18, 10))
    await _rate(bot, [("R01", "不满意")])
    reopened = await bot.tick(at(10, 20, 10))
    assert _to(reopened, "T01") == [texts.ISSUE_REOPENED_HANDLER.format(
        number=1, title="村口路灯坏了", rate="0%", raters=3)]
    assert _to(reopened, group) == [texts.ISSUE_REOPENED.format(
        number=1, title="村口路灯坏了", rate="0%", raters=3, handler="城建办周镇长")]
    found = await _issue(app, 1)
    async with app.context.db.read() as connection:
        t01 = await org.person_by_code(connection, "T01")
    assert t01 is not None
    assert (found.status, found.level, found.handler_id, found.satisfaction) == (
        Status.ASSIGNED, Level.TOWNSHIP, t01.id, 0.0)

    bot.clock.set(at(10, 21, 9))
    await bot.say("T01", "private", "/solve 1 灯杆也换了")
    bot.clock.set(at(10, 21, 10))
    await _rate(bot, [("V01", "满意"), ("V02", "基本满意"), ("R01", "不满意")])
    closed = await bot.tick(at(10, 24, 10))
    assert _to(closed, group) == [texts.ISSUE_CLOSED.format(
        number=1, title="村口路灯坏了", rate="67%", raters=3)]
    found = await _issue(app, 1)
    assert (found.status, found.satisfaction, found.closed_at) == (
        Status.CLOSED, 2 / 3, at(10, 24, 10))

    bot.clock.set(at(10, 24, 11))
    status = (await bot.say("V02", FENGSHU, "/status 1"))[0].text.split("\n")
    assert status == [
        "1号问题：村口路灯坏了",
        "金竹村枫树湾｜设施管护｜在镇｜已销号（超期）",
        "期限：2026-10-20",
        "承办：城建办 周镇长",
        "满意率：67%",
        "经过：",
        "09-29 19:30 李平杰：提出问题",
        "09-29 19:30 李平杰：分类为设施管护",
        "09-29 19:33 李勇：上报到村",
        "10-13 00:05 系统：上报到镇",
        "10-13 09:00 周镇长：交办城建办，负责人周镇长，2026-10-20前办结",
        "10-14 09:00 周镇长：报办结：已换新灯",
        "10-14 10:00 李平杰：评价",
        "10-14 10:00 李大娘：评价",
        "10-17 10:00 系统：评价人数不足，延长评价",
        "10-18 10:00 袁东成：评价",
        "10-20 10:00 系统：满意率0%，不得销号，退回重办",
        "10-21 09:00 周镇长：报办结：灯杆也换了",
        "10-21 10:00 李平杰：评价",
        "10-21 10:00 李大娘：评价",
        "10-21 10:00 袁东成：评价",
        "10-24 10:00 系统：满意率67%，销号",
    ]

    # I7: every change is an event in the chain, in order, with who and from where.
    async with app.context.db.read() as connection:
        history = await issues.history(connection, 1)
        codes = {person.id: person.code for person in await org.all_persons(connection)}
        rows = await connection.scalar(select(func.count()).select_from(issue))
    assert [(entry.kind, codes.get(entry.actor_id or 0)) for entry in history] == [
        ("issue.raised", "V01"), ("issue.categorised", "V01"), ("issue.escalated", "H01"),
        ("issue.escalated", None), ("issue.assigned", "T01"), ("issue.solved", "T01"),
        ("issue.rated", "V01"), ("issue.rated", "V02"), ("issue.round_extended", None),
        ("issue.rated", "R01"), ("issue.reopened", None), ("issue.solved", "T01"), ("issue.rated", "V01"),
        ("issue.rated", "V02"), ("issue.rated", "R01"), ("issue.closed", None)]
    assert [entry.id for entry in history] == sorted(entry.id for entry in history)
    assert [entry.at for entry in history] == sorted(entry.at for entry in history)
    assert all((entry.channel, entry.chat_id) == ((CHANNEL, group) if codes.get(
        entry.actor_id or 0) in {"V01", "V02", "R01", "H01"} else (CHANNEL, "T01"))
        for entry in history if entry.actor_id is not None)
    assert all((entry.channel, entry.chat_id) == (None, None)
               for entry in history if entry.actor_id is None)
    assert history[-1].payload["state"]["status"] == "closed"
    assert rows == 1
    assert await verify(app) == (None, [])


async def test_ratings_edited_in_place_are_caught(sqlite_bot: FakeBot) -> None:
    bot, app = sqlite_bot, sqlite_bot.app
    await _raise(bot, "V01", FENGSHU, "村口路灯坏了", "设施管护")
    await bot.say("H01", FENGSHU, "/solve 1 换了灯泡")
    await _rate(bot, [("V01", "不满意"), ("V02", "不满意"), ("R01", "不满意")])
    async with app.context.db.write() as connection:
        changed = await connection.execute(rating.update().values(choice="satisfied"))
        assert changed.rowcount == 3
    await bot.tick(at(11, 8, 19, 10))
    assert await verify(app) != (None, [])
