"""Telegram's flood limits kept on our side: evenly paced in all, 20 a minute per group.

Telegram allows about 30 messages a second in all and 20 a minute in one group, and
answers more with 429 "retry after". python-telegram-bot's own limiter lets a full
second's worth through at once and wakes up a little late after each wait, so a
broadcast either met 429s or fell below the rate (issue 8). Here requests go out one
per ``1 / MESSAGES_PER_SECOND`` seconds on a fixed schedule (``EvenPace``): a slightly
late wake-up does not push the later ones back, and no one-second window holds more
than 30; a group gets at most 20 in any 60 seconds (``GroupWindow``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

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


class GroupWindow:
    """At most ``limit`` entries in every ``window`` seconds, sliding (issue 23).

    A token bucket (aiolimiter's) starts full and refills while it drains, so a group
    got 39 messages in its first minute (python-telegram-bot issue #3772); here a caller
    waits until the send ``limit`` places back is a whole window old, so no window of
    ``window`` seconds, wherever it starts, holds more than ``limit``. One group's
    callers go one at a time, each ``record``-ing when it is really sent. ``clock`` and
    ``sleep`` are injectable for tests.
    """

    def __init__(self, limit: int = GROUP_PER_MINUTE, window: float = 60.0, *,
                 clock: Callable[[], float] | None = None,
                 sleep: Callable[[float], Coroutine[Any, Any, None]] = asyncio.sleep) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._entries: deque[float] = deque()
        self._turn = asyncio.Lock()

    def _now(self) -> float:
        return self._clock() if self._clock is not None else asyncio.get_running_loop().time()

    def idle(self) -> bool:
        """Whether nothing entered within the last window."""
        return not self._turn.locked() and (
            not self._entries or self._now() - self._entries[-1] >= self.window)

    async def __aenter__(self) -> None:
        """Wait for this group's turn and for room in the window; ``record`` the send."""
        await self._turn.acquire()
        try:
            while True:
                now = self._now()
                while self._entries and now - self._entries[0] >= self.window:
                    self._entries.popleft()
                if len(self._entries) < self.limit:
                    return
                await self._sleep(self._entries[0] + self.window - now)
        except BaseException:
            self._turn.release()
            raise

    def record(self) -> None:
        """Count a message as sent now (after the overall pace let it through)."""
        self._entries.append(self._now())

    async def __aexit__(self, *_: object) -> None:
        self._turn.release()


class FloodLimiter(BaseRateLimiter[int]):
    """python-telegram-bot's rate limiter for the bot (see the module doc).

    ``rate_limit_args`` of a request is how many 429s it may wait out itself; None
    means none: the 429 is raised, and the outbox dispatcher retries the row later.
    """

    def __init__(self, per_second: float = MESSAGES_PER_SECOND,
                 group_window: Callable[[], GroupWindow] = GroupWindow) -> None:
        self._pace = EvenPace(per_second)
        self._group_window = group_window
        self._groups: dict[int | str, GroupWindow] = {}

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
                    window = self._group(group) if group is not None else None
                    if window is not None:
                        await limits.enter_async_context(window)
                    await limits.enter_async_context(self._pace)
                    if window is not None:
                        window.record()  # the time it leaves, not the time it queued
                    return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == retries:
                    raise
                wait = seconds(error.retry_after)
                logger.info("telegram asked to wait %.0f s (%s)", wait, endpoint)
                await asyncio.sleep(wait + 0.1)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _group(self, group: int | str) -> GroupWindow:
        if group not in self._groups and len(self._groups) >= _KEPT_GROUP_LIMITERS:
            for key, limiter in list(self._groups.items()):
                if limiter.idle():  # nothing sent for a minute: nothing to remember
                    del self._groups[key]
        if group not in self._groups:
            self._groups[group] = self._group_window()
        return self._groups[group]
