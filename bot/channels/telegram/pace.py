"""Telegram's flood limits kept on our side: evenly paced in all, 20 a minute per group.

Telegram allows about 30 messages a second in all and 20 a minute in one group, and
answers more with 429 "retry after". python-telegram-bot's own limiter lets a full
second's worth through at once and wakes up a little late after each wait, so a
broadcast either met 429s or fell below the rate (issue 8). Here requests go out one
per ``1 / MESSAGES_PER_SECOND`` seconds on a fixed schedule (``EvenPace``): a slightly
late wake-up does not push the later ones back, and no one-second window holds more
than 30.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.channels.telegram.send import seconds

logger = logging.getLogger(__name__)

MESSAGES_PER_SECOND = 29.5  # a little under 30, for the jitter of the way there
GROUP_PER_MINUTE = 20
_KEPT_GROUP_LIMITERS = 512  # beyond this, idle groups' limiters are dropped

JSON = bool | dict[str, Any] | list[dict[str, Any]]


class EvenPace:
    """Lets callers through one at a time, ``interval`` seconds apart, on a fixed schedule.

    A caller woken up to ``LATE_TOLERANCE`` late keeps the schedule (the next one is not
    pushed back); after a longer stall the schedule starts again from then, so the
    callers that queued up meanwhile still go one ``interval`` apart, never in a burst.
    """

    LATE_TOLERANCE = 0.002

    def __init__(self, per_second: float) -> None:
        self.interval = 1 / per_second
        self._next = 0.0
        self._turn = asyncio.Lock()

    async def __aenter__(self) -> None:
        async with self._turn:
            loop = asyncio.get_running_loop()
            wait = self._next - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            self._next = max(self._next, loop.time() - self.LATE_TOLERANCE) + self.interval

    async def __aexit__(self, *_: object) -> None:
        return None


class FloodLimiter(BaseRateLimiter[int]):
    """python-telegram-bot's rate limiter for the bot (see the module doc).

    ``rate_limit_args`` of a request is how many 429s it may wait out itself; None
    means none: the 429 is raised, and the outbox dispatcher retries the row later.
    """

    def __init__(self, per_second: float = MESSAGES_PER_SECOND) -> None:
        self._pace = EvenPace(per_second)
        self._groups: dict[int | str, AsyncLimiter] = {}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, JSON]],
                              args: Any, kwargs: dict[str, Any], endpoint: str,
                              data: dict[str, Any], rate_limit_args: int | None) -> JSON:
        """Send the request when the limits allow it, waiting out 429s as allowed."""
        chat_id = data.get("chat_id")
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        # Negative ids are groups; a string id (@name) can only be a channel or group.
        group = chat_id if isinstance(chat_id, str) or (
            isinstance(chat_id, int) and chat_id < 0) else None
        retries = rate_limit_args or 0
        for attempt in range(retries + 1):
            try:
                if chat_id is None:
                    return await callback(*args, **kwargs)
                async with contextlib.AsyncExitStack() as limits:
                    if group is not None:
                        await limits.enter_async_context(self._group(group))
                    await limits.enter_async_context(self._pace)
                    return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == retries:
                    raise
                wait = seconds(error.retry_after)
                logger.info("telegram asked to wait %.0f s (%s)", wait, endpoint)
                await asyncio.sleep(wait + 0.1)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _group(self, group: int | str) -> AsyncLimiter:
        if group not in self._groups and len(self._groups) >= _KEPT_GROUP_LIMITERS:
            for key, limiter in list(self._groups.items()):
                if limiter.has_capacity(limiter.max_rate):  # idle for a minute
                    del self._groups[key]
        return self._groups.setdefault(group, AsyncLimiter(GROUP_PER_MINUTE, 60))
