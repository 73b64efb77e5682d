"""Every exported spreadsheet cell and CSV field passes here: no formula, nothing XML-illegal.

Text a villager typed (an issue title, a name, minutes) reaches township desktops as xlsx and CSV.
Two things could go wrong there:

- formula injection: Excel evaluates a field that starts with ``=``, ``+``, ``-`` or ``@`` (and
  LibreOffice also after a leading tab or carriage return) when it opens a CSV, or when someone
  edits the cell of an xlsx. In xlsx such text is written as a string cell (data type ``s``, never
  openpyxl's formula type) with the ``quotePrefix`` style, the flag Excel itself sets when a user
  types a leading apostrophe: it shows the text unchanged and keeps it text when edited. A CSV
  field has no types or styles, so it gets a leading apostrophe (OWASP's advice): Excel and
  LibreOffice then read it as text, and a reader sees what the apostrophe means.
- characters XML 1.0 cannot hold (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF) make
  openpyxl refuse the whole workbook; they are replaced by U+FFFD on export only, so the ledger
  keeps what was typed (rule I7).

A number stays a number: int/float values, and in CSV a field that is a plain decimal number
(``-12.5`` evaluates to itself, it is no formula).
"""

from __future__ import annotations

import re
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
REPLACEMENT = "\ufffd"
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def clean_text(text: str) -> str:
    """``text`` with every character an xlsx (XML 1.0) file cannot hold replaced by U+FFFD."""
    return _ILLEGAL.sub(REPLACEMENT, text)


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula (and it is no plain number)."""
    return text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text)


def csv_field(value: object) -> str:
    """One CSV field: numbers as they are; text cleaned, after an apostrophe if formula-like."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    text = clean_text(str(value))
    return "'" + text if is_formula_like(text) else text


def csv_row(values: Any) -> list[str]:
    """A row of CSV fields, each through :func:`csv_field`."""
    return [csv_field(value) for value in values]


def xlsx_value(sheet: Worksheet, value: object) -> object:
    """A value for ``sheet.append``: text cleaned; formula-like text a quote-prefixed text cell."""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    if not text.startswith(FORMULA_STARTS):
        return text
    cell = WriteOnlyCell(sheet, text)
    cell.data_type = "s"  # openpyxl would store "=…" as a formula
    cell.quotePrefix = True
    return cell


def xlsx_row(sheet: Worksheet, values: Any) -> list[object]:
    """A row for ``sheet.append``, each value through :func:`xlsx_value`."""
    return [xlsx_value(sheet, value) for value in values]

