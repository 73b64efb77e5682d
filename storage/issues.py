"""The problem ledger: every change is an event; the issue row is its projection (rule I7).

The hash-chained events (stream ``issue:ID``) are the ledger and are only ever
appended. The ``issue`` row is a read model kept in step in the same transaction;
each event carries the state it leaves the issue in, so ``wuchang verify`` can
tell when a row was edited behind the ledger's back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.issues import (
    CountedFrom,
    Level,
    Rating,
    ReportWindow,
    RoundTally,
    Status,
    deadline_at,
    handler_at,
)
from core.models import Office
from core.permissions import Place
from storage import events
from storage.events import Actor
from storage.schema import issue, rating, rating_round

STATE_FIELDS = ("homestead_id", "meeting_id", "raised_by", "title", "category", "level",
                "status", "handler_id", "department", "responsible", "agreed_date", "deadline",
                "due_date", "overdue", "overdue_on", "satisfaction", "closed_at",
                "deadline_start", "deadline_from")
# Fields added after the ledger began: an event older than them recorded none (None).
LATER_STATE_FIELDS = ("deadline_start", "deadline_from")


@dataclass(frozen=True, slots=True)
class Issue:
    """An issue as the projection shows it now."""

    id: int
    homestead_id: int
    meeting_id: int | None
    raised_by: int
    title: str
    category: str | None
    level: Level
    status: Status
    handler_id: int | None
    department: str | None
    responsible: str | None
    agreed_date: date | None
    deadline: date | None
    due_date: date | None
    overdue: bool
    overdue_on: date | None
    satisfaction: float | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    deadline_start: date | None = None
    deadline_from: CountedFrom | None = None

    @property
    def current_deadline(self) -> date | None:
        """The deadline at the issue's level: agreed, report or due date."""
        return deadline_at(self.level, self.agreed_date, self.deadline, self.due_date)

    @property
    def report_window(self) -> ReportWindow | None:
        """The village's window, once the issue reached the village after rule I9 (I3, I9)."""
        if self.deadline is None or self.deadline_start is None or self.deadline_from is None:
            return None
        return ReportWindow(self.deadline_start, self.deadline_from, self.deadline)

    def handler(self, where: Place) -> Office:
        """Who handles the issue at its level; ``where`` is its 屋场's place."""
        return handler_at(self.level, where, assigned=self.handler_id,
                          department=self.department, responsible=self.responsible)

    def state(self) -> dict[str, Any]:
        """The fields every event records the issue's state by."""
        values = asdict(self)
        return {name: _plain(values[name]) for name in STATE_FIELDS}


@dataclass(frozen=True, slots=True)
class Round:
    """A rating round of an issue."""

    id: int
    issue_id: int
    opened_at: datetime
    closes_at: datetime
    extended: bool
    status_before: Status
    decided_at: datetime | None
    outcome: str | None


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    return value.value if hasattr(value, "value") else value


def _issue(row: Row[Any]) -> Issue:
    return Issue(
        id=row.id, homestead_id=row.homestead_id, meeting_id=row.meeting_id,
        raised_by=row.raised_by, title=row.title, category=row.category, level=Level(row.level),
        status=Status(row.status), handler_id=row.handler_id, department=row.department,
        responsible=row.responsible, agreed_date=row.agreed_date, deadline=row.deadline,
        due_date=row.due_date, overdue=row.overdue, overdue_on=row.overdue_on,
        satisfaction=row.satisfaction,
        created_at=row.created_at, updated_at=row.updated_at, closed_at=row.closed_at,
        deadline_start=row.deadline_start,
        deadline_from=CountedFrom(row.deadline_from) if row.deadline_from else None)


def _round(row: Row[Any]) -> Round:
    return Round(row.id, row.issue_id, row.opened_at, row.closes_at, row.extended,
                 Status(row.status_before), row.decided_at, row.outcome)


async def raise_issue(connection: AsyncConnection, *, homestead_id: int, meeting_id: int | None,
                      title: str, actor: Actor, now: datetime) -> Issue:
    """Open a new issue at the 屋场 level and log it."""
    result = await connection.execute(insert(issue).values(
        homestead_id=homestead_id, meeting_id=meeting_id, raised_by=actor.person_id,
        title=title, level=Level.HOMESTEAD.value, status=Status.OPEN.value, overdue=False,
        created_at=now, updated_at=now))
    assert result.inserted_primary_key is not None
    created = await get(connection, int(result.inserted_primary_key[0]))
    assert created is not None
    await _log(connection, created, "issue.raised", actor, now,
               {"title": title, "homestead_id": homestead_id, "meeting_id": meeting_id})
    return created


async def change(connection: AsyncConnection, current: Issue, kind: str, actor: Actor,
                 now: datetime, details: dict[str, Any], **values: Any) -> Issue:
    """Apply a change to an issue: update its projection and append the event."""
    if values:
        stored = {key: (value.value if isinstance(value, Level | Status | CountedFrom)
                        else value)
                  for key, value in values.items()}
        await connection.execute(update(issue).where(issue.c.id == current.id).values(
            updated_at=now, **stored))
    changed = await get(connection, current.id)
    assert changed is not None
    await _log(connection, changed, kind, actor, now, details)
    return changed


async def _log(connection: AsyncConnection, current: Issue, kind: str, actor: Actor,
               now: datetime, details: dict[str, Any]) -> None:
    await events.record(connection, actor, at=now, stream=f"issue:{current.id}", kind=kind,
                        payload={**details, "state": current.state()})


async def get(connection: AsyncConnection, issue_id: int) -> Issue | None:
    """Return one issue."""
    row = (await connection.execute(select(issue).where(issue.c.id == issue_id))).first()
    return _issue(row) if row else None


async def history(connection: AsyncConnection, issue_id: int) -> list[events.Event]:
    """Every event of an issue, oldest first."""
    return await events.stream_events(connection, f"issue:{issue_id}")


async def raised_in_meeting(connection: AsyncConnection, meeting_id: int) -> list[Issue]:
    """The issues raised during a meeting."""
    rows = await connection.execute(
        select(issue).where(issue.c.meeting_id == meeting_id).order_by(issue.c.id))
    return [_issue(row) for row in rows]


async def overdue_at_village(connection: AsyncConnection, today: date,
                             limit: int = 1000) -> list[Issue]:
    """Village-level issues past their report deadline and not handled (rule I3)."""
    rows = await connection.execute(select(issue).where(
        issue.c.level == Level.VILLAGE.value,
        issue.c.status.in_([Status.OPEN.value, Status.ESCALATED.value]),
        issue.c.deadline < today,
    ).order_by(issue.c.deadline, issue.c.id).limit(limit))
    return [_issue(row) for row in rows]


async def past_promise(connection: AsyncConnection, today: date) -> list[Issue]:
    """Issues past their agreed (屋场) or due (镇) date that were not yet marked for it."""
    homestead_late = ((issue.c.level == Level.HOMESTEAD.value) & (issue.c.agreed_date < today)
                      & ((issue.c.overdue_on.is_(None))
                         | (issue.c.overdue_on != issue.c.agreed_date)))
    township_late = ((issue.c.level == Level.TOWNSHIP.value) & (issue.c.due_date < today)
                     & ((issue.c.overdue_on.is_(None)) | (issue.c.overdue_on != issue.c.due_date)))
    rows = await connection.execute(select(issue).where(
        issue.c.status.in_([Status.OPEN.value, Status.ESCALATED.value, Status.ASSIGNED.value]),
        homestead_late | township_late,
    ).order_by(issue.c.id))
    return [_issue(row) for row in rows]


async def open_round(connection: AsyncConnection, issue_id: int, now: datetime,
                     closes_at: datetime, status_before: Status) -> int:
    """Start a rating round and return its id."""
    result = await connection.execute(insert(rating_round).values(
        issue_id=issue_id, opened_at=now, closes_at=closes_at, extended=False,
        status_before=status_before.value))
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


async def get_round(connection: AsyncConnection, round_id: int) -> Round | None:
    """Return one rating round."""
    row = (await connection.execute(
        select(rating_round).where(rating_round.c.id == round_id))).first()
    return _round(row) if row else None


async def rounds_due(connection: AsyncConnection, now: datetime) -> list[Round]:
    """Undecided rounds whose window has closed, but not those awaiting a meeting (rule I8)."""
    rows = await connection.execute(select(rating_round).where(
        rating_round.c.decided_at.is_(None), rating_round.c.closes_at <= now,
        rating_round.c.outcome.is_(None),
    ).order_by(rating_round.c.closes_at, rating_round.c.id))
    return [_round(row) for row in rows]


async def extend_round(connection: AsyncConnection, round_id: int, closes_at: datetime) -> None:
    """Give a round with too few ratings one more window."""
    await connection.execute(update(rating_round).where(rating_round.c.id == round_id).values(
        extended=True, closes_at=closes_at))


async def decide_round(connection: AsyncConnection, round_id: int, outcome: str,
                       now: datetime) -> None:
    """Record how a round ended."""
    await connection.execute(update(rating_round).where(rating_round.c.id == round_id).values(
        decided_at=now, outcome=outcome))


async def add_rating(connection: AsyncConnection, round_id: int, person_id: int,
                     choice: Rating, now: datetime) -> bool:
    """Record one rating; False if this person rated in this round already."""
    found = await connection.scalar(select(rating.c.person_id).where(
        rating.c.round_id == round_id, rating.c.person_id == person_id))
    if found is not None:
        return False
    await connection.execute(insert(rating).values(
        round_id=round_id, person_id=person_id, choice=choice.value, at=now))
    return True


async def tally(connection: AsyncConnection, issue_id: int, round_id: int) -> RoundTally:
    """The ratings of a round, counted from the ledger's chained events, not the rating rows."""
    counts = {choice: 0 for choice in Rating}
    for entry in await history(connection, issue_id):
        if entry.kind == "issue.rated" and entry.payload.get("round_id") == round_id:
            counts[Rating(entry.payload["rating"])] += 1
    return RoundTally(counts[Rating.SATISFIED], counts[Rating.BASICALLY],
                      counts[Rating.DISSATISFIED])


async def all_issues(connection: AsyncConnection) -> list[Issue]:
    """Every issue, by number."""
    return [_issue(row) for row in await connection.execute(select(issue).order_by(issue.c.id))]


async def mismatched_projections(connection: AsyncConnection) -> list[int]:
    """Issues whose row or ratings differ from what their events recorded, or whose row went."""
    latest: dict[int, dict[str, Any]] = {}
    for found in await events.streams_with_prefix(connection, "issue:"):
        latest[int(found.stream.split(":", 1)[1])] = found.payload.get("state", {})
    rows = {current.id: current for current in await all_issues(connection)}
    older = dict.fromkeys(LATER_STATE_FIELDS)
    broken = {number for number in set(latest) | set(rows)
              if number not in rows or number not in latest
              or {**older, **latest[number]} != rows[number].state()}
    return sorted(broken | await _mismatched_ratings(connection))


async def _mismatched_ratings(connection: AsyncConnection) -> set[int]:
    """Issues whose rating rows differ from their ``issue.rated`` events."""
    stored: dict[int, set[tuple[int, int, str]]] = {}
    for row in await connection.execute(
            select(rating_round.c.issue_id, rating.c.round_id, rating.c.person_id,
                   rating.c.choice).join(rating_round, rating_round.c.id == rating.c.round_id)):
        stored.setdefault(row.issue_id, set()).add((row.round_id, row.person_id, row.choice))
    logged: dict[int, set[tuple[int, int, str]]] = {}
    for entry in await events.of_kind(connection, "issue.rated"):
        number = int(entry.stream.split(":", 1)[1])
        logged.setdefault(number, set()).add(
            (entry.payload["round_id"], entry.actor_id or 0, entry.payload["rating"]))
    return {number for number in set(stored) | set(logged)
            if stored.get(number) != logged.get(number)}
