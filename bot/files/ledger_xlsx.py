"""The township's spreadsheet of the problem ledger: issues, their events, and the meetings.

Laid out for an office: bold frozen headers with filters, columns wide enough to read,
real dates and times (Excel sorts and filters them), 满意率 as a percentage, events as
whole sentences with the person's name, and A4 landscape printing with the header row
repeated. Every cell goes through ``_cell``, the one place a cell is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from bot.files.cells import xlsx_value
from core import texts
from core.issues import Level, event_text
from storage import ledger
from storage.context import Context
from storage.export import meeting_records
from storage.ledger import LedgerRow

ISSUE_COLUMNS = ("编号", "屋场", "村", "标题", "类别", "层级", "状态", "承办部门", "负责人",
                 "期限", "期限起算", "超期", "满意率", "提出时间", "销号时间")
ISSUE_WIDTHS = (7, 10, 10, 30, 10, 6, 12, 12, 10, 11, 20, 6, 8, 17, 17)
EVENT_COLUMNS = ("问题编号", "时间", "经办人", "经办人编号", "事项", "内容")
EVENT_WIDTHS = (9, 17, 10, 11, 40, 40)
MEETING_COLUMNS = ("会议编号", "村", "屋场", "时间", "地点", "主题", "状态", "到会户数",
                   "应到户数", "到会人数", "达到法定人数", "表决事项")
MEETING_WIDTHS = (9, 10, 10, 17, 14, 24, 8, 9, 9, 9, 12, 50)
DATE_FORMAT, TIME_FORMAT, PERCENT_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm", "0%"
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")

Progress = Callable[[int, int], None]


def _local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A moment as Excel's naive local date-time (Excel has no time zones)."""
    return moment.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0) \
        if moment else None


def _cell(sheet: WriteOnlyWorksheet, value: object, number_format: str | None = None,
          font: Font | None = None, wrap: bool = False) -> WriteOnlyCell:
    """One cell of the workbook: the single place where cell values are written.

    Its value goes through ``bot.files.cells`` first: no formula, nothing XML-illegal.
    """
    safe = xlsx_value(sheet, value)
    cell = safe if isinstance(safe, Cell) else WriteOnlyCell(sheet, value=safe)
    if number_format is not None:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    if wrap:
        cell.alignment = WRAP
    return cell


def _value(sheet: WriteOnlyWorksheet, value: object) -> WriteOnlyCell:
    """A cell formatted by what it holds: dates and times as such, text as text."""
    if isinstance(value, datetime):
        return _cell(sheet, value, TIME_FORMAT)
    if isinstance(value, date):
        return _cell(sheet, value, DATE_FORMAT)
    return _cell(sheet, value)


def _sheet(workbook: Workbook, title: str, columns: Sequence[str],
           widths: Sequence[int]) -> WriteOnlyWorksheet:
    """A sheet with its layout set before any row: widths, frozen bold header, A4 landscape."""
    sheet: WriteOnlyWorksheet = workbook.create_sheet(title)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.append([_cell(sheet, name, font=BOLD) for name in columns])
    return sheet


def _filter(sheet: WriteOnlyWorksheet, columns: Sequence[str], rows: int) -> None:
    """Excel's filter buttons over the header and every row written."""
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{rows + 1}"


def _row(sheet: WriteOnlyWorksheet, row: LedgerRow, zone: ZoneInfo) -> list[WriteOnlyCell]:
    found = row.issue
    deadline = found.current_deadline
    window = found.report_window if found.level is Level.VILLAGE else None
    values: list[object] = [
        found.id, row.homestead, row.village, found.title, found.category or "",
        found.level.label, found.status.label, found.department or "",
        found.responsible or row.handler or "", deadline,
        f"{window.start.isoformat()} {window.counted_from.label}" if window else "",  # I9
        "是" if found.overdue else "否"]
    cells = [_value(sheet, value) for value in values]
    cells.append(_cell(sheet, None if found.satisfaction is None
                       else round(found.satisfaction, 4), PERCENT_FORMAT))
    cells += [_value(sheet, _local(found.created_at, zone)),
              _value(sheet, _local(found.closed_at, zone))]
    return cells


async def write_ledger(context: Context, path: Path, *, month: tuple[datetime, datetime] | None,
                       village: str | None, progress: Progress | None = None) -> int:
    """Write the ledger to ``path``; return how many issues it holds."""
    zone = context.timezone
    workbook = Workbook(write_only=True)
    issues_sheet = _sheet(workbook, "问题清单", ISSUE_COLUMNS, ISSUE_WIDTHS)
    events_sheet = _sheet(workbook, "事件", EVENT_COLUMNS, EVENT_WIDTHS)
    meetings_sheet = _sheet(workbook, "会议", MEETING_COLUMNS, MEETING_WIDTHS)
    async with context.db.read() as connection:
        rows = await ledger.issue_rows(
            connection, created_from=month[0] if month else None,
            created_before=month[1] if month else None, village_name=village)
        for done, row in enumerate(rows, start=1):
            issues_sheet.append(_row(issues_sheet, row, zone))
            if progress is not None and (done % 500 == 0 or done == len(rows)):
                progress(done, len(rows) * 2)
        written = 0
        async for number, entry, actor_code, actor_name in ledger.events_of(
                connection, [row.issue.id for row in rows]):
            details = "；".join(f"{key}={value}" for key, value in entry.payload.items()
                               if key != "state")
            events_sheet.append([
                _cell(events_sheet, number), _value(events_sheet, _local(entry.at, zone)),
                _cell(events_sheet, actor_name or texts.SYSTEM_NAME),
                _cell(events_sheet, actor_code or ""),
                _cell(events_sheet, event_text(entry.kind, entry.payload), wrap=True),
                _cell(events_sheet, details)])
            written += 1
            if progress is not None and written % 2000 == 0:
                progress(len(rows) + min(len(rows), written // 3), len(rows) * 2)
        held = [meeting for meeting in await meeting_records(connection, zone)
                if _within(meeting, month, village)]
    for meeting in held:
        meetings_sheet.append(_meeting(meetings_sheet, meeting))
    _filter(issues_sheet, ISSUE_COLUMNS, len(rows))
    _filter(events_sheet, EVENT_COLUMNS, written)
    _filter(meetings_sheet, MEETING_COLUMNS, len(held))
    if progress is not None:
        progress(len(rows) * 2, len(rows) * 2)
    workbook.save(path)
    return len(rows)


def _within(meeting: dict[str, Any], month: tuple[datetime, datetime] | None,
            village: str | None) -> bool:
    """Whether a meeting belongs to the month and village the ledger was asked for."""
    starts = datetime.fromisoformat(meeting["starts_at"])
    return (month is None or month[0] <= starts < month[1]) and \
        (village is None or meeting["village"] == village)


def _meeting(sheet: WriteOnlyWorksheet, meeting: dict[str, Any]) -> list[WriteOnlyCell]:
    """One meeting: when and where, attendance against quorum (M3), each motion's result."""
    motions = "\n".join(texts.LEDGER_MOTION.format(
        text=motion["text"], yes=motion["yes"], no=motion["no"], abstain=motion["abstain"],
        result=texts.LEDGER_PASSED if motion["passed"] else texts.LEDGER_NOT_PASSED)
        for motion in meeting["motions"])
    starts = datetime.fromisoformat(meeting["starts_at"]).replace(tzinfo=None)
    return [_cell(sheet, meeting["id"]), _cell(sheet, meeting["village"]),
            _cell(sheet, meeting["homestead"]), _value(sheet, starts),
            _cell(sheet, meeting["place"] or ""), _cell(sheet, meeting["topic"] or ""),
            _cell(sheet, texts.LEDGER_MEETING_STATUS.get(meeting["status"], meeting["status"])),
            _cell(sheet, meeting["households_present"]),
            _cell(sheet, meeting["households_required"]),
            _cell(sheet, meeting["persons_present"]),
            _cell(sheet, "是" if meeting["quorum_met"] else "否"),
            _cell(sheet, motions, wrap=True)]
