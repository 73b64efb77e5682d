"""The append-only, hash-chained event log: who did what, when, from which chat."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import as_utc
from storage.schema import chain_head, event

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of the log."""

    id: int
    at: datetime
    stream: str
    kind: str
    actor_id: int | None
    channel: str | None
    chat_id: str | None
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made a change and from which chat (None for the system's own jobs)."""

    person_id: int | None
    channel: str | None = None
    chat_id: str | None = None


SYSTEM = Actor(None)


def _digest(prev_hash: str, at: datetime, stream: str, kind: str, actor_id: int | None,
            channel: str | None, chat_id: str | None, payload: str) -> str:
    body = json.dumps(
        [prev_hash, at.isoformat(), stream, kind, actor_id, channel, chat_id, payload],
        ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def to_event(row: Row[Any]) -> Event:
    """An event row as an Event, its payload decoded."""
    return Event(row.id, row.at, row.stream, row.kind, row.actor_id, row.channel, row.chat_id,
                 json.loads(row.payload))


async def append(connection: AsyncConnection, *, at: datetime, stream: str, kind: str,
                 payload: Mapping[str, Any], actor_id: int | None = None,
                 channel: str | None = None, chat_id: str | None = None) -> int:
    """Append one event, chained to the one before it, and return its id."""
    head_query = select(chain_head.c.last_hash).where(chain_head.c.id == 1)
    if connection.dialect.name != "sqlite":
        head_query = head_query.with_for_update()
    prev_hash = (await connection.execute(head_query)).scalar_one()
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    at = as_utc(at).replace(microsecond=0)
    digest = _digest(prev_hash, at, stream, kind, actor_id, channel, chat_id, body)
    result = await connection.execute(insert(event).values(
        at=at, stream=stream, kind=kind, actor_id=actor_id, channel=channel, chat_id=chat_id,
        payload=body, prev_hash=prev_hash, hash=digest))
    assert result.inserted_primary_key is not None
    event_id: int = result.inserted_primary_key[0]
    await connection.execute(update(chain_head).where(chain_head.c.id == 1).values(
        last_event_id=event_id, last_hash=digest))
    return event_id


async def record(connection: AsyncConnection, actor: Actor, *, at: datetime, stream: str,
                 kind: str, payload: Mapping[str, Any]) -> int:
    """Append one event made by ``actor``: who, when, from which chat, what (rule I7)."""
    return await append(connection, at=at, stream=stream, kind=kind, payload=payload,
                        actor_id=actor.person_id, channel=actor.channel, chat_id=actor.chat_id)


async def stream_events(connection: AsyncConnection, stream: str) -> list[Event]:
    """Return the events of one stream, oldest first."""
    rows = await connection.execute(
        select(event).where(event.c.stream == stream).order_by(event.c.id))
    return [to_event(row) for row in rows]


async def first_broken(connection: AsyncConnection) -> int | None:
    """Return the id of the first event whose chain does not hold, or None if all hold."""
    prev_hash = GENESIS
    last_id = 0
    result = await connection.stream(select(event).order_by(event.c.id))
    async for row in result:
        expected = _digest(prev_hash, row.at, row.stream, row.kind, row.actor_id,
                           row.channel, row.chat_id, row.payload)
        if row.prev_hash != prev_hash or row.hash != expected:
            return int(row.id)
        prev_hash, last_id = row.hash, row.id
    head = (await connection.execute(select(chain_head))).one()
    if head.last_event_id != last_id or head.last_hash != prev_hash:
        return int(head.last_event_id) if head.last_event_id > last_id else last_id + 1
    return None


async def streams_with_prefix(connection: AsyncConnection, prefix: str) -> list[Event]:
    """The newest event of every stream whose name starts with ``prefix``."""
    newest = (select(func.max(event.c.id)).where(event.c.stream.startswith(prefix))
              .group_by(event.c.stream))
    rows = await connection.execute(select(event).where(event.c.id.in_(newest)))
    return [to_event(row) for row in rows]


async def of_kind(connection: AsyncConnection, kind: str) -> list[Event]:
    """Every event of one kind, oldest first."""
    rows = await connection.execute(select(event).where(event.c.kind == kind).order_by(event.c.id))
    return [to_event(row) for row in rows]


async def head_hash(connection: AsyncConnection) -> str:
    """The hash of the newest event: the anchor sent to the officials to keep."""
    return str((await connection.execute(
        select(chain_head.c.last_hash).where(chain_head.c.id == 1))).scalar_one())


async def holds_head(connection: AsyncConnection, kept: str) -> bool:
    """Whether a head someone kept is still an event of the chain (or the empty chain's).

    A deleted tail, or a chain rewritten before that event with its hashes recomputed, no
    longer holds an event with that hash; ``first_broken`` checks the links up to it.
    """
    kept = kept.strip().lower()
    if kept == GENESIS:
        return True
    return await connection.scalar(select(event.c.id).where(event.c.hash == kept)) is not None
