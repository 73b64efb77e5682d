"""The party organisation's roster and meetings (rules Y1, Y2, M6): fetch and store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.models import Person
from core.party import (
    LessonKind,
    Member,
    PartyInfo,
    Post,
    RollEntry,
    party_groups,
)
from core.roster import RosterRow
from storage import org
from storage.schema import party_lesson, party_roll, party_roster, person


async def store_roster(connection: AsyncConnection, rows: Sequence[RosterRow]) -> None:
    """Store the party columns of the persons of an imported file (rule Y1).

    A row is the whole truth of its person: their old party columns are replaced;
    persons missing from the file keep theirs, as the roster import keeps them.
    """
    codes = [row.code for row in rows]
    ids = {code: person_id for code, person_id in await connection.execute(
        select(person.c.code, person.c.id).where(person.c.code.in_(codes)))}
    await connection.execute(delete(party_roster).where(
        party_roster.c.person_id.in_(list(ids.values()))))
    values = [_roster_values(ids[row.code], row.party, ids) for row in rows
              if not row.party.empty]
    if values:
        await connection.execute(insert(party_roster), values)


def _roster_values(person_id: int, info: PartyInfo, ids: dict[str, int]) -> dict[str, Any]:
    return {"person_id": person_id, "branch": info.branch,
            "post": info.post.value if info.post else None,
            "reserve_cadre": info.reserve_cadre, "activist": info.activist,
            "mobile": info.mobile, "position": info.position,
            "liaison_id": ids.get(info.liaison) if info.liaison else None}


async def _infos(connection: AsyncConnection) -> dict[int, PartyInfo]:
    """Every stored person's party columns, 联系党员 as the liaison's 编号."""
    liaison = person.alias("liaison")
    rows = await connection.execute(
        select(party_roster, liaison.c.code.label("liaison_code"))
        .outerjoin(liaison, liaison.c.id == party_roster.c.liaison_id))
    return {row.person_id: _to_info(row) for row in rows}


def _to_info(row: Row[Any]) -> PartyInfo:
    return PartyInfo(branch=row.branch, post=Post(row.post) if row.post else None,
                     reserve_cadre=row.reserve_cadre, activist=row.activist,
                     mobile=row.mobile, position=row.position, liaison=row.liaison_code)


async def members(connection: AsyncConnection, village_id: int | None = None) -> list[Member]:
    """Every person (of one village) with their party columns, in roster order.

    Non-members are included: 入党积极分子, 后备干部 and households' liaisons are theirs too.
    """
    infos = await _infos(connection)
    return [Member(found, infos.get(found.id, PartyInfo()))
            for found in await org.all_persons(connection)
            if village_id is None or found.village_id == village_id]


async def member(connection: AsyncConnection, found: Person) -> Member:
    """One person with their party columns: how another system finds a branch and a post.

    ``member.branch`` is the branch's name, ``member.info.post`` the party post, and
    ``core.party.is_secretary(member)`` says whether they are a branch secretary.
    """
    row = (await connection.execute(
        select(party_roster, person.c.code.label("liaison_code"))
        .outerjoin(person, person.c.id == party_roster.c.liaison_id)
        .where(party_roster.c.person_id == found.id))).first()
    return Member(found, _to_info(row) if row else PartyInfo())


async def group_members(connection: AsyncConnection, homestead_id: int) -> list[int]:
    """The ids of a 屋场's party group's members; none if it has no group (rule M6)."""
    persons = [found for found in await org.all_persons(connection)
               if found.homestead_id == homestead_id]
    return [found.id for found in party_groups(persons).get(homestead_id, [])]


# --- party meetings (rule Y2) ---------------------------------------------------

@dataclass(frozen=True, slots=True)
class Lesson:
    """A party meeting as stored."""

    id: int
    village_id: int
    branch: str
    kind: LessonKind
    topic: str
    starts_at: datetime
    homestead_id: int | None
    called_by: int
    created_at: datetime


def _to_lesson(row: Row[Any]) -> Lesson:
    return Lesson(id=row.id, village_id=row.village_id, branch=row.branch,
                  kind=LessonKind(row.kind), topic=row.topic, starts_at=row.starts_at,
                  homestead_id=row.homestead_id, called_by=row.called_by,
                  created_at=row.created_at)


async def add_lesson(connection: AsyncConnection, *, village_id: int, branch: str,
                     kind: LessonKind, topic: str, starts_at: datetime,
                     homestead_id: int | None, called_by: int, now: datetime,
                     expected: Sequence[Member]) -> int:
    """Store a party meeting and its roll: who is expected, 流动党员 excused (rule Y2)."""
    result = await connection.execute(insert(party_lesson).values(
        village_id=village_id, branch=branch, kind=kind.value, topic=topic,
        starts_at=starts_at, homestead_id=homestead_id, called_by=called_by, created_at=now))
    assert result.inserted_primary_key is not None
    lesson_id = int(result.inserted_primary_key[0])
    if expected:
        await connection.execute(insert(party_roll), [
            {"lesson_id": lesson_id, "person_id": found.person.id,
             "excused": found.info.mobile} for found in expected])
    return lesson_id


async def lesson(connection: AsyncConnection, lesson_id: int) -> Lesson | None:
    """One party meeting."""
    row = (await connection.execute(
        select(party_lesson).where(party_lesson.c.id == lesson_id))).first()
    return _to_lesson(row) if row else None


async def lessons(connection: AsyncConnection, *, village_id: int | None = None,
                  since: datetime | None = None, until: datetime | None = None,
                  called_by: int | None = None) -> list[Lesson]:
    """Party meetings, oldest first, narrowed by village, start time and caller."""
    query = select(party_lesson).order_by(party_lesson.c.starts_at, party_lesson.c.id)
    if village_id is not None:
        query = query.where(party_lesson.c.village_id == village_id)
    if since is not None:
        query = query.where(party_lesson.c.starts_at >= since)
    if until is not None:
        query = query.where(party_lesson.c.starts_at < until)
    if called_by is not None:
        query = query.where(party_lesson.c.called_by == called_by)
    return [_to_lesson(row) for row in await connection.execute(query)]


async def roll(connection: AsyncConnection, lesson_id: int) -> list[tuple[int, RollEntry]]:
    """(lesson id, entry) of one meeting's roll."""
    return await rolls(connection, [lesson_id])


async def rolls(connection: AsyncConnection,
                lesson_ids: Sequence[int]) -> list[tuple[int, RollEntry]]:
    """(lesson id, entry) of these meetings' rolls."""
    rows = await connection.execute(
        select(party_roll).where(party_roll.c.lesson_id.in_(list(lesson_ids)))
        .order_by(party_roll.c.lesson_id, party_roll.c.person_id))
    return [(row.lesson_id, RollEntry(row.person_id, row.excused, row.present_at is not None))
            for row in rows]


async def mark_present(connection: AsyncConnection, lesson_id: int, person_ids: Sequence[int],
                       *, by: int, now: datetime) -> list[int]:
    """Mark expected persons present once; return those newly marked."""
    absent = (party_roll.c.lesson_id == lesson_id,
              party_roll.c.person_id.in_(list(person_ids)), party_roll.c.present_at.is_(None))
    newly = [int(row.person_id) for row in await connection.execute(
        select(party_roll.c.person_id).where(*absent))]
    if newly:
        await connection.execute(update(party_roll).where(*absent)
                                 .values(present_at=now, recorded_by=by))
    return newly


async def lessons_of(connection: AsyncConnection, person_id: int) -> list[int]:
    """The meetings a person was expected at."""
    rows = await connection.execute(
        select(party_roll.c.lesson_id).where(party_roll.c.person_id == person_id))
    return [int(row.lesson_id) for row in rows]
