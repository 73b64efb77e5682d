"""Deliver due outbox rows to their channels, with retries and a recorded reason on failure."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Protocol

from core.messages import DeliveryError, Outgoing
from storage import outbox
from storage.context import Context

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BATCH = 100
LEASE = timedelta(minutes=5)


class Sender(Protocol):
    """A channel's way of delivering one message; raises DeliveryError when it cannot.

    ``parallel_sends`` is how many chats it may be sending to at once (1: one message
    at a time, in queue order across chats too). A sender never queues messages: what
    a channel cannot show was decided when the row was queued.
    """

    @property
    def parallel_sends(self) -> int:
        """How many chats may be served at once."""
        ...

    async def send(self, message: Outgoing) -> None:
        """Deliver ``message`` to its chat."""
        ...


class Dispatcher:
    """Drains the outbox: each channel in its own task, each row in its own transaction.

    Within a channel, up to its sender's ``parallel_sends`` chats are served at once and
    each chat gets its messages in the order they were queued, across workers and
    restarts too: a chat's next row is claimed only once the rows before it are settled,
    so a row left in doubt by a crash goes first when its lease runs out (and may reach
    its chat twice: see ``outbox.claim``). The sender keeps to the platform's rate limits.
    """

    def __init__(self, context: Context, senders: Mapping[str, Sender], *,
                 lease: timedelta = LEASE) -> None:
        self.context = context
        self.senders = dict(senders)
        self.lease = lease
        self._locks: dict[str, asyncio.Lock] = {}

    async def drain(self) -> int:
        """Deliver every row that is due now; return how many were delivered."""
        counts = await asyncio.gather(*(self._drain_channel(name) for name in self.senders))
        return sum(counts)

    async def _drain_channel(self, channel: str) -> int:
        async with self._locks.setdefault(channel, asyncio.Lock()):
            return await self._drain_locked(channel)

    async def _drain_locked(self, channel: str) -> int:
        sender = self.senders[channel]
        delivered = 0
        # A chat that answered "too many requests" waits; its other rows are left for a
        # later drain instead of each spending an attempt on the same refusal.
        waiting: set[str] = set()
        sending = asyncio.Semaphore(sender.parallel_sends)

        async def deliver_in_order(rows: list[outbox.Delivery]) -> int:
            count = 0
            for row in rows:
                if row.message.chat_id in waiting:
                    break
                async with sending:
                    outcome = await self._deliver(sender, row, waiting)
                if outcome is None:
                    break  # taken by another worker, or behind a row not yet settled
                count += outcome
            return count

        async def deliver_batch(batch: list[outbox.Delivery]) -> int:
            # Several chats at once, each chat's rows one after another in their order:
            # a send spends most of its time waiting for the platform's answer.
            by_chat: dict[str, list[outbox.Delivery]] = {}
            for row in batch:
                by_chat.setdefault(row.message.chat_id, []).append(row)
            return sum(await asyncio.gather(*(deliver_in_order(rows)
                                              for rows in by_chat.values())))

        # Each row is tried once per drain: a row that fails is retried by a later one.
        batch = await self._due(channel, after=0)
        while batch:
            on_its_way = asyncio.ensure_future(deliver_batch(batch))
            try:
                # The next rows are read while these are being sent.
                upcoming = await self._due(channel, after=batch[-1].id)
            finally:
                delivered += await on_its_way
            batch = upcoming
        return delivered

    async def _due(self, channel: str, after: int) -> list[outbox.Delivery]:
        async with self.context.db.read() as connection:
            return await outbox.due(connection, self.context.clock.now(), [channel], BATCH,
                                    after=after)

    async def _deliver(self, sender: Sender, row: outbox.Delivery,
                       waiting: set[str]) -> int | None:
        """Claim and send one row: 1 if delivered, 0 if it failed, None if not claimed."""
        async with self.context.db.write() as connection:
            if not await outbox.claim(connection, row.id, self.context.clock.now(), self.lease):
                return None
        try:
            await sender.send(row.message)
        except DeliveryError as error:
            if error.retry_after is not None or not error.permanent:
                waiting.add(row.message.chat_id)  # the chat's later rows wait for this one
            await self._failed(row, error)
            return 0
        except Exception as error:  # a bug in an adapter must not stop the others
            logger.exception("delivering outbox row %s failed", row.id)
            waiting.add(row.message.chat_id)
            await self._failed(row, DeliveryError(repr(error)))
            return 0
        async with self.context.db.write() as connection:
            await outbox.mark_sent(connection, row.id, self.context.clock.now())
        return 1

    async def _failed(self, row: outbox.Delivery, error: DeliveryError) -> None:
        now = self.context.clock.now()
        async with self.context.db.write() as connection:
            if error.permanent or row.attempts + 1 >= MAX_ATTEMPTS:
                logger.warning("outbox row %s (%s) failed for good: %s", row.id, row.key,
                               error.reason)
                await outbox.mark_failed(connection, row.id, error.reason)
                return
            wait = (timedelta(seconds=error.retry_after) if error.retry_after is not None
                    else outbox.backoff(row.attempts))
            logger.info("outbox row %s will be retried in %s: %s", row.id, wait, error.reason)
            await outbox.mark_retry(connection, row.id, error.reason, now + wait)
