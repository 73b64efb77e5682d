"""Leases: a role one worker holds at a time (Telegram polling) for as long as it renews it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import lease


async def hold(connection: AsyncConnection, name: str, holder: str, now: datetime,
               duration: timedelta) -> bool:
    """Take or renew the lease ``name`` until ``now + duration``; False if another holds it."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(lease).values(name=name, holder=holder,
                                             expires_at=now + duration)
    statement = statement.on_conflict_do_update(
        index_elements=["name"],
        set_={"holder": statement.excluded.holder, "expires_at": statement.excluded.expires_at},
        where=or_(lease.c.holder == holder, lease.c.expires_at < now))
    return bool((await connection.execute(statement)).rowcount)


async def let_go(connection: AsyncConnection, name: str, holder: str) -> None:
    """Give the lease up at once, so another worker may take it without waiting."""
    await connection.execute(delete(lease).where(lease.c.name == name, lease.c.holder == holder))
