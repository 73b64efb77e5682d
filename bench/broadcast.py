"""Benchmark 2: one month's flags to 2,000 Telegram groups at the Bot API's flood limits.

Each village group gets its result with its grid's picture, queued in the outbox as
``handlers.flags.publish`` queues them, and delivered by a separate worker process
through the Telegram adapter against a fake Bot API that enforces 30 messages a
second and 20 a minute per group. The second run kills the worker halfway with
SIGKILL and starts a new one; the fake counts what each group received.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path

from sqlalchemy import func, insert, select

from bench.common import START, Figure, at_least, exactly
from bench.fake_bot_api import OVERALL_PER_SECOND, FakeTelegram, group_chat
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


async def build(url: str, groups: int = GROUPS) -> None:
    """A township of ``groups`` villages, each with one 屋场 bound to a Telegram group."""
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
        for index in range(groups):
            await outbox.to_homesteads(
                connection, [index + 1], key=f"flags:1:2026-10:v1:{index + 1}",
                text=f"2026-10 村{index} 红黄旗结果：红旗 无；黄旗 无；奖惩 无", image=picture,
                now=START)
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


@asynccontextmanager
async def fake_bot_api(groups: int) -> AsyncIterator[FakeTelegram]:
    """A fake Bot API at Telegram's flood limits, whose bot is in every village group."""
    async with FakeTelegram.running(flood_limits=True) as fake:
        for index in range(groups):
            fake.know(group_chat(chat_id(index), f"村{index}"))
        yield fake


def _figures(label: str, fake: FakeTelegram, groups: int, unsent: int,
             rate: float | None) -> list[Figure]:
    delivered = fake.delivered()
    counts: Counter[int] = Counter({chat_id(index): delivered[chat_id(index)]
                                    for index in range(groups)})
    lost = sum(1 for count in counts.values() if count == 0)
    doubled = sum(1 for count in counts.values() if count > 1)
    figures = []
    if rate is not None:
        figures.append(at_least(f"broadcast{label} achieved rate", 0.95 * OVERALL_PER_SECOND,
                                rate, "msg/s",
                                f"{groups} groups, limit {OVERALL_PER_SECOND}/s and 20/min "
                                f"per group; {fake.refused_429()} answered 429"))
    figures += [
        exactly(f"broadcast{label} groups lost", 0, lost, "groups"),
        exactly(f"broadcast{label} groups doubled", 0, doubled, "groups"),
        exactly(f"broadcast{label} 429 left unhandled", 0, unsent, "rows",
                "outbox rows not sent at the end"),
    ]
    return figures


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
        figures += _figures("", fake, groups, await not_sent(url), rate)

    async with fake_bot_api(groups) as fake:
        url = f"sqlite+aiosqlite:///{work / 'broadcast_killed.db'}"
        await build(url, groups)
        worker = await start_worker(url, fake.api_url, 0)
        while len(fake.messages) < groups // 2 and worker.returncode is None:
            await asyncio.sleep(0.005)
        await asyncio.sleep(random.uniform(0, 1 / OVERALL_PER_SECOND))
        killed_after = len(fake.messages)
        with suppress(ProcessLookupError):
            worker.send_signal(signal.SIGKILL)
        _, errors = await worker.communicate()
        if worker.returncode not in (0, -signal.SIGKILL):
            raise RuntimeError(errors.decode()[-2000:])
        # The restarted worker stands for one started after the killed one's lease ran out.
        worker = await start_worker(url, fake.api_url, LEASE.total_seconds() + 1)
        _, errors = await worker.communicate()
        if worker.returncode:
            raise RuntimeError(errors.decode()[-2000:])
        killed = _figures(" killed+restart", fake, groups, await not_sent(url), None)
        figures += [Figure(found.name, found.target, found.measured, found.unit, found.passed,
                           f"SIGKILL after {killed_after} deliveries"
                           if "lost" in found.name else found.note) for found in killed]
    return figures

