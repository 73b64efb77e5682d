"""The printable meeting record (台账): A4 PDF and spreadsheet, read back from the file."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner

from bot.cli import cli
from bot.files.meeting_record import write_record
from bot.settings import Settings
from bot.wiring import App, build_app
from core import texts
from core.clock import ManualClock
from tests.conftest import SHANGHAI, SMALL_ROSTER, FakeBot
from tests.test_ledger_export import _environment, _sql

FENGSHU = "枫树湾"
A4_POINTS = (595.28, 841.89)
# What the record must show: the meeting, attendance by household, quorum, each motion
# with its count and result, the decision, the minutes verbatim, the issue, signatures.
EXPECTED = [
    "金竹村枫树湾红色屋场议事恳谈会记录", "时间：11月6日（周五）19:30", "地点：晒谷坪",
    "议题：讨论修路", "村定主题：人居环境整治",
    "在家3户，需到会3户（80%），实到3户、4人：达到法定户数。",
    "户号", "到会人数", "签到人", "李平杰",
    "村口修路", "集资建亭子", texts.PASSED, texts.FAILED,
    "决议", "未办，12月6日前办结",
    "袁东成", "李平杰：村口的路先修，每户出工两天。",
    "村口路灯坏了", "设施管护",
    "屋场长（签字）：", "记录员（签字）：",
]


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A moment of 2026 in Shanghai."""
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


async def _hold_meeting(bot: FakeBot) -> None:
    await bot.say("C01", "private", "/topic 人居环境整治")
    await bot.say("H01", FENGSHU, "/meeting 2026-11-06 19:30 晒谷坪 讨论修路")
    bot.clock.set(at(11, 6, 19, 30))
    await bot.say("H01", FENGSHU, "/open")
    await bot.press("V01", FENGSHU, "签到")
    await bot.say("R01", FENGSHU, "/attend 1 2 3*2")
    for text, tally in (("村口修路", "4 0 0"), ("集资建亭子", "1 3 0")):
        await bot.say("H01", FENGSHU, f"/motion {text}")
        await bot.say("R01", FENGSHU, f"/tally {tally}")
        await bot.say("H01", FENGSHU, "/close")
    await bot.say("V02", FENGSHU, "/issue 村口路灯坏了")
    await bot.press("V02", FENGSHU, "设施管护")
    await bot.say("R01", FENGSHU, "/minutes 李平杰：村口的路先修，每户出工两天。")
    await bot.say("H01", FENGSHU, "/end")


def _flat(text: str) -> str:
    """Text without spacing; pypdf reads each CJK glyph of fpdf2's CMap with a NUL before it
    (poppler's pdftotext reads it clean)."""
    return re.sub(r"[\s\x00]+", "", text)


def _pdf_text(path: Path) -> tuple[str, list[tuple[float, float]]]:
    reader = PdfReader(path)
    sizes = [(round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2))
             for page in reader.pages]
    return _flat("".join(page.extract_text() for page in reader.pages)), sizes


async def test_record_as_pdf_and_xlsx(app: App, bot: FakeBot, tmp_path: Path) -> None:
    await _hold_meeting(bot)
    pdf, xlsx = tmp_path / "记录.pdf", tmp_path / "记录.xlsx"
    await write_record(app.context, 1, pdf)
    await write_record(app.context, 1, xlsx)
    text, sizes = _pdf_text(pdf)
    assert sizes and all(size == A4_POINTS for size in sizes)
    missing = [expected for expected in EXPECTED if _flat(expected) not in text]
    assert missing == []
    # The attendance table: household number, persons, and who checked in.
    assert "3" + "2" + "李平杰" in text
    assert "1村口修路400" in text and "2集资建亭子130" in text
    rows = [[str(cell) for cell in row if cell is not None]
            for row in load_workbook(xlsx).active.iter_rows(values_only=True)]
    joined = "\n".join("：".join(row) for row in rows)
    assert [expected for expected in EXPECTED if expected not in joined] == []
    assert ["1", "村口修路", "4", "0", "0", "4", texts.PASSED] in rows
    assert ["3", "2", "李平杰"] in rows
    with pytest.raises(ValueError):
        await write_record(app.context, 1, tmp_path / "记录.doc")


def test_minutes_command_writes_the_file_or_says_why_not(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _environment(monkeypatch, tmp_path, sqlite_url)

    async def story() -> None:
        clock = ManualClock(at(11, 5, 19))
        app = await build_app(Settings(database_url=sqlite_url), clock)
        try:
            from bot.admin import import_roster_file

            await import_roster_file(app, SMALL_ROSTER)
            bot = FakeBot(app, clock)
            await bot.start(set())
            await _hold_meeting(bot)
            await bot.say("H01", "枫树湾", "/meeting 2026-12-06 19:30 晒谷坪 再议修路")
        finally:
            await app.close()

    asyncio.run(story())
    runner = CliRunner()
    written = runner.invoke(cli, ["minutes", "1", "-o", "台账.pdf"])
    assert written.exit_code == 0, written.output
    assert written.stdout == texts.RECORD_WRITTEN.format(path="台账.pdf") + "\n"
    text, _ = _pdf_text(tmp_path / "台账.pdf")
    assert _flat("李平杰：村口的路先修，每户出工两天。") in text
    unknown = runner.invoke(cli, ["minutes", "9", "-o", "台账.pdf"])
    assert unknown.exit_code == 1
    assert texts.RECORD_UNKNOWN_MEETING.format(meeting_id=9) in unknown.stderr
    not_held = runner.invoke(cli, ["minutes", "2", "-o", "未开.pdf"])  # only scheduled
    assert not_held.exit_code == 1 and not (tmp_path / "未开.pdf").exists()
    assert texts.RECORD_NOT_HELD.format(meeting_id=2) in not_held.stderr
    wrong = runner.invoke(cli, ["minutes", "1", "-o", "台账.doc"])
    assert wrong.exit_code == 2 and not (tmp_path / "台账.doc").exists()
    # `wuchang verify` holds each decision to its events, as it does each issue.
    assert runner.invoke(cli, ["verify"]).exit_code == 0
    _sql(sqlite_url, "UPDATE task SET subject = '集资建亭子' WHERE id = 1")
    tampered = runner.invoke(cli, ["verify"])
    assert tampered.exit_code == 1
    assert "决议等跟进事项与事件记录不一致：1号。" in tampered.stderr
