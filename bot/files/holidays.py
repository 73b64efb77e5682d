"""Build the working-day calendar: chinese-calendar's years plus the operator's holiday file.

chinese-calendar knows the State Council's holiday schedules up to 2026. Later
years come from an operator-editable TOML file (``WUCHANG_HOLIDAY_FILE``), one
table per year, which also overrides a year chinese-calendar knows:

    [2027]
    holidays = ["2027-01-01", "2027-02-06/2027-02-12"]   # a day or a from/to range
    workdays = ["2027-02-14"]                             # weekend days worked (调休)
"""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar

from core.calendar import WorkCalendar


class HolidayFileError(ValueError):
    """The holiday file is malformed; the message names the year and entry."""


def load_calendar(path: Path | None) -> WorkCalendar:
    """The calendar from chinese-calendar and, where given and present, the holiday file."""
    holidays = {day for day in chinese_calendar.constants.holidays}
    workdays = {day for day in chinese_calendar.constants.workdays}
    known = {day.year for day in holidays | workdays}
    if path is not None and path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise HolidayFileError(f"{path}: {error}") from None
        for year, (year_holidays, year_workdays) in parse_holidays(data, str(path)).items():
            holidays = {day for day in holidays if day.year != year} | year_holidays
            workdays = {day for day in workdays if day.year != year} | year_workdays
            known.add(year)
    return WorkCalendar(frozenset(holidays), frozenset(workdays), frozenset(known))


def parse_holidays(data: dict[str, Any], source: str = "holidays",
                   ) -> dict[int, tuple[set[date], set[date]]]:
    """Validate a parsed holiday file: {year: (holidays, workdays)}."""
    years: dict[int, tuple[set[date], set[date]]] = {}
    for key, table in data.items():
        if not key.isdecimal() or not 2000 <= int(key) <= 2100:
            raise HolidayFileError(f"{source}: [{key}] is not a year")
        year = int(key)
        if not isinstance(table, dict) or set(table) - {"holidays", "workdays"}:
            raise HolidayFileError(f"{source}: [{key}] may hold only holidays and workdays")
        off = _days(table.get("holidays", []), year, f"{source}: [{key}] holidays")
        worked = _days(table.get("workdays", []), year, f"{source}: [{key}] workdays")
        both = sorted(off & worked)
        if both:
            raise HolidayFileError(f"{source}: [{key}] {both[0]} is both a holiday and a workday")
        weekday_work = sorted(day for day in worked if day.weekday() < 5)
        if weekday_work:
            raise HolidayFileError(
                f"{source}: [{key}] workday {weekday_work[0]} is not a weekend day")
        years[year] = (off, worked)
    return years


def _days(entries: object, year: int, where: str) -> set[date]:
    if not isinstance(entries, list):
        raise HolidayFileError(f"{where} must be a list of dates")
    days: set[date] = set()
    for entry in entries:
        if not isinstance(entry, str):
            raise HolidayFileError(f"{where}: {entry!r} is not a date")
        first_text, _, last_text = entry.partition("/")
        try:
            first = date.fromisoformat(first_text.strip())
            last = date.fromisoformat(last_text.strip()) if last_text else first
        except ValueError:
            raise HolidayFileError(f"{where}: {entry!r} is not YYYY-MM-DD or a from/to range"
                                   ) from None
        if last < first or first.year != year or last.year != year:
            raise HolidayFileError(f"{where}: {entry!r} must lie in {year}, from before to")
        days.update(first + timedelta(days=offset) for offset in range((last - first).days + 1))
    return days
