"""Benchmark 1: 10,000 villagers in 250 屋场 press 签到 within one minute.

The presses go through ``Router.handle`` exactly as the console channel builds them
(the button payload ``checkin:<meeting id>``), after importing a generated roster
with the admin's import, binding console accounts and groups the way replay does,
and opening one meeting per 屋场 through ``storage.meetings``.
"""

from __future__ import annotations

import asyncio
import csv
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import aiosqlite
from sqlalchemy import func, select

from bench.common import START, Figure, at_least, at_most, exactly, info, percentile
from bot.admin import import_roster_file
from bot.channels.console import CHANNEL, ConsoleChannel
from bot.settings import Settings
from bot.wiring import App, build_app, settle_heap
from core import texts
from core.clock import ManualClock
from core.messages import ChatKind, Incoming
from core.roles import Role
from storage import meetings, org
from storage.schema import meeting_checkin

HOMESTEADS = 250
PERSONS_PER_HOMESTEAD = 40  # 20 households of two
HOMESTEADS_PER_VILLAGE = 5
VILLAGES_PER_GRID = 10
CONCURRENCY = 16  # presses in flight at once; SQLite writers queued together share a commit
HEADER = ("编号", "姓名", "镇", "网格", "村", "屋场", "户号", "在家", "党员", "年龄", "角色",
          "手机")


@dataclass(frozen=True, slots=True)
class Press:
    """One villager's press of 签到 in their 屋场 group."""

    code: str
    chat_id: str
    meeting_id: int


def write_roster(path: Path, homesteads: int = HOMESTEADS,
                 per_homestead: int = PERSONS_PER_HOMESTEAD) -> int:
    """A roster CSV of ``homesteads`` 屋场 with ``per_homestead`` persons each; return persons."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for index in range(homesteads):
            village = index // HOMESTEADS_PER_VILLAGE
            grid = village // VILLAGES_PER_GRID
            for member in range(per_homestead):
                role = "屋场长" if member == 0 else "记录员" if member == 1 else "村民"
                count += 1
                writer.writerow((f"B{count:06d}", f"村民{count}", "压测镇", f"网格{grid}",
                                 f"村{village}", f"屋场{index}", member // 2 + 1, "是",
                                 "是" if member < 3 else "否", 30 + member, role, ""))
    return count


async def prepare(settings: Settings, work: Path, homesteads: int = HOMESTEADS,
                  per_homestead: int = PERSONS_PER_HOMESTEAD) -> tuple[App, list[Press]]:
    """Import the roster, bind everyone on the console, open a meeting in every 屋场."""
    clock = ManualClock(START)
    app = await build_app(settings, clock)
    roster = work / f"roster_{homesteads}x{per_homestead}.csv"
    write_roster(roster, homesteads, per_homestead)
    await import_roster_file(app, roster)
    console = ConsoleChannel(app.context, lambda message, chat: None)
    await console.bind_everyone(set(), set())
    presses: list[Press] = []
    async with app.context.db.write() as connection:
        for homestead in await org.all_homesteads(connection):
            head = (await org.persons_with_role(connection, Role.HEAD,
                                                homestead_id=homestead.id))[0]
            meeting_id = await meetings.create(
                connection, homestead_id=homestead.id, starts_at=START + timedelta(minutes=30),
                place="祠堂", topic="压测", status=meetings.SCHEDULED, created_by=head.id,
                now=START)
            resident = await meetings.resident_households(connection, homestead.id)
            await meetings.set_status(connection, meeting_id, meetings.OPEN,
                                      opened_at=START, resident_households=resident)
            for member in await org.persons_with_role(connection, Role.VILLAGER,
                                                      homestead_id=homestead.id):
                presses.append(Press(member.code, f"hs:{homestead.id}", meeting_id))
            for leader in (head, *await org.persons_with_role(
                    connection, Role.RECORDER, homestead_id=homestead.id)):
                presses.append(Press(leader.code, f"hs:{homestead.id}", meeting_id))
    # Interleave the 屋场, as presses from 250 groups arrive mixed together.
    presses.sort(key=lambda press: (int(press.code[1:]) % per_homestead, press.code))
    settle_heap()  # as `wuchang run` does once it has started
    return app, presses


async def press_all(app: App, presses: list[Press],
                    concurrency: int = CONCURRENCY) -> tuple[float, list[float], int]:
    """Feed every press through the router; return (seconds, latencies in ms, confirmed)."""
    queue = iter(presses)
    latencies: list[float] = []
    confirmed = 0
    checked_in_prefix = texts.CHECKED_IN.split("{")[0]

    async def worker() -> None:
        nonlocal confirmed
        for press in queue:
            incoming = Incoming(channel=CHANNEL, chat_id=press.chat_id,
                                chat_kind=ChatKind.GROUP, user_id=press.code,
                                payload=f"checkin:{press.meeting_id}")
            started = time.perf_counter()
            replies = await app.router.handle(app.context, incoming)
            latencies.append((time.perf_counter() - started) * 1000)
            if replies and replies[0].text.startswith(checked_in_prefix) \
                    and not replies[0].extra:
                confirmed += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies, confirmed


async def recorded(app: App) -> tuple[int, int]:
    """Check-in rows stored, and distinct (meeting, person) pairs among them."""
    async with app.context.db.read() as connection:
        rows = await connection.scalar(select(func.count()).select_from(meeting_checkin))
        pairs = await connection.scalar(select(func.count()).select_from(
            select(meeting_checkin.c.meeting_id, meeting_checkin.c.person_id)
            .distinct().subquery()))
    return int(rows or 0), int(pairs or 0)


async def bare_inserts(path: Path, count: int) -> tuple[float, float]:
    """A bare aiosqlite loop, one INSERT per transaction, same pragmas: (per second, p99 ms)."""
    latencies: list[float] = []
    async with aiosqlite.connect(path, isolation_level=None) as connection:
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
            await connection.execute(f"PRAGMA {pragma}")
        await connection.execute(BARE_TABLE)
        started = time.perf_counter()
        for number in range(count):
            began = time.perf_counter()
            await connection.execute("BEGIN IMMEDIATE")
            await connection.execute(
                "INSERT INTO checkin VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (number % 250, number, number // 2, "2026-11-05 11:00:00"))
            await connection.execute("COMMIT")
            latencies.append((time.perf_counter() - began) * 1000)
        return count / (time.perf_counter() - started), percentile(latencies, 99)


async def bare_inserts_postgres(url: str, count: int) -> tuple[float, float]:
    """The same bare loop on PostgreSQL with asyncpg: (per second, p99 ms)."""
    import asyncpg  # type: ignore[import-untyped]

    latencies: list[float] = []
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await connection.execute(BARE_TABLE)
        started = time.perf_counter()
        for number in range(count):
            began = time.perf_counter()
            async with connection.transaction():
                await connection.execute(
                    "INSERT INTO checkin VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                    number % 250, number, number // 2, "2026-11-05 11:00:00")
            latencies.append((time.perf_counter() - began) * 1000)
        return count / (time.perf_counter() - started), percentile(latencies, 99)
    finally:
        await connection.close()


BARE_POSTGRES_INSERTS = 2000
BARE_TABLE = ("CREATE TABLE checkin (meeting_id INTEGER, person_id INTEGER,"
              " household_id INTEGER, at TEXT, PRIMARY KEY (meeting_id, person_id))")


async def run(settings: Settings, work: Path, label: str = "sqlite") -> list[Figure]:
    """The button burst on one database: throughput, p99, exactly-once, and the bare loop.

    The bare loop runs in the same process right after, so on a busy machine the ratios
    to it say more than the absolute figures (issue 23).
    """
    app, presses = await prepare(settings, work)
    try:
        seconds, latencies, confirmed = await press_all(app, presses)
        rows, pairs = await recorded(app)
    finally:
        await app.close()
    rate = len(presses) / seconds
    p99 = percentile(latencies, 99)
    note = (f"{len(presses)} presses in {HOMESTEADS} 屋场 through Router.handle, "
            f"{CONCURRENCY} in flight; p50 {percentile(latencies, 50):.1f} ms")
    figures = [
        at_least(f"burst[{label}] throughput", 2000, rate, "presses/s", note),
        at_most(f"burst[{label}] p99 latency", 50, p99, "ms"),
        exactly(f"burst[{label}] recorded exactly once", len(presses),
                min(rows, pairs, confirmed), "check-ins",
                f"rows {rows}, distinct {pairs}, confirmed replies {confirmed}"),
    ]
    if label == "sqlite":
        bare_rate, bare_p99 = await bare_inserts(work / "bare.db", len(presses))
        how = "aiosqlite: BEGIN IMMEDIATE; INSERT; COMMIT per insert, one after another"
    else:
        # Each commit waits for the disk: fewer inserts keep the run short, the rate the same.
        bare_rate, bare_p99 = await bare_inserts_postgres(settings.database_url,
                                                          BARE_POSTGRES_INSERTS)
        how = (f"asyncpg: BEGIN; INSERT; COMMIT per insert, one after another, "
               f"{BARE_POSTGRES_INSERTS} inserts")
    figures += [
        info(f"burst[{label}] bare insert loop", bare_rate, "inserts/s", how),
        info(f"burst[{label}] handler/bare ratio", rate / bare_rate, "x"),
        info(f"burst[{label}] p99/bare p99 ratio", p99 / bare_p99, "x",
             f"bare loop p99 {bare_p99:.2f} ms"),
    ]
    return figures
