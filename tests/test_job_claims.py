"""Each timed job runs once per due time, whichever workers are up (issue 22 item 13)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.wiring import App
from core.clock import ManualClock
from schedules.jobs import Job, due_time, run_claimed
from storage.context import Context


async def test_a_job_runs_once_per_due_time_across_workers(app: App, clock: ManualClock) -> None:
    runs: list[str] = []

    async def work(context: Context) -> None:
        runs.append(context.clock.now().isoformat())

    job = Job("sweep", 60, work)
    clock.set(due_time(job, clock.now()) + timedelta(seconds=5))
    outcomes = await asyncio.gather(*(run_claimed(app.context, job, f"worker-{number}")
                                      for number in range(3)))
    assert sorted(outcomes, key=str) == [None, None, True] and len(runs) == 1
    clock.set(clock.now() + timedelta(seconds=54))  # still the same due time
    assert await run_claimed(app.context, job, "worker-2") is None
    clock.set(clock.now() + timedelta(seconds=1))  # the next one
    assert await run_claimed(app.context, job, "worker-2") is True
    assert len(runs) == 2


async def test_a_job_every_worker_runs_is_not_claimed(app: App) -> None:
    runs: list[int] = []

    async def work(context: Context) -> None:
        runs.append(1)

    job = Job("drain", 2, work, every_worker=True)
    await asyncio.gather(*(run_claimed(app.context, job, f"w{number}") for number in range(3)))
    assert len(runs) == 3
