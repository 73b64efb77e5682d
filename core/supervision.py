"""Rules S1-S3 of township supervision (seed 004 §五): digests, lagging 屋场, the quarter.

A digest (S1) lists one row of figures per 屋场 of a village, or per village of a
township, for one month. A 屋场 lags (S2) when it held no meeting for
``no_meeting_months`` months running, missed quorum at its last
``quorum_missed_meetings`` meetings, or has an issue overdue for more than
``overdue_working_days`` working days. A quarter's score (S3) is the mean of its
months' scores, each the bot's own indicators combined by the rules file's weights
(as F2 combines them), plus the points the township adds (季度党建考核加分).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from core import texts
from core.calendar import WorkCalendar
from core.flags import combined_score, shift_month

QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
DIGEST_HOUR = 9  # the monthly digest goes out on the 1st at 09:00 local (S1)
DIGEST_CATCH_UP_DAYS = 7  # after a downtime it still goes out until the 7th; then it is stale
DEFAULT_WEIGHTS = {"meetings_held": 30.0, "attendance": 20.0, "issues_on_time": 30.0,
                   "satisfaction": 20.0}
INDICATORS = tuple(DEFAULT_WEIGHTS)


@dataclass(frozen=True, slots=True)
class SupervisionRules:
    """The township's thresholds (S2), talk follow-up and score weights (S3)."""

    no_meeting_months: int = 2
    quorum_missed_meetings: int = 2
    overdue_working_days: int = 10
    talk_working_days: int = 10
    bonus_limit: float = 10
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))


@dataclass(frozen=True, slots=True)
class Figures:
    """One 屋场's (or, summed, one village's) figures of a period, as counted (S1).

    ``attendance`` holds (households present, resident households) of each ended
    meeting; ``ratings`` the satisfaction of each issue closed in the period.
    """

    homesteads: int = 1
    homesteads_met: int = 0
    meetings: int = 0
    quorate: int = 0
    attendance: tuple[tuple[int, int], ...] = ()
    motions: int = 0
    decisions: int = 0
    raised: int = 0
    closed: int = 0
    overdue: int = 0
    ratings: tuple[float, ...] = ()

    def __add__(self, other: Figures) -> Figures:
        """The figures of two places together."""
        return Figures(self.homesteads + other.homesteads,
                       self.homesteads_met + other.homesteads_met,
                       self.meetings + other.meetings, self.quorate + other.quorate,
                       self.attendance + other.attendance, self.motions + other.motions,
                       self.decisions + other.decisions, self.raised + other.raised,
                       self.closed + other.closed, self.overdue + other.overdue,
                       self.ratings + other.ratings)

    @property
    def on_time(self) -> int:
        """Issues raised in the period and not overdue."""
        return self.raised - self.overdue

    @property
    def attendance_rate(self) -> float | None:
        """Mean share of resident households present, over the meetings held."""
        rates = [min(1.0, present / resident) for present, resident in self.attendance
                 if resident > 0]
        return sum(rates) / len(rates) if rates else None

    @property
    def satisfaction(self) -> float | None:
        """Mean satisfaction of the issues closed with a rating."""
        return sum(self.ratings) / len(self.ratings) if self.ratings else None

    def indicators(self) -> dict[str, float]:
        """The indicators, each 0..1, that the quarter's weights combine (S3)."""
        return {
            "meetings_held": self.homesteads_met / self.homesteads if self.homesteads else 0.0,
            "attendance": self.attendance_rate or 0.0,
            "issues_on_time": self.on_time / self.raised if self.raised else 1.0,
            "satisfaction": self.satisfaction or 0.0,
        }


def total(figures: Iterable[Figures]) -> Figures:
    """The figures of several places together."""
    return sum(figures, Figures(homesteads=0))


# --- S2: lagging 屋场 -------------------------------------------------------------------


def no_meeting_lag(months_met: Sequence[bool], rules: SupervisionRules) -> bool:
    """No meeting in each of the last ``no_meeting_months`` months (newest first) (rule S2)."""
    needed = rules.no_meeting_months
    return len(months_met) >= needed and not any(months_met[:needed])


def quorum_lag(last_quorums: Sequence[bool], rules: SupervisionRules) -> bool:
    """Quorum missed at each of the last ``quorum_missed_meetings`` meetings (rule S2)."""
    needed = rules.quorum_missed_meetings
    return len(last_quorums) >= needed and not any(last_quorums[:needed])


def working_days_after(calendar: WorkCalendar, start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``."""
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        days += calendar.is_workday(day)
    return days


def overdue_lag(overdue_since: date | None, today: date, calendar: WorkCalendar,
                rules: SupervisionRules) -> bool:
    """An issue overdue more than ``overdue_working_days`` working days (rule S2)."""
    return overdue_since is not None and working_days_after(
        calendar, overdue_since, today) > rules.overdue_working_days


@dataclass(frozen=True, slots=True)
class LagInputs:
    """What S2 looks at for one 屋场, newest first.

    ``overdue_since`` is the deadline its longest-overdue open issue passed (the last
    day that was on time), so the working days after it are the days overdue.
    """

    village: str
    homestead: str
    months_met: tuple[bool, ...]
    last_quorums: tuple[bool, ...]
    overdue_since: date | None

    @property
    def name(self) -> str:
        """The 屋场 as people say it: 金竹村枫树湾."""
        return f"{self.village}{self.homestead}"


def lag_reasons(inputs: LagInputs, today: date, calendar: WorkCalendar,
                rules: SupervisionRules) -> list[str]:
    """Why a 屋场 lags, one reason each; empty if it does not (rule S2)."""
    reasons = []
    if no_meeting_lag(inputs.months_met, rules):
        reasons.append(texts.LAG_NO_MEETING.format(months=rules.no_meeting_months))
    if quorum_lag(inputs.last_quorums, rules):
        reasons.append(texts.LAG_QUORUM.format(meetings=rules.quorum_missed_meetings))
    if overdue_lag(inputs.overdue_since, today, calendar, rules):
        reasons.append(texts.LAG_OVERDUE.format(days=rules.overdue_working_days))
    return reasons


# --- S1: the digest ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenTalk:
    """A talk (约谈) not closed yet."""

    id: int
    village: str
    reason: str
    since: date


@dataclass(frozen=True, slots=True)
class Digest:
    """A month's digest of a village (rows per 屋场) or a township (rows per village)."""

    month: str
    place: str
    rows: tuple[tuple[str, Figures], ...]
    lagging: tuple[tuple[str, str], ...] = ()
    talks: tuple[OpenTalk, ...] = ()
    by_village: bool = False
    lagging_rows: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class DigestInputs:
    """What a digest is drawn from: each 屋场's figures and lag inputs, the open talks.

    ``homesteads`` pairs each 屋场's village with its name; ``by_village`` asks for one
    row per village (a township's digest) instead of one per 屋场.
    """

    month: str
    place: str
    homesteads: tuple[tuple[str, str], ...]
    figures: tuple[Figures, ...]
    lags: tuple[LagInputs, ...]
    talks: tuple[OpenTalk, ...]
    by_village: bool


def draft_digest(inputs: DigestInputs, today: date, calendar: WorkCalendar,
                 rules: SupervisionRules) -> Digest:
    """A month's digest with its lagging 屋场, judged as of ``today`` (S1, S2)."""
    rows: dict[str, Figures] = {}
    for (village, name), found in zip(inputs.homesteads, inputs.figures, strict=True):
        key = village if inputs.by_village else name
        rows[key] = rows[key] + found if key in rows else found
    lagging = [(found, reason) for found in inputs.lags
               for reason in lag_reasons(found, today, calendar, rules)]
    return Digest(inputs.month, inputs.place, tuple(rows.items()),
                  tuple((found.name, reason) for found, reason in lagging), inputs.talks,
                  inputs.by_village,
                  frozenset(found.village if inputs.by_village else found.homestead
                            for found, _ in lagging))


def percent(value: float | None) -> str:
    """A share as a whole percentage, or a dash when there is none."""
    return texts.DIGEST_NONE if value is None else f"{round(value * 100)}%"


def digest_row(name: str, figures: Figures) -> tuple[str, ...]:
    """One row of the digest's table: the place and its figures as shown (S1)."""
    return (name, f"{figures.meetings}/{figures.quorate}", percent(figures.attendance_rate),
            f"{figures.motions}/{figures.decisions}",
            f"{figures.raised}/{figures.closed}/{figures.on_time}/{figures.overdue}",
            percent(figures.satisfaction))


def digest_text(digest: Digest) -> str:
    """The digest as a short text for a phone (S1, S2)."""
    lines = [texts.DIGEST_TITLE.format(place=digest.place, month=digest.month),
             texts.DIGEST_LEGEND]
    for name, figures in digest.rows:
        lines.append(texts.DIGEST_LINE.format(*digest_row(name, figures)))
    if not digest.rows:
        lines.append(texts.DIGEST_EMPTY)
    if digest.lagging:
        lines.append(texts.DIGEST_LAGGING)
        lines += [texts.DIGEST_LAG_LINE.format(place=place, reason=reason)
                  for place, reason in digest.lagging]
    if digest.talks:
        lines.append(texts.DIGEST_TALKS)
        lines += [texts.TALK_LINE.format(number=talk.id, village=talk.village,
                                         reason=talk.reason, since=texts.format_day(talk.since))
                  for talk in digest.talks]
    return "\n".join(lines)


def judged_on(month: str, today: date) -> date:
    """The day a month's lagging 屋场 are judged on: its last day, or today if sooner."""
    following = shift_month(month, 1)
    last_day = date(int(following[:4]), int(following[5:7]), 1) - timedelta(days=1)
    return min(today, last_day)


def previous_month(today: date) -> str:
    """The month a digest sent on ``today`` covers: the one before."""
    return shift_month(f"{today:%Y-%m}", -1)


# --- S3: the quarter ----------------------------------------------------------------------


def parse_quarter(text: str) -> tuple[int, int] | None:
    """A quarter written 2026-Q4 (or 2026Q4) as (year, quarter), or None."""
    match = QUARTER.match(text.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def quarter_name(year: int, quarter: int) -> str:
    """The quarter as written: 2026-Q4."""
    return f"{year:04d}-Q{quarter}"


def quarter_months(year: int, quarter: int) -> list[str]:
    """The three YYYY-MM months of a quarter."""
    return [f"{year:04d}-{month:02d}" for month in range(quarter * 3 - 2, quarter * 3 + 1)]


@dataclass(frozen=True, slots=True)
class Bonus:
    """Points the township adds to a village's quarter, with the reason (S3)."""

    village: str
    points: float
    reason: str


@dataclass(frozen=True, slots=True)
class Assessment:
    """A village's quarter: its score from the figures, its bonus points, the total (S3)."""

    village: str
    score: float
    bonuses: tuple[Bonus, ...]

    @property
    def total(self) -> float:
        """The score plus every bonus."""
        return round(self.score + sum(bonus.points for bonus in self.bonuses), 2)


def quarter_score(weights: Mapping[str, float], months: Sequence[Figures]) -> float:
    """The mean of the months' weighted indicator scores, 0..100 (rule S3)."""
    if not months:
        return 0.0
    return round(sum(combined_score(weights, figures.indicators()) for figures in months)
                 / len(months), 2)


def rank_quarter(weights: Mapping[str, float], months: Mapping[str, Sequence[Figures]],
                 bonuses: Iterable[Bonus]) -> list[Assessment]:
    """Every village's quarter, highest total first; ties by score, then by name (S3)."""
    added: dict[str, list[Bonus]] = {village: [] for village in months}
    for bonus in bonuses:
        added.setdefault(bonus.village, []).append(bonus)
    found = [Assessment(village, quarter_score(weights, months.get(village, ())),
                        tuple(added[village])) for village in added]
    return sorted(found, key=lambda item: (-item.total, -item.score, item.village))
