"""Telegram's 20 messages a minute per group hold in every 60-second window (issue 23)."""

from __future__ import annotations

import asyncio
import bisect
from typing import Any

from bot.channels.telegram.pace import GROUP_PER_MINUTE, FloodLimiter, GroupWindow


class FakeTime:
    """A clock that moves only when someone sleeps on it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


def _most_in_any_window(moments: list[float], window: float = 60.0) -> int:
    """The most moments in one half-open window [t, t + window), over every start t.

    The fullest window can always be moved to start at one of the moments, so those
    are the only starts to count.
    """
    ordered = sorted(moments)
    return max(bisect.bisect_left(ordered, start + window) - index
               for index, start in enumerate(ordered))


def _window(time: FakeTime) -> GroupWindow:
    return GroupWindow(clock=time, sleep=time.sleep)


async def test_a_burst_to_one_group_never_has_21_in_a_minute() -> None:
    time = FakeTime()
    window = _window(time)
    moments: list[float] = []

    async def send() -> None:
        async with window:
            window.record()
            moments.append(time())

    await asyncio.gather(*(send() for _ in range(95)))
    assert len(moments) == 95
    assert _most_in_any_window(moments) == GROUP_PER_MINUTE
    # Not slower than the limit: the 21st goes exactly a minute after the first.
    assert moments[GROUP_PER_MINUTE] - moments[0] == 60.0
    assert moments[-1] - moments[0] == 4 * 60.0


async def test_spread_out_sends_keep_every_window_too() -> None:
    time = FakeTime()
    window = _window(time)
    moments: list[float] = []
    for index in range(70):  # a trickle, then a burst, then a trickle
        await time.sleep(5.0 if index < 10 or index > 50 else 0.1)
        async with window:
            window.record()
            moments.append(time())
    assert _most_in_any_window(moments) <= GROUP_PER_MINUTE
    assert _most_in_any_window(moments, 59.9) == GROUP_PER_MINUTE


async def test_the_limiter_counts_each_group_alone_and_leaves_private_chats_be() -> None:
    time = FakeTime()
    limiter = FloodLimiter(per_second=10_000, group_window=lambda: _window(time))
    sent: dict[int, list[float]] = {}

    async def call(chat_id: int) -> Any:
        async def callback() -> bool:
            sent.setdefault(chat_id, []).append(time())
            return True

        return await limiter.process_request(callback, (), {}, "sendMessage",
                                             {"chat_id": chat_id}, None)

    chats = [-100, -200, 42]  # two groups and a private chat
    await asyncio.gather(*(call(chat) for _ in range(45) for chat in chats))
    assert {chat: len(moments) for chat, moments in sent.items()} == {-100: 45, -200: 45,
                                                                     42: 45}
    assert _most_in_any_window(sent[-100]) <= GROUP_PER_MINUTE
    assert _most_in_any_window(sent[-200]) <= GROUP_PER_MINUTE
    assert _most_in_any_window(sent[42]) == 45  # only the overall pace applies
