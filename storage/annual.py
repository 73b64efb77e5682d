"""The confirmed months the annual roll-up (rule F12) is drawn from, as stored."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.flags import Flag, Placement
from storage.schema import flag_confirmation, flag_result, grid, village


async def confirmed_placements(connection: AsyncConnection, township_id: int | None = None,
                               year: int | None = None,
                               ) -> dict[int, dict[str, list[Placement]]]:
    """Per township id and month: the placements of the month's newest confirmed version.

    Only confirmed months, each in its latest version (F8, F12); a village counts in
    the grid it belongs to now.
    """
    latest = select(flag_confirmation.c.township_id, flag_confirmation.c.month,
                    func.max(flag_confirmation.c.id).label("id"))
    if township_id is not None:
        latest = latest.where(flag_confirmation.c.township_id == township_id)
    if year is not None:
        latest = latest.where(flag_confirmation.c.month >= f"{year:04d}-01",
                              flag_confirmation.c.month <= f"{year:04d}-12")
    newest = latest.group_by(flag_confirmation.c.township_id,
                             flag_confirmation.c.month).subquery()
    rows = await connection.execute(
        select(newest.c.township_id, newest.c.month, village.c.name.label("village_name"),
               grid.c.name.label("grid_name"), flag_result.c.category, flag_result.c.score,
               flag_result.c.flag)
        .select_from(flag_result)
        .join(newest, newest.c.id == flag_result.c.confirmation_id)
        .join(village, village.c.id == flag_result.c.village_id)
        .join(grid, grid.c.id == village.c.grid_id)
        .order_by(newest.c.township_id, newest.c.month, grid.c.name, village.c.name,
                  flag_result.c.category))
    found: dict[int, dict[str, list[Placement]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        found[row.township_id][row.month].append(Placement(
            row.village_name, row.grid_name, row.category, row.score,
            Flag(row.flag) if row.flag else None))
    return {township: dict(months) for township, months in found.items()}
