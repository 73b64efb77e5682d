"""The township's spreadsheet of the problem ledger: one row per issue and a sheet of events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from bot.files.cells import xlsx_row
from core import texts
from core.issues import Level
from storage import ledger
from storage.context import Context
from storage.ledger import LedgerRow

ISSUE_COLUMNS = ("编号", "屋场", "村", "标题", "类别", "层级", "状态", "承办部门", "负责人",
                 "期限", "期限起算", "超期", "满意率", "提出时间", "销号时间")
EVENT_COLUMNS = ("问题编号", "时间", "经办人编号", "事项", "内容")

Progress = Callable[[int, int], None]


def _local(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def _row(row: LedgerRow, zone: ZoneInfo) -> list[object]:
    found = row.issue
    deadline = found.current_deadline
    window = found.report_window if found.level is Level.VILLAGE else None
    return [
        found.id, row.homestead, row.village, found.title, found.category or "",
        found.level.label, found.status.label, found.department or "",
        found.responsible or row.handler or "", deadline.isoformat() if deadline else "",
        f"{window.start.isoformat()} {window.counted_from.label}" if window else "",  # I9
        "是" if found.overdue else "否",
        "" if found.satisfaction is None else round(found.satisfaction, 4),
        _local(found.created_at, zone), _local(found.closed_at, zone),
    ]


async def write_ledger(context: Context, path: Path, *, month: tuple[datetime, datetime] | None,
                       village: str | None, progress: Progress | None = None) -> int:
    """Write the ledger to ``path``; return how many issues it holds."""
    zone = context.timezone
    workbook = Workbook(write_only=True)
    issues_sheet = workbook.create_sheet("问题清单")
    events_sheet = workbook.create_sheet("事件")
    issues_sheet.append(list(ISSUE_COLUMNS))
    events_sheet.append(list(EVENT_COLUMNS))
    async with context.db.read() as connection:
        rows = await ledger.issue_rows(
            connection, created_from=month[0] if month else None,
            created_before=month[1] if month else None, village_name=village)
        for done, row in enumerate(rows, start=1):
            issues_sheet.append(xlsx_row(issues_sheet, _row(row, zone)))
            if progress is not None and (done % 500 == 0 or done == len(rows)):
                progress(done, len(rows) * 2)
        written = 0
        async for number, entry, actor_code in ledger.events_of(
                connection, [row.issue.id for row in rows]):
            details = "；".join(f"{key}={value}" for key, value in entry.payload.items()
                               if key != "state")
            events_sheet.append(xlsx_row(events_sheet, [
                number, _local(entry.at, zone), actor_code or texts.SYSTEM_NAME,
                texts.HISTORY.get(entry.kind, entry.kind).split("{")[0] or entry.kind, details]))
            written += 1
            if progress is not None and written % 2000 == 0:
                progress(len(rows) + min(len(rows), written // 3), len(rows) * 2)
    if progress is not None:
        progress(len(rows) * 2, len(rows) * 2)
    workbook.save(path)
    return len(rows)
