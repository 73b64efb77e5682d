"""Meetings and what they produce: motions, votes and minutes.

Who is at a meeting (check-ins, households recorded) is ``storage.meeting_attendance``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    Row,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from storage import seals
from storage.schema import (
    household,
    meeting,
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


def meeting_from_row(row: Row[Any] | SimpleNamespace) -> Meeting:
    """A meeting from a row with its columns."""
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
    return meeting_from_row(row) if row else None


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
    return meeting_from_row(row) if row else None


async def all_of(connection: AsyncConnection, homestead_id: int, status: str) -> list[Meeting]:
    """Every meeting of a 屋场 with this status, earliest first."""
    rows = await connection.execute(select(meeting).where(
        meeting.c.homestead_id == homestead_id, meeting.c.status == status,
    ).order_by(meeting.c.starts_at, meeting.c.id))
    return [meeting_from_row(row) for row in rows]


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
    return [meeting_from_row(row) for row in rows]


async def never_opened(connection: AsyncConnection, before: datetime) -> list[Meeting]:
    """Scheduled meetings that start before ``before`` (the start of today) and were not opened."""
    rows = await connection.execute(select(meeting).where(
        meeting.c.status == SCHEDULED, meeting.c.starts_at < before,
    ).order_by(meeting.c.starts_at, meeting.c.id))
    return [meeting_from_row(row) for row in rows]


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
    return [meeting_from_row(row) for row in rows]


async def forget_household(connection: AsyncConnection, meeting_id: int,
                           household_id: int) -> None:
    """Withdraw a household recorded by mistake (its check-ins still count)."""
    await connection.execute(delete(meeting_household).where(
        meeting_household.c.meeting_id == meeting_id,
        meeting_household.c.household_id == household_id))
