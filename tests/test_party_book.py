"""The branch's registers workbook (一卡二表三薄): `wuchang export --format xlsx --book party`."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.admin import import_roster_file
from bot.cli import cli
from bot.settings import Settings
from bot.wiring import build_app
from core import texts
from core.clock import ManualClock
from tests.conftest import SHANGHAI, SMALL_ROSTER, FakeBot, cli_environment
from tests.test_party import PARTY_ROSTER


async def _story(database_url: str, tmp_path: Path) -> None:
    """A 主题党日 with an excused 流动党员, a visit and two months of 党费."""
    clock = ManualClock(datetime(2026, 11, 5, 19, tzinfo=SHANGHAI))
    app = await build_app(Settings(database_url=database_url), clock)
    try:
        await import_roster_file(app, SMALL_ROSTER)
        (tmp_path / "party.csv").write_text(PARTY_ROSTER, encoding="utf-8")
        await import_roster_file(app, tmp_path / "party.csv")
        bot = FakeBot(app, clock)
        await bot.start(set())
        await bot.say("C01", "private", "/lesson 主题党日 2026-11-10 19:30 学习党章")
        await bot.tick(datetime(2026, 11, 10, 19, tzinfo=SHANGHAI))
        await bot.say("C01", "private", "/attend H01 P02")
        await bot.say("P02", "private", "/visit 3 春耕用工")
        for month in ("2026-10", "2026-11"):
            await bot.say("C01", "private", f"/dues {month} P01 10")
    finally:
        await app.close()


def test_the_registers_workbook_reads_back(sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    cli_environment(monkeypatch, tmp_path, sqlite_url)
    asyncio.run(_story(sqlite_url, tmp_path))
    output = tmp_path / "台账.xlsx"
    result = CliRunner().invoke(cli, ["export", "--format", "xlsx", "--book", "party",
                                      "-o", str(output)])
    assert result.exit_code == 0, result.output
    book = load_workbook(output)
    assert book.sheetnames == [texts.BOOK_MEMBERS, texts.BOOK_ROSTERS, texts.BOOK_MEETINGS,
                               texts.BOOK_DUES, texts.BOOK_VISITS, texts.BOOK_MOBILE]

    def rows(title: str) -> list[tuple[object, ...]]:
        return list(book[title].iter_rows(min_row=2, values_only=True))

    members = rows(texts.BOOK_MEMBERS)
    assert [row[0] for row in members] == ["C01", "C02", "H01", "H02", "H03", "H04", "P01",
                                           "P02"]  # a 镇干部 belongs to no village's branch
    assert members[0] == ("C01", "杨村官", "金竹村党支部", "支部书记", None, "否", "否")
    assert rows(texts.BOOK_ROSTERS) == [("R01", "袁东成", "后备干部", "否"),
                                        ("V01", "李平杰", "入党积极分子", "否")]
    assert rows(texts.BOOK_MEETINGS) == [(1, "2026-11-10 19:30", "主题党日", "金竹村党支部",
                                          "学习党章", "杨村官", 5, 2, 1, "李勇、李联户",
                                          "李外出")]
    assert rows(texts.BOOK_DUES) == [("P01", "李外出", "2026-10", 10),
                                     ("P01", "李外出", "2026-11", 10)]
    assert [row[1:] for row in rows(texts.BOOK_VISITS)] == [
        ("P02", "李联户", "金竹村枫树湾3号", "春耕用工")]
    assert rows(texts.BOOK_MOBILE) == [("P01", "李外出", "金竹村党支部", 1, 1, 2)]
    bad = CliRunner().invoke(cli, ["export", "--format", "xlsx", "--book", "党建",
                                   "-o", str(output)])
    assert bad.exit_code != 0


def test_dues_import_checks_every_row_then_keeps_all(sqlite_url: str,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    cli_environment(monkeypatch, tmp_path, sqlite_url)
    asyncio.run(_story(sqlite_url, tmp_path))
    bad = tmp_path / "bad.csv"
    bad.write_text("月份,编号,金额\n2026-09,P02,10\n2026-9,P02,10\n2026-09,V01,10\n"
                   "2026-09,P02,十元\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["dues", "import", str(bad)])
    assert result.exit_code == 1
    assert "第3行：" + texts.DUES_BAD_MONTH.format(value="2026-9") in result.output
    assert "第4行：" + texts.DUES_NOT_MEMBER.format(code="V01") in result.output
    assert "第5行：" + texts.DUES_BAD_AMOUNT.format(value="十元") in result.output
    good = tmp_path / "good.csv"
    good.write_text("月份,编号,金额\n2026-09,P02,10\n2026-09,H01,12.5\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["dues", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert texts.DUES_IMPORTED.format(count=2) in result.output
    output = tmp_path / "台账.xlsx"
    assert CliRunner().invoke(cli, ["export", "--format", "xlsx", "--book", "party",
                                    "-o", str(output)]).exit_code == 0
    dues = list(load_workbook(output)[texts.BOOK_DUES].iter_rows(min_row=2, values_only=True))
    assert ("H01", "李勇", "2026-09", 12.5) in dues and ("P02", "李联户", "2026-09", 10) in dues
