"""The party's records beside its meetings (rule Y2): liaison visits (党员联系户) and 党费."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import homestead, household, party_dues, party_roster, party_visit, person


@dataclass(frozen=True, slots=True)
class Household:
    """A household as the liaison sees it: its 屋场 and number."""

    id: int
    homestead: str
    number: int

    @property
    def label(self) -> str:
        """枫树湾3号."""
        return f"{self.homestead}{self.number}号"


async def households_liaised(connection: AsyncConnection, member_id: int) -> list[Household]:
    """The households whose roster rows name this member as 联系党员 (rule Y1)."""
    rows = await connection.execute(
        select(household.c.id, homestead.c.name, household.c.number).distinct()
        .join(homestead, homestead.c.id == household.c.homestead_id)
        .join(person, person.c.household_id == household.c.id)
        .join(party_roster, party_roster.c.person_id == person.c.id)
        .where(party_roster.c.liaison_id == member_id)
        .order_by(homestead.c.name, household.c.number))
    return [Household(row.id, row.name, row.number) for row in rows]


async def liaisons(connection: AsyncConnection, village_id: int) -> dict[int, int]:
    """Each household of the village that has a 联系党员: household id → member id."""
    rows = await connection.execute(
        select(person.c.household_id, party_roster.c.liaison_id)
        .join(party_roster, party_roster.c.person_id == person.c.id)
        .where(person.c.village_id == village_id, person.c.household_id.is_not(None),
               party_roster.c.liaison_id.is_not(None)))
    return {int(row.household_id): int(row.liaison_id) for row in rows}


async def liaison_of(connection: AsyncConnection, household_id: int) -> int | None:
    """The member who liaises with a household, if the roster names one."""
    row = (await connection.execute(
        select(party_roster.c.liaison_id)
        .join(person, person.c.id == party_roster.c.person_id)
        .where(person.c.household_id == household_id, party_roster.c.liaison_id.is_not(None))
        .limit(1))).first()
    return int(row.liaison_id) if row else None


async def village_households(connection: AsyncConnection, village_id: int) -> list[Household]:
    """Every household of a village, 屋场 by 屋场."""
    rows = await connection.execute(
        select(household.c.id, homestead.c.name, household.c.number)
        .join(homestead, homestead.c.id == household.c.homestead_id)
        .where(homestead.c.village_id == village_id)
        .order_by(homestead.c.name, household.c.number))
    return [Household(row.id, row.name, row.number) for row in rows]


async def add_visit(connection: AsyncConnection, *, member_id: int, household_id: int,
                    text: str, now: datetime) -> int:
    """Record a liaison visit; return its number."""
    result = await connection.execute(insert(party_visit).values(
        person_id=member_id, household_id=household_id, text=text, at=now))
    assert result.inserted_primary_key is not None
    return int(result.inserted_primary_key[0])


@dataclass(frozen=True, slots=True)
class Visit:
    """A liaison visit as stored."""

    id: int
    member_id: int
    household_id: int
    text: str
    at: datetime


async def visits(connection: AsyncConnection, *, member_id: int | None = None,
                 since: datetime | None = None) -> list[Visit]:
    """Liaison visits, oldest first, of one member and/or since a moment."""
    query = select(party_visit).order_by(party_visit.c.at, party_visit.c.id)
    if member_id is not None:
        query = query.where(party_visit.c.person_id == member_id)
    if since is not None:
        query = query.where(party_visit.c.at >= since)
    return [Visit(row.id, row.person_id, row.household_id, row.text, row.at)
            for row in await connection.execute(query)]


# --- 党费 ----------------------------------------------------------------------

async def record_dues(connection: AsyncConnection, *, member_id: int, month: str, amount: int,
                      by: int | None, now: datetime) -> None:
    """Record 党费 paid for a month in fen; a later record for the month replaces it."""
    await connection.execute(insert(party_dues).values(
        person_id=member_id, month=month, amount=amount, recorded_by=by, at=now))


async def dues(connection: AsyncConnection, *, member_id: int | None = None,
               months: list[str] | None = None) -> dict[tuple[int, str], int]:
    """(member, month) → amount in fen, the newest record of each."""
    newest = (select(func.max(party_dues.c.id).label("id"))
              .group_by(party_dues.c.person_id, party_dues.c.month))
    if member_id is not None:
        newest = newest.where(party_dues.c.person_id == member_id)
    if months is not None:
        newest = newest.where(party_dues.c.month.in_(months))
    rows = await connection.execute(
        select(party_dues.c.person_id, party_dues.c.month, party_dues.c.amount)
        .where(party_dues.c.id.in_(newest.scalar_subquery())))
    return {(int(row.person_id), row.month): int(row.amount) for row in rows}
