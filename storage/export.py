"""The whole state as one JSON-ready document (``wuchang export --format json``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import grid, homestead, household, person, township, village


async def snapshot(connection: AsyncConnection) -> dict[str, Any]:
    """Return the organisation and every record that DESIGN.md §5 lists for export."""
    return {
        "organisation": await _organisation(connection),
        "meetings": [],
        "issues": [],
        "flags": [],
        "settlements": [],
    }


async def _organisation(connection: AsyncConnection) -> list[dict[str, Any]]:
    households = (
        select(
            household.c.homestead_id,
            func.count().label("households"),
            func.sum(case((household.c.at_home, 1), else_=0)).label("at_home"),
        ).group_by(household.c.homestead_id).subquery()
    )
    persons = (select(person.c.homestead_id, func.count().label("persons"))
               .group_by(person.c.homestead_id).subquery())
    query = (
        select(township.c.name.label("township"), grid.c.name.label("grid"),
               village.c.name.label("village"), homestead.c.name.label("homestead"),
               func.coalesce(households.c.households, 0).label("households"),
               func.coalesce(households.c.at_home, 0).label("at_home"),
               func.coalesce(persons.c.persons, 0).label("persons"))
        .select_from(homestead)
        .join(village, village.c.id == homestead.c.village_id)
        .join(grid, grid.c.id == village.c.grid_id)
        .join(township, township.c.id == village.c.township_id)
        .outerjoin(households, households.c.homestead_id == homestead.c.id)
        .outerjoin(persons, persons.c.homestead_id == homestead.c.id)
        .order_by(township.c.name, grid.c.name, village.c.name, homestead.c.id)
    )
    townships: dict[str, dict[str, Any]] = {}
    for row in await connection.execute(query):
        town = townships.setdefault(row.township, {"name": row.township, "villages": []})
        villages = town["villages"]
        if not villages or villages[-1]["name"] != row.village:
            villages.append({"name": row.village, "grid": row.grid, "homesteads": []})
        villages[-1]["homesteads"].append({
            "name": row.homestead, "households": int(row.households),
            "households_at_home": int(row.at_home), "persons": int(row.persons)})
    return list(townships.values())
