"""Monthly red and yellow flags through the real handlers, the jobs and the CLI (F1-F8)."""

from __future__ import annotations

import asyncio
import csv
import json
import re
from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from typer.testing import Result

from bot.admin import import_roster_file
from bot.files.scheme import load_scheme
from bot.files.scores import import_scores
from bot.settings import Settings
from bot.wiring import App, build_app
from core import texts
from core.clock import ManualClock
from core.flags import ONSITE_CATEGORY, Consequence
from core.messages import ChatKind, Outgoing
from storage import flags, org
from storage.export import snapshot
from storage.schema import flag_confirmation, flag_onsite, flag_score, flag_veto, outbox
from tests.conftest import (
    SHANGHAI,
    SMALL_ROSTER,
    START,
    FakeBot,
    cli_environment,
    reviewed,
    run_cli,
    texts_of,
)

OFFICIAL, OTHER_TOWNSHIP_OFFICIAL = "T01", "T02"
MONTH = "2026-10"
CATEGORIES = load_scheme("monthly").categories
PARTY, HOME, SMART, CIVIL, ECONOMY = CATEGORIES
EAST, WEST = "东片网格", "西片网格"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ROSTER_HEADER = "编号,姓名,镇,网格,村,屋场,户号,在家,党员,年龄,角色,手机\n"
# Seven more villages in 东片网格 (eight with 金竹村) and one more in 西片网格, each with a
# 屋场 and its head, so every village has a group to publish to.
NEW_VILLAGES = {"石桥村": EAST, "白沙村": EAST, "清水村": EAST, "青山村": EAST, "龙潭村": EAST,
                "柳溪村": EAST, "长冲村": EAST, "红星村": WEST}
EXTRA_ROSTER = ROSTER_HEADER + "".join(
    f"H{number},{name[:1]}书记,金溪镇,{grid},{name},{name[:2]}组,1,是,是,50,屋场长,\n"
    for number, (name, grid) in enumerate(NEW_VILLAGES.items(), start=11))

# Scores of 2026-10 (党建, 和美, 智治, 文明, 美丽经济), totals in the comments.
OCTOBER: dict[str, tuple[float, ...]] = {
    "金竹村": (95, 95, 95, 95, 60),  # 440
    "石桥村": (90, 90, 90, 90, 65),  # 425
    "白沙村": (85, 85, 85, 85, 70),  # 410, vetoed in October
    "清水村": (80, 80, 80, 80, 75),  # 395
    "青山村": (75, 75, 75, 80, 80),  # 385, hosted an on-site meeting in September
    "龙潭村": (70, 70, 70, 70, 85),
    "柳溪村": (65, 65, 65, 65, 90),
    "长冲村": (60, 60, 60, 60, 95),
    "丰收村": (70, 80, 80, 80, 80),
    "红星村": (75, 75, 75, 75, 75),
}
TOP_FOUR = "、".join(CATEGORIES[:4])
TALK, WARNING = Consequence.TALK.label, Consequence.WARNING.label
SUSPENSION, DOWNGRADE = Consequence.SUSPENSION.label, Consequence.DOWNGRADE.label
STAR_DOWN, SUBSIDY = Consequence.STAR_DOWN.label, Consequence.SUBSIDY_LOWEST.label


# --- helpers ---------------------------------------------------------------------------

async def add_villages(app: App, bot: FakeBot, tmp_path: Path) -> None:
    """Import the extra villages and bind their people and groups on the console."""
    path = tmp_path / "villages.csv"
    path.write_text(EXTRA_ROSTER, encoding="utf-8")
    await import_roster_file(app, path)
    await bot.start(set())


def write_scores(path: Path, months: dict[str, dict[str, tuple[float | None, ...]]],
                 categories: Iterable[str] = CATEGORIES) -> Path:
    """A scores table: one row per month and village; None leaves a cell empty."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["月份", "村", *categories])
        for month, table in months.items():
            for name, scores in table.items():
                writer.writerow([month, name, *("" if s is None else f"{s:g}" for s in scores)])
    return path


async def count(app: App, table: Any) -> int:
    async with app.context.db.read() as connection:
        return int(await connection.scalar(select(func.count()).select_from(table)) or 0)


async def written(app: App) -> list[int]:
    """How many rows the flag tables and the outbox hold."""
    return [await count(app, table) for table in (flag_score, flag_veto, flag_onsite,
                                                   flag_confirmation, outbox)]


async def village_of_group(app: App) -> dict[str, str]:
    """The console chat id of every 屋场 group, with its village."""
    async with app.context.db.read() as connection:
        return {f"hs:{homestead.id}": homestead.village
                for homestead in await org.all_homesteads(connection)}


def money(amount: int) -> str:
    if amount > 0:
        return texts.MONEY_REWARD.format(amount=amount)
    if amount < 0:
        return texts.MONEY_PENALTY.format(amount=-amount)
    return texts.MONEY_NONE


def settlement(village: str, reds: int, yellows: int, amount: int, *found: str) -> str:
    """One village's block in the officials' settlement, as published."""
    return texts.OFFICIAL_SETTLEMENT.format(
        village=village, reds=reds, yellows=yellows, money=money(amount),
        consequences=texts.OFFICIAL_CONSEQUENCES.format(items="；".join(found)) if found else "")


def village_result(month: str, village: str, reds: str, yellows: str, amount: int,
                   version: int = 1) -> str:
    correction = texts.VILLAGE_RESULT_CORRECTION.format(version=version) if version > 1 else ""
    return correction + texts.VILLAGE_RESULT.format(month=month, village=village,
                                                    reds=reds or texts.FLAGS_NONE,
                                                    yellows=yellows or texts.FLAGS_NONE,
                                                    money=money(amount))


def category_line(category: str, reds: str, yellows: str) -> str:
    return texts.FLAGS_CATEGORY.format(category=category, reds=reds or texts.FLAGS_NONE,
                                       yellows=yellows or texts.FLAGS_NONE)


def ranking(messages: list[Outgoing]) -> list[str]:
    """The /flags replies without the advisory figures that follow the ranking."""
    return [text.split("\n" + texts.FLAGS_INDICATORS)[0] for text in texts_of(messages)]


def summary_of(messages: list[Outgoing]) -> str:
    """The officials' settlement message among what the bot sent, without its last line: the
    chain's head, which tests/test_seals.py checks."""
    found = [m.text for m in messages if m.chat_id == OFFICIAL and "红黄旗结算" in m.text]
    assert len(found) == 1, texts_of(messages)
    body, _, anchor = found[0].rpartition("\n")
    assert anchor.startswith(texts.CHAIN_HEAD_LINE.split("{")[0])
    return body + "\n"


def has_block(summary: str, block: str) -> bool:
    """Whether a village's whole block (with its consequences, if any) is in the summary."""
    return f"\n{block}\n" in summary


async def confirmations(app: App) -> list[tuple[str, int]]:
    async with app.context.db.read() as connection:
        return [(month, version)
                for _, _, month, version in await flags.confirmed_versions(connection)]


# --- refusals -----------------------------------------------------------------------------

async def test_refusals_change_nothing(app: App, bot: FakeBot) -> None:
    before = await written(app)
    cases = {
        f"/score {MONTH} 金竹村 {PARTY} 100.5":
            texts.SCORE_BAD.format(value="100.5", low=0.0, high=100.0),
        f"/score {MONTH} 金竹村 {PARTY} -1": texts.SCORE_BAD.format(value="-1", low=0, high=100),
        f"/score {MONTH} 金竹村 {PARTY} 九十": texts.SCORE_BAD.format(value="九十", low=0,
                                                                    high=100),
        f"/score {MONTH} 金竹村 {PARTY} nan": texts.SCORE_BAD.format(value="nan", low=0,
                                                                   high=100),
        f"/score {MONTH} 月亮村 {PARTY} 90": texts.VILLAGE_UNKNOWN.format(name="月亮村"),
        f"/score {MONTH} 金竹村 乡风文明 90": texts.CATEGORY_UNKNOWN.format(
            name="乡风文明", categories="、".join(CATEGORIES)),
        f"/score 2026-12 金竹村 {PARTY} 90": texts.MONTH_FUTURE.format(month="2026-12"),
        f"/score 2026-13 金竹村 {PARTY} 90": texts.MONTH_BAD.format(value="2026-13"),
        f"/score 202610 金竹村 {PARTY} 90": texts.MONTH_BAD.format(value="202610"),
        f"/score 十月 金竹村 {PARTY} 90": texts.MONTH_BAD.format(value="十月"),
        f"/score {MONTH} 金竹村 {PARTY}": texts.SCORE_USAGE,
        "/score": texts.SCORE_USAGE,
        "/flags": texts.FLAGS_USAGE,
        "/flags 2027-01": texts.MONTH_FUTURE.format(month="2027-01"),
        "/confirm 2026-12": texts.MONTH_FUTURE.format(month="2026-12"),
        "/confirm 10月": texts.MONTH_BAD.format(value="10月"),
        "/confirm": texts.CONFIRM_USAGE,
        f"/veto {MONTH} 金竹村": texts.VETO_USAGE,
        f"/veto {MONTH} 月亮村 出事了": texts.VILLAGE_UNKNOWN.format(name="月亮村"),
        "/veto 2026-12 金竹村 出事了": texts.MONTH_FUTURE.format(month="2026-12"),
        f"/onsite {MONTH}": texts.ONSITE_USAGE,
        f"/onsite {MONTH} 月亮村": texts.VILLAGE_UNKNOWN.format(name="月亮村"),
        f"/confirm {MONTH}": texts.CONFIRM_MISSING.format(
            month=MONTH, count=10, items="、".join(
                [f"金竹村{category}" for category in CATEGORIES]
                + [f"丰收村{category}" for category in CATEGORIES[:3]]) + texts.FLAGS_MORE),
    }
    for command, reply in cases.items():
        assert texts_of(await bot.say(OFFICIAL, "private", command)) == [reply], command
    # Another township's official does not see this township's villages.
    for command in (f"/score {MONTH} 金竹村 {PARTY} 90", f"/veto {MONTH} 金竹村 出事了",
                    f"/onsite {MONTH} 丰收村"):
        assert texts_of(await bot.say(OTHER_TOWNSHIP_OFFICIAL, "private", command)) == [
            texts.VILLAGE_UNKNOWN.format(name=command.split()[2])], command
    assert await written(app) == before

    # The range is inclusive, and the month that is running may be scored.
    assert texts_of(await bot.say(OFFICIAL, "private", f"/score 2026-11 金竹村 {PARTY} 100")) == [
        texts.SCORE_RECORDED.format(month="2026-11", village="金竹村", category=PARTY,
                                    score=100, note="")]
    assert texts_of(await bot.say(OFFICIAL, "private", f"/score 2026-11 丰收村 {HOME} 0")) == [
        "已录入：2026-11 丰收村 和美家园建设 0分。"]
    assert texts_of(await bot.say(OFFICIAL, "private", "/onsite 2026-09 丰收村")) == [
        texts.ONSITE_RECORDED.format(village="丰收村", month="2026-09", next_month=MONTH)]
    assert texts_of(await bot.say(OFFICIAL, "private", "/onsite 2026-09 丰收村")) == [
        texts.ONSITE_ALREADY.format(village="丰收村", month="2026-09")]
    assert (await written(app))[:4] == [2, 0, 1, 0]


async def test_only_township_officials_may_use_the_flag_commands(app: App,
                                                                bot: FakeBot) -> None:
    commands = {"score": f"/score {MONTH} 金竹村 {PARTY} 90", "flags": f"/flags {MONTH}",
                "veto": f"/veto {MONTH} 金竹村 出事了", "onsite": f"/onsite {MONTH} 金竹村",
                "confirm": f"/confirm {MONTH}"}
    for person, chat, role in (("V01", "private", "村民"), ("H01", "private", "屋场长"),
                               ("H01", "枫树湾", "屋场长"), ("R01", "private", "记录员"),
                               ("C01", "private", "村干部")):
        for name, command in commands.items():
            assert texts_of(await bot.say(person, chat, command)) == [
                texts.ROLE_REFUSED.format(role=role, command=f"/{name}")], (person, command)
    assert await written(app) == [0, 0, 0, 0, 0]


# --- draft, confirmation, publication, correction -------------------------------------------

async def test_draft_confirm_publish_and_correct(app: App, bot: FakeBot, tmp_path: Path,
                                                 clock: ManualClock) -> None:
    await add_villages(app, bot, tmp_path)
    # Everything but 金竹村's 美丽经济发展, which is entered in the chat.
    table = {name: (*scores[:4], None) if name == "金竹村" else scores
             for name, scores in OCTOBER.items()}
    assert await import_scores(app, write_scores(tmp_path / "october.csv", {MONTH: table})) == 49

    def say(text: str) -> Any:
        return bot.say(OFFICIAL, "private", text)

    assert texts_of(await say("/onsite 2026-09 青山村")) == [texts.ONSITE_RECORDED.format(
        village="青山村", month="2026-09", next_month=MONTH)]
    assert texts_of(await say(f"/veto {MONTH} 白沙村 发生较大安全生产责任事故")) == [
        texts.VETO_RECORDED.format(month=MONTH, village="白沙村", reason="发生较大安全生产责任事故"),
        texts.VETO_GROUND_ASK]  # issue 17 (F11): the ground is then chosen by button
    before = await written(app)
    assert texts_of(await say(f"/confirm {MONTH}")) == [texts.CONFIRM_MISSING.format(
        month=MONTH, count=1, items=f"金竹村{ECONOMY}")]
    assert await written(app) == before

    # 白沙村 is vetoed: the reds of 党建, 和美, 智治 go to 金竹村, 石桥村 and 清水村. In
    # 文明新风培育 清水村 and 青山村 tie at 80; 清水村 has the higher total (395 to 385).
    east_top = category_line(PARTY, "金竹村、石桥村、清水村", "龙潭村、柳溪村、长冲村")
    west = [texts.FLAGS_GRID.format(grid=WEST), category_line(PARTY, "红星村", "丰收村"),
            *(category_line(category, "丰收村", "红星村") for category in CATEGORIES[1:])]

    def draft(economy: str, missing: str = "") -> str:
        lines = [texts.FLAGS_TITLE.format(month=MONTH, state=texts.FLAGS_DRAFT),
                 texts.FLAGS_GRID.format(grid=EAST),
                 *(east_top.replace(PARTY, category, 1) for category in CATEGORIES[:4]),
                 economy, texts.FLAGS_ONSITE.format(villages="青山村"), *west]
        return "\n".join(lines + ([missing] if missing else []))

    # 金竹村 has no 美丽经济发展 score yet: it ranks as 0 there, and the draft says so.
    assert ranking(await say(f"/flags {MONTH}")) == [draft(
        category_line(ECONOMY, "长冲村、柳溪村、龙潭村", "白沙村、石桥村、金竹村"),
        texts.FLAGS_MISSING.format(count=1, items=f"金竹村{ECONOMY}"))]
    assert texts_of(await say(f"/score {MONTH} 金竹村 {ECONOMY} 99")) == [
        f"已录入：{MONTH} 金竹村 {ECONOMY} 99分。"]
    assert ranking(await say(f"/flags {MONTH}")) == [draft(
        category_line(ECONOMY, "金竹村、长冲村、柳溪村", "清水村、白沙村、石桥村"))]
    assert texts_of(await say(f"/score {MONTH} 金竹村 {ECONOMY} 60")) == [
        texts.SCORE_RECORDED.format(month=MONTH, village="金竹村", category=ECONOMY, score=60,
                                    note=texts.SCORE_REPLACED.format(previous=99))]
    assert ranking(await say(f"/flags {MONTH}")) == [draft(
        category_line(ECONOMY, "长冲村、柳溪村、龙潭村", "白沙村、石桥村、金竹村"))]
    assert await confirmations(app) == []

    await reviewed(app, MONTH)
    confirmed = await say(f"/confirm {MONTH}")
    assert confirmed[0].text == texts.CONFIRMED.format(month=MONTH, version=1)
    groups = await village_of_group(app)
    published = confirmed[1:]
    to_groups = [m for m in published if m.chat_kind is ChatKind.GROUP]
    to_official = [m for m in published if m.chat_id == OFFICIAL]
    assert len(published) == len(to_groups) + len(to_official)
    # Every 屋场 group gets its village's result: 金竹村 has three 屋场, the rest one each.
    assert sorted(groups[m.chat_id] for m in to_groups) == sorted(
        ["金竹村", "金竹村", *OCTOBER.keys()])
    expected = {
        "金竹村": village_result(MONTH, "金竹村", TOP_FOUR, ECONOMY, 4000),
        "石桥村": village_result(MONTH, "石桥村", TOP_FOUR, ECONOMY, 4000),
        "白沙村": village_result(MONTH, "白沙村", "", ECONOMY, -1000),
        "清水村": village_result(MONTH, "清水村", TOP_FOUR, "", 5000),
        "青山村": village_result(MONTH, "青山村", ONSITE_CATEGORY, "", 1000),
        "龙潭村": village_result(MONTH, "龙潭村", ECONOMY, TOP_FOUR, -4000),
        "柳溪村": village_result(MONTH, "柳溪村", ECONOMY, TOP_FOUR, -4000),
        "长冲村": village_result(MONTH, "长冲村", ECONOMY, TOP_FOUR, -4000),
        "丰收村": village_result(MONTH, "丰收村", "、".join(CATEGORIES[1:]), PARTY, 4000),
        "红星村": village_result(MONTH, "红星村", PARTY, "、".join(CATEGORIES[1:]), -4000),
    }
    assert {groups[m.chat_id]: m.text for m in to_groups} == expected
    # Officials get each grid's picture, then the settlement with the consequences.
    pictures = {m.text: m.image for m in to_official if m.image is not None}
    assert sorted(pictures) == [texts.GRID_PICTURE_TITLE.format(month=MONTH, grid=grid)
                                for grid in (EAST, WEST)]
    assert all(image is not None and image.startswith(PNG_SIGNATURE)
               for image in pictures.values())
    east_picture = pictures[texts.GRID_PICTURE_TITLE.format(month=MONTH, grid=EAST)]
    west_picture = pictures[texts.GRID_PICTURE_TITLE.format(month=MONTH, grid=WEST)]
    for message in to_groups:
        assert message.image == (west_picture if groups[message.chat_id] in ("丰收村", "红星村")
                                 else east_picture)
    summary = summary_of(published)
    assert summary == "\n".join([
        texts.OFFICIAL_SUMMARY.format(month=MONTH, version=1),
        settlement("丰收村", 4, 1, 4000, TALK),
        settlement("柳溪村", 1, 4, -4000, TALK, WARNING),
        settlement("清水村", 4, 0, 5000),
        settlement("白沙村", 0, 1, -1000, TALK),
        settlement("石桥村", 4, 1, 4000, TALK),
        settlement("红星村", 1, 4, -4000, TALK, WARNING),
        settlement("金竹村", 4, 1, 4000, TALK),
        settlement("长冲村", 1, 4, -4000, TALK, WARNING),
        settlement("青山村", 1, 0, 1000),
        settlement("龙潭村", 1, 4, -4000, TALK, WARNING),
        # Each grid's average per category (rule F12), one decimal: 东片 文明 625/8.
        texts.GRID_AVERAGES_TITLE,
        f"{EAST}：{PARTY}77.5，{HOME}77.5，{SMART}77.5，{CIVIL}78.1，{ECONOMY}77.5",
        f"{WEST}：{PARTY}72.5，{HOME}77.5，{SMART}77.5，{CIVIL}77.5，{ECONOMY}77.5",
    ]) + "\n"
    # And the yellow villages' rectification tasks (F13), one message.
    rectify = [m.text for m in to_official if m.text.startswith(f"{MONTH}黄旗整改任务：")]
    assert len(rectify) == 1 and "丰收村第" in rectify[0] and "清水村" not in rectify[0]
    assert len(to_official) == 4
    # Nothing more is waiting in the outbox, and the official in 银山镇 got nothing.
    async with app.context.db.read() as connection:
        assert await connection.scalar(select(func.count()).select_from(outbox).where(
            outbox.c.status != "sent")) == 0
        assert await connection.scalar(select(func.count()).select_from(outbox).where(
            outbox.c.chat_id == OTHER_TOWNSHIP_OFFICIAL)) == 0
        stored = (await connection.execute(select(flag_confirmation))).one()
        official = await org.person_by_code(connection, OFFICIAL)
    assert official is not None
    assert (stored.month, stored.version, stored.confirmed_by) == (MONTH, 1, official.id)
    assert stored.confirmed_at == clock.now()

    # A correction after confirmation: 清水村 tops 美丽经济发展 and 龙潭村 loses its red.
    assert texts_of(await say(f"/score {MONTH} 清水村 {ECONOMY} 99")) == [
        texts.SCORE_RECORDED.format(
            month=MONTH, village="清水村", category=ECONOMY, score=99,
            note=texts.SCORE_REPLACED.format(previous=75)
            + texts.SCORE_AFTER_CONFIRM.format(month=MONTH))]
    assert await confirmations(app) == [(MONTH, 1)]
    clock.set(datetime(2026, 11, 6, 9, 0, tzinfo=SHANGHAI))
    corrected = await say(f"/confirm {MONTH}")
    assert corrected[0].text == texts.CONFIRMED.format(month=MONTH, version=2)
    assert await confirmations(app) == [(MONTH, 1), (MONTH, 2)]
    again = {groups[m.chat_id]: m.text for m in corrected[1:] if m.chat_kind is ChatKind.GROUP}
    assert again["龙潭村"] == village_result(MONTH, "龙潭村", "", TOP_FOUR, -5000, version=2)
    assert again["清水村"] == village_result(MONTH, "清水村", f"{TOP_FOUR}、{ECONOMY}", "", 5000,
                                           version=2)
    assert again["金竹村"] == village_result(MONTH, "金竹村", TOP_FOUR, ECONOMY, 4000, version=2)
    assert len([m for m in corrected if m.chat_kind is ChatKind.GROUP]) == 12
    assert all(m.image is not None for m in corrected if m.chat_kind is ChatKind.GROUP)
    summary = summary_of(corrected[1:])
    assert summary.startswith(texts.VILLAGE_RESULT_CORRECTION.format(version=2)
                              + texts.OFFICIAL_SUMMARY.format(month=MONTH, version=2) + "\n")
    assert has_block(summary, settlement("龙潭村", 0, 4, -5000, TALK, WARNING))
    assert has_block(summary, settlement("清水村", 5, 0, 5000))

    # Both versions are kept; the export shows the newest.
    async with app.context.db.read() as connection:
        versions = await flags.confirmed_versions(connection)
        first, _ = await flags.confirmed_rows(connection, versions[0][0])
        second, _ = await flags.confirmed_rows(connection, versions[1][0])
        state = await snapshot(connection, SHANGHAI, app.context.rules.scheme)
    pick = {"village": "龙潭村", "category": ECONOMY}
    assert [row["flag"] for row in first if row.items() >= pick.items()] == ["red"]
    assert [row["flag"] for row in second if row.items() >= pick.items()] == [None]
    rows = [row for row in state["flags"] if row["month"] == MONTH]
    assert len(rows) == 51 and all(row["confirmed"] for row in rows)
    assert {(row["village"], row["category"], row["score"], row["flag"])
            for row in rows if row["village"] in ("青山村", "龙潭村")} == {
        *(("青山村", category, score, None) for category, score in zip(
            CATEGORIES, OCTOBER["青山村"], strict=True)),
        ("青山村", ONSITE_CATEGORY, None, "red"),
        *(("龙潭村", category, 70, "yellow") for category in CATEGORIES[:4]),
        ("龙潭村", ECONOMY, 85, None)}


async def test_confirming_an_unchanged_month_again_publishes_nothing(
        app: App, bot: FakeBot, tmp_path: Path) -> None:
    await import_scores(app, write_scores(tmp_path / "s.csv", {MONTH: {
        "金竹村": OCTOBER["金竹村"], "丰收村": OCTOBER["丰收村"]}}))
    await reviewed(app, MONTH)
    first = await bot.say(OFFICIAL, "private", f"/confirm {MONTH}")
    assert first[0].text == texts.CONFIRMED.format(month=MONTH, version=1)
    again = await bot.say(OFFICIAL, "private", f"/confirm {MONTH}")
    assert await confirmations(app) == [(MONTH, 1)]
    assert not [m for m in again if m.chat_kind is ChatKind.GROUP]


@pytest.fixture
async def sqlite_bot(sqlite_url: str, clock: ManualClock) -> AsyncIterator[FakeBot]:
    """The small roster on SQLite only, for bugs that do not depend on the database."""
    app = await build_app(Settings(database_url=sqlite_url), clock)
    try:
        await import_roster_file(app, SMALL_ROSTER)
        bot = FakeBot(app, clock)
        await bot.start(set())
        yield bot
    finally:
        await app.close()


async def test_confirm_in_a_township_without_villages_is_not_an_internal_error(
        sqlite_bot: FakeBot) -> None:
    assert texts_of(await sqlite_bot.say(OTHER_TOWNSHIP_OFFICIAL, "private",
                                         f"/confirm {MONTH}")) != [texts.INTERNAL_ERROR]


async def test_year_zero_is_a_bad_month(sqlite_bot: FakeBot) -> None:
    for command in (f"/score 0000-01 金竹村 {PARTY} 90", "/flags 0000-01"):
        assert texts_of(await sqlite_bot.say(OFFICIAL, "private", command)) == [
            texts.MONTH_BAD.format(value="0000-01")], command


# --- consequences over confirmed months -------------------------------------------------------

async def test_consequences_count_confirmed_months_only_and_the_calendar_year(
        app: App, bot: FakeBot, tmp_path: Path, clock: ManualClock) -> None:
    await add_villages(app, bot, tmp_path)
    east = {name: scores for name, scores in OCTOBER.items() if name not in ("丰收村", "红星村")}
    one_yellow = {"丰收村": (70, 80, 80, 80, 80), "红星村": (75, 75, 75, 75, 75)}
    no_yellow = {"丰收村": (80, 80, 80, 80, 80), "红星村": (75, 75, 75, 75, 75)}
    clock.set(datetime(2027, 2, 10, 9, 0, tzinfo=SHANGHAI))
    months = {"2026-10": one_yellow, "2026-11": one_yellow, "2026-12": no_yellow,
              "2027-01": one_yellow}
    await import_scores(app, write_scores(tmp_path / "months.csv", {
        month: {**east, **west} for month, west in months.items()}))

    async def confirm(month: str) -> str:
        await reviewed(app, month)
        return summary_of(await bot.say(OFFICIAL, "private", f"/confirm {month}"))

    # 丰收村: one yellow category in Oct, Nov and Jan, none in Dec; 红星村: four, four,
    # five and four. November first, while October is only a draft: it does not count.
    november = await confirm("2026-11")
    assert has_block(november, settlement("丰收村", 4, 1, 4000, TALK))
    assert has_block(november, settlement("红星村", 1, 4, -4000, TALK, WARNING))
    october = await confirm("2026-10")
    assert has_block(october, settlement("丰收村", 4, 1, 4000, TALK))
    # Now that October is confirmed, November again is yellow two months running; 红星村's
    # warning was issued in October, so it is not issued again (F13).
    november = await confirm("2026-11")
    assert november.startswith(texts.VILLAGE_RESULT_CORRECTION.format(version=2))
    assert has_block(november, settlement("丰收村", 4, 1, 4000, TALK, WARNING, DOWNGRADE,
                                          SUBSIDY))
    assert has_block(november, settlement("红星村", 1, 4, -4000, TALK, SUSPENSION,
                                          DOWNGRADE, SUBSIDY))
    # December: 丰收村 has no yellow, so nothing; 红星村's third yellow month this year
    # brings only what was not issued yet: the talk and the star.
    december = await confirm("2026-12")
    assert has_block(december, settlement("丰收村", 5, 0, 5000))
    assert has_block(december, settlement("红星村", 0, 5, -5000, TALK, STAR_DOWN))
    # January: 2026's yellow months and categories no longer count for the year (丰收村
    # would be at three of each), but December still counts as the month before (红星村),
    # and a new year issues its consequences anew.
    january = await confirm("2027-01")
    assert has_block(january, settlement("丰收村", 4, 1, 4000, TALK))
    assert has_block(january, settlement("红星村", 1, 4, -4000, TALK, WARNING, SUSPENSION,
                                         DOWNGRADE, SUBSIDY))
    async with app.context.db.read() as connection:
        state = await snapshot(connection, SHANGHAI, app.context.rules.scheme)
    found = {(row["month"], row["village"]): (row["amount"], row["consequences"])
             for row in state["settlements"] if row["village"] in ("丰收村", "红星村")}
    assert found == {
        ("2026-10", "丰收村"): (4000, ["talk"]),
        ("2026-10", "红星村"): (-4000, ["talk", "warning"]),
        ("2026-11", "丰收村"): (4000, ["talk", "warning", "downgrade", "subsidy_lowest"]),
        ("2026-11", "红星村"): (-4000, ["talk", "suspension", "downgrade", "subsidy_lowest"]),
        ("2026-12", "丰收村"): (5000, []),
        ("2026-12", "红星村"): (-5000, ["talk", "star_down"]),
        ("2027-01", "丰收村"): (4000, ["talk"]),
        ("2027-01", "红星村"): (-4000, ["talk", "warning", "suspension", "downgrade",
                                       "subsidy_lowest"]),
    }


# --- a scheme with a computed category -------------------------------------------------------

COMPUTED = "议事活跃度"
SCHEME_FILE = f"""name = "含数据项的评比"
categories = ["{PARTY}", "{COMPUTED}"]

[weights."{COMPUTED}"]
meetings_held = 1
"""


async def test_a_computed_category_is_not_entered_and_is_ranked(
        database_url: str, clock: ManualClock, tmp_path: Path) -> None:
    (tmp_path / "scheme.toml").write_text(SCHEME_FILE, encoding="utf-8")
    rules = tmp_path / "wuchang.toml"
    rules.write_text(f'[flags]\nscheme = "{tmp_path / "scheme.toml"}"\n', encoding="utf-8")
    app = await build_app(Settings(database_url=database_url, rules_file=str(rules)), clock)
    try:
        assert app.context.rules.scheme.categories == (PARTY, COMPUTED)
        await import_roster_file(app, SMALL_ROSTER)
        bot = FakeBot(app, clock)
        await bot.start(set())
        await add_villages(app, bot, tmp_path)
        party = {"金竹村": 50, "石桥村": 90, "白沙村": 85, "清水村": 80, "青山村": 75,
                 "龙潭村": 70, "柳溪村": 65, "长冲村": 60, "丰收村": 80, "红星村": 70}
        await import_scores(app, write_scores(tmp_path / "party.csv", {
            "2026-11": {name: (score,) for name, score in party.items()}}, [PARTY]))
        assert texts_of(await bot.say(OFFICIAL, "private", f"/score 2026-11 金竹村 {COMPUTED} 50")
                        ) == [texts.CATEGORY_COMPUTED.format(name=COMPUTED)]
        # 枫树湾 meets in November: one of 金竹村's three 屋场 (33.33); every other village 0.
        await bot.say("H01", "枫树湾", "/meeting 2026-11-06 19:30 晒谷坪 讨论修路")
        clock.set(datetime(2026, 11, 6, 19, 30, tzinfo=SHANGHAI))
        await bot.say("H01", "枫树湾", "/open")
        await bot.say("R01", "枫树湾", "/attend 1 2 3")
        await bot.say("H01", "枫树湾", "/end")
        replies = await bot.say(OFFICIAL, "private", "/flags 2026-11")
        # The bot's own figures follow, advisory: 枫树湾 met, with all 3 resident households.
        assert texts.FLAGS_INDICATOR_LINE.format(
            village="金竹村", meetings_held="33%", attendance="100%", issues_on_time="100%",
            satisfaction="0%") in replies[0].text
        shown = ranking(replies)
        # The zeros tie: the total (the 党建 score) decides, so 龙潭村 ranks above 柳溪村.
        assert shown == ["\n".join([
            texts.FLAGS_TITLE.format(month="2026-11", state=texts.FLAGS_DRAFT),
            texts.FLAGS_GRID.format(grid=EAST),
            category_line(PARTY, "石桥村、白沙村、清水村", "柳溪村、长冲村、金竹村"),
            category_line(COMPUTED, "金竹村、石桥村、白沙村", "龙潭村、柳溪村、长冲村"),
            texts.FLAGS_GRID.format(grid=WEST),
            category_line(PARTY, "丰收村", "红星村"),
            category_line(COMPUTED, "丰收村", "红星村"),
        ])]
        await reviewed(app, "2026-11")
        confirmed = await bot.say(OFFICIAL, "private", "/confirm 2026-11")
        assert confirmed[0].text == texts.CONFIRMED.format(month="2026-11", version=1)
        async with app.context.db.read() as connection:
            state = await snapshot(connection, SHANGHAI, app.context.rules.scheme)
        assert [(row["score"], row["flag"]) for row in state["flags"]
                if row["village"] == "金竹村" and row["category"] == COMPUTED] == [
            (33.33, "red")]
    finally:
        await app.close()


# --- the reminder job ---------------------------------------------------------------------------

async def test_missing_scores_reminder_once_per_stage_until_confirmed(
        app: App, bot: FakeBot, tmp_path: Path) -> None:
    def reminders(messages: list[Outgoing]) -> list[str]:
        return [m.text for m in messages if "红黄旗还缺" in m.text]

    def reminder(month: str, due: str) -> str:
        items = "、".join([f"金竹村{category}" for category in CATEGORIES]
                         + [f"丰收村{PARTY}"]) + texts.FLAGS_MORE
        return texts.SCORES_REMINDER.format(month=month, count=10, items=items, due=due)

    def at(month: int, day: int, hour: int = 9) -> datetime:
        return datetime(2026, month, day, hour, 0, tzinfo=SHANGHAI)

    # 5 November is October's due day: the last reminder stage, sent once.
    sent = await bot.tick(at(11, 5, 19))
    assert reminders(sent) == [reminder(MONTH, "11月5日")]
    assert {m.chat_id for m in sent if m.text in reminders(sent)} == {OFFICIAL}
    assert reminders(await bot.tick(at(11, 5, 21))) == []
    assert reminders(await bot.tick(at(11, 6))) == []
    # November's scores: once when the month is over, once more the day before they are due.
    assert reminders(await bot.tick(at(12, 1))) == [reminder("2026-11", "12月5日")]
    assert reminders(await bot.tick(at(12, 2))) == []
    assert reminders(await bot.tick(at(12, 4))) == [reminder("2026-11", "12月5日")]
    assert reminders(await bot.tick(at(12, 5))) == []
    # December: complete and confirmed on 1 January, then a village is added; no reminder.
    bot.clock.set(datetime(2027, 1, 1, 8, 0, tzinfo=SHANGHAI))
    await import_scores(app, write_scores(tmp_path / "december.csv", {"2026-12": {
        "金竹村": OCTOBER["金竹村"], "丰收村": OCTOBER["丰收村"]}}))
    await reviewed(app, "2026-12")
    assert texts_of(await bot.say(OFFICIAL, "private", "/confirm 2026-12"))[0] == (
        texts.CONFIRMED.format(month="2026-12", version=1))
    (tmp_path / "more.csv").write_text(
        ROSTER_HEADER + "H30,新书记,金溪镇,北片网格,新村,新组,1,是,是,50,屋场长,\n",
        encoding="utf-8")
    await import_roster_file(app, tmp_path / "more.csv")
    for day in (1, 4, 5):
        assert reminders(await bot.tick(datetime(2027, 1, day, 10, tzinfo=SHANGHAI))) == []


# --- the CLI: scores import and export ----------------------------------------------------------

def _environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    cli_environment(monkeypatch, tmp_path)
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("WUCHANG_DATABASE_URL", url)
    return url



def _roster(tmp_path: Path) -> None:
    assert run_cli("roster", "import", str(SMALL_ROSTER)).exit_code == 0
    (tmp_path / "villages.csv").write_text(EXTRA_ROSTER, encoding="utf-8")
    assert run_cli("roster", "import", str(tmp_path / "villages.csv")).exit_code == 0


def _imported(result: Result, count: int) -> bool:
    return result.exit_code == 0 and re.search(rf"已导入\s*{count}\s*项分数", result.stdout) \
        is not None


def _export() -> dict[str, Any]:
    result = run_cli("export", "--format", "json")
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_scores_import_csv_and_xlsx_then_export(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    url = _environment(monkeypatch, tmp_path)
    _roster(tmp_path)
    september = write_scores(tmp_path / "九月.csv", {"2026-09": OCTOBER})
    assert _imported(run_cli("scores", "import", str(september)), 50)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["月份", "镇", "村", *CATEGORIES])
    sheet.append([MONTH, "金溪镇", "金竹村", 92.5, 88, None, "", 70])
    sheet.append([MONTH, "", "丰收村", 60, 61, 62, 63, 64])
    workbook.save(tmp_path / "十月.xlsx")
    workbook.close()
    assert _imported(run_cli("scores", "import", str(tmp_path / "十月.xlsx")), 8)

    async def confirm_september() -> None:
        clock = ManualClock(START)
        app = await build_app(Settings(database_url=url), clock)
        try:
            bot = FakeBot(app, clock)
            await bot.start(set())
            await reviewed(app, "2026-09")
            replies = await bot.say(OFFICIAL, "private", "/confirm 2026-09")
            assert replies[0].text == texts.CONFIRMED.format(month="2026-09", version=1)
        finally:
            await app.close()

    asyncio.run(confirm_september())
    document = _export()
    rows = document["flags"]
    assert all({"month", "village", "category", "score", "flag", "confirmed"} <= row.keys()
               for row in rows)
    september_rows = [row for row in rows if row["month"] == "2026-09"]
    october_rows = [row for row in rows if row["month"] == MONTH]
    assert len(september_rows) == 50 and all(row["confirmed"] is True for row in september_rows)
    assert len(october_rows) == 50 and all(row["confirmed"] is False for row in october_rows)

    def row(rows: list[dict[str, Any]], village: str, category: str) -> tuple[Any, Any]:
        [found] = [(r["score"], r["flag"]) for r in rows
                   if r["village"] == village and r["category"] == category]
        return found

    # September has no veto: 白沙村 keeps its reds, and 清水村 stays fourth in 文明新风培育.
    assert row(september_rows, "白沙村", PARTY) == (85, "red")
    assert row(september_rows, "清水村", CIVIL) == (80, None)
    assert row(september_rows, "金竹村", ECONOMY) == (60, "yellow")
    assert row(september_rows, "丰收村", PARTY) == (70, "yellow")
    # October's draft: only 金竹村 and 丰收村 are scored; the others count as 0, by name.
    assert row(october_rows, "金竹村", PARTY) == (92.5, "red")
    assert row(october_rows, "金竹村", SMART) == (None, "red")
    assert row(october_rows, "石桥村", PARTY) == (None, None)
    assert row(october_rows, "龙潭村", PARTY) == (None, "yellow")
    assert row(october_rows, "丰收村", ECONOMY) == (64, "red")
    assert row(october_rows, "红星村", ECONOMY) == (None, "yellow")
    settlements = {item["village"]: (item["amount"], item["consequences"])
                   for item in document["settlements"]}
    assert {item["month"] for item in document["settlements"]} == {"2026-09"}
    assert settlements == {
        "金竹村": (4000, ["talk"]), "石桥村": (4000, ["talk"]), "白沙村": (4000, ["talk"]),
        "清水村": (0, []), "青山村": (0, []),
        "龙潭村": (-4000, ["talk", "warning"]), "柳溪村": (-4000, ["talk", "warning"]),
        "长冲村": (-4000, ["talk", "warning"]),
        "丰收村": (4000, ["talk"]), "红星村": (-4000, ["talk", "warning"]),
    }


def test_scores_import_rejects_the_whole_file(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    _environment(monkeypatch, tmp_path)
    (tmp_path / "scheme.toml").write_text(SCHEME_FILE.replace(f'"{PARTY}", ', f'"{PARTY}", '
                                                              f'"{HOME}", '), encoding="utf-8")
    (tmp_path / "wuchang.toml").write_text('[flags]\nscheme = "scheme.toml"\n', encoding="utf-8")
    _roster(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("月份,村,党建引领发展,和美家园建设,议事活跃度\n"
                   "2026-10,金竹村,90,80,\n"
                   "2026-10,丰收村,101,80,\n"
                   "2026-10,月亮村,90,80,\n"
                   "2999-12,金竹村,90,80,\n"
                   "2026-10,丰收村,90,80,75\n"
                   "2026-10,石桥村,abc,,\n"
                   "10/2026,白沙村,90,80,\n", encoding="utf-8")
    result = run_cli("scores", "import", str(bad))
    assert result.exit_code == 1
    errors = [(3, texts.SCORE_BAD.format(value="101", low=0, high=100)),
              (4, texts.VILLAGE_UNKNOWN.format(name="月亮村")),
              (5, texts.MONTH_FUTURE.format(month="2999-12")),
              (6, texts.CATEGORY_COMPUTED.format(name=COMPUTED)),
              (7, texts.SCORE_BAD.format(value="abc", low=0, high=100)),
              (8, texts.MONTH_BAD.format(value="10/2026"))]
    assert result.stderr == f"分数表有 {len(errors)} 处错误，未导入任何分数：\n" + "".join(
        f"  {texts.SCORES_ROW_ERROR.format(row=row, message=message)}\n"
        for row, message in errors)
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("月份,村,乡风文明\n2026-10,金竹村,90\n", encoding="utf-8")
    result = run_cli("scores", "import", str(unknown))
    assert result.exit_code == 1
    assert texts.SCORES_ROW_ERROR.format(row=1, message=texts.CATEGORY_UNKNOWN.format(
        name="乡风文明", categories=f"{PARTY}、{HOME}、{COMPUTED}")) in result.stderr
    headless = tmp_path / "headless.csv"
    headless.write_text(f"月份,{PARTY}\n2026-10,90\n", encoding="utf-8")
    result = run_cli("scores", "import", str(headless))
    assert result.exit_code == 1
    assert texts.SCORES_ROW_ERROR.format(row=1, message=texts.SCORES_MISSING_COLUMNS.format(
        columns="村")) in result.stderr
    assert _export()["flags"] == []
    good = tmp_path / "good.csv"
    good.write_text("月份,村,党建引领发展,和美家园建设,议事活跃度\n2026-10,金竹村,90,80,\n",
                    encoding="utf-8")
    assert _imported(run_cli("scores", "import", str(good)), 2)
    assert {(row["village"], row["category"], row["score"]) for row in _export()["flags"]
            if row["score"] is not None and row["category"] != COMPUTED} == {
        ("金竹村", PARTY, 90), ("金竹村", HOME, 80)}


# --- rectification after a yellow flag (F13) -------------------------------------------------

async def test_a_yellow_flag_opens_one_rectification_a_month_reported_done_by_rectified(
        app: App, bot: FakeBot, tmp_path: Path, clock: ManualClock) -> None:
    await add_villages(app, bot, tmp_path)
    clock.set(datetime(2026, 11, 5, 9, 0, tzinfo=SHANGHAI))
    await import_scores(app, write_scores(tmp_path / "october.csv", {MONTH: OCTOBER}))
    await reviewed(app, MONTH)
    await bot.say(OFFICIAL, "private", f"/confirm {MONTH}")

    async def rectifications() -> list[dict[str, Any]]:
        async with app.context.db.read() as connection:
            state = await snapshot(connection, SHANGHAI, app.context.rules.scheme)
        return [row for row in state["tasks"] if row["kind"] == "rectification"]

    opened = await rectifications()
    assert len(opened) == len({row["id"] for row in opened}) == 8  # every yellow village once
    assert {row["due"] for row in opened} == {"2026-11-30"}  # the month's last day
    assert all(row["status"] == "open" for row in opened)
    assert sorted(row["village"] for row in opened) == sorted(
        ["丰收村", "柳溪村", "白沙村", "石桥村", "红星村", "金竹村", "长冲村", "龙潭村"])
    # A new version of the month opens no second task for the same village.
    await bot.say(OFFICIAL, "private", f"/adjust {MONTH} 清水村 {PARTY} -1 班子会决定")
    await reviewed(app, MONTH)
    await bot.say(OFFICIAL, "private", f"/confirm {MONTH}")
    assert [row["id"] for row in await rectifications()] == [row["id"] for row in opened]
    number = opened[0]["id"]
    for command, refusal in [
            ("/rectified", texts.RECTIFIED_USAGE),
            (f"/rectified {number}", texts.RECTIFIED_USAGE),
            ("/rectified 9999 已整改", texts.RECTIFY_UNKNOWN.format(number=9999))]:
        assert texts_of(await bot.say(OFFICIAL, "private", command)) == [refusal], command
    assert texts_of(await bot.say(OTHER_TOWNSHIP_OFFICIAL, "private",
                                  f"/rectified {number} 已整改")) == [
        texts.RECTIFY_UNKNOWN.format(number=number)]
    reply = texts_of(await bot.say(OFFICIAL, "private", f"/rectified {number} 村道垃圾已清理"))
    assert len(reply) == 1 and reply[0].endswith("已办结：村道垃圾已清理")
    assert texts_of(await bot.say(OFFICIAL, "private", f"/rectified {number} 再报")) == [
        texts.RECTIFY_DONE_ALREADY.format(number=number, report="村道垃圾已清理")]
    done = [row for row in await rectifications() if row["id"] == number]
    assert done[0]["status"] == "done" and done[0]["report"] == "村道垃圾已清理"
