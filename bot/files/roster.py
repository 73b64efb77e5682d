"""Read a table file (.csv or .xlsx, Chinese header row): roster and scores.

Offices save CSV from Excel as GBK and put a title row (金溪镇花名册) above the header:
a CSV may be UTF-8 (with or without BOM) or GB18030/GBK, and the header is the first of
the first rows that holds the columns the file must have. Title rows are kept as empty
rows, so the row numbers of errors stay those of the file. Every file is read within
caps on its size, rows and columns; the error says which cap was exceeded.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime, time
from pathlib import Path

from core import texts
from core.roster import RosterError, RosterInvalid

Rows = list[dict[str, str]]
ROSTER_MARKERS = ("编号", "姓名")
HEADER_SEARCH_ROWS = 10  # title rows an office puts above the header, at most
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
    return read_table(path, ROSTER_MARKERS)


def read_table(path: Path, markers: tuple[str, ...] = ()) -> tuple[list[str], Rows]:
    """Return the header (the first row with every marker) and rows, or raise RosterInvalid.

    An xlsx is read in read-only mode with its declared dimensions ignored.
    """
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise RosterInvalid([RosterError(0, texts.ROSTER_BAD_SUFFIX)])
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise _TooBig(texts.IMPORT_FILE_TOO_BIG.format(limit=MAX_FILE_BYTES // 2**20))
        return _table(_read_csv(path) if suffix == ".csv" else _read_xlsx(path), markers)
    except _TooBig as cap:
        raise RosterInvalid([RosterError(0, str(cap))]) from None
    except zipfile.BadZipFile:
        raise RosterInvalid([RosterError(0, texts.IMPORT_NOT_XLSX)]) from None
    except (OSError, UnicodeDecodeError, csv.Error, ValueError, KeyError, TypeError,
            EOFError) as error:
        raise RosterInvalid([RosterError(0, texts.ROSTER_BAD_FILE.format(reason=error))]) from None


def _capped(rows: list[list[str]]) -> None:
    if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
        raise _TooBig(texts.IMPORT_TOO_MANY_ROWS.format(limit=MAX_ROWS))
    if rows and len(rows[-1]) > MAX_COLUMNS:
        raise _TooBig(texts.IMPORT_TOO_MANY_COLUMNS.format(limit=MAX_COLUMNS))


def decode_csv(data: bytes) -> str:
    """CSV bytes as text: UTF-8 with or without BOM, else GB18030 (a superset of GBK)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _read_csv(path: Path) -> list[list[str]]:
    # csv.reader keeps empty lines (as []), so row numbers stay those of the file.
    records: list[list[str]] = []
    for record in csv.reader(io.StringIO(decode_csv(path.read_bytes()))):
        records.append([cell.strip() for cell in record])
        _capped(records)
    return records


def _read_xlsx(path: Path) -> list[list[str]]:
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
    return values


def _table(records: list[list[str]], markers: tuple[str, ...]) -> tuple[list[str], Rows]:
    """Split records into header and rows; rows above the header become empty rows."""
    if not records:
        return [], []
    at = next((index for index, record in enumerate(records[:HEADER_SEARCH_ROWS])
               if markers and all(marker in record for marker in markers)), 0)
    header = records[at]
    rows: Rows = [{} for _ in range(at)]
    rows += [{name: value for name, value in zip(header, record, strict=False) if name}
             for record in records[at + 1:]]
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


def write_csv(path: Path, rows: list[list[str]]) -> None:
    """Write a CSV that Excel opens as UTF-8: with a byte order mark, CRLF line ends."""
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows(rows)
