"""Monthly flags: scores, vetoes and on-site meetings in, drafts and confirmed versions out."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core import texts
from core.flags import (
    Consequence,
    Flag,
    Placement,
    Scheme,
    Settlement,
    VillageMonth,
    YellowHistory,
    combined_score,
    consequences,
    rank_flags,
    settle,
)
from storage import meetings
from storage.schema import (
    flag_confirmation,
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


def month_start(month: str) -> date:
    """The first day of a YYYY-MM month."""
    return date(int(month[:4]), int(month[5:7]), 1)


def shift_month(month: str, months: int) -> str:
    """The month ``months`` after (negative: before) a YYYY-MM month."""
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_bounds(zone: ZoneInfo, month: str) -> tuple[datetime, datetime]:
    """The local start of a month and of the month after it."""
    start = month_start(month)
    following = month_start(shift_month(month, 1))
    return (datetime(start.year, start.month, 1, tzinfo=zone),
            datetime(following.year, following.month, 1, tzinfo=zone))


@dataclass(frozen=True, slots=True)
class VillageInfo:
    """A village of the township, with its grid."""

    id: int
    name: str
    grid: str


@dataclass(frozen=True, slots=True)
class MonthResult:
    """A month's ranking, money and consequences for one township."""

    month: str
    villages: list[VillageInfo]
    placements: list[Placement]
    settlements: list[Settlement]
    consequences: dict[str, list[Consequence]]
    missing: list[tuple[str, str]]
    indicators: dict[str, dict[str, float]]

    def missing_text(self, shown: int) -> str:
        """The first ``shown`` missing scores as 村类别, with 等 when there are more."""
        items = "、".join(f"{village}{category}" for village, category in self.missing[:shown])
        return items + (texts.FLAGS_MORE if len(self.missing) > shown else "")


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
    return previous


async def add_veto(connection: AsyncConnection, *, month: str, village_id: int, reason: str,
                   by: int | None, now: datetime) -> None:
    """Record a one-vote-veto event (F4)."""
    await connection.execute(insert(flag_veto).values(
        month=month, village_id=village_id, reason=reason, entered_by=by, entered_at=now))


async def add_onsite(connection: AsyncConnection, *, month: str, village_id: int,
                     by: int | None, now: datetime) -> bool:
    """Record that a village hosted an on-site meeting (F5); False if recorded already."""
    statement = _dialect(connection).insert(flag_onsite).values(
        month=month, village_id=village_id, entered_by=by, entered_at=now,
    ).on_conflict_do_nothing(index_elements=["month", "village_id"])
    return bool((await connection.execute(statement)).rowcount)


async def _ids(connection: AsyncConnection, table: Any, month: str,
               village_ids: list[int]) -> set[int]:
    rows = await connection.execute(select(table.c.village_id).where(
        table.c.month == month, table.c.village_id.in_(village_ids)))
    return {row.village_id for row in rows}


async def draft(connection: AsyncConnection, scheme: Scheme, township_id: int, month: str,
                zone_start: datetime, zone_end: datetime) -> MonthResult:
    """Rank a month from the scores entered so far, with money and consequences."""
    villages = await villages_of(connection, township_id)
    ids = [found.id for found in villages]
    scores: dict[int, dict[str, float]] = defaultdict(dict)
    for row in await connection.execute(select(flag_score).where(
            flag_score.c.month == month, flag_score.c.village_id.in_(ids))):
        if row.category in scheme.categories:
            scores[row.village_id][row.category] = row.score
    indicators = await computed_indicators(connection, villages, zone_start, zone_end)
    for found in villages:
        for category, weights in scheme.weights.items():
            scores[found.id][category] = combined_score(weights, indicators[found.name])
    vetoed = await _ids(connection, flag_veto, month, ids)
    onsite = await _ids(connection, flag_onsite, shift_month(month, -1), ids)
    months = [VillageMonth(found.name, found.grid, scores[found.id], found.id in vetoed,
                           found.id in onsite) for found in villages]
    placements = rank_flags(scheme, months)
    settlements = settle(scheme, placements)
    history = await yellow_history(connection, township_id, month)
    yellow_now: dict[str, int] = defaultdict(int)
    for placement in placements:
        if placement.flag is Flag.YELLOW:
            yellow_now[placement.village] += 1
    found_consequences = {
        found.name: consequences(scheme.consequences, YellowHistory(
            yellow_now[found.name], *history.get(found.name, ((), 0, 0))))
        for found in villages}
    missing = [(found.name, category) for found in villages for category in scheme.categories
               if category not in scores[found.id]]
    return MonthResult(month, villages, placements, settlements, found_consequences, missing,
                       indicators)


async def yellow_history(connection: AsyncConnection, township_id: int, month: str,
                         ) -> dict[str, tuple[tuple[int, ...], int, int]]:
    """Per village: yellow counts of the 12 months before (newest first), and this year's.

    Only confirmed results count, each month by its newest version.
    """
    months = [shift_month(month, -offset) for offset in range(1, 13)]
    latest = (select(flag_confirmation.c.month, func.max(flag_confirmation.c.id).label("id"))
              .where(flag_confirmation.c.township_id == township_id,
                     flag_confirmation.c.month.in_(months))
              .group_by(flag_confirmation.c.month).subquery())
    rows = await connection.execute(
        select(latest.c.month, village.c.name, func.count().label("yellows"))
        .select_from(flag_result)
        .join(latest, latest.c.id == flag_result.c.confirmation_id)
        .join(village, village.c.id == flag_result.c.village_id)
        .where(flag_result.c.flag == Flag.YELLOW.value)
        .group_by(latest.c.month, village.c.name))
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        counts[row.name][row.month] = int(row.yellows)
    year = month[:4]
    history = {}
    for name, by_month in counts.items():
        previous = tuple(by_month.get(earlier, 0) for earlier in months)
        this_year = [count for earlier, count in by_month.items() if earlier[:4] == year]
        history[name] = (previous, sum(this_year), sum(1 for count in this_year if count))
    return history


async def computed_indicators(connection: AsyncConnection, villages: list[VillageInfo],
                              start: datetime, end: datetime) -> dict[str, dict[str, float]]:
    """The bot's own figures per village for a month, each 0..1 (F2)."""
    ids = {found.id: found.name for found in villages}
    homesteads: dict[int, int] = defaultdict(int)
    for row in await connection.execute(select(homestead.c.village_id, func.count().label("n"))
                                        .where(homestead.c.village_id.in_(list(ids)))
                                        .group_by(homestead.c.village_id)):
        homesteads[row.village_id] = int(row.n)
    held: dict[int, set[int]] = defaultdict(set)
    for row in await connection.execute(
            select(homestead.c.village_id, meeting.c.homestead_id)
            .join(homestead, homestead.c.id == meeting.c.homestead_id)
            .where(meeting.c.status == "ended", meeting.c.starts_at >= start,
                   meeting.c.starts_at < end, homestead.c.village_id.in_(list(ids)))):
        held[row.village_id].add(row.homestead_id)
    issues_total: dict[int, int] = defaultdict(int)
    issues_late: dict[int, int] = defaultdict(int)
    satisfaction: dict[int, list[float]] = defaultdict(list)
    for row in await connection.execute(
            select(homestead.c.village_id, issue.c.overdue, issue.c.status,
                   issue.c.satisfaction, issue.c.closed_at)
            .join(homestead, homestead.c.id == issue.c.homestead_id)
            .where(issue.c.created_at >= start, issue.c.created_at < end,
                   homestead.c.village_id.in_(list(ids)))):
        issues_total[row.village_id] += 1
        issues_late[row.village_id] += int(row.overdue)
        if row.status == "closed" and row.satisfaction is not None:
            satisfaction[row.village_id].append(float(row.satisfaction))
    attendance = await _attendance_rates(connection, list(ids), start, end)
    return {
        name: {
            "meetings_held": (len(held[village_id]) / homesteads[village_id]
                              if homesteads[village_id] else 0.0),
            "attendance": attendance.get(village_id, 0.0),
            "issues_on_time": (1 - issues_late[village_id] / issues_total[village_id]
                               if issues_total[village_id] else 1.0),
            "satisfaction": (sum(satisfaction[village_id]) / len(satisfaction[village_id])
                             if satisfaction[village_id] else 0.0),
        }
        for village_id, name in ids.items()
    }


async def _attendance_rates(connection: AsyncConnection, village_ids: list[int],
                            start: datetime, end: datetime) -> dict[int, float]:
    rates: dict[int, list[float]] = defaultdict(list)
    rows = await connection.execute(
        select(meeting.c.id, meeting.c.resident_households, homestead.c.village_id)
        .join(homestead, homestead.c.id == meeting.c.homestead_id)
        .where(meeting.c.status == "ended", meeting.c.starts_at >= start,
               meeting.c.starts_at < end, homestead.c.village_id.in_(village_ids)))
    for row in rows.all():
        if row.resident_households:
            present = await meetings.attendance(connection, row.id)
            rates[row.village_id].append(
                min(1.0, present.households_present / row.resident_households))
    return {village_id: sum(values) / len(values) for village_id, values in rates.items()}


async def confirm(connection: AsyncConnection, result: MonthResult, township_id: int,
                  by: int | None, now: datetime) -> int:
    """Freeze a draft as the month's next confirmed version; return the version number."""
    version = int(await connection.scalar(select(func.coalesce(
        func.max(flag_confirmation.c.version), 0)).where(
        flag_confirmation.c.township_id == township_id,
        flag_confirmation.c.month == result.month)) or 0) + 1
    created = await connection.execute(insert(flag_confirmation).values(
        township_id=township_id, month=result.month, version=version, confirmed_by=by,
        confirmed_at=now))
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
