"""The inbox: what a platform delivered, stored before it is acknowledged, handled from here.

A Telegram update or a WeCom callback is written in the request, under the platform's
own id (update id, MsgId) as its key, before the platform gets its 200: a crash after
that loses nothing, and a second delivery of the same key is recognised (the replay
guard). Rows are claimed for handling with a lease, each chat's in order, and marked
done in the same transaction as the change the handling made (``finish``). A handled
row keeps only its key: its payload is dropped, so that what someone pressed (an
anonymous survey card, rule Y3) is not kept beside who pressed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.chat_order import next_in_chat, nothing_earlier_held
from storage.schema import inbox

PENDING, DONE = "pending", "done"


@dataclass(frozen=True, slots=True)
class Entry:
    """One received update or callback waiting to be handled."""

    id: int
    channel: str
    key: str
    chat_id: str
    payload: str
    attempts: int


async def receive(connection: AsyncConnection, *, channel: str, key: str, chat_id: str,
                  payload: str, now: datetime) -> bool:
    """Store what arrived unless its key is stored already; return whether it was new."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(inbox).values(
        channel=channel, key=key, chat_id=chat_id, payload=payload, received_at=now,
        not_before=now, status=PENDING, attempts=0,
    ).on_conflict_do_nothing(index_elements=["channel", "key"])
    return bool((await connection.execute(statement)).rowcount)


async def due(connection: AsyncConnection, now: datetime, channels: list[str],
              limit: int = 100) -> list[Entry]:
    """Pending rows whose time has come, oldest first, none behind a held-back row."""
    rows = await connection.execute(select(inbox).where(
        inbox.c.status == PENDING, inbox.c.not_before <= now, inbox.c.channel.in_(channels),
        nothing_earlier_held(inbox, now)).order_by(inbox.c.id).limit(limit))
    return [Entry(row.id, row.channel, row.key, row.chat_id, row.payload, row.attempts)
            for row in rows]


async def claim(connection: AsyncConnection, row_id: int, now: datetime,
                lease: timedelta) -> bool:
    """Take a row for handling if it is its chat's next; False if it is not or is taken.

    The row stays pending with ``not_before`` pushed out by ``lease``: if the worker
    dies while handling it, the row falls due again then.
    """
    result = await connection.execute(update(inbox).where(
        inbox.c.id == row_id, inbox.c.status == PENDING, inbox.c.not_before <= now,
        next_in_chat(inbox, now),
    ).values(not_before=now + lease, attempts=inbox.c.attempts + 1))
    return bool(result.rowcount)


async def finish(connection: AsyncConnection, channel: str, key: str, now: datetime) -> bool:
    """Mark a row handled; False if it was handled already (by this or another worker)."""
    result = await connection.execute(update(inbox).where(
        inbox.c.channel == channel, inbox.c.key == key, inbox.c.status == PENDING,
    ).values(status=DONE, handled_at=now, payload=""))
    return bool(result.rowcount)


async def retry(connection: AsyncConnection, row_id: int, reason: str,
                not_before: datetime) -> None:
    """Record a failed handling, tried again at ``not_before``."""
    await connection.execute(update(inbox).where(inbox.c.id == row_id).values(
        last_error=reason, not_before=not_before))


async def give_up(connection: AsyncConnection, row_id: int, reason: str,
                  now: datetime) -> None:
    """Stop trying a row that failed too often, keeping the reason."""
    await connection.execute(update(inbox).where(inbox.c.id == row_id).values(
        status=DONE, handled_at=now, last_error=reason, payload=""))


async def release_claims(connection: AsyncConnection, now: datetime) -> int:
    """Make every claimed row due now: for a lone worker starting, whose claims died with it."""
    result = await connection.execute(update(inbox).where(
        inbox.c.status == PENDING, inbox.c.not_before > now).values(not_before=now))
    return result.rowcount


async def prune(connection: AsyncConnection, handled_before: datetime) -> int:
    """Forget rows handled before ``handled_before``; the replay guard needs far less."""
    result = await connection.execute(delete(inbox).where(
        inbox.c.status == DONE, inbox.c.handled_at < handled_before))
    return result.rowcount


async def pending(connection: AsyncConnection) -> int:
    """How many rows are waiting to be handled."""
    return int(await connection.scalar(select(func.count()).select_from(inbox).where(
        inbox.c.status == PENDING)) or 0)
