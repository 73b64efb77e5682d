"""Before a meeting (rule M8): time polls, villagers' requests for a meeting, village topics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import (
    household,
    meeting_poll,
    meeting_poll_choice,
    meeting_poll_option,
    meeting_request,
    village_topic,
)


@dataclass(frozen=True, slots=True)
class Poll:
    """A poll of candidate meeting times, with the households that picked each one."""

    id: int
    homestead_id: int
    created_by: int
    options: dict[int, datetime]  # option number → start, in order
    households: dict[int, int]  # option number → households that picked it
    closed_at: datetime | None


def _dialect(connection: AsyncConnection) -> Any:
    return postgresql if connection.dialect.name == "postgresql" else sqlite


async def create_poll(connection: AsyncConnection, homestead_id: int, times: list[datetime],
                      created_by: int, now: datetime) -> int:
    """Store a poll with its candidate times, numbered from 1, and return its id."""
    result = await connection.execute(insert(meeting_poll).values(
        homestead_id=homestead_id, created_by=created_by, created_at=now))
    assert result.inserted_primary_key is not None
    poll_id = int(result.inserted_primary_key[0])
    await connection.execute(insert(meeting_poll_option), [
        {"poll_id": poll_id, "number": number, "starts_at": starts_at}
        for number, starts_at in enumerate(times, start=1)])
    return poll_id


async def get_poll(connection: AsyncConnection, poll_id: int) -> Poll | None:
    """A poll with each option's households."""
    row = (await connection.execute(
        select(meeting_poll).where(meeting_poll.c.id == poll_id))).first()
    if row is None:
        return None
    options = {option.number: option.starts_at for option in await connection.execute(
        select(meeting_poll_option).where(meeting_poll_option.c.poll_id == poll_id)
        .order_by(meeting_poll_option.c.number))}
    picked = await connection.execute(
        select(meeting_poll_choice.c.number,
               func.count(meeting_poll_choice.c.household_id.distinct()))
        .where(meeting_poll_choice.c.poll_id == poll_id)
        .group_by(meeting_poll_choice.c.number))
    counts = {number: int(households) for number, households in picked}
    return Poll(row.id, row.homestead_id, row.created_by, options,
                {number: counts.get(number, 0) for number in options}, row.closed_at)


async def open_poll(connection: AsyncConnection, homestead_id: int) -> Poll | None:
    """The 屋场's poll that is still open, if any."""
    poll_id = await connection.scalar(select(meeting_poll.c.id).where(
        meeting_poll.c.homestead_id == homestead_id, meeting_poll.c.closed_at.is_(None)))
    return await get_poll(connection, poll_id) if poll_id is not None else None


async def pick(connection: AsyncConnection, poll_id: int, person_id: int, household_id: int,
               number: int, now: datetime) -> int | None:
    """Record or change a person's pick; return their previous option, if any."""
    previous = await connection.scalar(select(meeting_poll_choice.c.number).where(
        meeting_poll_choice.c.poll_id == poll_id, meeting_poll_choice.c.person_id == person_id))
    await connection.execute(_dialect(connection).insert(meeting_poll_choice).values(
        poll_id=poll_id, person_id=person_id, household_id=household_id, number=number, at=now,
    ).on_conflict_do_update(index_elements=["poll_id", "person_id"],
                            set_={"number": number, "at": now}))
    return previous


async def close_poll(connection: AsyncConnection, poll_id: int, now: datetime) -> None:
    """Close a poll: no pick is taken after this."""
    await connection.execute(update(meeting_poll).where(meeting_poll.c.id == poll_id)
                             .values(closed_at=now))


async def add_request(connection: AsyncConnection, homestead_id: int, person_id: int,
                      household_id: int, topic: str, now: datetime) -> int:
    """Record a villager's request for a meeting and return its id."""
    result = await connection.execute(insert(meeting_request).values(
        homestead_id=homestead_id, person_id=person_id, household_id=household_id,
        topic=topic, at=now))
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


async def households_asking(connection: AsyncConnection, homestead_id: int,
                            since: datetime) -> int:
    """Resident households (在家) of a 屋场 that asked for a meeting since ``since``.

    Compared with the resident households (rule M8), so a household living away that
    asks is not counted on one side only.
    """
    count = await connection.scalar(
        select(func.count(meeting_request.c.household_id.distinct()))
        .join(household, household.c.id == meeting_request.c.household_id)
        .where(meeting_request.c.homestead_id == homestead_id, meeting_request.c.at >= since,
               household.c.at_home.is_(True)))
    return int(count or 0)


async def topics_asked(connection: AsyncConnection, homestead_id: int,
                       since: datetime) -> list[str]:
    """What the requests since ``since`` asked to discuss, oldest first, each once."""
    rows = await connection.execute(select(meeting_request.c.topic).where(
        meeting_request.c.homestead_id == homestead_id, meeting_request.c.at >= since,
    ).order_by(meeting_request.c.id))
    return list(dict.fromkeys(row.topic for row in rows))


async def set_topic(connection: AsyncConnection, village_id: int, month: str, text: str,
                    set_by: int, now: datetime) -> None:
    """Set (or replace) a village's topic for a month, ``YYYY-MM``."""
    await connection.execute(_dialect(connection).insert(village_topic).values(
        village_id=village_id, month=month, text=text, set_by=set_by, set_at=now,
    ).on_conflict_do_update(index_elements=["village_id", "month"],
                            set_={"text": text, "set_by": set_by, "set_at": now}))


async def topic_of(connection: AsyncConnection, village_id: int, month: str) -> str | None:
    """A village's topic for a month, if a cadre set one."""
    found = await connection.scalar(select(village_topic.c.text).where(
        village_topic.c.village_id == village_id, village_topic.c.month == month))
    return str(found) if found is not None else None
