"""Monthly flags: scores, vetoes and on-site meetings in; month inputs, confirmed versions out."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.flags import (
    Consequence,
    Flag,
    MonthInputs,
    MonthResult,
    VillageActivity,
    VillageInfo,
    month_bounds,
    months_before,
    shift_month,
)
from storage import meeting_attendance, seals
from storage.schema import (
    flag_adjustment,
    flag_confirmation,
    flag_item_score,
    flag_onsite,
    flag_result,
    flag_score,
    flag_settlement,
    flag_veto,
    grid,
    homestead,
    issue,
    meeting,
    township,
    village,
)


def _dialect(connection: AsyncConnection) -> Any:
    return postgresql if connection.dialect.name == "postgresql" else sqlite


async def villages_of(connection: AsyncConnection, township_id: int) -> list[VillageInfo]:
    """The villages of a township, by grid and name."""
    rows = await connection.execute(
        select(village.c.id, village.c.name, grid.c.name.label("grid_name"))
        .join(grid, grid.c.id == village.c.grid_id)
        .where(village.c.township_id == township_id).order_by(grid.c.name, village.c.name))
    return [VillageInfo(row.id, row.name, row.grid_name) for row in rows]


async def set_score(connection: AsyncConnection, *, month: str, village_id: int, category: str,
                    score: float, by: int | None, now: datetime) -> float | None:
    """Enter or replace a score; return the score it replaced, if any."""
    previous = await connection.scalar(select(flag_score.c.score).where(
        flag_score.c.month == month, flag_score.c.village_id == village_id,
        flag_score.c.category == category))
    statement = _dialect(connection).insert(flag_score).values(
        month=month, village_id=village_id, category=category, score=score, entered_by=by,
        entered_at=now,
    ).on_conflict_do_update(index_elements=["month", "village_id", "category"],
                            set_={"score": score, "entered_by": by, "entered_at": now})
    await connection.execute(statement)
    await connection.execute(delete(flag_item_score).where(  # rule F9: a total replaces items
        flag_item_score.c.month == month, flag_item_score.c.village_id == village_id,
        flag_item_score.c.category == category))
    await seals.seal(connection, "scores", f"{village_id}:{month}", now)
    return previous


async def set_item_score(connection: AsyncConnection, *, month: str, village_id: int,
                         category: str, item: str, score: float, by: int | None,
                         now: datetime) -> float | None:
    """Enter or replace an item's score (F9), dropping the category's total; return the old."""
    where = (flag_item_score.c.month == month, flag_item_score.c.village_id == village_id,
             flag_item_score.c.category == category, flag_item_score.c.item == item)
    previous = await connection.scalar(select(flag_item_score.c.score).where(*where))
    statement = _dialect(connection).insert(flag_item_score).values(
        month=month, village_id=village_id, category=category, item=item, score=score,
        entered_by=by, entered_at=now,
    ).on_conflict_do_update(index_elements=["month", "village_id", "category", "item"],
                            set_={"score": score, "entered_by": by, "entered_at": now})
    await connection.execute(statement)
    await connection.execute(delete(flag_score).where(
        flag_score.c.month == month, flag_score.c.village_id == village_id,
        flag_score.c.category == category))
    await seals.seal(connection, "scores", f"{village_id}:{month}", now)
    return previous


async def item_scores(connection: AsyncConnection, month: str, village_id: int,
                      category: str) -> dict[str, float]:
    """The item scores entered for one village's category of a month (F9)."""
    rows = await connection.execute(select(flag_item_score.c.item, flag_item_score.c.score).where(
        flag_item_score.c.month == month, flag_item_score.c.village_id == village_id,
        flag_item_score.c.category == category))
    return {row.item: row.score for row in rows}


async def add_veto(connection: AsyncConnection, *, month: str, village_id: int, reason: str,
                   by: int | None, now: datetime) -> int:
    """Record a one-vote-veto event (F4); return its id, for the buttons of its ground."""
    created = await connection.execute(insert(flag_veto).values(
        month=month, village_id=village_id, reason=reason, entered_by=by, entered_at=now))
    assert created.inserted_primary_key is not None
    return int(created.inserted_primary_key[0])


@dataclass(frozen=True, slots=True)
class Veto:
    """A one-vote-veto event with its ground (F11), and its withdrawal if withdrawn."""

    id: int
    month: str
    village_id: int
    village: str
    township_id: int
    reason: str
    ground: str | None
    withdrawn_reason: str | None


async def vetoes(connection: AsyncConnection, *, veto_id: int | None = None,
                 month: str | None = None, village_id: int | None = None) -> list[Veto]:
    """Vetoes, oldest first: one by id, or of a village's month, or all."""
    query = (select(flag_veto, village.c.name.label("village_name"), village.c.township_id)
             .join(village, village.c.id == flag_veto.c.village_id).order_by(flag_veto.c.id))
    if veto_id is not None:
        query = query.where(flag_veto.c.id == veto_id)
    if month is not None:
        query = query.where(flag_veto.c.month == month)
    if village_id is not None:
        query = query.where(flag_veto.c.village_id == village_id)
    return [Veto(row.id, row.month, row.village_id, row.village_name, row.township_id,
                 row.reason, row.ground, row.withdrawn_reason)
            for row in await connection.execute(query)]


async def set_veto_ground(connection: AsyncConnection, veto_id: int, ground: str) -> bool:
    """Classify a veto by its ground, once; False if it had one already."""
    changed = await connection.execute(update(flag_veto).where(
        flag_veto.c.id == veto_id, flag_veto.c.ground.is_(None)).values(ground=ground))
    return bool(changed.rowcount)


async def withdraw_veto(connection: AsyncConnection, veto_id: int, *, reason: str,
                        by: int | None, now: datetime) -> bool:
    """Withdraw one standing veto with a reason; False if it was withdrawn already (F11)."""
    changed = await connection.execute(update(flag_veto).where(
        flag_veto.c.id == veto_id, flag_veto.c.withdrawn_at.is_(None)).values(
        withdrawn_reason=reason, withdrawn_by=by, withdrawn_at=now))
    return bool(changed.rowcount)


async def add_adjustment(connection: AsyncConnection, *, month: str, village_id: int,
                         category: str, points: float, reason: str, by: int | None,
                         now: datetime) -> None:
    """Record special points (特别加扣分) in one category (F11)."""
    await connection.execute(insert(flag_adjustment).values(
        month=month, village_id=village_id, category=category, points=points, reason=reason,
        entered_by=by, entered_at=now))


async def adjustments(connection: AsyncConnection) -> list[dict[str, Any]]:
    """Every special points entry, oldest first, for the export (F11)."""
    return [dict(row._mapping) for row in await connection.execute(
        select(flag_adjustment.c.month, village.c.name.label("village"),
               flag_adjustment.c.category, flag_adjustment.c.points, flag_adjustment.c.reason)
        .join(village, village.c.id == flag_adjustment.c.village_id)
        .order_by(flag_adjustment.c.id))]


async def add_onsite(connection: AsyncConnection, *, month: str, village_id: int,
                     by: int | None, now: datetime) -> bool:
    """Record that a village hosted an on-site meeting (F5); False if recorded already."""
    statement = _dialect(connection).insert(flag_onsite).values(
        month=month, village_id=village_id, entered_by=by, entered_at=now,
    ).on_conflict_do_nothing(index_elements=["month", "village_id"])
    return bool((await connection.execute(statement)).rowcount)


async def _ids(connection: AsyncConnection, table: Any, month: str,
               village_ids: list[int]) -> frozenset[int]:
    rows = await connection.execute(select(table.c.village_id).where(
        table.c.month == month, table.c.village_id.in_(village_ids)))
    return frozenset(row.village_id for row in rows)


async def month_inputs(connection: AsyncConnection, township_id: int, month: str,
                       zone: ZoneInfo) -> MonthInputs:
    """What a township's month is drafted from (``core.flags.draft_month``), as stored."""
    villages = await villages_of(connection, township_id)
    ids = [found.id for found in villages]
    scores: dict[int, dict[str, float]] = defaultdict(dict)
    for row in await connection.execute(select(flag_score).where(
            flag_score.c.month == month, flag_score.c.village_id.in_(ids))):
        scores[row.village_id][row.category] = row.score
    items: dict[int, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for row in await connection.execute(select(flag_item_score).where(
            flag_item_score.c.month == month, flag_item_score.c.village_id.in_(ids))):
        items[row.village_id][row.category][row.item] = row.score
    points: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in await connection.execute(select(flag_adjustment).where(
            flag_adjustment.c.month == month, flag_adjustment.c.village_id.in_(ids))
            .order_by(flag_adjustment.c.id)):
        points[row.village_id][row.category] += row.points
    vetoed = await connection.execute(select(flag_veto.c.village_id).where(
        flag_veto.c.month == month, flag_veto.c.village_id.in_(ids),
        flag_veto.c.withdrawn_at.is_(None)))
    start, end = month_bounds(zone, month)
    return MonthInputs(
        month, tuple(villages), dict(scores),
        item_scores={village_id: dict(found) for village_id, found in items.items()},
        adjustments={village_id: dict(found) for village_id, found in points.items()},
        vetoed=frozenset(row.village_id for row in vetoed),
        onsite_last_month=await _ids(connection, flag_onsite, shift_month(month, -1), ids),
        activity=await _activity(connection, ids, start, end),
        yellows_before=await _confirmed_yellows(connection, township_id, month),
        issued_before=await _issued_this_year(connection, township_id, month))


async def _confirmed_yellows(connection: AsyncConnection, township_id: int, month: str,
                             ) -> dict[int, dict[str, int]]:
    """Per village id and earlier month: yellow categories of its newest confirmed version."""
    latest = (select(flag_confirmation.c.month, func.max(flag_confirmation.c.id).label("id"))
              .where(flag_confirmation.c.township_id == township_id,
                     flag_confirmation.c.month.in_(months_before(month)))
              .group_by(flag_confirmation.c.month).subquery())
    rows = await connection.execute(
        select(latest.c.month, flag_result.c.village_id, func.count().label("yellows"))
        .select_from(flag_result)
        .join(latest, latest.c.id == flag_result.c.confirmation_id)
        .where(flag_result.c.flag == Flag.YELLOW.value)
        .group_by(latest.c.month, flag_result.c.village_id))
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        counts[row.village_id][row.month] = int(row.yellows)
    return dict(counts)


async def _issued_this_year(connection: AsyncConnection, township_id: int, month: str,
                            ) -> dict[int, frozenset[Consequence]]:
    """Per village id: the consequences its year's earlier confirmed months issued (F13)."""
    latest = (select(func.max(flag_confirmation.c.id).label("id"))
              .where(flag_confirmation.c.township_id == township_id,
                     flag_confirmation.c.month >= f"{month[:4]}-01",
                     flag_confirmation.c.month < month)
              .group_by(flag_confirmation.c.month).subquery())
    issued: dict[int, set[Consequence]] = defaultdict(set)
    for row in await connection.execute(
            select(flag_settlement.c.village_id, flag_settlement.c.consequences)
            .join(latest, latest.c.id == flag_settlement.c.confirmation_id)):
        issued[row.village_id].update(Consequence(value)
                                      for value in json.loads(row.consequences))
    return {village_id: frozenset(found) for village_id, found in issued.items()}


async def _activity(connection: AsyncConnection, village_ids: list[int], start: datetime,
                    end: datetime) -> dict[int, VillageActivity]:
    """The bot's own figures per village id between two moments, as counted (F2)."""
    homesteads: dict[int, int] = defaultdict(int)
    for row in await connection.execute(select(homestead.c.village_id, func.count().label("n"))
                                        .where(homestead.c.village_id.in_(village_ids))
                                        .group_by(homestead.c.village_id)):
        homesteads[row.village_id] = int(row.n)
    held: dict[int, set[int]] = defaultdict(set)
    for row in await connection.execute(
            select(homestead.c.village_id, meeting.c.homestead_id)
            .join(homestead, homestead.c.id == meeting.c.homestead_id)
            .where(meeting.c.status == "ended", meeting.c.starts_at >= start,
                   meeting.c.starts_at < end, homestead.c.village_id.in_(village_ids))):
        held[row.village_id].add(row.homestead_id)
    issues_total: dict[int, int] = defaultdict(int)
    issues_late: dict[int, int] = defaultdict(int)
    ratings: dict[int, list[float]] = defaultdict(list)
    for row in await connection.execute(
            select(homestead.c.village_id, issue.c.overdue, issue.c.status,
                   issue.c.satisfaction)
            .join(homestead, homestead.c.id == issue.c.homestead_id)
            .where(issue.c.created_at >= start, issue.c.created_at < end,
                   homestead.c.village_id.in_(village_ids)).order_by(issue.c.id)):
        issues_total[row.village_id] += 1
        issues_late[row.village_id] += int(row.overdue)
        if row.status == "closed" and row.satisfaction is not None:
            ratings[row.village_id].append(float(row.satisfaction))
    attendance = await _attendance(connection, village_ids, start, end)
    return {village_id: VillageActivity(
        homesteads[village_id], len(held[village_id]), tuple(attendance[village_id]),
        issues_total[village_id], issues_late[village_id], tuple(ratings[village_id]))
        for village_id in village_ids}


async def _attendance(connection: AsyncConnection, village_ids: list[int], start: datetime,
                      end: datetime) -> dict[int, list[tuple[int, int]]]:
    """Per village id: (households present, resident households) of each ended meeting."""
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    rows = await connection.execute(
        select(meeting.c.id, meeting.c.resident_households, homestead.c.village_id)
        .join(homestead, homestead.c.id == meeting.c.homestead_id)
        .where(meeting.c.status == "ended", meeting.c.starts_at >= start,
               meeting.c.starts_at < end, meeting.c.resident_households > 0,
               homestead.c.village_id.in_(village_ids)).order_by(meeting.c.id))
    for row in rows.all():
        present = await meeting_attendance.attendance(connection, row.id)
        found[row.village_id].append((present.households_present, row.resident_households))
    return found


async def next_version(connection: AsyncConnection, township_id: int, month: str) -> int:
    """The version number the month's next confirmation will have: 1 for the first."""
    return int(await connection.scalar(select(func.coalesce(
        func.max(flag_confirmation.c.version), 0)).where(
        flag_confirmation.c.township_id == township_id,
        flag_confirmation.c.month == month)) or 0) + 1


async def confirm(connection: AsyncConnection, result: MonthResult, township_id: int,
                  by: int | None, now: datetime, meeting_date: date | None = None) -> int:
    """Freeze a draft as the month's next confirmed version; return the version number."""
    version = await next_version(connection, township_id, result.month)
    created = await connection.execute(insert(flag_confirmation).values(
        township_id=township_id, month=result.month, version=version, confirmed_by=by,
        confirmed_at=now, meeting_date=meeting_date))
    assert created.inserted_primary_key is not None
    confirmation_id = created.inserted_primary_key[0]
    ids = {found.name: found.id for found in result.villages}
    await connection.execute(insert(flag_result), [
        {"confirmation_id": confirmation_id, "village_id": ids[placement.village],
         "category": placement.category, "score": placement.score,
         "flag": placement.flag.value if placement.flag else None}
        for placement in result.placements])
    await connection.execute(insert(flag_settlement), [
        {"confirmation_id": confirmation_id, "village_id": ids[item.village],
         "reds": item.reds, "yellows": item.yellows, "amount": item.amount,
         "consequences": _consequences_json(result, item.village)}
        for item in result.settlements])
    await seals.seal(connection, "confirmation", confirmation_id, now)
    return version


async def confirmed_as(connection: AsyncConnection, result: MonthResult,
                       township_id: int) -> int | None:
    """The newest confirmed version of the month if the draft equals it, else None."""
    versions = [(confirmation_id, version) for confirmation_id, town, month, version
                in await confirmed_versions(connection, township_id) if month == result.month]
    if not versions:
        return None
    confirmation_id, version = versions[-1]
    stored, money = await confirmed_rows(connection, confirmation_id)
    frozen = ({(row["village"], row["category"], row["score"], row["flag"]) for row in stored},
              {(row["village"], row["amount"], row["consequences"]) for row in money})
    draft = ({(placement.village, placement.category, placement.score,
               placement.flag.value if placement.flag else None)
              for placement in result.placements},
             {(item.village, item.amount, _consequences_json(result, item.village))
              for item in result.settlements})
    return version if frozen == draft else None


def _consequences_json(result: MonthResult, village_name: str) -> str:
    return json.dumps([found.value for found in result.consequences[village_name]])


async def confirmed_versions(connection: AsyncConnection, township_id: int | None = None,
                             ) -> list[tuple[int, int, str, int]]:
    """(confirmation id, township id, month, version) of every confirmation, oldest first."""
    query = select(flag_confirmation).order_by(flag_confirmation.c.id)
    if township_id is not None:
        query = query.where(flag_confirmation.c.township_id == township_id)
    return [(row.id, row.township_id, row.month, row.version)
            for row in await connection.execute(query)]


async def confirmed_rows(connection: AsyncConnection, confirmation_id: int,
                         ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The stored placements and settlements of one confirmed version."""
    results = [dict(row._mapping) for row in await connection.execute(
        select(flag_result.c.category, flag_result.c.score, flag_result.c.flag,
               village.c.name.label("village"))
        .join(village, village.c.id == flag_result.c.village_id)
        .where(flag_result.c.confirmation_id == confirmation_id)
        .order_by(village.c.name, flag_result.c.category))]
    settlements = [dict(row._mapping) for row in await connection.execute(
        select(flag_settlement.c.amount, flag_settlement.c.reds, flag_settlement.c.yellows,
               flag_settlement.c.consequences, village.c.name.label("village"))
        .join(village, village.c.id == flag_settlement.c.village_id)
        .where(flag_settlement.c.confirmation_id == confirmation_id)
        .order_by(village.c.name))]
    return results, settlements


async def score_months(connection: AsyncConnection) -> list[tuple[int, str]]:
    """(township id, month) of every month that has scores, oldest first."""
    rows = await connection.execute(
        select(village.c.township_id, flag_score.c.month)
        .join(village, village.c.id == flag_score.c.village_id)
        .group_by(village.c.township_id, flag_score.c.month)
        .order_by(flag_score.c.month, village.c.township_id))
    return [(row.township_id, row.month) for row in rows]


async def township_ids(connection: AsyncConnection) -> list[int]:
    """Every township's id."""
    return [row.id for row in await connection.execute(select(township.c.id))]
