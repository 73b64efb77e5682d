"""Invite codes: the secret a person sends with /start to bind a chat account."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import homestead, household, invite, person, village

# No 0/O, 1/I/L: codes are read aloud and typed on phones by elderly villagers.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


@dataclass(frozen=True, slots=True)
class Invite:
    """An invite code, whose person it binds and whether it was used."""

    code: str
    person_id: int
    used_at: datetime | None
    used_channel: str | None
    used_user_id: str | None


def new_code() -> str:
    """Return a fresh random invite code."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise(code: str) -> str:
    """Uppercase and strip a typed code: codes are case-insensitive."""
    return code.strip().upper()


async def issue(connection: AsyncConnection, person_ids: Sequence[int], now: datetime) -> None:
    """Give each of these persons a new, unused invite code (one per person)."""
    if not person_ids:
        return
    await connection.execute(insert(invite), [
        {"code": new_code(), "person_id": person_id, "created_at": now}
        for person_id in person_ids
    ])


async def renew(connection: AsyncConnection, person_id: int, now: datetime) -> str:
    """Replace a person's invite code with a new unused one and return it."""
    code = new_code()
    await connection.execute(update(invite).where(invite.c.person_id == person_id).values(
        code=code, created_at=now, used_at=None, used_channel=None, used_user_id=None))
    return code


async def find(connection: AsyncConnection, code: str) -> Invite | None:
    """Return the invite with this code, as typed by a person."""
    row = (await connection.execute(
        select(invite).where(invite.c.code == normalise(code)))).first()
    if row is None:
        return None
    return Invite(row.code, row.person_id, row.used_at, row.used_channel, row.used_user_id)


async def mark_used(connection: AsyncConnection, code: str, channel: str, user_id: str,
                    now: datetime) -> None:
    """Record that this code bound ``user_id`` on ``channel``."""
    await connection.execute(update(invite).where(invite.c.code == code).values(
        used_at=now, used_channel=channel, used_user_id=user_id))


async def listing(connection: AsyncConnection) -> list[tuple[str, str, str, bool]]:
    """Return (编号, 姓名, code, used) for every person, in roster order."""
    query: Any = (
        select(person.c.code.label("person_code"), person.c.name, invite.c.code, invite.c.used_at)
        .join(invite, invite.c.person_id == person.c.id)
        .order_by(person.c.code)
    )
    return [(row.person_code, row.name, row.code, row.used_at is not None)
            for row in await connection.execute(query)]


@dataclass(frozen=True, slots=True)
class Slip:
    """One person's invite with where they live: a row of the CSV, a slip of the PDF."""

    person_code: str
    name: str
    code: str
    village: str
    homestead: str
    household: int | None


async def slips(connection: AsyncConnection, village_name: str | None = None) -> list[Slip]:
    """Every person's invite, grouped by village and 屋场, then household and 编号."""
    query: Any = (
        select(person.c.code.label("person_code"), person.c.name, invite.c.code,
               village.c.name.label("village"), homestead.c.name.label("homestead"),
               household.c.number.label("household"))
        .join(invite, invite.c.person_id == person.c.id)
        .outerjoin(village, village.c.id == person.c.village_id)
        .outerjoin(homestead, homestead.c.id == person.c.homestead_id)
        .outerjoin(household, household.c.id == person.c.household_id)
        .order_by(village.c.name, homestead.c.name, household.c.number, person.c.code)
    )
    if village_name is not None:
        query = query.where(village.c.name == village_name)
    return [Slip(row.person_code, row.name, row.code, row.village or "", row.homestead or "",
                 row.household) for row in await connection.execute(query)]
