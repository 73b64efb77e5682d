"""Reading the problem ledger: issues with their place and their events, for export and lists."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.issues import Level, Status
from storage.events import Event, to_event
from storage.issues import Issue, _issue
from storage.schema import event, homestead, issue, person, village

EVENT_CHUNK = 500


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """An issue with the names of its 屋场, village and handler."""

    issue: Issue
    homestead: str
    village: str
    handler: str | None


async def issue_rows(connection: AsyncConnection, *, created_from: datetime | None = None,
                     created_before: datetime | None = None,
                     village_name: str | None = None) -> list[LedgerRow]:
    """Issues, optionally only those created in a period and of one village, by number."""
    query = _rows_query()
    if created_from is not None:
        query = query.where(issue.c.created_at >= created_from)
    if created_before is not None:
        query = query.where(issue.c.created_at < created_before)
    if village_name is not None:
        query = query.where(village.c.name == village_name)
    return await _rows(connection, query)


def _rows_query() -> Any:
    handler = person.alias("handler")
    return (
        select(issue, homestead.c.name.label("homestead_name"),
               village.c.name.label("village_name"), handler.c.name.label("handler_name"))
        .join(homestead, homestead.c.id == issue.c.homestead_id)
        .join(village, village.c.id == homestead.c.village_id)
        .outerjoin(handler, handler.c.id == issue.c.handler_id)
        .order_by(issue.c.id)
    )


async def _rows(connection: AsyncConnection, query: Any) -> list[LedgerRow]:
    return [LedgerRow(_issue(row), row.homestead_name, row.village_name, row.handler_name)
            for row in await connection.execute(query)]


async def events_of(connection: AsyncConnection, issue_ids: list[int],
                    ) -> AsyncIterator[tuple[int, Event, str | None, str | None]]:
    """The events of these issues with the actor's 编号 and name, issue by issue, oldest first."""
    for start in range(0, len(issue_ids), EVENT_CHUNK):
        chunk = issue_ids[start:start + EVENT_CHUNK]
        streams = [f"issue:{number}" for number in chunk]
        rows = await connection.execute(
            select(event, person.c.code.label("actor_code"), person.c.name.label("actor_name"))
            .outerjoin(person, person.c.id == event.c.actor_id)
            .where(event.c.stream.in_(streams)).order_by(event.c.id))
        by_issue: dict[int, list[tuple[Event, str | None, str | None]]] = {}
        for row in rows:
            found = to_event(row)
            by_issue.setdefault(int(row.stream.split(":", 1)[1]), []).append(
                (found, row.actor_code, row.actor_name))
        for number in chunk:
            for found, actor_code, actor_name in by_issue.get(number, []):
                yield number, found, actor_code, actor_name


async def listed(connection: AsyncConnection, statuses: Sequence[Status], *,
                 homestead_id: int | None = None, village_id: int | None = None,
                 township_id: int | None = None, level: Level | None = None) -> list[LedgerRow]:
    """Issues in these statuses of one 屋场, village or township, at one level (rule I5)."""
    query = _rows_query().where(issue.c.status.in_([status.value for status in statuses]))
    if homestead_id is not None:
        query = query.where(issue.c.homestead_id == homestead_id)
    if village_id is not None:
        query = query.where(homestead.c.village_id == village_id)
    if township_id is not None:
        query = query.where(village.c.township_id == township_id)
    if level is not None:
        query = query.where(issue.c.level == level.value)
    return await _rows(connection, query)
