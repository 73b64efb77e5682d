"""Handle what the platforms delivered, from the inbox: each row once, each chat in turn.

A channel writes an update or a callback to the inbox in the request (``receive``)
and answers the platform only then; the intake hands each row to its channel's
handler in the background, and its sweep (a job every worker runs) takes up what a
crash or a dead worker left: a row claimed by a worker that died falls due again when
its lease runs out, and the handling marks it done in the transaction of the change
it made (``Incoming.inbox_key``), so the change happens once even when the handling
runs twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from storage import inbox
from storage.context import Context

logger = logging.getLogger(__name__)

Handle = Callable[[inbox.Entry], Awaitable[None]]

LEASE = timedelta(minutes=2)
BATCH = 100
PARALLEL_CHATS = 64
MAX_ATTEMPTS = 5
KEEP = timedelta(days=2)  # handled rows kept as seen ids (WeCom refuses older timestamps)


class Intake:
    """Stores what arrives and drains the inbox through the channels' handlers."""

    def __init__(self, context: Context, *, lease: timedelta = LEASE) -> None:
        self.context = context
        self.lease = lease
        self.handlers: dict[str, Handle] = {}
        self._slots = asyncio.Semaphore(PARALLEL_CHATS)  # handlings at once, all drains
        self._queued = False
        self._tasks: set[asyncio.Task[None]] = set()

    async def receive(self, channel: str, key: str, chat_id: str, payload: str) -> bool:
        """Store what arrived (durably, before the platform is answered); False if seen before.

        A new row is handled at once in the background.
        """
        async with self.context.db.write() as connection:
            new = await inbox.receive(connection, channel=channel, key=key, chat_id=chat_id,
                                      payload=payload, now=self.context.clock.now())
        if new:
            self.kick()
        return new

    def kick(self) -> None:
        """Drain the inbox soon, in the background (one drain waits to start at most).

        Drains run side by side, as several workers' do: a chat whose handling is slow
        (its reply held up by the platform) keeps its own later rows back, never a row
        of another chat that arrives meanwhile. The inbox orders each chat's rows
        (``inbox.due``, ``inbox.claim``), whoever drains.
        """
        if self._queued:
            return
        self._queued = True
        task = asyncio.get_running_loop().create_task(self._kicked())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def idle(self) -> None:
        """Wait until every drain started so far is through."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def stop(self, timeout: float) -> None:
        """Let the handlings in hand finish; cancel what still runs after ``timeout``."""
        try:
            await asyncio.wait_for(self.idle(), timeout)
        except TimeoutError:
            logger.warning("cancelling %d inbox drains still running at shutdown",
                           len(self._tasks))
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def drain(self) -> int:
        """Handle every row that is due now; return how many were handled."""
        return await self._drain()

    async def release_claims(self) -> int:
        """Make every claimed row due: a lone worker's claims died with its last run."""
        async with self.context.db.write() as connection:
            return await inbox.release_claims(connection, self.context.clock.now())

    async def prune(self) -> int:
        """Forget rows handled long enough ago."""
        async with self.context.db.write() as connection:
            return await inbox.prune(connection, self.context.clock.now() - KEEP)

    async def _kicked(self) -> None:
        self._queued = False
        try:
            await self._drain()
        except Exception:
            logger.exception("draining the inbox failed")

    async def _drain(self) -> int:
        handled = 0

        async def in_order(entries: list[inbox.Entry]) -> int:
            count = 0
            for entry in entries:
                async with self._slots:
                    outcome = await self._handle(entry)
                if outcome is None:
                    break  # taken elsewhere, behind an unsettled row, or to be retried
                count += outcome
            return count

        while self.handlers:
            async with self.context.db.read() as connection:
                entries = await inbox.due(connection, self.context.clock.now(),
                                          list(self.handlers), BATCH)
            by_chat: dict[tuple[str, str], list[inbox.Entry]] = {}
            for entry in entries:
                by_chat.setdefault((entry.channel, entry.chat_id), []).append(entry)
            done = sum(await asyncio.gather(*(in_order(rows) for rows in by_chat.values())))
            handled += done
            if not done:
                break
        return handled

    async def _handle(self, entry: inbox.Entry) -> int | None:
        """Claim and handle one row: 1 when handled, None when not claimed or failed."""
        async with self.context.db.write() as connection:
            if not await inbox.claim(connection, entry.id, self.context.clock.now(),
                                     self.lease):
                return None
        try:
            await self.handlers[entry.channel](entry)
        except Exception as error:
            logger.exception("handling %s %s from the inbox failed", entry.channel, entry.key)
            await self._failed(entry, repr(error))
            return None
        async with self.context.db.write() as connection:
            await inbox.finish(connection, entry.channel, entry.key, self.context.clock.now())
        return 1

    async def _failed(self, entry: inbox.Entry, reason: str) -> None:
        now = self.context.clock.now()
        async with self.context.db.write() as connection:
            if entry.attempts + 1 >= MAX_ATTEMPTS:
                logger.warning("gave up on %s %s: %s", entry.channel, entry.key, reason)
                await inbox.give_up(connection, entry.id, reason, now)
            else:
                await inbox.retry(connection, entry.id, reason,
                                  now + timedelta(seconds=5 * 2 ** entry.attempts))
