"""The bot's own flood limiter: evenly spaced requests, no burst after a stall."""

from __future__ import annotations

import asyncio
import itertools
import time

from bot.channels.telegram.pace import EvenPace

PER_SECOND = 200.0  # 5 ms apart: quick to test, the same rule as 29.5 a second


async def _entries(pace: EvenPace, count: int, *, stall_after: int | None = None) -> list[float]:
    loop = asyncio.get_running_loop()
    moments: list[float] = []

    async def caller() -> None:
        async with pace:
            moments.append(loop.time())
            if len(moments) == stall_after:
                time.sleep(pace.interval * 6)  # the event loop is held up

    await asyncio.gather(*(caller() for _ in range(count)))
    return moments


def _gaps(moments: list[float]) -> list[float]:
    return [later - earlier for earlier, later in itertools.pairwise(moments)]


async def test_callers_go_through_one_interval_apart() -> None:
    pace = EvenPace(PER_SECOND)
    moments = await _entries(pace, 12)
    assert len(moments) == 12
    assert min(_gaps(moments)) >= pace.interval - EvenPace.LATE_TOLERANCE
    # No window of 1/PER_SECOND * 10 seconds holds more than ten.
    assert moments[10] - moments[0] >= 10 * pace.interval - EvenPace.LATE_TOLERANCE


async def test_a_stall_does_not_let_the_queued_callers_through_at_once() -> None:
    pace = EvenPace(PER_SECOND)
    moments = await _entries(pace, 8, stall_after=2)
    assert min(_gaps(moments)) >= pace.interval - EvenPace.LATE_TOLERANCE
    assert moments[2] - moments[1] >= pace.interval * 5  # the stall itself
