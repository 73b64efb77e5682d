"""Rule F10: the draft's review (复核) and the villages' objections (复议) before /confirm.

Seed 002 §四: 督查室牵头对考核结果进行复核, 考评后进行复议, 提请镇班子会讨论确定最终结果.
A month is reviewed by an official who entered none of its scores; the villages may
then object for ``appeal_days`` official working days; /confirm waits for the review
and for an answer to every objection, and records the township meeting's date.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from core.calendar import WorkCalendar
from core.flags import ONSITE_CATEGORY, Flag, MonthResult


def may_review(reviewer_id: int, entered_by: Collection[int | None]) -> bool:
    """Whether this official entered none of the month's scores (rule F10)."""
    return reviewer_id not in entered_by


def appeals_until(reviewed_on: date, calendar: WorkCalendar, days: int) -> date:
    """The last day the villages may object: ``days`` working days after the review (F10)."""
    return calendar.add_workdays(reviewed_on, days)


def appeal_open(until: date, today: date) -> bool:
    """Whether an objection sent ``today`` is still in time (rule F10)."""
    return today <= until


@dataclass(frozen=True, slots=True)
class Standing:
    """A village's score, rank among its grid and flag in one category of a draft."""

    category: str
    score: float | None
    rank: int
    of: int
    flag: Flag | None


def standings(result: MonthResult, village: str) -> list[Standing]:
    """A village's draft scores and ranks, category by category, as its cadres see them."""
    found: list[Standing] = []
    mine = {p.category: p for p in result.placements
            if p.village == village and p.category != ONSITE_CATEGORY}
    for category, placement in mine.items():
        order = [p.village for p in result.placements
                 if p.grid == placement.grid and p.category == category]
        found.append(Standing(category, placement.score, order.index(village) + 1, len(order),
                              placement.flag))
    return found
