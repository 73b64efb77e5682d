"""Who is at a meeting: check-ins, households recorded, and the totals they make.

A 签到 press is the busiest write of the product (issue 8's and issue 23's bursts): its
statements are built once and sent to the write batch's driver (``storage.prepared``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CTE, ColumnElement, Select, Subquery, bindparam, func, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.models import Homestead, Person
from storage import org
from storage.meetings import OPEN, Meeting, meeting_from_row
from storage.prepared import Prepared
from storage.schema import household, meeting, meeting_checkin, meeting_household, person


@dataclass(frozen=True, slots=True)
class Attendance:
    """Who is at a meeting: households and persons, by household number."""

    persons_by_household: dict[int, int]

    @property
    def households_present(self) -> int:
        """Households with at least one person present."""
        return sum(1 for persons in self.persons_by_household.values() if persons > 0)

    @property
    def persons_present(self) -> int:
        """Persons present (到会人数)."""
        return sum(self.persons_by_household.values())


def _check_in_if_open(dialect: Any, person_id: Any, household_id: Any, homestead_id: Any,
                      *also: ColumnElement[bool]) -> Any:
    """Insert a check-in to the meeting named while it is the 屋场's open one (and ``also``).

    A button press names its meeting: the check-in is written only while that meeting is
    the 屋场's open one, so a press needs no look-up before it (issue 8's burst).
    """
    return dialect.insert(meeting_checkin).from_select(
        ["meeting_id", "person_id", "household_id", "at"],
        select(meeting.c.id, person_id, household_id,
               bindparam("at", type_=meeting_checkin.c.at.type))
        .where(meeting.c.id == bindparam("meeting_id", type_=meeting.c.id.type),
               meeting.c.homestead_id == homestead_id, meeting.c.status == OPEN, *also),
    ).on_conflict_do_nothing(index_elements=["meeting_id", "person_id"])


_CHECK_IN_IF_OPEN = {dialect: _check_in_if_open(
    dialect, bindparam("person_id", type_=meeting_checkin.c.person_id.type),
    bindparam("household_id", type_=meeting_checkin.c.household_id.type),
    bindparam("homestead_id")) for dialect in (postgresql, sqlite)}
_CHECK_IN_IF_OPEN_SQLITE = Prepared(_CHECK_IN_IF_OPEN[sqlite])


async def check_in(connection: AsyncConnection, meeting_id: int, homestead_id: int,
                   person_id: int, household_id: int,
                   now: datetime) -> tuple[Meeting, int, int] | None:
    """Check a person in to this meeting if it is the 屋场's open one and they are not in yet.

    Return the meeting with its households and persons present, the new check-in
    counted; None when nothing was written (``storage.meetings.find`` tells why).
    PostgreSQL does both in one statement (one round trip per press, issue 23); on
    SQLite, whose statements run on the event loop inside a write
    (``storage.sqlite_driver``), they are two.
    """
    values = {"meeting_id": meeting_id, "homestead_id": homestead_id,
              "person_id": person_id, "household_id": household_id, "at": now}
    if connection.dialect.name == "postgresql":
        row = await _CHECK_IN_WITH_PRESENCE.first(connection, values)
        if row is None or not row.written:
            return None
        return meeting_from_row(row), row.households_present, row.persons_present
    if not await _CHECK_IN_IF_OPEN_SQLITE.rowcount(connection, values):
        return None
    return await with_presence(connection, meeting_id)


async def is_checked_in(connection: AsyncConnection, meeting_id: int, person_id: int) -> bool:
    """Whether a person checked in to a meeting."""
    found = await connection.scalar(select(meeting_checkin.c.person_id).where(
        meeting_checkin.c.meeting_id == meeting_id, meeting_checkin.c.person_id == person_id))
    return found is not None


def _present_per_household(checkins: Any = None) -> Any:
    """Persons present per household of a meeting (those with anyone present).

    Each household counts its recorded count or its check-ins, whichever is more:
    taking the larger keeps a person who pressed 签到 and was also counted by the
    recorder from being counted twice. ``checkins`` (meeting_id, household_id rows)
    stands in for the check-in table: PostgreSQL's statement that has just inserted one
    does not see it in the table, so it adds the inserted row itself.
    """
    if checkins is None:
        checkins = meeting_checkin
    counted = union_all(
        select(meeting_household.c.household_id, meeting_household.c.persons)
        .where(meeting_household.c.meeting_id == bindparam("meeting_id")),
        select(checkins.c.household_id, func.count().label("persons"))
        .where(checkins.c.meeting_id == bindparam("meeting_id"))
        .group_by(checkins.c.household_id),
    ).subquery("counted")
    return (select(counted.c.household_id, func.max(counted.c.persons).label("persons"))
            .group_by(counted.c.household_id)
            .having(func.max(counted.c.persons) > 0)
            .cte("present"))


def _meeting_with_presence(present: Any) -> Select[Any]:
    """The meeting with the households and persons of ``present``."""
    return select(
        meeting,
        select(func.count()).select_from(present).scalar_subquery()
        .label("households_present"),
        select(func.coalesce(func.sum(present.c.persons), 0)).scalar_subquery()
        .label("persons_present"),
    ).where(meeting.c.id == bindparam("meeting_id"))


def _check_in_with_presence(inserting: Any = None) -> Select[Any]:
    """PostgreSQL: the guarded insert as a CTE, and the meeting with its totals, in one.

    ``inserting`` is the insert of the check-in, ``_CHECK_IN_IF_OPEN``'s by default.
    """
    if inserting is None:
        inserting = _CHECK_IN_IF_OPEN[postgresql]
    inserted = inserting.returning(
        meeting_checkin.c.meeting_id, meeting_checkin.c.household_id).cte("inserted")
    checkins = union_all(
        select(meeting_checkin.c.meeting_id, meeting_checkin.c.household_id),
        select(inserted.c.meeting_id, inserted.c.household_id),
    ).subquery("checkins")
    return _meeting_with_presence(_present_per_household(checkins)).add_columns(
        select(func.count()).select_from(inserted).scalar_subquery().label("written"))


def _check_in_of_sender(sender: CTE, group: CTE) -> Subquery:
    """The sender checked in to the meeting named: the meeting with its totals, ``written``.

    Written when the meeting is the group's 屋场's open one and the sender belongs to that
    屋场 and has a household.
    """
    inserting = _check_in_if_open(postgresql, sender.c.id, sender.c.household_id, group.c.id,
                                  sender.c.homestead_id == group.c.id,
                                  sender.c.household_id.is_not(None))
    return _check_in_with_presence(inserting).subquery("shown")


@dataclass(frozen=True, slots=True)
class PressedCheckIn:
    """A 签到 press's sender and group, and the meeting it checked them in to, if any."""

    person: Person | None
    homestead: Homestead | None
    shown: tuple[Meeting, int, int] | None  # as ``check_in`` returns it


async def check_in_pressed(connection: AsyncConnection, channel: str, user_id: str,
                           chat_id: str, meeting_id: int,
                           now: datetime) -> PressedCheckIn | None:
    """Look up a press's sender and group and check the sender in, in one round trip.

    A burst of 签到 presses (issue 23) costs a statement each instead of two. The
    check-in is written as ``check_in`` writes it for this sender and group, when the
    sender belongs to the group's 屋场 and has a household; the caller's checks run on
    what was found afterwards, and its refusal rolls the check-in back with the rest of
    the transaction. None, with nothing done, on SQLite, whose statements run inline
    in a write anyway, and for a meeting id past the column's range, which the plain
    path answers on its own.
    """
    if connection.dialect.name != "postgresql" or not 0 < meeting_id <= _INT4_MAX:
        return None
    row = await _CHECK_IN_PRESSED.first(connection, {
        "channel": channel, "user_id": user_id, "chat_id": chat_id,
        "meeting_id": meeting_id, "at": now})
    assert row is not None  # the anchor row is always there
    sender, group = org.sender_and_group_of(row)
    shown = None
    if row.shown_written:
        found = org.prefixed(row, "shown_")
        shown = meeting_from_row(found), found.households_present, found.persons_present
    return PressedCheckIn(sender, group, shown)


_PRESENT = _present_per_household()
_ATTENDANCE = (select(household.c.number, _PRESENT.c.persons)
               .join(household, household.c.id == _PRESENT.c.household_id)
               .order_by(household.c.number))
_MEETING_WITH_PRESENCE = Prepared(_meeting_with_presence(_PRESENT))
_CHECK_IN_WITH_PRESENCE = Prepared(_check_in_with_presence())
_CHECK_IN_PRESSED = Prepared(org.with_sender_and_group(_check_in_of_sender))
_INT4_MAX = 2**31 - 1  # PostgreSQL's integer, the meeting id's column


async def attendance(connection: AsyncConnection, meeting_id: int) -> Attendance:
    """Persons present per household number (see ``_present_per_household``)."""
    rows = await connection.execute(_ATTENDANCE, {"meeting_id": meeting_id})
    return Attendance({row.number: row.persons for row in rows})


async def with_presence(connection: AsyncConnection,
                        meeting_id: int) -> tuple[Meeting, int, int] | None:
    """A meeting with its households and persons present, in one query."""
    row = await _MEETING_WITH_PRESENCE.first(connection, {"meeting_id": meeting_id})
    if row is None:
        return None
    return meeting_from_row(row), row.households_present, row.persons_present


async def checked_in_names(connection: AsyncConnection, meeting_id: int) -> dict[int, list[str]]:
    """Names of those who checked in to a meeting, by household number."""
    rows = await connection.execute(
        select(household.c.number, person.c.name).select_from(meeting_checkin)
        .join(household, household.c.id == meeting_checkin.c.household_id)
        .join(person, person.c.id == meeting_checkin.c.person_id)
        .where(meeting_checkin.c.meeting_id == meeting_id)
        .order_by(household.c.number, meeting_checkin.c.at))
    names: dict[int, list[str]] = {}
    for row in rows:
        names.setdefault(row.number, []).append(row.name)
    return names
