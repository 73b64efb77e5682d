"""The outbox: every message the system sends on its own, written with its cause.

A row is enqueued in the same transaction as the change that caused it, under an
idempotency key, so enqueuing twice stores it once; the dispatcher delivers it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, not_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.delivery import fan_out
from core.messages import FULL, OUTBOX_ROW, Button, Capabilities, ChatKind, Outgoing
from storage import chats
from storage.chat_order import next_in_chat, nothing_earlier_held
from storage.schema import outbox

PENDING, SENT, FAILED = "pending", "sent", "failed"


@dataclass(frozen=True, slots=True)
class Delivery:
    """One outbox row due for delivery."""

    id: int
    key: str
    channel: str
    attempts: int
    message: Outgoing


def encode(message: Outgoing) -> str:
    """Serialise a message for the payload column."""
    return json.dumps({
        "text": message.text,
        "buttons": [[[button.label, button.payload] for button in row] for row in message.buttons],
        "image": base64.b64encode(message.image).decode() if message.image else None,
        "extra": message.extra,
    }, ensure_ascii=False)


def decode(chat_id: str, chat_kind: str, payload: str) -> Outgoing:
    """Rebuild a message from its payload column."""
    data = json.loads(payload)
    return Outgoing(
        chat_id=chat_id, chat_kind=ChatKind(chat_kind), text=data["text"],
        buttons=tuple(tuple(Button(label, button_payload) for label, button_payload in row)
                      for row in data["buttons"]),
        image=base64.b64decode(data["image"]) if data["image"] else None,
        extra=dict(data.get("extra") or {}),
    )


async def enqueue(connection: AsyncConnection, *, key: str, channel: str, message: Outgoing,
                  now: datetime, not_before: datetime | None = None) -> bool:
    """Store a message unless one with this key is stored already; return whether it was new."""
    values: dict[str, Any] = {
        "key": key, "channel": channel, "chat_id": message.chat_id,
        "chat_kind": message.chat_kind.value, "payload": encode(message), "created_at": now,
        "not_before": not_before or now, "status": PENDING, "attempts": 0,
    }
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(outbox).values(**values).on_conflict_do_nothing(
        index_elements=["key"])
    result = await connection.execute(statement)
    return bool(result.rowcount)


async def to_homesteads(connection: AsyncConnection, homestead_ids: list[int], *, key: str,
                        text: str, now: datetime, buttons: tuple[tuple[Button, ...], ...] = (),
                        image: bytes | None = None, not_before: datetime | None = None,
                        channels: Mapping[str, Capabilities] | None = None) -> int:
    """Queue a message to every group bound to these 屋场; return how many rows were new.

    ``channels`` are the capabilities of the running channels (a channel not named can
    show everything): in a group that cannot show buttons, each member gets them.
    """
    new = 0
    for homestead_id, channel, chat_id in await chats.groups_of(connection, homestead_ids):
        message = Outgoing(chat_id=chat_id, text=text, buttons=buttons, image=image,
                           chat_kind=ChatKind.GROUP)
        capabilities = (channels or {}).get(channel, FULL)
        members = (await chats.members_on(connection, channel, homestead_id)
                   if buttons and not capabilities.group_buttons else [])
        for suffix, row in fan_out(message, capabilities, members):
            new += await enqueue(connection, key=f"{key}:h{homestead_id}:{channel}:{chat_id}"
                                 f"{suffix}", channel=channel, message=row, now=now,
                                 not_before=not_before)
    return new


async def to_persons(connection: AsyncConnection, person_ids: list[int], *, key: str, text: str,
                     now: datetime, buttons: tuple[tuple[Button, ...], ...] = (),
                     image: bytes | None = None, not_before: datetime | None = None) -> int:
    """Queue a message to the private chat of each of these persons on every channel."""
    new = 0
    for person_id, channel, user_id in await chats.accounts_of(connection, person_ids):
        message = Outgoing(chat_id=user_id, text=text, buttons=buttons, image=image,
                           chat_kind=ChatKind.PRIVATE)
        new += await enqueue(connection, key=f"{key}:p{person_id}:{channel}", channel=channel,
                             message=message, now=now, not_before=not_before)
    return new


async def due(connection: AsyncConnection, now: datetime, channels: Iterable[str],
              limit: int = 100, after: int = 0) -> list[Delivery]:
    """Return pending rows for these channels whose time has come, oldest first.

    A chat whose earlier row is held back (claimed, in flight or in doubt after a crash,
    or waiting to be retried) has none of its later rows returned: they wait for it.
    ``after``: only rows queued after the row with this id.
    """
    rows = await connection.execute(
        select(outbox).where(
            outbox.c.status == PENDING, outbox.c.not_before <= now,
            outbox.c.channel.in_(list(channels)), outbox.c.id > after,
            nothing_earlier_held(outbox, now),
        ).order_by(outbox.c.id).limit(limit))
    return [Delivery(row.id, row.key, row.channel, row.attempts,
                     _numbered(row.id, decode(row.chat_id, row.chat_kind, row.payload)))
            for row in rows]


def _numbered(row_id: int, message: Outgoing) -> Outgoing:
    return replace(message, extra={**message.extra, OUTBOX_ROW: str(row_id)})


async def row_message(connection: AsyncConnection, row_id: int) -> Outgoing | None:
    """The message of an outbox row, as the dispatcher delivers it (with ``OUTBOX_ROW``)."""
    row = (await connection.execute(
        select(outbox.c.chat_id, outbox.c.chat_kind, outbox.c.payload)
        .where(outbox.c.id == row_id))).first()
    if row is None:
        return None
    return _numbered(row_id, decode(row.chat_id, row.chat_kind, row.payload))


async def claim(connection: AsyncConnection, row_id: int, now: datetime,
                lease: timedelta) -> bool:
    """Take a due row for delivery; False if another worker took it, or it is not its chat's next.

    The row stays pending with ``not_before`` pushed out by ``lease``: if the
    worker dies before recording the outcome, the row falls due again then, still
    first in its chat, and is sent again: the platforms take no idempotency key, so
    a row whose send was in flight at a crash may reach its chat twice (in doubt).
    """
    result = await connection.execute(update(outbox).where(
        outbox.c.id == row_id, outbox.c.status == PENDING, outbox.c.not_before <= now,
        next_in_chat(outbox, now),
    ).values(not_before=now + lease, attempts=outbox.c.attempts + 1))
    return bool(result.rowcount)


async def release_claims(connection: AsyncConnection, now: datetime) -> int:
    """Make tried rows due now: for a lone worker starting, whose claims died with it.

    A row waiting to be retried is tried once more at once too, which does no harm.
    """
    result = await connection.execute(update(outbox).where(
        outbox.c.status == PENDING, outbox.c.attempts > 0, outbox.c.not_before > now,
    ).values(not_before=now))
    return result.rowcount


async def mark_sent(connection: AsyncConnection, row_id: int, now: datetime) -> None:
    """Record a delivery (its attempt was counted when the row was claimed)."""
    await connection.execute(update(outbox).where(outbox.c.id == row_id).values(
        status=SENT, sent_at=now, last_error=None))


async def mark_retry(connection: AsyncConnection, row_id: int, reason: str,
                     not_before: datetime) -> None:
    """Record a failed attempt that will be retried at ``not_before``."""
    await connection.execute(update(outbox).where(outbox.c.id == row_id).values(
        last_error=reason, not_before=not_before))


async def mark_failed(connection: AsyncConnection, row_id: int, reason: str) -> None:
    """Give up on a row for good, keeping the reason."""
    await connection.execute(update(outbox).where(outbox.c.id == row_id).values(
        status=FAILED, last_error=reason))


async def backlog(connection: AsyncConnection,
                  leave_out: str | None = None) -> dict[tuple[str, str], int]:
    """Count rows per (channel, status); ``leave_out``: not those whose key starts so."""
    query = select(outbox.c.channel, outbox.c.status, func.count())
    if leave_out is not None:
        query = query.where(not_(outbox.c.key.startswith(leave_out, autoescape=True)))
    rows = await connection.execute(query.group_by(outbox.c.channel, outbox.c.status))
    return {(row[0], row[1]): row[2] for row in rows}


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt: 5 s doubling, at most 10 minutes."""
    return timedelta(seconds=min(5 * 2 ** attempts, 600))
