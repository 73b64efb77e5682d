"""Rules I1-I7 of the problem ledger (问题清单), as pure functions and plain values."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction
from typing import Protocol, TypeVar

from core import texts
from core.calendar import REPORT_WORKING_DAYS, WorkCalendar, report_deadline
from core.messages import Button
from core.models import Office, Person
from core.permissions import Place
from core.roles import Role

# The "十个得到" of seed 004: the ten things an issue may be about (rule I1).
CATEGORIES: tuple[str, ...] = (
    "政策传达", "产业发展", "基建加强", "设施管护", "环境治理",
    "乡风净化", "矛盾化解", "困难帮扶", "生活改善", "权益保障",
)
CLOSE_THRESHOLD = Fraction(60, 100)


class Level(StrEnum):
    """Where an issue is being handled (rule I1): 屋场 → 村 → 镇."""

    HOMESTEAD = "homestead"
    VILLAGE = "village"
    TOWNSHIP = "township"

    @property
    def label(self) -> str:
        """The Chinese name of the level."""
        return {"homestead": "屋场", "village": "村", "township": "镇"}[self.value]

    def above(self) -> Level | None:
        """The next level up, or None above the township (rule I3)."""
        order = list(Level)
        index = order.index(self)
        return order[index + 1] if index + 1 < len(order) else None


def handler_at(level: Level, where: Place, *, assigned: int | None = None,
               department: str | None = None, responsible: str | None = None) -> Office:
    """Who handles an issue of the 屋场 at ``where`` while it is at ``level`` (rules I2-I4).

    屋场: its 屋场长; 村: the village's 村干部; 镇: the 责任人 the township named
    (``assigned``, rule I4), until then every 镇干部 of the township. The title is what
    the group is told: the department and 责任人 at the township, once named.
    """
    if level is Level.HOMESTEAD:
        return Office(Role.HEAD, where, texts.HANDLER_HEAD)
    if level is Level.VILLAGE:
        return Office(Role.VILLAGE_CADRE, Place(where.township_id, where.village_id),
                      texts.HANDLER_VILLAGE)
    return Office(Role.TOWNSHIP_OFFICIAL, Place(where.township_id),
                  f"{department or ''}{responsible or texts.HANDLER_TOWNSHIP}", assigned)


class Status(StrEnum):
    """The status of an issue, as DESIGN.md §5 names them."""

    OPEN = "open"
    ESCALATED = "escalated"
    ASSIGNED = "assigned"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        """The Chinese name of the status."""
        return {"open": "待处理", "escalated": "已上报", "assigned": "已交办",
                "resolved": "已办结待评价", "closed": "已销号"}[self.value]


class Rating(StrEnum):
    """A villager's rating of how an issue was handled (rule I6)."""

    SATISFIED = "satisfied"
    BASICALLY = "basically"
    DISSATISFIED = "dissatisfied"

    @property
    def label(self) -> str:
        """The Chinese word on the button."""
        return {"satisfied": "满意", "basically": "基本满意",
                "dissatisfied": "不满意"}[self.value]


def satisfaction_rate(satisfied: int, basically: int, dissatisfied: int) -> Fraction | None:
    """(满意 + 基本满意) / ratings, or None when nobody rated (rule I6)."""
    total = satisfied + basically + dissatisfied
    if total == 0:
        return None
    return Fraction(satisfied + basically, total)


def may_close(rate: Fraction | None) -> bool:
    """Whether an issue may be closed (销号): satisfaction at or above 60% (rule I6).

    With no rating at all satisfaction cannot be shown, so the issue is not closed.
    """
    return rate is not None and rate >= CLOSE_THRESHOLD


class RoundOutcome(StrEnum):
    """What happens when a rating round's window closes."""

    EXTEND = "extend"
    CLOSE = "close"
    REOPEN = "reopen"
    AWAIT_MEETING = "await_meeting"


@dataclass(frozen=True, slots=True)
class RoundTally:
    """The ratings of one round."""

    satisfied: int = 0
    basically: int = 0
    dissatisfied: int = 0

    @property
    def raters(self) -> int:
        """How many rated."""
        return self.satisfied + self.basically + self.dissatisfied

    @property
    def rate(self) -> Fraction | None:
        """The round's satisfaction."""
        return satisfaction_rate(self.satisfied, self.basically, self.dissatisfied)


def decide_round(tally: RoundTally, min_raters: int, already_extended: bool) -> RoundOutcome:
    """At the end of a round's window: extend once if too few rated, else close or reopen.

    A round with fewer than ``min_raters`` ratings is extended by one more window,
    once; still short after it, the round is not decided but waits for the 屋场's
    next meeting and its show of hands (rule I8).
    """
    if tally.raters < min_raters:  # rule I8
        return RoundOutcome.AWAIT_MEETING if already_extended else RoundOutcome.EXTEND
    return verdict(tally)


def percent(rate: Fraction | None, line: Fraction = CLOSE_THRESHOLD) -> str:
    """A rate as a whole percentage for people, or "—" when there is none.

    Rounded to the nearest, except that a rate below the ``line`` it is held against
    (60% for an issue, a survey's threshold) is never shown as that line (59.6% reads
    59%), so the figure always agrees with "不足60%".
    """
    if rate is None:
        return "—"
    shown = math.floor(rate * 100 + Fraction(1, 2))
    if rate < line:
        shown = min(shown, math.ceil(line * 100) - 1)
    return f"{shown}%"


def rating_buttons(round_id: int) -> tuple[tuple[Button, ...], ...]:
    """The 满意 / 基本满意 / 不满意 buttons of a rating round."""
    return (tuple(Button(choice.label, f"rate:{round_id}:{choice.value}") for choice in Rating),)


# --- rule I9: when the village's 5 working days start -------------------------------------

class CountedFrom(StrEnum):
    """What the village's 5 working days count from (rule I9)."""

    MEETING = "meeting"  # the meeting the issue came from
    VILLAGE = "village"  # the day the issue reached the village

    @property
    def label(self) -> str:
        """How people are told the start: 会议之日 or 到村之日."""
        return {"meeting": texts.COUNTED_FROM_MEETING,
                "village": texts.COUNTED_FROM_VILLAGE}[self.value]


@dataclass(frozen=True, slots=True)
class ReportWindow:
    """The village's window to solve or report an issue: its start, why, and its last day."""

    start: date
    counted_from: CountedFrom
    deadline: date


def report_window_start(meeting_day: date | None,
                        reached_village: date) -> tuple[date, CountedFrom]:
    """The later of the meeting the issue came from and the day it reached the village (I9).

    An issue raised between meetings has no meeting: it counts from the day it reached
    the village. On the same day the meeting is named, as before rule I9.
    """
    if meeting_day is None or reached_village > meeting_day:
        return reached_village, CountedFrom.VILLAGE
    return meeting_day, CountedFrom.MEETING


def report_window(meeting_day: date | None, reached_village: date,
                  calendar: WorkCalendar) -> ReportWindow:
    """The start of the village's window (rule I9) and its deadline on working days (I3)."""
    start, counted_from = report_window_start(meeting_day, reached_village)
    return ReportWindow(start, counted_from, report_deadline(start, calendar))


def window_text(window: ReportWindow | None) -> str:
    """The window as every message states it: 自12月16日（到村之日）起5个工作日 (rule I9).

    An issue escalated before rule I9 recorded no start: only the length is said.
    """
    if window is None:
        return texts.REPORT_WINDOW_NO_START.format(days=REPORT_WORKING_DAYS)
    return texts.REPORT_WINDOW.format(start=texts.format_day(window.start),
                                      counted_from=window.counted_from.label,
                                      days=REPORT_WORKING_DAYS)


def deadline_at(level: Level, agreed: date | None, report: date | None,
                due: date | None) -> date | None:
    """The deadline that applies at a level: agreed (屋场), report (村) or due (镇) date."""
    return {Level.HOMESTEAD: agreed, Level.VILLAGE: report, Level.TOWNSHIP: due}[level]


# --- rule I10: the 责任人 the township names ----------------------------------------------

def named_official(named: str, officials: Sequence[Person]) -> tuple[Person | None,
                                                                    tuple[Person, ...]]:
    """The 镇干部 named by 编号 or by a name only one of them has (rule I10).

    Otherwise None and the candidates to choose from: those of that name when several
    share it, else every official given.
    """
    wanted = named.strip()
    by_code = ([official for official in officials if official.code == wanted]
               or [official for official in officials
                   if official.code.casefold() == wanted.casefold()])
    if len(by_code) == 1:
        return by_code[0], ()
    same_name = tuple(official for official in officials if official.name == wanted)
    if len(same_name) == 1:
        return same_name[0], ()
    return None, same_name or tuple(officials)


# --- rule I5: the list (问题清单) ----------------------------------------------------------

LIST_TITLE_LIMIT = 24  # characters of a title in a list line, for a phone
# What still waits on the village or the township: neither handled nor closed.
WAITING: tuple[Status, ...] = (Status.OPEN, Status.ESCALATED, Status.ASSIGNED)
# What a 屋场's list shows: everything not yet closed (销号), handled ones awaiting rating too.
NOT_CLOSED: tuple[Status, ...] = (*WAITING, Status.RESOLVED)


class Queued(Protocol):
    """What ordering a list needs of an issue."""

    @property
    def id(self) -> int: ...  # noqa: D102

    @property
    def overdue(self) -> bool: ...  # noqa: D102

    @property
    def current_deadline(self) -> date | None: ...  # noqa: D102


QueuedT = TypeVar("QueuedT", bound=Queued)


def is_late(overdue: bool, deadline: date | None, today: date) -> bool:
    """Overdue: marked so, or its deadline passed before today (the sweep may not have run)."""
    return overdue or (deadline is not None and deadline < today)


def issue_queue(found: Iterable[QueuedT], today: date, *,
                only_overdue: bool = False) -> list[QueuedT]:
    """A list in the order of 问题清单制: overdue first, then by deadline, then by number.

    Issues without a deadline come after those with one; ``only_overdue`` keeps the late.
    """
    def key(entry: QueuedT) -> tuple[bool, bool, date, int]:
        deadline = entry.current_deadline
        return (not is_late(entry.overdue, deadline, today), deadline is None,
                deadline or date.max, entry.id)

    chosen = [entry for entry in found if not only_overdue
              or is_late(entry.overdue, entry.current_deadline, today)]
    return sorted(chosen, key=key)
def show_of_hands_refusal(tally: RoundTally, persons_present: int) -> str | None:
    """Why a show-of-hands rating cannot be recorded, or None (rule I8, counted like /tally).

    Someone must have raised a hand, and no more hands than the persons present.
    """
    if tally.raters == 0:
        return texts.RATINGS_NONE
    if tally.raters > persons_present:
        return texts.RATINGS_TOO_MANY.format(total=tally.raters, persons=persons_present)
    return None


def verdict(tally: RoundTally) -> RoundOutcome:
    """A round's decision on its ratings: close (销号) at or above 60%, else reopen (rule I6).

    The show of hands at the meeting is decided by it too, whatever its size (rule I8).
    """
    return RoundOutcome.CLOSE if may_close(tally.rate) else RoundOutcome.REOPEN


class _Missing(dict[str, object]):
    """Format values that tolerate a missing key (older events may lack one)."""

    def __missing__(self, key: str) -> str:
        return ""


def event_text(kind: str, payload: Mapping[str, object]) -> str:
    """An issue event as one whole action in words (/status, the ledger workbook)."""
    details = {key: value for key, value in payload.items() if key != "state"}
    if "to" in details:
        details["to"] = Level(str(details["to"])).label
    return texts.HISTORY.get(kind, kind).format_map(_Missing(details))
