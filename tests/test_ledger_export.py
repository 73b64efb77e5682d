"""The problem ledger for the township: JSON and xlsx export, and `wuchang verify` (rule I7)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from bot.admin import import_roster_file
from bot.settings import Settings
from bot.wiring import build_app
from core.clock import ManualClock
from storage.db import Database
from tests.conftest import SHANGHAI, SMALL_ROSTER, FakeBot, cli_environment, run_cli

ISSUE_FIELDS = ("id", "homestead", "category", "level", "status", "deadline", "overdue",
                "satisfaction")
ISSUE_COLUMNS = ["编号", "屋场", "村", "标题", "类别", "层级", "状态", "承办部门", "负责人",
                 "期限", "期限起算", "超期", "满意率", "提出时间", "销号时间"]
EVENT_COLUMNS = ["问题编号", "时间", "经办人", "经办人编号", "事项", "内容"]
INTACT = "事件记录完整，哈希链校验通过。\n"


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A moment of 2026 in Shanghai."""
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


async def _story(database_url: str, whole: bool) -> None:
    """Five issues, one in each status, across two months, three 屋场 and two villages."""
    clock = ManualClock(at(9, 29, 10))
    app = await build_app(Settings(database_url=database_url), clock)
    try:
        await import_roster_file(app, SMALL_ROSTER)
        bot = FakeBot(app, clock)
        await bot.start(set())

        async def raise_issue(moment: datetime, person: str, chat: str, title: str,
                              category: str) -> None:
            clock.set(moment)
            await bot.say(person, chat, f"/issue {title}")
            await bot.press(person, chat, category)

        await raise_issue(at(9, 29, 10), "V01", "枫树湾", "村口路灯坏了", "设施管护")
        # Raised late on 09-30 in Shanghai, still 09-30 in UTC: a September issue.
        await raise_issue(at(9, 30, 23, 30), "V02", "枫树湾", "水渠堵了", "基建加强")
        # Raised early on 10-01 in Shanghai, 09-30 in UTC: an October issue.
        await raise_issue(at(10, 1, 7), "V05", "丰收村/老屋场", "桥栏杆松了", "基建加强")
        if not whole:
            return
        clock.set(at(9, 30, 23, 31))
        await bot.say("H01", "枫树湾", "/escalate 2 要挖机")
        clock.set(at(10, 1, 8))
        await bot.say("H01", "枫树湾", "/solve 1 已换灯泡")
        for person, label in (("V01", "满意"), ("V02", "满意"), ("R01", "基本满意")):
            await bot.press(person, "枫树湾", label)
        await bot.tick(at(10, 4, 8, 10))
        await bot.tick(at(10, 14, 0, 5))
        clock.set(at(10, 14, 9))
        await bot.say("T01", "private", "/assign 2 水利站 T01 2026-10-30")
        await raise_issue(at(10, 15, 9), "V04", "杨家湾", "垃圾没人收", "环境治理")
        await raise_issue(at(10, 15, 9, 10), "V01", "枫树湾", "广场灯不亮", "设施管护")
        await bot.say("H01", "枫树湾", "/solve 5 换了")
        clock.set(at(10, 20, 9))
        await bot.say("H03", "丰收村/老屋场", "/escalate 3")
    finally:
        await app.close()


def _environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> None:
    cli_environment(monkeypatch, tmp_path, database_url)


@pytest.fixture
def story(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """The CLI's database holds the whole story; yields its URL."""
    _environment(monkeypatch, tmp_path, database_url)
    asyncio.run(_story(database_url, whole=True))
    yield database_url


@pytest.fixture
def short_story(sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
                tmp_path: Path) -> Iterator[str]:
    """Three freshly raised issues, on SQLite alone: what verify misses is not a database's."""
    _environment(monkeypatch, tmp_path, sqlite_url)
    asyncio.run(_story(sqlite_url, whole=False))
    yield sqlite_url



def _sql(database_url: str, statement: str) -> None:
    """Change the database behind the application's back."""
    async def run() -> None:
        database = Database(database_url)
        try:
            async with database.write() as connection:
                result = await connection.execute(text(statement))
                assert result.rowcount == 1
        finally:
            await database.dispose()

    asyncio.run(run())


def _scalar(database_url: str, query: str) -> Any:
    async def run() -> Any:
        database = Database(database_url)
        try:
            async with database.read() as connection:
                return await connection.scalar(text(query))
        finally:
            await database.dispose()

    return asyncio.run(run())


def _export_json() -> dict[str, Any]:
    result = run_cli("export", "--format", "json")
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_json_export_then_verify_catches_rows_edited_in_place(story: str) -> None:
    issues = _export_json()["issues"]
    assert all(set(ISSUE_FIELDS) | {"events"} <= set(entry) for entry in issues)
    assert [{field: entry[field] for field in ISSUE_FIELDS} for entry in issues] == [
        {"id": 1, "homestead": "枫树湾", "category": "设施管护", "level": "homestead",
         "status": "closed", "deadline": None, "overdue": False, "satisfaction": 1.0},
        {"id": 2, "homestead": "枫树湾", "category": "基建加强", "level": "township",
         "status": "assigned", "deadline": "2026-10-30", "overdue": True,
         "satisfaction": None},
        {"id": 3, "homestead": "老屋场", "category": "基建加强", "level": "village",
         "status": "escalated", "deadline": "2026-10-27", "overdue": False,
         "satisfaction": None},
        {"id": 4, "homestead": "杨家湾", "category": "环境治理", "level": "homestead",
         "status": "open", "deadline": None, "overdue": False, "satisfaction": None},
        {"id": 5, "homestead": "枫树湾", "category": "设施管护", "level": "homestead",
         "status": "resolved", "deadline": None, "overdue": False, "satisfaction": None},
    ]
    assert [entry["village"] for entry in issues] == ["金竹村", "金竹村", "丰收村", "金竹村",
                                                      "金竹村"]
    by_id = {entry["id"]: entry for entry in issues}
    assert [(event["kind"], event["by"]) for event in by_id[1]["events"]] == [
        ("issue.raised", "V01"), ("issue.categorised", "V01"), ("issue.solved", "H01"),
        ("issue.rated", "V01"), ("issue.rated", "V02"), ("issue.rated", "R01"),
        ("issue.closed", None)]
    raised = by_id[2]["events"][0]["details"]
    assert isinstance(raised.pop("homestead_id"), int)
    assert by_id[2]["events"] == [
        {"at": "2026-09-30T23:30:00+08:00", "kind": "issue.raised", "by": "V02",
         "details": {"title": "水渠堵了", "meeting_id": None}},
        {"at": "2026-09-30T23:30:00+08:00", "kind": "issue.categorised", "by": "V02",
         "details": {"category": "基建加强"}},
        {"at": "2026-09-30T23:31:00+08:00", "kind": "issue.escalated", "by": "H01",
         "details": {"from": "homestead", "to": "village", "reason": "要挖机",
                     "deadline": "2026-10-13", "deadline_start": "2026-09-30",
                     "deadline_from": "village"}},
        {"at": "2026-10-14T00:05:00+08:00", "kind": "issue.escalated", "by": None,
         "details": {"from": "village", "to": "township", "automatic": True,
                     "deadline": "2026-10-13"}},
        {"at": "2026-10-14T09:00:00+08:00", "kind": "issue.assigned", "by": "T01",
         "details": {"department": "水利站", "responsible": "周镇长", "due": "2026-10-30"}},
    ]
    assert by_id[1]["events"][-1]["details"]["rate"] == "100%"
    # Rule I8: each round with who rated it, by 编号.
    (rated,) = by_id[1]["rounds"]
    assert (rated["solved_by"], rated["outcome"], rated["counted_by"], rated["rate"]) == (
        "H01", "close", "buttons", 1.0)
    assert [(rating["rater"], rating["rating"], rating["counted"])
            for rating in rated["ratings"]] == [
        ("V01", "satisfied", True), ("V02", "satisfied", True), ("R01", "basically", True)]
    assert [len(by_id[number]["rounds"]) for number in (2, 3, 4, 5)] == [0, 0, 0, 1]
    assert (by_id[2]["department"], by_id[2]["responsible"], by_id[2]["handler"]) == (
        "水利站", "周镇长", "周镇长")
    assert by_id[1]["closed_at"] == "2026-10-04T08:10:00+08:00"
    # Rule I9: the start of the village's window goes with the deadline while it applies,
    # and stays in report_window once the issue moved on to the township.
    assert [(entry["deadline_start"], entry["deadline_from"]) for entry in issues] == [
        (None, None), (None, None), ("2026-10-20", "village"), (None, None), (None, None)]
    assert [entry["report_window"] for entry in issues] == [
        None, {"start": "2026-09-30", "from": "village", "deadline": "2026-10-13"},
        {"start": "2026-10-20", "from": "village", "deadline": "2026-10-27"}, None, None]
    # I7: the whole chain holds and every issue matches its ledger.
    result = run_cli("verify")
    assert (result.exit_code, result.stdout, result.stderr) == (0, INTACT, "")

    # An issue row edited in place, behind the ledger's back, is reported.
    _sql(story, "UPDATE issue SET status = 'closed' WHERE id = 2")
    result = run_cli("verify")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "问题清单与事件记录不一致：2号问题。\n"
    # Put back as the ledger says, the row passes again.
    _sql(story, "UPDATE issue SET status = 'assigned' WHERE id = 2")
    assert run_cli("verify").exit_code == 0
    _sql(story, "UPDATE issue SET satisfaction = 0.9 WHERE id = 1")
    _sql(story, "UPDATE issue SET handler_id = NULL WHERE id = 2")
    result = run_cli("verify")
    assert result.exit_code == 1
    assert result.stderr == "问题清单与事件记录不一致：1、2号问题。\n"
    # And an edited event breaks the hash chain, whatever the rows say.
    first_of_3 = _scalar(story, "SELECT MIN(id) FROM event WHERE stream = 'issue:3'")
    _sql(story, f"UPDATE event SET payload = '{{}}' WHERE id = {first_of_3}")
    result = run_cli("verify")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"事件记录被改动：第一个校验不通过的事件编号是 {first_of_3}。\n")


def _read_xlsx(path: Path) -> tuple[list[list[Any]], list[list[Any]]]:
    workbook = load_workbook(path)
    try:
        assert workbook.sheetnames == ["问题清单", "事件", "会议"]
        return ([list(row) for row in workbook["问题清单"].iter_rows(values_only=True)],
                [list(row) for row in workbook["事件"].iter_rows(values_only=True)])
    finally:
        workbook.close()


def _export_xlsx(path: Path, *options: str) -> tuple[list[list[Any]], list[list[Any]]]:
    result = run_cli("export", "--format", "xlsx", "-o", str(path), *options)
    assert result.exit_code == 0, result.output
    issues, events = _read_xlsx(path)
    # The transient progress bar may leave an empty line behind.
    assert result.stdout.strip() == f"已导出 {len(issues) - 1} 个问题到 {path}"
    assert issues[0] == ISSUE_COLUMNS and events[0] == EVENT_COLUMNS
    return issues[1:], events[1:]


def test_xlsx_export_one_row_per_issue_with_filters(story: str, tmp_path: Path) -> None:
    issues, events = _export_xlsx(tmp_path / "全部.xlsx")
    assert [row[0] for row in issues] == [1, 2, 3, 4, 5]
    blank = (None, "")
    row = issues[1]
    # real dates and times since issue 21 (Excel sorts and filters them)
    assert row[:12] == [2, "枫树湾", "金竹村", "水渠堵了", "基建加强", "镇", "已交办", "水利站",
                        "周镇长", datetime(2026, 10, 30), None, "是"]
    assert row[12] in blank and row[14] in blank
    assert row[13] == datetime(2026, 9, 30, 23, 30)
    closed = issues[0]
    assert closed[5:7] == ["屋场", "已销号"] and closed[10] in blank and closed[11:] == [
        "否", 1, datetime(2026, 9, 29, 10, 0), datetime(2026, 10, 4, 8, 10)]
    assert issues[2][1:3] == ["老屋场", "丰收村"] and issues[2][6] == "已上报"
    assert issues[2][9:11] == [datetime(2026, 10, 27), "2026-10-20 到村之日"]
    assert [row[6] for row in issues] == ["已销号", "已交办", "已上报", "待处理", "已办结待评价"]
    assert [row[0] for row in events].count(2) == 5
    assert [row[0] for row in events] == sorted(row[0] for row in events)
    # names and whole actions since issue 21, the 编号 beside the name
    assert events[0][:5] == [1, datetime(2026, 9, 29, 10, 0), "李平杰", "V01", "提出问题"]
    automatic = [row for row in events if row[0] == 2][3]
    assert automatic[1:5] == [datetime(2026, 10, 14, 0, 5), "系统", None, "上报到镇"]
    assert "automatic=True" in automatic[5] and "state" not in automatic[5]
    assigned = next(row for row in events if row[0] == 2 and row[4].startswith("交办"))
    assert assigned[4] == "交办水利站，负责人周镇长，2026-10-30前办结"

    cases: list[tuple[tuple[str, ...], list[int]]] = [
        (("--month", "2026-09"), [1, 2]),
        (("--month", "2026-10"), [3, 4, 5]),
        (("--month", "2026-11"), []),
        (("--village", "丰收村"), [3]),
        (("--month", "2026-10", "--village", "金竹村"), [4, 5]),
        (("--village", "没有这个村"), []),
    ]
    for number, (options, expected) in enumerate(cases):
        issues, events = _export_xlsx(tmp_path / f"filtered{number}.xlsx", *options)
        assert [row[0] for row in issues] == expected, options
        assert sorted({row[0] for row in events}) == expected, options

    bad = run_cli("export", "--format", "xlsx", "-o", str(tmp_path / "x.xlsx"),
                  "--month", "2026-13")
    assert bad.exit_code == 2 and "2026-13" in bad.stderr
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.parametrize("statement", [
    "DELETE FROM issue WHERE id = 2",
    "UPDATE issue SET title = '没有问题' WHERE id = 2",
])
def test_verify_reports_a_deleted_or_retitled_issue(short_story: str, statement: str) -> None:
    _sql(short_story, statement)
    result = run_cli("verify")
    assert result.exit_code == 1
    assert "2号问题" in result.stderr
