"""Read a table file (.csv or .xlsx, UTF-8, Chinese header row): roster and scores."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from core import texts
from core.roster import RosterError, RosterInvalid

Rows = list[dict[str, str]]


def read_roster(path: Path) -> tuple[list[str], Rows]:
    """Return the header and the rows of a roster file, or raise RosterInvalid."""
    return read_table(path)


def read_table(path: Path) -> tuple[list[str], Rows]:
    """Return the header and rows of a .csv or .xlsx table, or raise RosterInvalid."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return _read_csv(path)
        if suffix == ".xlsx":
            return _read_xlsx(path)
    except (OSError, UnicodeDecodeError, csv.Error, ValueError, KeyError) as error:
        raise RosterInvalid([RosterError(0, texts.ROSTER_BAD_FILE.format(reason=error))]) from None
    raise RosterInvalid([RosterError(0, texts.ROSTER_BAD_SUFFIX)])


def _read_csv(path: Path) -> tuple[list[str], Rows]:
    text = path.read_text(encoding="utf-8-sig")
    # csv.reader keeps empty lines (as []), so row numbers stay those of the file.
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    rows = [dict(zip(header, record, strict=False)) for record in reader]
    return header, rows


def _read_xlsx(path: Path) -> tuple[list[str], Rows]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        values = list(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()
    if not values:
        return [], []
    header = [_cell(value) for value in values[0]]
    rows = [
        {name: _cell(value) for name, value in zip(header, row, strict=False) if name}
        for row in values[1:]
    ]
    return header, rows


def _cell(value: object) -> str:
    """Spreadsheet cells as text: whole numbers without a trailing .0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
