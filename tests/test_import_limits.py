"""Importers give clear row errors and read within caps, saying which (issue 22 item 12)."""

from __future__ import annotations

import time
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.admin import import_roster_file
from bot.files import roster as table_reader
from bot.files.roster import read_table
from bot.files.scores import import_scores
from bot.wiring import App
from core import texts
from core.roster import RosterInvalid

HEADER = "编号,姓名,镇,网格,村,屋场,户号,在家,党员,年龄,角色,手机\n"


def _errors(call: object) -> list[tuple[int, str]]:
    assert isinstance(call, RosterInvalid)
    return [(error.row_number, error.message) for error in call.errors]


def test_an_xlsx_that_is_no_zip_is_refused_clearly(tmp_path: Path) -> None:
    fake = tmp_path / "花名册.xlsx"
    fake.write_text("编号,姓名\n", encoding="utf-8")
    with pytest.raises(RosterInvalid) as refused:
        read_table(fake)
    assert _errors(refused.value) == [(0, texts.IMPORT_NOT_XLSX)]


def _declared_huge(path: Path) -> Path:
    """A small xlsx whose sheet declares A1:XFD1048576 and holds one cell far down."""
    workbook = Workbook()
    workbook.active.append(["编号", "姓名"])
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace('<dimension ref="A1:B1"/>', '<dimension ref="A1:XFD1048576"/>')
    sheet = sheet.replace("</sheetData>",
                          '<row r="1048576"><c r="A1048576" t="n"><v>1</v></c></row></sheetData>')
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_a_small_xlsx_declaring_a_huge_sheet_is_refused_fast(tmp_path: Path) -> None:
    path = _declared_huge(tmp_path / "huge.xlsx")
    assert path.stat().st_size < 10_000
    started = time.monotonic()
    with pytest.raises(RosterInvalid) as refused:
        read_table(path)
    assert _errors(refused.value) == [(0, texts.IMPORT_TOO_MANY_ROWS.format(
        limit=table_reader.MAX_ROWS))]
    assert time.monotonic() - started < 60  # generous; it took over 300 s before


def test_caps_on_size_columns_and_rows_say_which(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(["列"] * (table_reader.MAX_COLUMNS + 1)) + "\n", encoding="utf-8")
    with pytest.raises(RosterInvalid) as refused:
        read_table(wide)
    assert _errors(refused.value) == [(0, texts.IMPORT_TOO_MANY_COLUMNS.format(
        limit=table_reader.MAX_COLUMNS))]
    monkeypatch.setattr(table_reader, "MAX_FILE_BYTES", 10)
    with pytest.raises(RosterInvalid) as refused:
        read_table(wide)
    assert refused.value.errors[0].message.startswith("文件超过")


async def test_a_twenty_digit_household_is_a_row_error(app: App, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(HEADER + "V09,李四,金溪镇,东片网格,金竹村,枫树湾,12345678901234567890,"
                    "是,否,30,,\n", encoding="utf-8")
    with pytest.raises(RosterInvalid) as refused:
        await import_roster_file(app, path)
    assert (2, texts.ROSTER_HOUSEHOLD_TOO_BIG.format(value="12345678901234567890",
                                                    most=99_999)) in _errors(refused.value)


async def test_scores_month_typos_date_cells_and_duplicates_are_row_errors(
        app: App, tmp_path: Path) -> None:
    categories = app.context.rules.scheme.categories
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["月份", "村", categories[0]])
    sheet.append(["2026-1-", "金竹村", 80])
    sheet.append([datetime(2026, 10, 1), "金竹村", 80])
    sheet.append(["2026-10", "金竹村", 80])
    sheet.append(["2026-10", "金竹村", 70])
    path = tmp_path / "scores.xlsx"
    workbook.save(path)
    with pytest.raises(RosterInvalid) as refused:
        await import_scores(app, path)
    assert _errors(refused.value) == [
        (2, texts.MONTH_BAD.format(value="2026-1-")),
        (3, texts.SCORES_MONTH_DATE_CELL.format(value="2026-10-01")),
        (5, texts.SCORES_DUPLICATE_ROW.format(month="2026-10", village="金竹村", first=4)),
    ]
