"""Read a table file (.csv or .xlsx, UTF-8, Chinese header row): roster and scores."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime, time
from pathlib import Path

from core import texts
from core.roster import RosterError, RosterInvalid

Rows = list[dict[str, str]]
# Caps on what an import reads (a county's roster fits well within them): a file past one
# is refused, saying which, before it can take minutes or gigabytes.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # an xlsx is a zip: its parts once unpacked
MAX_ROWS = 50_000
MAX_COLUMNS = 100


class _TooBig(Exception):
    """A cap of the reader was exceeded; the text says which."""


def read_roster(path: Path) -> tuple[list[str], Rows]:
    """Return the header and the rows of a roster file, or raise RosterInvalid."""
    return read_table(path)


def read_table(path: Path) -> tuple[list[str], Rows]:
    """Return the header and rows of a .csv or .xlsx table, or raise RosterInvalid.

    The file is read within caps on its size, rows and columns (an xlsx in read-only mode,
    its declared dimensions ignored); the error says which cap was exceeded.
    """
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise RosterInvalid([RosterError(0, texts.ROSTER_BAD_SUFFIX)])
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise _TooBig(texts.IMPORT_FILE_TOO_BIG.format(limit=MAX_FILE_BYTES // 2**20))
        return _read_csv(path) if suffix == ".csv" else _read_xlsx(path)
    except _TooBig as cap:
        raise RosterInvalid([RosterError(0, str(cap))]) from None
    except zipfile.BadZipFile:
        raise RosterInvalid([RosterError(0, texts.IMPORT_NOT_XLSX)]) from None
    except (OSError, UnicodeDecodeError, csv.Error, ValueError, KeyError, TypeError,
            EOFError) as error:
        raise RosterInvalid([RosterError(0, texts.ROSTER_BAD_FILE.format(reason=error))]) from None


def _capped(rows: list[list[str]]) -> None:
    if len(rows) > MAX_ROWS + 1:
        raise _TooBig(texts.IMPORT_TOO_MANY_ROWS.format(limit=MAX_ROWS))
    if rows and len(rows[-1]) > MAX_COLUMNS:
        raise _TooBig(texts.IMPORT_TOO_MANY_COLUMNS.format(limit=MAX_COLUMNS))


def _read_csv(path: Path) -> tuple[list[str], Rows]:
    text = path.read_text(encoding="utf-8-sig")
    # csv.reader keeps empty lines (as []), so row numbers stay those of the file.
    records: list[list[str]] = []
    for record in csv.reader(io.StringIO(text)):
        records.append(record)
        _capped(records)
    header = records[0] if records else []
    rows = [dict(zip(header, record, strict=False)) for record in records[1:]]
    return header, rows


def _read_xlsx(path: Path) -> tuple[list[str], Rows]:
    from openpyxl import load_workbook

    with zipfile.ZipFile(path) as archive:
        if sum(part.file_size for part in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise _TooBig(texts.IMPORT_UNPACKED_TOO_BIG.format(
                limit=MAX_UNPACKED_BYTES // 2**20))
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # a declared A1:XFD1048576 must not be walked cell by cell
        values: list[list[str]] = []
        for row in sheet.iter_rows(values_only=True):
            values.append([_cell(value) for value in row[:MAX_COLUMNS + 1]])
            _capped(values)
    finally:
        workbook.close()
    if not values:
        return [], []
    header = values[0]
    rows = [{name: value for name, value in zip(header, row, strict=False) if name}
            for row in values[1:]]
    return header, rows


def _cell(value: object) -> str:
    """Spreadsheet cells as text: whole numbers without a trailing .0, dates marked.

    A date cell (Excel's own date format, e.g. in 月份) becomes ``日期:2026-10-01``, which
    no column accepts, so the row error shows what the cell held.
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return texts.IMPORT_DATE_CELL.format(value=value.isoformat()[:10]
                                             if not isinstance(value, time) else value)
    return str(value).strip()
