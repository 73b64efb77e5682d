"""Follow-up tasks: every change is an event (stream ``task:ID``); the row is its projection.

As with the problem ledger (``storage.issues``), each event carries the state it leaves
the task in, so ``wuchang verify`` can tell when a row was edited behind the log's back.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.models import Office
from core.permissions import Place
from core.roles import Role
from core.tasks import FROM_MOTION, Task, TaskKind, TaskStatus, office_at
from storage import events
from storage.events import Actor
from storage.schema import meeting, motion, task

STATE_FIELDS = ("kind", "subject", "origin", "origin_id", "township_id", "village_id",
                "homestead_id", "owner_role", "owner_person_id", "owner_title", "due", "status",
                "report", "done_at", "done_by")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _state(row: Row[Any]) -> dict[str, Any]:
    """The fields every event records the task's state by."""
    values = row._mapping
    return {name: _plain(values[name]) for name in STATE_FIELDS}


def _task(row: Row[Any]) -> Task:
    place = Place(row.township_id, row.village_id, row.homestead_id)
    return Task(
        id=row.id, kind=TaskKind(row.kind), subject=row.subject, origin=row.origin,
        origin_id=row.origin_id, place=place,
        owner=office_at(Role(row.owner_role), place, row.owner_title, row.owner_person_id),
        due=row.due, status=TaskStatus(row.status), report=row.report,
        created_at=row.created_at, done_at=row.done_at, done_by=row.done_by)


async def _row(connection: AsyncConnection, task_id: int) -> Row[Any] | None:
    return (await connection.execute(select(task).where(task.c.id == task_id))).first()


async def _log(connection: AsyncConnection, task_id: int, kind: str, actor: Actor,
               now: datetime, details: dict[str, Any]) -> Task:
    row = await _row(connection, task_id)
    assert row is not None
    await events.record(connection, actor, at=now, stream=f"task:{task_id}", kind=kind,
                        payload={**details, "state": _state(row)})
    return _task(row)


async def open_task(connection: AsyncConnection, *, kind: TaskKind, subject: str, origin: str,
                    origin_id: int | None, place: Place, owner: Office, due: date,
                    actor: Actor, now: datetime) -> Task:
    """Open a task owned by ``owner`` and log it."""
    result = await connection.execute(insert(task).values(
        kind=kind.value, subject=subject, origin=origin, origin_id=origin_id,
        township_id=place.township_id, village_id=place.village_id,
        homestead_id=place.homestead_id, owner_role=owner.role.value,
        owner_person_id=owner.person_id, owner_title=owner.title, due=due,
        status=TaskStatus.OPEN.value, created_at=now))
    assert result.inserted_primary_key is not None
    task_id = int(result.inserted_primary_key[0])
    return await _log(connection, task_id, "task.opened", actor, now,
                      {"origin": origin, "origin_id": origin_id})


async def finish(connection: AsyncConnection, current: Task, report: str, actor: Actor,
                 now: datetime) -> Task:
    """Record the owner's report that a task is done, and log it."""
    await connection.execute(update(task).where(task.c.id == current.id).values(
        status=TaskStatus.DONE.value, report=report, done_at=now, done_by=actor.person_id))
    return await _log(connection, current.id, "task.done", actor, now, {"report": report})


async def get(connection: AsyncConnection, task_id: int) -> Task | None:
    """Return one task."""
    row = await _row(connection, task_id)
    return _task(row) if row else None


async def of_homestead(connection: AsyncConnection, kind: TaskKind, homestead_id: int,
                       *, overdue_on: date | None = None) -> list[Task]:
    """A 屋场's tasks of one kind by number; with ``overdue_on``, the open ones due before it."""
    query = select(task).where(task.c.kind == kind.value, task.c.homestead_id == homestead_id)
    if overdue_on is not None:
        query = query.where(task.c.status == TaskStatus.OPEN.value, task.c.due < overdue_on)
    return [_task(row) for row in await connection.execute(query.order_by(task.c.id))]


async def from_origins(connection: AsyncConnection, origin: str,
                       origin_ids: Collection[int]) -> list[Task]:
    """The tasks following up these records (e.g. a meeting's motions), by number."""
    if not origin_ids:
        return []
    rows = await connection.execute(select(task).where(
        task.c.origin == origin, task.c.origin_id.in_(list(origin_ids))).order_by(task.c.id))
    return [_task(row) for row in rows]


async def of_village(connection: AsyncConnection, kind: TaskKind, village_id: int) -> list[Task]:
    """A village's tasks of one kind (its own and its 屋场'), by number."""
    rows = await connection.execute(select(task).where(
        task.c.kind == kind.value, task.c.village_id == village_id).order_by(task.c.id))
    return [_task(row) for row in rows]


async def of_township(connection: AsyncConnection, kind: TaskKind, township_id: int, *,
                      status: TaskStatus | None = None) -> list[Task]:
    """A township's tasks of one kind (at every level), by number; ``status`` narrows them."""
    query = select(task).where(task.c.kind == kind.value, task.c.township_id == township_id)
    if status is not None:
        query = query.where(task.c.status == status.value)
    return [_task(row) for row in await connection.execute(query.order_by(task.c.id))]


async def all_tasks(connection: AsyncConnection) -> list[Task]:
    """Every task, by number."""
    return [_task(row) for row in await connection.execute(select(task).order_by(task.c.id))]


async def decision_meetings(connection: AsyncConnection, homestead_id: int | None = None,
                            ) -> dict[int, tuple[int, datetime]]:
    """The meeting each decision came from and its start, by the decision's number."""
    query = (select(task.c.id, motion.c.meeting_id, meeting.c.starts_at)
             .join(motion, motion.c.id == task.c.origin_id)
             .join(meeting, meeting.c.id == motion.c.meeting_id)
             .where(task.c.kind == TaskKind.DECISION.value, task.c.origin == FROM_MOTION))
    if homestead_id is not None:
        query = query.where(task.c.homestead_id == homestead_id)
    return {row.id: (row.meeting_id, row.starts_at) for row in await connection.execute(query)}


async def history(connection: AsyncConnection, task_id: int) -> list[events.Event]:
    """Every event of a task, oldest first."""
    return await events.stream_events(connection, f"task:{task_id}")


async def mismatched_projections(connection: AsyncConnection) -> list[int]:
    """Tasks whose row differs from what their newest event recorded, or whose row went."""
    latest = {int(found.stream.split(":", 1)[1]): found.payload.get("state", {})
              for found in await events.streams_with_prefix(connection, "task:")}
    rows = {row.id: _state(row) for row in await connection.execute(select(task))}
    return sorted(number for number in set(latest) | set(rows)
                  if number not in rows or latest.get(number) != rows[number])
