"""The officials' liaison villages (roster 联系村): stored at import, read for 整改 (F13)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.roles import Role
from core.roster import RosterRow
from storage.schema import liaison, person, township, village


async def store(connection: AsyncConnection, rows: Sequence[RosterRow],
                village_ids: Mapping[tuple[str, str], int]) -> None:
    """Replace the liaison villages of every person of a file that has the 联系村 column.

    A file without the column leaves the stored liaisons as they are.
    """
    listed = [row for row in rows if row.liaisons is not None]
    if not listed:
        return
    ids = {found.code: found.id for found in await connection.execute(
        select(person.c.code, person.c.id).where(person.c.code.in_([r.code for r in listed])))}
    await connection.execute(delete(liaison).where(liaison.c.person_id.in_(ids.values())))
    values = [{"person_id": ids[row.code], "village_id": village_ids[(row.township, name)]}
              for row in listed for name in row.liaisons or ()]
    if values:
        await connection.execute(insert(liaison), values)


async def officials_of(connection: AsyncConnection, village_id: int) -> list[tuple[int, str]]:
    """(person id, name) of the 镇干部 who liaise with a village, by roster 编号."""
    rows = await connection.execute(
        select(person.c.id, person.c.name).join(liaison, liaison.c.person_id == person.c.id)
        .where(liaison.c.village_id == village_id,
               person.c.role == Role.TOWNSHIP_OFFICIAL.value).order_by(person.c.code))
    return [(row.id, row.name) for row in rows]


async def villages(connection: AsyncConnection) -> tuple[list[tuple[str, str]],
                                                         set[tuple[str, str]]]:
    """Every village as (镇, 村), and those a 镇干部 liaises with, for the import's warnings."""
    every = [(row.township_name, row.name) for row in await connection.execute(
        select(township.c.name.label("township_name"), village.c.name)
        .join(township, township.c.id == village.c.township_id)
        .order_by(township.c.name, village.c.name))]
    liaised = {(row.township_name, row.name) for row in await connection.execute(
        select(township.c.name.label("township_name"), village.c.name)
        .select_from(liaison)
        .join(village, village.c.id == liaison.c.village_id)
        .join(township, township.c.id == village.c.township_id)
        .join(person, person.c.id == liaison.c.person_id)
        .where(person.c.role == Role.TOWNSHIP_OFFICIAL.value))}
    return every, liaised
