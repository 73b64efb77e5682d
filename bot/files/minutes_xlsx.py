"""A meeting's record as a spreadsheet, for villages that keep their files in Excel (台账)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from bot.files.cells import xlsx_row
from bot.files.meeting_record import MeetingRecord, sections
from core import texts

COLUMN_WIDTHS = (10, 40, 12, 12, 12, 12, 16)


def write_xlsx(record: MeetingRecord, path: Path) -> None:
    """Write the record as one sheet: the meeting, then each table under its heading."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = texts.RECORD_MINUTES
    bold = Font(bold=True)
    sheet.append(xlsx_row(sheet, [record.title]))
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    for label, value in record.head:
        sheet.append(xlsx_row(sheet, [label, value]))
    sheet.append(xlsx_row(sheet, [record.quorum]))
    for heading, columns, rows in sections(record):
        sheet.append([])
        sheet.append(xlsx_row(sheet, [heading]))
        sheet.cell(row=sheet.max_row, column=1).font = bold
        sheet.append(xlsx_row(sheet, list(columns) if rows else [texts.RECORD_NONE]))
        for row in rows:
            sheet.append(xlsx_row(sheet, row))
    sheet.append([])
    sheet.append(xlsx_row(sheet, texts.RECORD_SIGNATURES))
    for index, width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[chr(ord("A") + index - 1)].width = width
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    workbook.save(path)
