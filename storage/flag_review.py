"""The month's review (复核) and the villages' objections (复议) to it (rule F10)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select, union, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import flag_appeal, flag_item_score, flag_review, flag_score, village


@dataclass(frozen=True, slots=True)
class Review:
    """Who reviewed a month's draft, when, and the last day for objections."""

    reviewed_by: int
    reviewed_at: datetime
    appeals_until: date


@dataclass(frozen=True, slots=True)
class Appeal:
    """A village's objection to one category of a reviewed draft, and its answer."""

    id: int
    month: str
    village_id: int
    village: str
    category: str
    text: str
    by: int
    answer: str | None


async def score_enterers(connection: AsyncConnection, township_id: int,
                         month: str) -> set[int | None]:
    """Everyone who entered one of the month's scores or item scores (None: a file)."""
    rows = await connection.execute(union(*(
        select(table.c.entered_by).join(village, village.c.id == table.c.village_id)
        .where(table.c.month == month, village.c.township_id == township_id)
        for table in (flag_score, flag_item_score))))
    return {row.entered_by for row in rows}


async def review_of(connection: AsyncConnection, township_id: int, month: str) -> Review | None:
    """The month's review, if it had one."""
    row = (await connection.execute(select(flag_review).where(
        flag_review.c.township_id == township_id, flag_review.c.month == month))).first()
    return Review(row.reviewed_by, row.reviewed_at, row.appeals_until) if row else None


async def add_review(connection: AsyncConnection, *, township_id: int, month: str, by: int,
                     now: datetime, appeals_until: date) -> None:
    """Record the month's review."""
    await connection.execute(insert(flag_review).values(
        township_id=township_id, month=month, reviewed_by=by, reviewed_at=now,
        appeals_until=appeals_until))


async def add_appeal(connection: AsyncConnection, *, township_id: int, month: str,
                     village_id: int, category: str, text: str, by: int,
                     now: datetime) -> int:
    """Record an objection; return its number."""
    result = await connection.execute(insert(flag_appeal).values(
        township_id=township_id, month=month, village_id=village_id, category=category,
        text=text, by=by, at=now))
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


async def answer(connection: AsyncConnection, appeal_id: int, text: str, by: int,
                 now: datetime) -> None:
    """Record the answer to an objection."""
    await connection.execute(update(flag_appeal).where(flag_appeal.c.id == appeal_id).values(
        answer=text, answered_by=by, answered_at=now))


async def appeals(connection: AsyncConnection, township_id: int | None = None,
                  month: str | None = None, appeal_id: int | None = None) -> list[Appeal]:
    """Objections by number, of a township's month, of one number, or all."""
    query = (select(flag_appeal, village.c.name.label("village_name"))
             .join(village, village.c.id == flag_appeal.c.village_id).order_by(flag_appeal.c.id))
    if township_id is not None:
        query = query.where(flag_appeal.c.township_id == township_id)
    if month is not None:
        query = query.where(flag_appeal.c.month == month)
    if appeal_id is not None:
        query = query.where(flag_appeal.c.id == appeal_id)
    return [Appeal(row.id, row.month, row.village_id, row.village_name, row.category, row.text,
                   row.by, row.answer) for row in await connection.execute(query)]
