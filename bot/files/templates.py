"""Spreadsheet templates an office fills in: the roster and the monthly scores.

The first sheet has the header in row 1 (what the importers read), one sample row, and
data validation where a column takes fixed words (是/否, the roles) or numbers; a second
sheet (说明) says what every column means. Every cell is written through ``put`` so a
cell-sanitizing rule applies in one place.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from bot.files.scores import MONTH_COLUMN, VILLAGE_COLUMN, template_header
from core import texts
from core.flags import Scheme
from core.roles import ROLE_BY_LABEL
from core.roster import COLUMNS, NO, REQUIRED_COLUMNS, YES

KINDS = ("roster", "scores")
ROWS_VALIDATED = 2000  # rows below the header that carry the validation
YES_NO_COLUMNS = frozenset({"在家", "党员", "后备干部", "入党积极分子", "流动党员"})
SAMPLE_FILL = PatternFill("solid", fgColor="FFF2CC")
SAMPLE_ROSTER: dict[str, object] = {
    "编号": "P0001", "姓名": "张三", "镇": "金溪镇", "网格": "东片网格", "村": "金竹村",
    "屋场": "枫树湾", "户号": 1, "在家": YES, "党员": NO, "年龄": 56, "角色": "村民",
    "手机": "13800000000"}


def put(sheet: Worksheet, row: int, column: int, value: object) -> None:
    """Write one cell: the single place where a template's cells are written."""
    sheet.cell(row=row, column=column, value=value)


def write_template(kind: str, scheme: Scheme, path: Path) -> None:
    """Write the ``roster`` or ``scores`` template to ``path`` (.xlsx)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    if kind == "roster":
        sheet.title = texts.TEMPLATE_ROSTER_SHEET
        columns = list(COLUMNS)
        sample = [SAMPLE_ROSTER.get(name, "") for name in columns]
        notes = [(name, texts.TEMPLATE_ROSTER_NOTES.get(name, ""),
                  texts.TEMPLATE_REQUIRED if name in REQUIRED_COLUMNS else "")
                 for name in columns]
    else:
        sheet.title = texts.TEMPLATE_SCORES_SHEET
        columns = template_header(scheme)
        sample = ["2026-11", "金竹村", *([""] * (len(columns) - 2))]
        maxima = {found.name: found.max_points
                  for listed in scheme.items.values() for found in listed}
        notes = [(MONTH_COLUMN, texts.TEMPLATE_SCORES_MONTH, texts.TEMPLATE_REQUIRED),
                 (VILLAGE_COLUMN, texts.TEMPLATE_SCORES_VILLAGE, texts.TEMPLATE_REQUIRED)]
        notes += [(name, texts.TEMPLATE_SCORES_ITEM.format(most=f"{maxima[name]:g}")
                   if name in maxima else texts.TEMPLATE_SCORES_CATEGORY, "")
                  for name in columns[2:]]
    _header(sheet, columns)
    for index, value in enumerate(sample, start=1):
        put(sheet, 2, index, value)
        sheet.cell(row=2, column=index).fill = SAMPLE_FILL
    _validate(sheet, columns, kind)
    _notes(workbook.create_sheet(texts.TEMPLATE_NOTES_SHEET), notes)
    workbook.save(path)


def _header(sheet: Worksheet, columns: list[str]) -> None:
    """Bold header in row 1, frozen, each column wide enough for its name."""
    for index, name in enumerate(columns, start=1):
        put(sheet, 1, index, name)
        sheet.cell(row=1, column=index).font = Font(bold=True)
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(10, 2 * len(name) + 4)
    sheet.freeze_panes = "A2"


def _validate(sheet: Worksheet, columns: list[str], kind: str) -> None:
    """Drop-down lists for 是/否 and the roles; whole or decimal numbers where numbers go."""
    last = ROWS_VALIDATED + 1
    for index, name in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        if kind == "roster" and name in YES_NO_COLUMNS:
            rule = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True)
        elif kind == "roster" and name == "角色":
            rule = DataValidation(type="list", formula1='"' + ",".join(ROLE_BY_LABEL) + '"',
                                  allow_blank=True)
        elif kind == "roster" and name in ("户号", "年龄"):
            rule = DataValidation(type="whole", operator="between", formula1="1",
                                  formula2="9999", allow_blank=True)
        elif kind == "scores" and index > 2:
            rule = DataValidation(type="decimal", operator="between", formula1="-1000",
                                  formula2="1000", allow_blank=True)
        else:
            continue
        rule.error = texts.TEMPLATE_INVALID.format(column=name)
        rule.showErrorMessage = True
        rule.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(rule)


def _notes(sheet: Worksheet, notes: list[tuple[str, str, str]]) -> None:
    """The 说明 sheet: a line on the sample row, then column, meaning, required."""
    put(sheet, 1, 1, texts.TEMPLATE_SAMPLE_NOTE)
    for index, name in enumerate(texts.TEMPLATE_NOTES_HEADER, start=1):
        put(sheet, 3, index, name)
        sheet.cell(row=3, column=index).font = Font(bold=True)
    for row, line in enumerate(notes, start=4):
        for column, value in enumerate(line, start=1):
            put(sheet, row, column, value)
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 70
    sheet.column_dimensions["C"].width = 8
