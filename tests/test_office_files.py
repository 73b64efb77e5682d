"""Issue 21 item 4: files an office uses (CSV encodings, title rows, BOM, templates)."""

from __future__ import annotations

import contextlib
import csv
import io
import re
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.files.ledger_xlsx import write_ledger
from bot.files.roster import read_roster
from bot.wiring import App
from core.roster import COLUMNS
from tests.conftest import SHANGHAI, SMALL_ROSTER, FakeBot, run_cli
from tests.test_meeting_record import _hold_meeting

ROSTER_TEXT = SMALL_ROSTER.read_text(encoding="utf-8")
PERSONS = len(ROSTER_TEXT.strip().splitlines()) - 1


def persons(workdir: Path) -> list[tuple[str, str]]:
    with contextlib.closing(sqlite3.connect(workdir / "w.db")) as connection:
        return connection.execute("SELECT code, name FROM person ORDER BY code").fetchall()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_office_encoding_with_a_title_row_reads_alike(
        tmp_path: Path, encoding: str) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_text(ROSTER_TEXT, encoding="utf-8")
    titled = tmp_path / f"{encoding}.csv"
    titled.write_bytes(("金溪镇红色屋场花名册,,,\r\n制表：党政办,,2026年11月\r\n" + ROSTER_TEXT)
                       .encode(encoding))
    header, rows = read_roster(titled)
    plain_header, plain_rows = read_roster(plain)
    assert header == plain_header
    assert rows[:2] == [{}, {}]  # the title rows keep their place: errors name file rows
    assert rows[2:] == plain_rows


def test_a_gbk_roster_with_a_title_row_imports_and_errors_name_file_rows(workdir: Path) -> None:
    lines = ROSTER_TEXT.strip().splitlines()
    good = workdir / "花名册.csv"
    good.write_bytes(("金溪镇花名册\r\n" + "\r\n".join(lines) + "\r\n").encode("gbk"))
    result = run_cli("roster", "import", str(good))
    assert result.exit_code == 0, result.output
    assert len(persons(workdir)) == PERSONS

    bad = workdir / "坏.csv"
    broken = [*lines[:3], lines[3].replace(",44,", ",abc,")]
    bad.write_bytes(("金溪镇花名册\r\n" + "\r\n".join(broken) + "\r\n").encode("gbk"))
    result = run_cli("roster", "import", str(bad))
    assert result.exit_code == 1
    assert "第5行：年龄“abc”" in result.stderr  # title 1, header 2, rows 3-5


def test_xlsx_title_rows_above_the_header_are_skipped(workdir: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["金溪镇花名册"])
    sheet.append([])
    for line in ROSTER_TEXT.strip().splitlines():
        sheet.append(line.split(","))
    workbook.save(workdir / "花名册.xlsx")
    result = run_cli("roster", "import", str(workdir / "花名册.xlsx"))
    assert result.exit_code == 0, result.output
    assert len(persons(workdir)) == PERSONS


def test_invites_written_to_a_file_have_a_bom_and_the_village_and_homestead(
        workdir: Path) -> None:
    assert run_cli("roster", "import", str(SMALL_ROSTER)).exit_code == 0
    assert run_cli("roster", "invites", "-o", "邀请码.csv").exit_code == 0
    data = (workdir / "邀请码.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["编号", "姓名", "邀请码", "村", "屋场"]
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["H01"][1:2] + by_code["H01"][3:] == ["李勇", "金竹村", "枫树湾"]
    assert re.fullmatch(r"[2-9A-Z]{8}", by_code["H01"][2])
    assert by_code["T01"][3:] == ["", ""]  # an official lives in no 屋场
    # grouped by village and 屋场
    places = [(row[3], row[4]) for row in rows[1:]]
    assert places == sorted(places)


def test_roster_template_round_trip(workdir: Path) -> None:
    result = run_cli("template", "roster", "-o", "模板.xlsx")
    assert result.exit_code == 0, result.output
    workbook = load_workbook(workdir / "模板.xlsx")
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header == list(COLUMNS)
    assert sheet.freeze_panes == "A2"
    assert sheet[2][1].value == "张三"  # the sample row
    lists = {str(rule.sqref): rule.formula1 for rule in sheet.data_validations.dataValidation}
    column = {name: sheet.cell(row=1, column=index).column_letter
              for index, name in enumerate(header, start=1)}
    assert lists[f"{column['在家']}2:{column['在家']}2001"] == '"是,否"'
    assert lists[f"{column['党员']}2:{column['党员']}2001"] == '"是,否"'
    assert lists[f"{column['角色']}2:{column['角色']}2001"] == '"村民,屋场长,记录员,村干部,镇干部"'
    notes = workbook["说明"]
    noted = {row[0].value: row[1].value for row in notes.iter_rows(min_row=4)}
    assert set(noted) == set(COLUMNS)
    assert all(noted.values())

    # fill: the sample row replaced by the roster, as an office would type it in
    sheet.delete_rows(2)
    for line in ROSTER_TEXT.strip().splitlines()[1:]:
        sheet.append([int(cell) if cell.isdigit() and len(cell) < 4 else cell
                      for cell in line.split(",")])
    workbook.save(workdir / "填好.xlsx")
    result = run_cli("roster", "import", str(workdir / "填好.xlsx"))
    assert result.exit_code == 0, result.output
    assert len(persons(workdir)) == PERSONS


def test_scores_template_round_trip(workdir: Path) -> None:
    assert run_cli("roster", "import", str(SMALL_ROSTER)).exit_code == 0
    result = run_cli("template", "scores", "-o", "评分.xlsx")
    assert result.exit_code == 0, result.output
    workbook = load_workbook(workdir / "评分.xlsx")
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["月份", "村"]
    assert len(header) > 2
    assert {str(rule.sqref) for rule in sheet.data_validations.dataValidation} == {
        f"{sheet.cell(row=1, column=index).column_letter}2:"
        f"{sheet.cell(row=1, column=index).column_letter}2001"
        for index in range(3, len(header) + 1)}
    assert "说明" in workbook.sheetnames
    for index in range(3, len(header) + 1):
        sheet.cell(row=2, column=index, value=1)
    workbook.save(workdir / "填好.xlsx")
    result = run_cli("scores", "import", str(workdir / "填好.xlsx"))
    assert result.exit_code == 0, result.output
    assert re.search(rf"已导入\s*{len(header) - 2}\s*项分数", result.stdout)


def test_template_refuses_an_unknown_kind_and_suffix(workdir: Path) -> None:
    assert run_cli("template", "people", "-o", "x.xlsx").exit_code == 2
    assert run_cli("template", "roster", "-o", "x.csv").exit_code == 2
    assert list(workdir.iterdir()) == []


async def test_ledger_workbook_is_laid_out_for_an_office(
        app: App, bot: FakeBot, tmp_path: Path) -> None:
    await _hold_meeting(bot)
    bot.clock.set(datetime(2026, 11, 7, 9, 0, tzinfo=SHANGHAI))
    await bot.say("R01", "枫树湾", "/issue 村头垃圾没人清")
    await bot.press("R01", "枫树湾", "环境治理")
    path = tmp_path / "台账.xlsx"
    assert await write_ledger(app.context, path, month=None, village=None) == 2
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["问题清单", "事件", "会议"]
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}" \
            f"{sheet.max_row}"
        assert sheet.page_setup.orientation == "landscape"
        assert str(sheet.page_setup.paperSize) == "9"  # A4
        assert sheet.print_title_rows == "$1:$1"
        assert all(sheet.column_dimensions[cell.column_letter].width >= 6 for cell in sheet[1])
    issues = workbook["问题清单"]
    created = issues.cell(2, 14)
    assert isinstance(created.value, datetime) and created.number_format == "yyyy-mm-dd hh:mm"
    assert issues.cell(2, 13).number_format == "0%"
    events = workbook["事件"]
    raised = list(events.iter_rows(min_row=2, values_only=True))
    assert raised[0][2:5] == ("李大娘", "V02", "提出问题")  # the name, then the 编号
    assert {row[2] for row in raised} >= {"李大娘", "袁东成"}
    assert "分类为设施管护" in {row[4] for row in raised}
    meetings = list(workbook["会议"].iter_rows(min_row=2, values_only=True))
    assert len(meetings) == 1
    meeting = meetings[0]
    assert meeting[1:4] == ("金竹村", "枫树湾", datetime(2026, 11, 6, 19, 30))
    assert meeting[4:11] == ("晒谷坪", "讨论修路", "已召开", 3, 3, 4, "是")
    assert meeting[11] == ("村口修路：赞成4 反对0 弃权0，通过\n"
                           "集资建亭子：赞成1 反对3 弃权0，未通过")


def test_invite_slips_pdf_with_qr_codes_that_decode_to_the_deep_link(workdir: Path) -> None:
    import zxingcpp
    from pypdf import PdfReader

    assert run_cli("roster", "import", str(SMALL_ROSTER)).exit_code == 0
    invites = run_cli("roster", "invites")
    rows = list(csv.reader(io.StringIO(invites.stdout)))[1:]
    codes = {row[0]: row[2] for row in rows}
    village = "金竹村"
    wanted = [row for row in rows if row[3] == village]

    result = run_cli("roster", "slips", "--village", village, "--bot", "@wuchang_bot",
                     "-o", "邀请条.pdf")
    assert result.exit_code == 0, result.output
    reader = PdfReader(workdir / "邀请条.pdf")
    assert len(reader.pages) == -(-len(wanted) // 10)
    assert f"已生成 {len(wanted)} 张邀请条" in result.stdout
    decoded: list[str] = []
    for page in reader.pages:
        [picture] = page.images
        decoded += [found.text for found in zxingcpp.read_barcodes(picture.image)]
    assert sorted(decoded) == sorted(f"https://t.me/wuchang_bot?start={codes[row[0]]}"
                                     for row in wanted)

    plain = run_cli("roster", "slips", "-o", "无码.pdf")  # no bot named: codes only, no QR
    assert plain.exit_code == 0, plain.output
    for page in PdfReader(workdir / "无码.pdf").pages:
        assert zxingcpp.read_barcodes(page.images[0].image) == []
    assert run_cli("roster", "slips", "--village", "没有这个村", "-o", "x.pdf").exit_code == 1
    assert run_cli("roster", "slips", "-o", "x.png").exit_code == 2
