"""Supervision as stored: each 屋场's figures and lag inputs, talks, quarter bonuses (S1-S3).

These functions fetch; ``core.supervision`` turns what they return into a digest, the
lagging 屋场 and the quarter's ranking.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.flags import month_bounds, shift_month
from core.issues import Status
from core.meetings import quorum_met
from core.models import Homestead
from core.supervision import (
    Bonus,
    DigestInputs,
    Figures,
    LagInputs,
    OpenTalk,
    SupervisionRules,
)
from core.tasks import TaskKind, TaskStatus
from storage import meeting_attendance, org, tasks
from storage.meetings import ENDED
from storage.schema import (
    assessment_bonus,
    invite,
    issue,
    meeting,
    motion,
    person,
    task,
    village,
)

TALK = "talk"  # the origin of a talk an official recorded with /talk
YELLOW = "yellow:"  # the origin of a talk a month's yellow flag led to (F7): yellow:YYYY-MM


@dataclass(frozen=True, slots=True)
class Scope:
    """The 屋场 a digest covers: a village's, or a township's."""

    name: str
    homesteads: tuple[Homestead, ...]
    township_id: int
    village_id: int | None = None


async def scope_of(connection: AsyncConnection, township_id: int,
                   village_id: int | None = None) -> Scope:
    """The 屋场 of a village, or of a whole township, in roster order."""
    found = tuple(homestead for homestead in await org.all_homesteads(connection)
                  if homestead.township_id == township_id
                  and village_id in (None, homestead.village_id))
    if village_id is not None:
        name = found[0].village if found else ""
    else:
        name = found[0].township if found else ""
    return Scope(name, found, township_id, village_id)


async def _ended_meetings(connection: AsyncConnection, homestead_ids: Sequence[int],
                          start: datetime | None, end: datetime,
                          ) -> list[tuple[int, int, int, int]]:
    """(id, 屋场 id, households present, resident households) of ended meetings, newest first."""
    query = (select(meeting.c.id, meeting.c.homestead_id, meeting.c.resident_households)
             .where(meeting.c.status == ENDED, meeting.c.starts_at < end,
                    meeting.c.homestead_id.in_(list(homestead_ids)))
             .order_by(meeting.c.starts_at.desc(), meeting.c.id.desc()))
    if start is not None:
        query = query.where(meeting.c.starts_at >= start)
    return [(row.id, row.homestead_id,
             (await meeting_attendance.attendance(connection, row.id)).households_present,
             row.resident_households or 0) for row in (await connection.execute(query)).all()]


async def figures(connection: AsyncConnection, homestead_ids: Sequence[int], start: datetime,
                  end: datetime) -> dict[int, Figures]:
    """Each 屋场's figures between two moments (S1): meetings, motions, decisions, issues."""
    counts: dict[int, dict[str, int]] = {found: defaultdict(int) for found in homestead_ids}
    attendance: dict[int, list[tuple[int, int]]] = defaultdict(list)
    ratings: dict[int, list[float]] = defaultdict(list)
    held = await _ended_meetings(connection, homestead_ids, start, end)
    for _, homestead_id, present, resident in held:
        counts[homestead_id]["meetings"] += 1
        counts[homestead_id]["quorate"] += quorum_met(present, resident)
        attendance[homestead_id].append((present, resident))
    homestead_of = {meeting_id: homestead_id for meeting_id, homestead_id, _, _ in held}
    for row in await connection.execute(
            select(meeting.c.homestead_id, func.count().label("n")).select_from(motion)
            .join(meeting, meeting.c.id == motion.c.meeting_id)
            .where(motion.c.meeting_id.in_(list(homestead_of)), motion.c.closed_at.is_not(None))
            .group_by(meeting.c.homestead_id)):
        counts[row.homestead_id]["motions"] = int(row.n)
    for meeting_id, _ in (await tasks.decision_meetings(connection)).values():
        if meeting_id in homestead_of:
            counts[homestead_of[meeting_id]]["decisions"] += 1
    for row in await connection.execute(
            select(issue.c.homestead_id, issue.c.created_at, issue.c.closed_at,
                   issue.c.overdue, issue.c.satisfaction)
            .where(issue.c.homestead_id.in_(list(homestead_ids)),
                   ((issue.c.created_at >= start) & (issue.c.created_at < end))
                   | ((issue.c.closed_at >= start) & (issue.c.closed_at < end)))):
        if start <= row.created_at < end:
            counts[row.homestead_id]["raised"] += 1
            counts[row.homestead_id]["overdue"] += int(row.overdue)
        if row.closed_at is not None and start <= row.closed_at < end:
            counts[row.homestead_id]["closed"] += 1
            if row.satisfaction is not None:
                ratings[row.homestead_id].append(float(row.satisfaction))
    return {found: Figures(
        homesteads=1, homesteads_met=int(counts[found]["meetings"] > 0),
        meetings=counts[found]["meetings"], quorate=counts[found]["quorate"],
        attendance=tuple(attendance[found]), motions=counts[found]["motions"],
        decisions=counts[found]["decisions"], raised=counts[found]["raised"],
        closed=counts[found]["closed"], overdue=counts[found]["overdue"],
        ratings=tuple(ratings[found])) for found in homestead_ids}


async def lag_inputs(connection: AsyncConnection, homesteads: Sequence[Homestead], month: str,
                     zone: ZoneInfo, months: int, meetings_needed: int) -> list[LagInputs]:
    """What rule S2 looks at for each 屋场 at the end of ``month``."""
    ids = [found.id for found in homesteads]
    _, end = month_bounds(zone, month)
    first, _ = month_bounds(zone, shift_month(month, 1 - months))
    held: set[tuple[int, str]] = set()
    for row in await connection.execute(
            select(meeting.c.homestead_id, meeting.c.starts_at)
            .where(meeting.c.status == ENDED, meeting.c.starts_at >= first,
                   meeting.c.starts_at < end, meeting.c.homestead_id.in_(ids))):
        held.add((row.homestead_id, f"{row.starts_at.astimezone(zone):%Y-%m}"))
    quorums: dict[int, list[bool]] = defaultdict(list)
    for _, homestead_id, present, resident in await _ended_meetings(connection, ids, None, end):
        if len(quorums[homestead_id]) < meetings_needed:
            quorums[homestead_id].append(quorum_met(present, resident))
    overdue = {row.homestead_id: row.since for row in await connection.execute(
        select(issue.c.homestead_id, func.min(issue.c.overdue_on).label("since"))
        .where(issue.c.homestead_id.in_(ids), issue.c.overdue.is_(True),
               issue.c.status != Status.CLOSED.value, issue.c.overdue_on.is_not(None))
        .group_by(issue.c.homestead_id))}
    return [LagInputs(found.village, found.name,
                      tuple((found.id, shift_month(month, -back)) in held
                            for back in range(months)),
                      tuple(quorums[found.id]), overdue.get(found.id))
            for found in homesteads]


async def digest_inputs(connection: AsyncConnection, scope: Scope, month: str, zone: ZoneInfo,
                        rules: SupervisionRules) -> DigestInputs:
    """What the digest of a village or a township for ``month`` is drawn from (S1, S2)."""
    ids = [found.id for found in scope.homesteads]
    start, end = month_bounds(zone, month)
    counted = await figures(connection, ids, start, end)
    lags = await lag_inputs(connection, scope.homesteads, month, zone, rules.no_meeting_months,
                            rules.quorum_missed_meetings)
    return DigestInputs(
        month, scope.name, tuple((found.village, found.name) for found in scope.homesteads),
        tuple(counted[found] for found in ids), tuple(lags),
        tuple(await open_talks(connection, scope.township_id, scope.village_id)),
        by_village=scope.village_id is None)


async def open_talks(connection: AsyncConnection, township_id: int,
                     village_id: int | None = None) -> list[OpenTalk]:
    """The talks of a township (or of one village) not closed yet, by number."""
    names = await village_names(connection, township_id)
    return [OpenTalk(found.id, names.get(found.place.village_id or 0, ""), found.subject,
                     found.created_at.date())
            for found in await tasks.of_township(connection, TaskKind.TALK, township_id,
                                                 status=TaskStatus.OPEN)
            if village_id in (None, found.place.village_id)]


async def village_names(connection: AsyncConnection, township_id: int | None = None,
                        ) -> dict[int, str]:
    """Village names by id, of one township or all."""
    query = select(village.c.id, village.c.name)
    if township_id is not None:
        query = query.where(village.c.township_id == township_id)
    return {row.id: row.name for row in await connection.execute(query)}


async def talked_villages(connection: AsyncConnection, origin: str) -> set[int]:
    """The villages that already have a talk of this origin (a month's yellow flags)."""
    rows = await connection.execute(select(task.c.village_id).where(
        task.c.kind == TaskKind.TALK.value, task.c.origin == origin))
    return {row.village_id for row in rows}


async def add_bonus(connection: AsyncConnection, *, quarter: str, village_id: int,
                    points: float, reason: str, by: int | None, now: datetime) -> None:
    """Record points the township adds to a village's quarter (S3)."""
    await connection.execute(insert(assessment_bonus).values(
        quarter=quarter, village_id=village_id, points=points, reason=reason, entered_by=by,
        entered_at=now))


async def bonuses(connection: AsyncConnection, quarter: str, township_id: int) -> list[Bonus]:
    """The points added to a township's villages for a quarter, in the order entered."""
    rows = await connection.execute(
        select(village.c.name, assessment_bonus.c.points, assessment_bonus.c.reason)
        .join(village, village.c.id == assessment_bonus.c.village_id)
        .where(assessment_bonus.c.quarter == quarter, village.c.township_id == township_id)
        .order_by(assessment_bonus.c.id))
    return [Bonus(row.name, row.points, row.reason) for row in rows]


async def roster_since(connection: AsyncConnection) -> dict[int, datetime]:
    """When each township's roster was first imported (its oldest invite), by township id."""
    rows = await connection.execute(
        select(person.c.township_id, func.min(invite.c.created_at).label("since"))
        .join(person, person.c.id == invite.c.person_id).group_by(person.c.township_id))
    return {row.township_id: _utc(row.since) for row in rows}


def _utc(moment: datetime) -> datetime:
    """An aggregate's timestamp, which the UTC column type does not see, as aware UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
