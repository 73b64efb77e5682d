"""Meetings and what they produce: attendance, check-ins, motions, votes and minutes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Row,
    Select,
    Subquery,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.models import Homestead, Person
from storage import org, seals
from storage.prepared import Prepared
from storage.schema import (
    household,
    meeting,
    meeting_checkin,
    meeting_household,
    minute,
    motion,
    person,
    vote,
)

PENDING, SCHEDULED, OPEN, ENDED, CANCELLED = "pending", "scheduled", "open", "ended", "cancelled"
MISSED = "missed"  # scheduled, never opened, its day gone: 未召开 (not held)
MOTION_OPEN, MOTION_CLOSED = "open", "closed"
YES, NO, ABSTAIN = "yes", "no", "abstain"
CHOICES = (YES, NO, ABSTAIN)


@dataclass(frozen=True, slots=True)
class Meeting:
    """One meeting of a 屋场."""

    id: int
    homestead_id: int
    starts_at: datetime
    place: str
    topic: str
    status: str
    opened_at: datetime | None
    ended_at: datetime | None
    resident_households: int | None
    created_at: datetime


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


@dataclass(frozen=True, slots=True)
class Motion:
    """A motion put to a meeting, with its result once closed."""

    id: int
    meeting_id: int
    text: str
    status: str
    tally: tuple[int, int, int] | None
    result: tuple[int, int, int] | None
    persons_present: int | None
    binding: bool | None
    passed: bool | None


def _meeting(row: Row[Any] | SimpleNamespace) -> Meeting:
    return Meeting(row.id, row.homestead_id, row.starts_at, row.place, row.topic, row.status,
                   row.opened_at, row.ended_at, row.resident_households, row.created_at)


def _motion(row: Row[Any]) -> Motion:
    tally = None if row.tally_yes is None else (row.tally_yes, row.tally_no, row.tally_abstain)
    result = None if row.yes is None else (row.yes, row.no, row.abstain)
    return Motion(row.id, row.meeting_id, row.text, row.status, tally, result,
                  row.persons_present, row.binding, row.passed)


def _dialect(connection: AsyncConnection) -> Any:
    return postgresql if connection.dialect.name == "postgresql" else sqlite


async def create(connection: AsyncConnection, *, homestead_id: int, starts_at: datetime,
                 place: str, topic: str, status: str, created_by: int, now: datetime) -> int:
    """Create a meeting and return its id."""
    result = await connection.execute(insert(meeting).values(
        homestead_id=homestead_id, starts_at=starts_at, place=place, topic=topic,
        status=status, created_by=created_by, created_at=now))
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


async def get(connection: AsyncConnection, meeting_id: int) -> Meeting | None:
    """Return one meeting."""
    row = (await connection.execute(select(meeting).where(meeting.c.id == meeting_id))).first()
    return _meeting(row) if row else None


async def set_status(connection: AsyncConnection, meeting_id: int, status: str,
                     **values: Any) -> None:
    """Move a meeting to ``status``, setting any other columns given."""
    await connection.execute(
        update(meeting).where(meeting.c.id == meeting_id).values(status=status, **values))


_FIND = {newest: select(meeting).where(
    meeting.c.homestead_id == bindparam("homestead_id"), meeting.c.status == bindparam("status"),
).order_by(meeting.c.starts_at.desc() if newest else meeting.c.starts_at, meeting.c.id).limit(1)
    for newest in (False, True)}


async def find(connection: AsyncConnection, homestead_id: int, status: str,
               newest: bool = False) -> Meeting | None:
    """The earliest (or newest) meeting of a 屋场 with this status."""
    row = (await connection.execute(_FIND[newest], {"homestead_id": homestead_id,
                                                    "status": status})).first()
    return _meeting(row) if row else None


async def all_of(connection: AsyncConnection, homestead_id: int, status: str) -> list[Meeting]:
    """Every meeting of a 屋场 with this status, earliest first."""
    rows = await connection.execute(select(meeting).where(
        meeting.c.homestead_id == homestead_id, meeting.c.status == status,
    ).order_by(meeting.c.starts_at, meeting.c.id))
    return [_meeting(row) for row in rows]


async def resident_households(connection: AsyncConnection, homestead_id: int) -> int:
    """Households of a 屋场 that live at home long-term (rule M3's denominator)."""
    count = await connection.scalar(select(func.count()).select_from(household).where(
        household.c.homestead_id == homestead_id, household.c.at_home.is_(True)))
    return int(count or 0)


async def households_by_number(connection: AsyncConnection, homestead_id: int,
                               ) -> dict[int, int]:
    """Map household number to household id, for one 屋场."""
    rows = await connection.execute(select(household.c.number, household.c.id).where(
        household.c.homestead_id == homestead_id))
    return {row.number: row.id for row in rows}


async def member_ages(connection: AsyncConnection, homestead_id: int) -> dict[int, list[int]]:
    """The ages of the roster members of each household of a 屋场, by household number."""
    rows = await connection.execute(
        select(household.c.number, person.c.age)
        .join(person, person.c.household_id == household.c.id)
        .where(household.c.homestead_id == homestead_id))
    ages: dict[int, list[int]] = {}
    for row in rows:
        ages.setdefault(row.number, []).append(row.age)
    return ages


async def record_households(connection: AsyncConnection, meeting_id: int,
                            persons_by_household: Mapping[int, int], recorded_by: int,
                            now: datetime) -> None:
    """Record households present as counted by the head or recorder; a new count replaces."""
    for household_id, persons in persons_by_household.items():
        statement = _dialect(connection).insert(meeting_household).values(
            meeting_id=meeting_id, household_id=household_id, persons=persons,
            recorded_by=recorded_by, recorded_at=now,
        ).on_conflict_do_update(index_elements=["meeting_id", "household_id"], set_={
            "persons": persons, "recorded_by": recorded_by, "recorded_at": now})
        await connection.execute(statement)


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
    counted; None when nothing was written (``find`` tells why). PostgreSQL does both in
    one statement (one round trip per press, issue 23); on SQLite, whose statements run
    on the event loop inside a write (``storage.sqlite_driver``), they are two.
    """
    values = {"meeting_id": meeting_id, "homestead_id": homestead_id,
              "person_id": person_id, "household_id": household_id, "at": now}
    if connection.dialect.name == "postgresql":
        row = await _CHECK_IN_WITH_PRESENCE.first(connection, values)
        if row is None or not row.written:
            return None
        return _meeting(row), row.households_present, row.persons_present
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
        found = SimpleNamespace(**{name.removeprefix("shown_"): value
                                   for name, value in vars(row).items()
                                   if name.startswith("shown_")})
        shown = _meeting(found), found.households_present, found.persons_present
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
    return _meeting(row), row.households_present, row.persons_present


async def add_motion(connection: AsyncConnection, meeting_id: int, text: str,
                     now: datetime) -> int:
    """Put a motion to a meeting and return its id."""
    result = await connection.execute(insert(motion).values(
        meeting_id=meeting_id, text=text, status=MOTION_OPEN, opened_at=now))
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


async def get_motion(connection: AsyncConnection, motion_id: int) -> Motion | None:
    """Return one motion."""
    row = (await connection.execute(select(motion).where(motion.c.id == motion_id))).first()
    return _motion(row) if row else None


async def open_motion(connection: AsyncConnection, meeting_id: int) -> Motion | None:
    """The motion of a meeting that is still open, if any."""
    row = (await connection.execute(select(motion).where(
        motion.c.meeting_id == meeting_id, motion.c.status == MOTION_OPEN))).first()
    return _motion(row) if row else None


async def motions_of(connection: AsyncConnection, meeting_id: int) -> list[Motion]:
    """Every motion of a meeting, in the order they were put."""
    rows = await connection.execute(
        select(motion).where(motion.c.meeting_id == meeting_id).order_by(motion.c.id))
    return [_motion(row) for row in rows]


async def set_tally(connection: AsyncConnection, motion_id: int, yes: int, no: int,
                    abstain: int) -> None:
    """Record the show-of-hands count, which replaces the button votes."""
    await connection.execute(update(motion).where(motion.c.id == motion_id).values(
        tally_yes=yes, tally_no=no, tally_abstain=abstain))


async def cast_vote(connection: AsyncConnection, motion_id: int, person_id: int, choice: str,
                    now: datetime) -> str | None:
    """Record or change a person's vote; return their previous choice, if any."""
    previous = await connection.scalar(select(vote.c.choice).where(
        vote.c.motion_id == motion_id, vote.c.person_id == person_id))
    statement = _dialect(connection).insert(vote).values(
        motion_id=motion_id, person_id=person_id, choice=choice, at=now,
    ).on_conflict_do_update(index_elements=["motion_id", "person_id"],
                            set_={"choice": choice, "at": now})
    await connection.execute(statement)
    return previous


async def vote_counts(connection: AsyncConnection, motion_id: int) -> tuple[int, int, int]:
    """Button votes as (yes, no, abstain)."""
    rows = await connection.execute(select(vote.c.choice, func.count()).where(
        vote.c.motion_id == motion_id).group_by(vote.c.choice))
    counts = {row[0]: row[1] for row in rows}
    yes, no, abstain = (int(counts.get(choice, 0)) for choice in CHOICES)
    return yes, no, abstain


async def close_motion(connection: AsyncConnection, motion_id: int, *, result: tuple[int, int, int],
                       persons_present: int, binding: bool, passed: bool, now: datetime) -> None:
    """Close a motion with its final counts; no vote is taken after this."""
    yes, no, abstain = result
    await connection.execute(update(motion).where(motion.c.id == motion_id).values(
        status=MOTION_CLOSED, closed_at=now, yes=yes, no=no, abstain=abstain,
        persons_present=persons_present, binding=binding, passed=passed))
    await seals.seal(connection, "motion", motion_id, now)


async def add_minute(connection: AsyncConnection, meeting_id: int, person_id: int, text: str,
                     now: datetime) -> int:
    """Append one entry to a meeting's minutes; return how many entries it now has."""
    await connection.execute(insert(minute).values(
        meeting_id=meeting_id, person_id=person_id, text=text, at=now))
    await seals.seal(connection, "minutes", meeting_id, now)
    count = await connection.scalar(
        select(func.count()).select_from(minute).where(minute.c.meeting_id == meeting_id))
    return int(count or 0)


async def minutes_of(connection: AsyncConnection, meeting_id: int,
                     ) -> list[tuple[datetime, str, str]]:
    """The minutes of a meeting as (time, writer's name, text), oldest first."""
    rows = await connection.execute(
        select(minute.c.at, person.c.name, minute.c.text)
        .join(person, person.c.id == minute.c.person_id)
        .where(minute.c.meeting_id == meeting_id).order_by(minute.c.id))
    return [(row.at, row.name, row.text) for row in rows]


async def upcoming(connection: AsyncConnection, start: datetime, end: datetime) -> list[Meeting]:
    """Scheduled meetings starting in [start, end)."""
    rows = await connection.execute(select(meeting).where(
        meeting.c.status == SCHEDULED, meeting.c.starts_at >= start, meeting.c.starts_at < end,
    ).order_by(meeting.c.starts_at, meeting.c.id))
    return [_meeting(row) for row in rows]


async def never_opened(connection: AsyncConnection, before: datetime) -> list[Meeting]:
    """Scheduled meetings that start before ``before`` (the start of today) and were not opened."""
    rows = await connection.execute(select(meeting).where(
        meeting.c.status == SCHEDULED, meeting.c.starts_at < before,
    ).order_by(meeting.c.starts_at, meeting.c.id))
    return [_meeting(row) for row in rows]


async def homesteads_with_meeting(connection: AsyncConnection, start: datetime,
                                  end: datetime) -> set[int]:
    """屋场 that have a scheduled, open or ended meeting starting in [start, end)."""
    rows = await connection.execute(select(meeting.c.homestead_id).where(and_(
        meeting.c.status.in_([SCHEDULED, OPEN, ENDED]),
        meeting.c.starts_at >= start, meeting.c.starts_at < end)).distinct())
    return {row.homestead_id for row in rows}


async def all_meetings(connection: AsyncConnection) -> list[Meeting]:
    """Every meeting that was not abandoned, oldest first."""
    rows = await connection.execute(select(meeting).where(
        meeting.c.status.in_([SCHEDULED, OPEN, ENDED])).order_by(meeting.c.starts_at,
                                                                   meeting.c.id))
    return [_meeting(row) for row in rows]


async def forget_household(connection: AsyncConnection, meeting_id: int,
                           household_id: int) -> None:
    """Withdraw a household recorded by mistake (its check-ins still count)."""
    await connection.execute(delete(meeting_household).where(
        meeting_household.c.meeting_id == meeting_id,
        meeting_household.c.household_id == household_id))


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
