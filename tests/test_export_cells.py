"""Exports never carry a live formula or a character the file cannot hold (issue 22 items 1-2)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from bot.admin import import_roster_file, invite_rows
from bot.files.cells import clean_text, csv_field, csv_row, xlsx_row
from bot.files.ledger_xlsx import write_ledger
from bot.files.meeting_record import write_record
from bot.wiring import App
from storage import issues as issue_store
from tests.conftest import SHANGHAI, FakeBot
from tests.test_roster_import import database_file, run_cli

__all__ = ["database_file"]  # the fixture, used by name

HYPERLINK = '=HYPERLINK("http://example.com","点我")'

EVIL_ROSTER = ("编号,姓名,镇,网格,村,屋场,户号,在家,党员,年龄,角色,手机\n"
               "V09,=1+1,金溪镇,东片网格,金竹村,枫树湾,8,是,否,30,,\n"
               "-V10,@杨,金溪镇,东片网格,金竹村,枫树湾,8,是,否,30,,\n")


@pytest.mark.parametrize("text", [HYPERLINK, "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_like_text_is_quoted_in_csv(text: str) -> None:
    assert csv_field(text) == "'" + text


@pytest.mark.parametrize("value", [-5, -2.5, "-5", "-12.50", "+3", 0, "李勇", "a=b", ""])
def test_numbers_and_plain_text_stay_as_they_are(value: object) -> None:
    assert csv_field(value) == str(value)


def test_illegal_characters_are_replaced_and_legal_whitespace_kept() -> None:
    assert clean_text("路灯\x0b坏了\x00\ufffe") == "路灯\ufffd坏了\ufffd\ufffd"
    assert clean_text("一\t二\n三\r") == "一\t二\n三\r"
    assert csv_row([None, 7, "\x0b=1"]) == ["", "7", "\ufffd=1"]


def test_xlsx_cells_read_back_as_text_with_quote_prefix(tmp_path: Path) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("s")
    sheet.append(xlsx_row(sheet, [HYPERLINK, "-1", -1, 2.5, "路灯\x0b坏了", "@x"]))
    path = tmp_path / "cells.xlsx"
    workbook.save(path)
    row = next(load_workbook(path).worksheets[0].iter_rows())
    assert [cell.value for cell in row] == [HYPERLINK, "-1", -1, 2.5, "路灯\ufffd坏了", "@x"]
    assert [cell.data_type for cell in row] == ["s", "s", "n", "n", "s", "s"]
    assert [cell.quotePrefix for cell in row] == [True, True, False, False, False, True]
    with zipfile.ZipFile(path) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


async def test_ledger_export_writes_formulas_and_control_characters_as_text(
        app: App, bot: FakeBot, tmp_path: Path) -> None:
    for title in (HYPERLINK, "路灯\x0b坏了"):
        await bot.say("V01", "枫树湾", f"/issue {title}")
        await bot.press("V01", "枫树湾", "设施管护")
    path = tmp_path / "ledger.xlsx"
    assert await write_ledger(app.context, path, month=None, village=None) == 2
    cells = {cell.value: cell for row in load_workbook(path)["问题清单"].iter_rows(min_row=2)
             for cell in row}
    assert cells[HYPERLINK].data_type == "s" and cells[HYPERLINK].quotePrefix
    assert "路灯\ufffd坏了" in cells
    async with app.context.db.read() as connection:  # the ledger keeps what was typed
        stored = await issue_store.get(connection, 2)
    assert stored is not None and stored.title == "路灯\x0b坏了"


async def test_invite_rows_and_minutes_xlsx_quote_formula_like_names(
        app: App, bot: FakeBot, tmp_path: Path) -> None:
    roster = tmp_path / "evil.csv"
    roster.write_text(EVIL_ROSTER, encoding="utf-8")
    await import_roster_file(app, roster)
    rows = await invite_rows(app, [])
    slip = next(slip for slip in rows if slip.person_code == "V09")
    assert csv_row([slip.person_code, slip.name]) == ["V09", "'=1+1"]
    await bot.say("H01", "枫树湾", "/meeting 2026-11-06 19:30 晒谷坪 讨论修路")
    bot.clock.set(datetime(2026, 11, 6, 19, 30, tzinfo=SHANGHAI))
    await bot.say("H01", "枫树湾", "/open")
    await bot.say("R01", "枫树湾", "/minutes =HYPERLINK(\"x\")\x0b说")
    await bot.say("H01", "枫树湾", "/end")
    path = tmp_path / "minutes.xlsx"
    await write_record(app.context, 1, path)
    values = {cell.value: cell for row in load_workbook(path).active.iter_rows() for cell in row}
    found = [value for value in values if isinstance(value, str) and "HYPERLINK" in value]
    assert found and all(values[value].data_type == "s" for value in found)
    assert all("\x0b" not in value for value in found)


def test_invites_cli_quotes_formula_like_fields(database_file: Path, tmp_path: Path) -> None:
    roster = tmp_path / "evil.csv"
    roster.write_text(EVIL_ROSTER, encoding="utf-8")
    assert run_cli("roster", "import", str(roster)).exit_code == 0
    result = run_cli("roster", "invites")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert sorted(row[:2] for row in rows[1:]) == [["'-V10", "'@杨"], ["V09", "'=1+1"]]
