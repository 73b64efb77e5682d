"""Telegram's updates into the inbox: long polling by one worker at a time, stored first.

Polled updates are stored in the inbox before the next getUpdates confirms them to
Telegram (``InboxQueue``); a webhook call stores its update before it is answered.
Long polling runs in one worker at a time: the one holding the ``telegram-polling``
lease, renewed while it lives; when it dies another takes over once the lease runs out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram import Update
from telegram.ext import Updater

from storage import leases
from storage.context import Context

logger = logging.getLogger(__name__)

LEASE_NAME = "telegram-polling"
LEASE = timedelta(seconds=30)
RENEW_SECONDS = 10.0  # another worker takes over within LEASE + RENEW_SECONDS


class InboxQueue(asyncio.Queue[object]):
    """The updater's queue: each polled update is stored in the inbox as it is put.

    python-telegram-bot puts the updates of a getUpdates here before it confirms them
    with the next call's offset, so an update is confirmed only once it is stored.
    What else passes (the application's stop signal) is queued as usual.
    """

    def __init__(self, store: Callable[[Update], Awaitable[object]]) -> None:
        super().__init__()
        self.store = store

    async def put(self, item: object) -> None:
        """Store an update in the inbox; queue anything else."""
        if isinstance(item, Update):
            await self.store(item)
        else:
            await super().put(item)


class PollingLeader:
    """Polls Telegram while this worker holds the polling lease; renews or gives it up."""

    def __init__(self, context: Context, updater: Updater, worker: str,
                 start_polling: Callable[[], Awaitable[object]], *,
                 lease: timedelta = LEASE, renew_seconds: float = RENEW_SECONDS) -> None:
        self.context = context
        self.updater = updater
        self.worker = worker
        self.start_polling = start_polling
        self.lease = lease
        self.renew_seconds = renew_seconds
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Take the lease now if it is free, then keep renewing or waiting for it."""
        await self.step()
        self._task = asyncio.get_running_loop().create_task(self._keep())

    async def stop(self) -> None:
        """Stop polling and give the lease up, so another worker takes over at once."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self.updater.running:
            await self.updater.stop()
        async with self.context.db.write() as connection:
            await leases.let_go(connection, LEASE_NAME, self.worker)

    async def step(self) -> bool:
        """Renew or take the lease and poll, or stop polling if it is lost; return if held."""
        try:
            async with self.context.db.write() as connection:
                held = await leases.hold(connection, LEASE_NAME, self.worker,
                                         self.context.clock.now(), self.lease)
        except Exception:
            logger.exception("could not renew the telegram polling lease")
            held = False
        if held and not self.updater.running:
            await self.start_polling()
            logger.info("telegram: this worker (%s) polls", self.worker)
        elif not held and self.updater.running:
            await self.updater.stop()
            logger.warning("telegram: polling lease lost; this worker (%s) stops polling",
                           self.worker)
        return held

    async def _keep(self) -> None:
        while True:
            await asyncio.sleep(self.renew_seconds)
            await self.step()
