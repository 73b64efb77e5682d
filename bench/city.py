"""Benchmarks 3 and 4: a city-scale month of flags, and a ledger of 1,000,000 issues.

The city is one database: 2,400 villages in 120 grids, a 屋场 and a head per village,
and 1,000,000 issues spread over 100 months (about 10,000 a month), written with
SQLAlchemy Core ``executemany`` in large batches rather than through the handlers.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from sqlalchemy import insert, select, text
from sqlalchemy.dialects import sqlite

from bench.common import START, Figure, Stopwatch, below, info
from bot.files.ledger_xlsx import write_ledger
from bot.settings import Settings
from bot.wiring import build_app
from core.clock import ManualClock
from core.flags import (
    Flag,
    Scheme,
    VillageMonth,
    YellowHistory,
    consequences,
    month_bounds,
    rank_flags,
    settle,
)
from core.issues import CATEGORIES, Level, Status
from handlers.pictures import render_grid
from schedules.issues import SWEEP_BATCH, sweep_deadlines
from storage import issues
from storage.db import Database
from storage.schema import event, grid, homestead, issue, person, township, village

GRIDS, VILLAGES_PER_GRID = 120, 20
ISSUES = 1_000_000
MONTHS = 100
OVERDUE = 100  # village-level issues past their report deadline when the sweep runs
BATCH = 50_000
EXPORT_MONTH = "2026-10"
SCHEME = Scheme(name="bench", categories=("党建引领发展", "和美家园建设", "整体协同智治",
                                          "文明新风培育", "美丽经济发展"))


def villages() -> list[tuple[str, str]]:
    """(village, grid) of the city, in grid order."""
    return [(f"村{g:03d}-{v:02d}", f"网格{g:03d}") for g in range(GRIDS)
            for v in range(VILLAGES_PER_GRID)]


def month_of(village_count: int, seed: int = 8,
             ) -> tuple[list[VillageMonth], dict[str, tuple[int, int, int]]]:
    """Random scores for every village and category, and a yellow history for each."""
    rng = random.Random(seed)
    months = [VillageMonth(name, grid, {category: round(rng.uniform(60, 100), 1)
                                        for category in SCHEME.categories},
                           vetoed=rng.random() < 0.01,
                           hosted_onsite_last_month=rng.random() < 0.01)
              for name, grid in villages()[:village_count]]
    history = {found.village: (rng.randint(0, 3), rng.randint(0, 6), rng.randint(0, 3))
               for found in months}
    return months, history


def run_ranking() -> list[Figure]:
    """Rank, settle and find the consequences of one month of 2,400 villages; then draw 120."""
    months, history = month_of(GRIDS * VILLAGES_PER_GRID)
    with Stopwatch() as watch:
        placements = rank_flags(SCHEME, months)
        settlements = settle(SCHEME, placements)
        yellow: dict[str, int] = {}
        for placement in placements:
            if placement.flag is Flag.YELLOW:
                yellow[placement.village] = yellow.get(placement.village, 0) + 1
        found = {village: consequences(SCHEME.consequences, YellowHistory(
            yellow.get(village, 0), (previous,), earlier, months_before))
            for village, (previous, earlier, months_before) in history.items()}
    assert len(settlements) == len(months) and len(found) == len(months)
    by_grid: dict[str, list[Any]] = {}
    for placement in placements:
        by_grid.setdefault(placement.grid, []).append(placement)
    with Stopwatch() as drawing:
        sizes = [len(render_grid(f"2026-10 {grid} 红黄旗", SCHEME.categories, members, "bench"))
                 for grid, members in sorted(by_grid.items())]
    return [
        below("city ranking+settlement+consequences", 1, watch.seconds, "s",
              f"{len(months)} villages, {GRIDS} grids x {len(SCHEME.categories)} categories"),
        below("city render grid pictures", 60, drawing.seconds, "s",
              f"{len(sizes)} PNGs of {VILLAGES_PER_GRID} villages, "
              f"{sum(sizes) // len(sizes) // 1024} KiB each"),
    ]


async def build(url: str, issue_count: int = ISSUES) -> dict[str, Any]:
    """Migrate and fill the city database; return what the benchmarks need to know."""
    database = Database(url)
    await database.migrate()
    rng = random.Random(4)
    now = START.astimezone(UTC)
    today = START.date()
    city = villages()
    export_from, export_before = month_bounds(START.tzinfo, EXPORT_MONTH)  # type: ignore[arg-type]
    with Stopwatch() as watch:
        async with database.write() as connection:
            await connection.execute(insert(township), [{"id": 1, "name": "城区"}])
            await connection.execute(insert(grid), [
                {"id": g + 1, "township_id": 1, "name": f"网格{g:03d}"} for g in range(GRIDS)])
            await connection.execute(insert(village), [
                {"id": index + 1, "township_id": 1, "grid_id": index // VILLAGES_PER_GRID + 1,
                 "name": name} for index, (name, _) in enumerate(city)])
            await connection.execute(insert(homestead), [
                {"id": index + 1, "village_id": index + 1, "name": "屋场"}
                for index in range(len(city))])
            await connection.execute(insert(person), [
                {"id": index + 1, "code": f"P{index:05d}", "name": f"屋场长{index}",
                 "township_id": 1, "village_id": index + 1, "homestead_id": index + 1,
                 "age": 45, "party_member": True, "role": "head"}
                for index in range(len(city))])
        span = (now - timedelta(days=30 * MONTHS)).timestamp(), export_before.timestamp()
        overdue_ids = set(rng.sample(range(issue_count), OVERDUE))
        for start in range(0, issue_count, BATCH):
            rows = [_issue_row(number, rng, span, today, number in overdue_ids, len(city))
                    for number in range(start, min(start + BATCH, issue_count))]
            async with database.write() as connection:
                await connection.execute(insert(issue), rows)
        async with database.write() as connection:
            exported = [row.id for row in await connection.execute(select(issue.c.id).where(
                issue.c.created_at >= export_from, issue.c.created_at < export_before))]
            events = [{"at": now, "stream": f"issue:{number}", "kind": kind, "actor_id": 1,
                       "payload": json.dumps({"title": f"问题{number}"}, ensure_ascii=False),
                       "prev_hash": "0" * 64, "hash": "0" * 64}
                      for number in exported for kind in ("issue.raised", "issue.categorised")]
            for start in range(0, len(events), BATCH):
                await connection.execute(insert(event), events[start:start + BATCH])
    if database.is_sqlite:
        async with database.engine.connect() as connection:
            await connection.exec_driver_sql("ANALYZE")
    await database.dispose()
    return {"seconds": watch.seconds, "exported": len(exported), "issues": issue_count}


def _issue_row(number: int, rng: random.Random, span: tuple[float, float], today: date,
               overdue: bool, homesteads: int) -> dict[str, Any]:
    created = datetime.fromtimestamp(rng.uniform(*span), UTC)
    roll = rng.random()
    deadline = None
    if overdue:
        level, status, deadline = Level.VILLAGE, Status.OPEN, today - timedelta(days=3)
    elif roll < 0.6:
        level, status = Level.HOMESTEAD, Status.CLOSED
    elif roll < 0.85:
        level, status = Level.TOWNSHIP, Status.ASSIGNED
    else:  # handled at the village: most long closed, a few waiting with a future deadline
        level = Level.VILLAGE
        status = Status.OPEN if roll > 0.995 else Status.CLOSED
        deadline = today + timedelta(days=rng.randint(1, 5)) if status is Status.OPEN \
            else created.date() + timedelta(days=7)
    homestead_id = number % homesteads + 1
    return {"homestead_id": homestead_id, "raised_by": homestead_id, "title": f"问题{number}",
            "category": CATEGORIES[number % len(CATEGORIES)], "level": level.value,
            "status": status.value, "deadline": deadline, "overdue": False,
            "created_at": created, "updated_at": created}


async def run_sweep(settings: Settings, label: str, console: Console) -> list[Figure]:
    """Find the overdue village issues (timed; plan shown), then the full sweep job."""
    clock = ManualClock(START)
    app = await build_app(settings, clock)
    try:
        today = START.date()
        async with app.context.db.read() as connection:
            with Stopwatch() as watch:
                found = await issues.overdue_at_village(connection, today, SWEEP_BATCH)
            plan = await _plan(connection, today)
        console.print(f"[bold]sweep[{label}] query plan[/bold]\n{plan}")
        with Stopwatch() as sweeping:
            moved = await sweep_deadlines(app.context)
    finally:
        await app.close()
    uses_index = "ix_issue_sweep" in plan
    return [
        below(f"sweep[{label}] find overdue in 1M issues", 1, watch.seconds, "s",
              f"{len(found)} found; index ix_issue_sweep {'used' if uses_index else 'NOT used'}"),
        Figure(f"sweep[{label}] uses index ix_issue_sweep", "yes", float(uses_index), "bool",
               uses_index),
        info(f"sweep[{label}] full sweep job (find + escalate)", sweeping.seconds, "s",
             f"{moved} issues escalated with events and outbox rows"),
    ]


async def _plan(connection: Any, today: date) -> str:
    """EXPLAIN of the sweep's own statement on this database."""
    statement = select(issue).where(
        issue.c.level == Level.VILLAGE.value,
        issue.c.status.in_([Status.OPEN.value, Status.ESCALATED.value]),
        issue.c.deadline < today,
    ).order_by(issue.c.deadline, issue.c.id).limit(SWEEP_BATCH)
    if connection.dialect.name == "sqlite":
        compiled = str(statement.compile(dialect=sqlite.dialect(),
                                         compile_kwargs={"literal_binds": True}))
        rows = await connection.execute(text("EXPLAIN QUERY PLAN " + compiled))
        return "\n".join(f"  {row[-1]}" for row in rows)
    compiled = str(statement.compile(dialect=connection.dialect,
                                     compile_kwargs={"literal_binds": True}))
    rows = await connection.execute(text("EXPLAIN " + compiled))
    return "\n".join(f"  {row[0]}" for row in rows)


async def run_export(settings: Settings, work: Path, console: Console) -> list[Figure]:
    """Write one month's ledger of the township as xlsx, with a progress bar."""
    clock = ManualClock(START)
    app = await build_app(settings, clock)
    try:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task(f"xlsx {EXPORT_MONTH}", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            with Stopwatch() as watch:
                count = await write_ledger(
                    app.context, work / "ledger.xlsx",
                    month=month_bounds(app.context.timezone, EXPORT_MONTH), village=None,
                    progress=advance)
    finally:
        await app.close()
    size = (work / "ledger.xlsx").stat().st_size
    return [below("export xlsx one township-month", 20, watch.seconds, "s",
                  f"{count} issues with 2 events each, {size // 1024} KiB")]
