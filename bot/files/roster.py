"""Read a table file (.csv or .xlsx, Chinese header row): roster and scores.

Offices save CSV from Excel as GBK and put a title row (金溪镇花名册) above the header:
a CSV may be UTF-8 (with or without BOM) or GB18030/GBK, and the header is the first of
the first rows that holds the columns the file must have. Title rows are kept as empty
rows, so the row numbers of errors stay those of the file.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from core import texts
from core.roster import RosterError, RosterInvalid

Rows = list[dict[str, str]]
ROSTER_MARKERS = ("编号", "姓名")
HEADER_SEARCH_ROWS = 10  # title rows an office puts above the header, at most


def read_roster(path: Path) -> tuple[list[str], Rows]:
    """Return the header and the rows of a roster file, or raise RosterInvalid."""
    return read_table(path, ROSTER_MARKERS)


def read_table(path: Path, markers: tuple[str, ...] = ()) -> tuple[list[str], Rows]:
    """Return the header (the first row with every marker) and rows, or raise RosterInvalid."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return _table(_read_csv(path), markers)
        if suffix == ".xlsx":
            return _table(_read_xlsx(path), markers)
    except (OSError, UnicodeDecodeError, csv.Error, ValueError, KeyError) as error:
        raise RosterInvalid([RosterError(0, texts.ROSTER_BAD_FILE.format(reason=error))]) from None
    raise RosterInvalid([RosterError(0, texts.ROSTER_BAD_SUFFIX)])


def decode_csv(data: bytes) -> str:
    """CSV bytes as text: UTF-8 with or without BOM, else GB18030 (a superset of GBK)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _read_csv(path: Path) -> list[list[str]]:
    # csv.reader keeps empty lines (as []), so row numbers stay those of the file.
    return [[cell.strip() for cell in record]
            for record in csv.reader(io.StringIO(decode_csv(path.read_bytes())))]


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        return [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


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
    """Spreadsheet cells as text: whole numbers without a trailing .0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def write_csv(path: Path, rows: list[list[str]]) -> None:
    """Write a CSV that Excel opens as UTF-8: with a byte order mark, CRLF line ends."""
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows(rows)
