"""The public notice board (公开栏, rule P3) as plain data: one shape for page, feed and poster.

The board of a village holds what seeds 001, 002 and 004 require to be public: notices
and 公示 with their objections and answers, the problem ledger, meetings with their
attendance and votes, decisions, and the confirmed flags with their settlement. It never
holds who raised an issue, who objected to a 公示, or anyone's phone number (rule P3):
the dataclasses below have no field for them, so no page or feed can show them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from enum import Enum, StrEnum
from typing import Any

from core import texts
from core.flags import Flag
from core.issues import Level, Status
from core.publication import BoardNotice, BoardObjection

__all__ = ["BoardNotice", "BoardObjection"]  # the board shows the publication's own records

CACHE_SECONDS = 60  # how long a page or feed may be served from memory (and by browsers)


class MeetingState(StrEnum):
    """Where a meeting shown on the board stands."""

    SCHEDULED = "scheduled"
    OPEN = "open"
    ENDED = "ended"

    @property
    def label(self) -> str:
        """The Chinese name."""
        return texts.BOARD_MEETING_STATES[self.value]


@dataclass(frozen=True, slots=True)
class BoardIssue:
    """An issue of the problem ledger, without who raised it (rule P3)."""

    number: int
    homestead: str
    title: str
    category: str | None
    level: Level
    status: Status
    deadline: date | None
    overdue: bool
    satisfaction: float | None
    raised: datetime
    closed: datetime | None


@dataclass(frozen=True, slots=True)
class BoardMotion:
    """A motion of a meeting and its result (M4); ``passed`` is None while it is open."""

    text: str
    yes: int
    no: int
    abstain: int
    persons_present: int | None
    binding: bool | None
    passed: bool | None


@dataclass(frozen=True, slots=True)
class BoardMeeting:
    """A meeting with households present of those required (M3) and its motions."""

    number: int
    homestead: str
    starts_at: datetime
    state: MeetingState
    topic: str
    households_present: int
    households_required: int
    quorum_met: bool
    motions: tuple[BoardMotion, ...] = ()


@dataclass(frozen=True, slots=True)
class BoardDecision:
    """A decision (决议) of a meeting and whether it has been carried out (M9)."""

    number: int
    meeting: int
    homestead: str
    text: str
    done: bool


@dataclass(frozen=True, slots=True)
class BoardFlag:
    """The village's confirmed result in one category of one month (F8)."""

    month: str
    category: str
    score: float | None
    flag: Flag | None


@dataclass(frozen=True, slots=True)
class BoardSettlement:
    """The village's confirmed money of one month (F6).

    Its consequences (F7: 约谈, warnings, suspension) go to the officials alone (F8),
    so the public board has no field for them.
    """

    month: str
    version: int
    reds: int
    yellows: int
    amount: int


@dataclass(frozen=True, slots=True)
class Board:
    """Everything the village's 公开栏 shows, as it stood at ``at`` (local time)."""

    township: str
    grid: str
    village: str
    at: datetime
    notices: tuple[BoardNotice, ...] = ()
    meetings: tuple[BoardMeeting, ...] = ()
    decisions: tuple[BoardDecision, ...] = ()
    issues: tuple[BoardIssue, ...] = ()
    flags: tuple[BoardFlag, ...] = ()
    settlements: tuple[BoardSettlement, ...] = ()


@dataclass(frozen=True, slots=True)
class VillageRef:
    """A village as the board's addresses name it."""

    id: int
    township: str
    grid: str
    name: str


def find_villages(villages: list[VillageRef], name: str,
                  township: str | None = None) -> list[VillageRef]:
    """The villages called ``name`` (in ``township`` if given); more than one is ambiguous."""
    return [found for found in villages
            if found.name == name and township in (None, found.township)]


def board_path(village: VillageRef, villages: list[VillageRef]) -> str:
    """The board's address: ``村``, or ``镇/村`` where another township has a 村 of that name."""
    if len(find_villages(villages, village.name)) > 1:
        return f"{village.township}/{village.name}"
    return village.name


def month_of(board: Board, month: str) -> Board:
    """The part of a board that belongs to one month ``YYYY-MM``, for the A4 poster.

    Meetings held that month and their decisions, issues raised or closed that month,
    the month's flags and settlement, and the notices sent that month.
    """
    def within(moment: datetime | None) -> bool:
        return moment is not None and f"{moment:%Y-%m}" == month

    meetings = tuple(found for found in board.meetings if within(found.starts_at))
    held = {found.number for found in meetings}
    return Board(
        board.township, board.grid, board.village, board.at,
        notices=tuple(found for found in board.notices if within(found.sent_at)),
        meetings=meetings,
        decisions=tuple(found for found in board.decisions if found.meeting in held),
        issues=tuple(found for found in board.issues
                     if within(found.raised) or within(found.closed)),
        flags=tuple(found for found in board.flags if found.month == month),
        settlements=tuple(found for found in board.settlements if found.month == month))


def board_json(board: Board) -> dict[str, Any]:
    """The board as a JSON-ready document (the feed of ``/public/{村}.json``).

    Field by field as the dataclasses name them; times in ISO 8601 with their offset;
    an enum gives its value and, beside it as ``<name>_label``, its Chinese name.
    """
    document = _plain(board)
    assert isinstance(document, dict)
    return document


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        document: dict[str, Any] = {}
        for field in fields(value):
            item = getattr(value, field.name)
            document[field.name] = _plain(item)
            if isinstance(item, Enum) and hasattr(item, "label"):
                document[f"{field.name}_label"] = item.label
        return document
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def without_phones(text: str) -> str:
    """A villager's text for the public board with any mobile number masked (rule P3).

    The board names no raiser, and a number typed into a title would name one.
    """
    return PHONE.sub(r"\1****\2", text)
