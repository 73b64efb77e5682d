"""The 五面红旗 award's own records (rules A2-A3): villages' kinds, 公示, award, withdrawal.

The applications, answers, evidence and verdicts live in ``storage.criteria``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.awards import SUBJECT_KIND, Record, status
from core.criteria import Checklist, Criterion, Kind, Scheme, met_count, outcome
from storage import criteria
from storage.criteria import Stage
from storage.schema import award, village


@dataclass(frozen=True, slots=True)
class Village:
    """A village of a township with its kind (村 / 社区, roster 村类型)."""

    id: int
    township_id: int
    name: str
    kind: str


def _village(row: Row[Any]) -> Village:
    return Village(row.id, row.township_id, row.name, row.kind)


async def village_named(connection: AsyncConnection, township_id: int,
                        name: str) -> Village | None:
    """The township's village of this name."""
    row = (await connection.execute(select(village).where(
        village.c.township_id == township_id, village.c.name == name))).first()
    return _village(row) if row else None


async def village_by_id(connection: AsyncConnection, village_id: int) -> Village | None:
    """One village by id."""
    row = (await connection.execute(select(village).where(village.c.id == village_id))).first()
    return _village(row) if row else None


async def villages(connection: AsyncConnection) -> dict[int, Village]:
    """Every village, by id."""
    return {row.id: _village(row) for row in await connection.execute(select(village))}


def _record(row: Row[Any]) -> Record:
    return Record(row.application_id, row.notice_id, row.awarded_on, row.withdrawn_on,
                  row.withdrawn_reason)


async def record(connection: AsyncConnection, application_id: int) -> Record | None:
    """A flag's record, once its every criterion was met."""
    row = (await connection.execute(select(award).where(
        award.c.application_id == application_id))).first()
    return _record(row) if row else None


async def records(connection: AsyncConnection) -> dict[int, Record]:
    """Every flag's record, by application."""
    return {row.application_id: _record(row) for row in await connection.execute(select(award))}


async def publicized(connection: AsyncConnection, application_id: int, notice_id: int) -> None:
    """Record the 公示 of a flag whose every criterion was met (a new 公示 replaces one)."""
    if await record(connection, application_id) is None:
        await connection.execute(insert(award).values(application_id=application_id,
                                                      notice_id=notice_id))
    else:
        await connection.execute(update(award).where(
            award.c.application_id == application_id).values(notice_id=notice_id))


async def awarded(connection: AsyncConnection, application_id: int, on: date,
                  by: int | None) -> bool:
    """Record the award (授牌); False if it was awarded already."""
    result = await connection.execute(update(award).where(
        award.c.application_id == application_id, award.c.awarded_on.is_(None),
    ).values(awarded_on=on, awarded_by=by))
    return bool(result.rowcount)


async def withdrawn(connection: AsyncConnection, application_id: int, on: date, reason: str,
                    by: int | None) -> bool:
    """Record a flag's withdrawal (摘牌); False if it was withdrawn already."""
    result = await connection.execute(update(award).where(
        award.c.application_id == application_id, award.c.withdrawn_on.is_(None),
    ).values(withdrawn_on=on, withdrawn_reason=reason, withdrawn_by=by))
    return bool(result.rowcount)


async def export_rows(connection: AsyncConnection, scheme: Scheme | None) -> list[dict[str, Any]]:
    """Every submitted flag application as DESIGN §5's ``awards[]`` lists it (drafts left out).

    Without the scheme (a caller that has none) every criterion answered counts in the total.
    """
    places = await villages(connection)
    found = await records(connection)
    rows = []
    for application in await criteria.all_applications(connection):
        if application.subject.kind != SUBJECT_KIND or application.stage is not Stage.SUBMITTED:
            continue
        village = places[application.subject.id]
        verdicts = await criteria.verdicts(connection, application.id)
        happened = await criteria.incidents(connection, application.subject, application.period)
        checklist = scheme.checklist(village.kind, application.checklist) if scheme else None
        if checklist is None:
            checklist = Checklist(application.checklist, tuple(
                Criterion(number, "", "", Kind.YES_NO)
                for number in sorted(await criteria.answers(connection, application.id))))
        state = status(True, bool(verdicts), outcome(checklist, verdicts, happened),
                       found.get(application.id))
        rows.append({"year": int(application.period), "village": village.name,
                     "flag": application.checklist, "status": state.value,
                     "criteria_met": met_count(checklist, verdicts, happened),
                     "criteria_total": len(checklist.criteria)})
    return rows
