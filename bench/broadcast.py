"""Benchmark 2: one month's flags to 2,000 Telegram groups at the Bot API's flood limits.

Each village group gets its result with its grid's picture, queued in the outbox as
``handlers.flags.publish`` queues them, and delivered by a separate worker process
through the Telegram adapter against a fake Bot API that enforces 30 messages a
second and 20 a minute per group. The second run kills the worker halfway with
SIGKILL and starts a new one; the fake counts what each group received.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import re
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, insert, select

from bench.common import START, Figure, at_least, at_most, exactly
from bench.fake_bot_api import OVERALL_PER_SECOND, FakeTelegram, group_chat
from core.clock import SystemClock
from core.flags import Flag, Placement
from handlers.pictures import render_grid
from schedules.dispatcher import LEASE
from storage import outbox
from storage.db import Database
from storage.schema import chat_binding, grid, homestead, township, village
from storage.schema import outbox as outbox_table

GROUPS = 2000
CATEGORIES = ("党建引领发展", "和美家园建设", "整体协同智治", "文明新风培育", "美丽经济发展")


def chat_id(index: int) -> int:
    """The Telegram group id of village ``index``."""
    return -1_000_000_000 - index


async def build(url: str, groups: int = GROUPS, per_group: int = 1) -> None:
    """A township of ``groups`` villages, each with one 屋场 bound to a Telegram group.

    Each group gets its result with the grid's picture; with ``per_group`` above 1, that
    many follow-up texts too, numbered ``#2``, ``#3``… so that the order can be checked.
    """
    database = Database(url)
    await database.migrate()
    picture = render_grid("2026-10 网格 红黄旗", CATEGORIES, [
        Placement(f"村{index}", "网格", category, 80.0 + index,
                  Flag.RED if index < 3 else Flag.YELLOW if index > 16 else None)
        for index in range(20) for category in CATEGORIES])
    async with database.write() as connection:
        await connection.execute(insert(township), [{"id": 1, "name": "广播镇"}])
        await connection.execute(insert(grid), [{"id": 1, "township_id": 1, "name": "网格"}])
        await connection.execute(insert(village), [
            {"id": index + 1, "township_id": 1, "grid_id": 1, "name": f"村{index}"}
            for index in range(groups)])
        await connection.execute(insert(homestead), [
            {"id": index + 1, "village_id": index + 1, "name": "屋场"} for index in range(groups)])
        await connection.execute(insert(chat_binding), [
            {"channel": "telegram", "external_chat_id": str(chat_id(index)),
             "homestead_id": index + 1, "bound_at": START} for index in range(groups)])
        for number in range(1, per_group + 1):  # queued round by round, as publishing does
            for index in range(groups):
                await outbox.to_homesteads(
                    connection, [index + 1], key=f"flags:1:2026-10:v{number}:{index + 1}",
                    text=f"2026-10 村{index} 红黄旗结果 #{number}：红旗 无；黄旗 无；奖惩 无",
                    image=picture if number == 1 else None, now=START)
    await database.dispose()


async def start_worker(url: str, api_url: str, offset: float) -> asyncio.subprocess.Process:
    """Start a delivering worker process."""
    environment = {**os.environ, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.broadcast_worker", url, api_url, str(offset),
        env=environment, cwd=str(Path(__file__).resolve().parent.parent),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)


async def not_sent(url: str) -> int:
    """Outbox rows that are not marked sent."""
    database = Database(url)
    try:
        async with database.read() as connection:
            count = await connection.scalar(select(func.count()).select_from(outbox_table)
                                            .where(outbox_table.c.status != outbox.SENT))
    finally:
        await database.dispose()
    return int(count or 0)


async def in_flight(url: str, killed_at: datetime) -> int:
    """Rows a killed worker had claimed and not recorded: pending under its lease."""
    database = Database(url)
    try:
        async with database.read() as connection:
            count = await connection.scalar(select(func.count()).select_from(outbox_table).where(
                outbox_table.c.status == outbox.PENDING,
                outbox_table.c.not_before > killed_at + LEASE / 2))
    finally:
        await database.dispose()
    return int(count or 0)


def numbers_received(fake: FakeTelegram) -> dict[int, list[int]]:
    """Each chat's message numbers (``#n``) in the order the chat received them."""
    received: dict[int, list[int]] = {}
    for (chat, _), message in sorted(fake.messages.items(), key=lambda item: item[0][1]):
        found = re.search(r"#(\d+)", message.get("text") or message.get("caption") or "")
        if found:
            received.setdefault(chat, []).append(int(found.group(1)))
    return received


def out_of_order(received: dict[int, list[int]]) -> int:
    """Chats that saw a message after a later one (a repeat right after itself is fine)."""
    broken = 0
    for numbers in received.values():
        collapsed = [number for index, number in enumerate(numbers)
                     if index == 0 or number != numbers[index - 1]]
        broken += any(later <= earlier for earlier, later in itertools.pairwise(collapsed))
    return broken


@asynccontextmanager
async def fake_bot_api(groups: int) -> AsyncIterator[FakeTelegram]:
    """A fake Bot API at Telegram's flood limits, whose bot is in every village group."""
    async with FakeTelegram.running(flood_limits=True) as fake:
        for index in range(groups):
            fake.know(group_chat(chat_id(index), f"村{index}"))
        yield fake


def _clean_figures(fake: FakeTelegram, groups: int, unsent: int,
                   rate: float) -> list[Figure]:
    """Rate, groups lost or doubled, and rows left of the broadcast that ran through."""
    delivered = fake.delivered()
    counts: Counter[int] = Counter({chat_id(index): delivered[chat_id(index)]
                                    for index in range(groups)})
    return [
        at_least("broadcast achieved rate", 0.95 * OVERALL_PER_SECOND, rate, "msg/s",
                 f"{groups} groups, limit {OVERALL_PER_SECOND}/s and 20/min per group; "
                 f"{fake.refused_429()} answered 429"),
        exactly("broadcast groups lost", 0, sum(count == 0 for count in counts.values()),
                "groups"),
        exactly("broadcast groups doubled", 0, sum(count > 1 for count in counts.values()),
                "groups"),
        exactly("broadcast 429 left unhandled", 0, unsent, "rows",
                "outbox rows not sent at the end"),
    ]


async def run(work: Path, groups: int = GROUPS) -> list[Figure]:
    """The clean broadcast, then the one killed halfway and restarted."""
    figures: list[Figure] = []
    async with fake_bot_api(groups) as fake:
        url = f"sqlite+aiosqlite:///{work / 'broadcast.db'}"
        await build(url, groups)
        worker = await start_worker(url, fake.api_url, 0)
        _, errors = await worker.communicate()
        if worker.returncode:
            raise RuntimeError(errors.decode()[-2000:])
        times = fake.delivery_times()
        span = times[-1] - times[0] if len(times) > 1 else 0.0
        rate = (len(times) - 1) / span if span else 0.0
        figures += _clean_figures(fake, groups, await not_sent(url), rate)

    figures += await killed_run(work, groups // KILLED_PER_GROUP)
    return figures


KILLED_PER_GROUP = 2  # messages to each group in the killed run: the same 2,000 in all


async def killed_run(work: Path, groups: int) -> list[Figure]:
    """Kill the worker with SIGKILL halfway, start another; count lost, doubled, order."""
    total = groups * KILLED_PER_GROUP
    async with fake_bot_api(groups) as fake:
        url = f"sqlite+aiosqlite:///{work / 'broadcast_killed.db'}"
        await build(url, groups, KILLED_PER_GROUP)
        worker = await start_worker(url, fake.api_url, 0)
        while len(fake.messages) < total // 2 and worker.returncode is None:
            await asyncio.sleep(0.005)
        await asyncio.sleep(random.uniform(0, 1 / OVERALL_PER_SECOND))
        killed_after = len(fake.messages)
        killed_at = SystemClock().now()
        with suppress(ProcessLookupError):
            worker.send_signal(signal.SIGKILL)
        _, errors = await worker.communicate()
        if worker.returncode not in (0, -signal.SIGKILL):
            raise RuntimeError(errors.decode()[-2000:])
        claimed = await in_flight(url, killed_at)
        # The restarted worker stands for one started after the killed one's lease ran out.
        worker = await start_worker(url, fake.api_url, LEASE.total_seconds() + 1)
        _, errors = await worker.communicate()
        if worker.returncode:
            raise RuntimeError(errors.decode()[-2000:])
        received = numbers_received(fake)
        unsent = await not_sent(url)
    copies = Counter((chat, number) for chat, numbers in received.items() for number in numbers)
    expected = {(chat_id(index), number) for index in range(groups)
                for number in range(1, KILLED_PER_GROUP + 1)}
    lost = len(expected - set(copies))
    doubled = sum(count - 1 for count in copies.values())
    how = f"{total} messages to {groups} groups, SIGKILL after {killed_after} deliveries"
    return [
        exactly("broadcast killed+restart messages lost", 0, lost, "messages", how),
        at_most("broadcast killed+restart messages doubled", claimed, doubled, "messages",
                f"at most the {claimed} in flight (claimed, not recorded) at the kill"),
        exactly("broadcast killed+restart chats out of order", 0, out_of_order(received),
                "chats", "a chat saw a message after a later one"),
        exactly("broadcast killed+restart 429 left unhandled", 0, unsent, "rows",
                "outbox rows not sent at the end"),
    ]
