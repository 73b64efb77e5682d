"""Chinese official working days: holidays and the swapped weekend workdays (调休)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

REPORT_WORKING_DAYS = 5


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    """Which days are official working days.

    ``holidays`` are days off that would otherwise be working days, ``workdays``
    weekend days that are worked (调休). For a year outside ``known_years`` the
    calendar counts Monday to Friday and says so through ``knows``.
    """

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    known_years: frozenset[int] = field(default_factory=frozenset)

    def knows(self, year: int) -> bool:
        """Whether the official holidays of ``year`` are known."""
        return year in self.known_years

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is an official working day."""
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_workdays(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
        day = start
        remaining = count
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day

    def unknown_years(self, days: Iterable[date]) -> set[int]:
        """The years among ``days`` whose holidays this calendar does not know."""
        return {day.year for day in days if not self.knows(day.year)}


def report_deadline(meeting_day: date, calendar: WorkCalendar) -> date:
    """The last day to report an issue to the township: 5 working days after (rule I3)."""
    return calendar.add_workdays(meeting_day, REPORT_WORKING_DAYS)
