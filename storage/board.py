"""Reading a village's public notice board (公开栏, rule P3) in one read transaction.

Notices and 公示 (rules P1-P2) and decisions (M9) are built by other parts of the
product; the board reaches them through ``Sources``, whose defaults show none.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.board import (
    Board,
    BoardDecision,
    BoardFlag,
    BoardIssue,
    BoardMeeting,
    BoardMotion,
    BoardNotice,
    BoardSettlement,
    MeetingState,
    VillageRef,
    without_phones,
)
from core.flags import Flag
from core.issues import Level, Status
from core.meetings import households_required, quorum_met
from core.tasks import TaskKind, TaskStatus
from storage import flags, meeting_attendance, meetings, org, publication, tasks
from storage.schema import grid, homestead, issue, meeting, township, village

NO_END = datetime.max.replace(tzinfo=UTC)  # a period without end

# The open notices and 公示 of a village at a moment (rules P1-P2), and its decisions (M9).
# (connection, village id, now, since): open at now, and every one sent since.
NoticeSource = Callable[[AsyncConnection, int, datetime, datetime],
                        Awaitable[list[BoardNotice]]]
DecisionSource = Callable[[AsyncConnection, int, datetime], Awaitable[list[BoardDecision]]]


async def village_decisions(connection: AsyncConnection, village_id: int,
                            now: datetime) -> list[BoardDecision]:
    """The decisions (决议) of the village's meetings and whether each is carried out (M9)."""
    found = await tasks.of_village(connection, TaskKind.DECISION, village_id)
    held = await tasks.decision_meetings(connection)
    names = {homestead.id: homestead.name for homestead in await org.all_homesteads(connection)}
    return [BoardDecision(number=task.id, meeting=held[task.id][0],
                          homestead=names.get(task.place.homestead_id or 0, ""),
                          text=task.subject, done=task.status is TaskStatus.DONE)
            for task in found if task.id in held]


@dataclass(frozen=True, slots=True)
class Sources:
    """Where the board gets what other systems publish."""

    notices: NoticeSource = publication.board_notices
    decisions: DecisionSource = village_decisions


async def villages(connection: AsyncConnection) -> list[VillageRef]:
    """Every village with its township and grid, by township and name."""
    rows = await connection.execute(
        select(village.c.id, township.c.name.label("township"), grid.c.name.label("grid"),
               village.c.name)
        .join(township, township.c.id == village.c.township_id)
        .join(grid, grid.c.id == village.c.grid_id)
        .order_by(township.c.name, village.c.name))
    return [VillageRef(row.id, row.township, row.grid, row.name) for row in rows]


async def board(connection: AsyncConnection, where: VillageRef, *, now: datetime,
                since: datetime, until: datetime | None, zone: ZoneInfo,
                sources: Sources = Sources()) -> Board:
    """The village's board for [since, until): meetings, issues and flags of the period.

    Issues still open are shown whatever their age; ``until`` None has no end, so
    meetings scheduled ahead are shown too.
    """
    notices = [replace(found, sent_at=found.sent_at.astimezone(zone),
                       ends_at=found.ends_at.astimezone(zone) if found.ends_at else None,
                       objections=tuple(replace(objection, text=without_phones(objection.text))
                                        for objection in found.objections))
               for found in await sources.notices(connection, where.id, now, since)]
    decisions = await sources.decisions(connection, where.id, now)
    found_flags, settlements = await _flags(connection, where, since, until, zone)
    return Board(where.township, where.grid, where.name, now.astimezone(zone),
                 notices=tuple(notices),
                 meetings=tuple(await _meetings(connection, where.id, since, until, zone)),
                 decisions=tuple(decisions),
                 issues=tuple(await _issues(connection, where.id, since, until, zone)),
                 flags=tuple(found_flags), settlements=tuple(settlements))


async def _meetings(connection: AsyncConnection, village_id: int, since: datetime,
                    until: datetime | None, zone: ZoneInfo) -> list[BoardMeeting]:
    query = (select(meeting.c.id, homestead.c.name)
             .join(homestead, homestead.c.id == meeting.c.homestead_id)
             .where(homestead.c.village_id == village_id, meeting.c.starts_at >= since,
                    meeting.c.starts_at < (until or NO_END),
                    meeting.c.status.in_([state.value for state in MeetingState]))
             .order_by(meeting.c.starts_at.desc(), meeting.c.id.desc()))
    result = []
    for meeting_id, homestead_name in (await connection.execute(query)).all():
        found = await meeting_attendance.with_presence(connection, meeting_id)
        assert found is not None
        held, households_present, _persons = found
        resident = (held.resident_households if held.resident_households is not None
                    else await meetings.resident_households(connection, held.homestead_id))
        motions = []
        for motion in await meetings.motions_of(connection, meeting_id):
            yes, no, abstain = motion.result or motion.tally or await meetings.vote_counts(
                connection, motion.id)
            motions.append(BoardMotion(motion.text, yes, no, abstain, motion.persons_present,
                                       motion.binding, motion.passed))
        result.append(BoardMeeting(
            meeting_id, homestead_name, held.starts_at.astimezone(zone),
            MeetingState(held.status), held.topic, households_present,
            households_required(resident), quorum_met(households_present, resident),  # rule M3
            tuple(motions)))
    return result


async def _issues(connection: AsyncConnection, village_id: int, since: datetime,
                  until: datetime | None, zone: ZoneInfo) -> list[BoardIssue]:
    # Rule P3: the raiser (issue.raised_by) and the handler are never selected.
    end = until or NO_END
    rows = await connection.execute(
        select(issue.c.id, homestead.c.name.label("homestead"), issue.c.title,
               issue.c.category, issue.c.level, issue.c.status, issue.c.agreed_date,
               issue.c.deadline, issue.c.due_date, issue.c.overdue, issue.c.satisfaction,
               issue.c.created_at, issue.c.closed_at)
        .join(homestead, homestead.c.id == issue.c.homestead_id)
        .where(homestead.c.village_id == village_id, or_(
            and_(issue.c.created_at >= since, issue.c.created_at < end),
            and_(issue.c.closed_at >= since, issue.c.closed_at < end),
            and_(issue.c.status != Status.CLOSED.value, issue.c.created_at < end)))
        .order_by(issue.c.id.desc()))
    result = []
    for row in rows:
        level = Level(row.level)
        deadline = {Level.HOMESTEAD: row.agreed_date, Level.VILLAGE: row.deadline,
                    Level.TOWNSHIP: row.due_date}[level]
        result.append(BoardIssue(
            row.id, row.homestead, without_phones(row.title), row.category, level,
            Status(row.status),
            deadline, row.overdue, row.satisfaction, row.created_at.astimezone(zone),
            row.closed_at.astimezone(zone) if row.closed_at else None))
    return result


async def _flags(connection: AsyncConnection, where: VillageRef, since: datetime,
                 until: datetime | None, zone: ZoneInfo,
                 ) -> tuple[list[BoardFlag], list[BoardSettlement]]:
    """The newest confirmed version of each month of the period (F8), newest month first."""
    first = f"{since.astimezone(zone):%Y-%m}"
    last = f"{until.astimezone(zone):%Y-%m}" if until is not None else None
    newest: dict[str, tuple[int, int]] = {}
    township_id = (await connection.execute(
        select(village.c.township_id).where(village.c.id == where.id))).scalar_one()
    for confirmation_id, _, month, version in await flags.confirmed_versions(
            connection, township_id):
        if first <= month and (last is None or month < last):
            newest[month] = (confirmation_id, version)
    found_flags: list[BoardFlag] = []
    settlements: list[BoardSettlement] = []
    for month in sorted(newest, reverse=True):
        confirmation_id, version = newest[month]
        results, money = await flags.confirmed_rows(connection, confirmation_id)
        found_flags.extend(
            BoardFlag(month, row["category"], row["score"],
                      Flag(row["flag"]) if row["flag"] else None)
            for row in results if row["village"] == where.name)
        settlements.extend(
            BoardSettlement(month, version, row["reds"], row["yellows"], row["amount"])
            for row in money if row["village"] == where.name)
    return found_flags, settlements

