"""The timed jobs: each finds its work in the database, so a missed run is caught up."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from storage import jobs as job_log
from storage.context import Context

logger = logging.getLogger(__name__)

JobFunction = Callable[[Context], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class Job:
    """A job: its name, how often the scheduler runs it, and what it does."""

    name: str
    every_seconds: int
    run: JobFunction


async def run_job(context: Context, job: Job) -> bool:
    """Run one job, recording its start, end and any error; return whether it succeeded."""
    async with context.db.write() as connection:
        await job_log.started(connection, job.name, context.clock.now())
    error: str | None = None
    try:
        await job.run(context)
    except Exception as failure:
        logger.exception("job %s failed", job.name)
        error = repr(failure)
    async with context.db.write() as connection:
        await job_log.finished(connection, job.name, context.clock.now(), error)
    return error is None


async def run_all(context: Context, jobs: list[Job]) -> None:
    """Run every job once, in order: what the replay's tick and the start-up catch-up do."""
    for job in jobs:
        await run_job(context, job)
