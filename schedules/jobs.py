"""The timed jobs: each finds its work in the database, so a missed run is caught up."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from storage import jobs as job_log
from storage.context import Context

logger = logging.getLogger(__name__)

JobFunction = Callable[[Context], Awaitable[object]]
KEEP_CLAIMS = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Job:
    """A job: its name, how often the scheduler runs it, and what it does.

    A job runs once per due time whichever workers are up (``run_claimed``), unless
    ``every_worker``: the outbox and inbox drains run in each worker, claiming rows.
    """

    name: str
    every_seconds: int
    run: JobFunction
    every_worker: bool = False


def due_time(job: Job, now: datetime) -> datetime:
    """The due time a run at ``now`` stands for: the start of its interval, counted from 1970."""
    seconds = int(now.timestamp()) // job.every_seconds * job.every_seconds
    return datetime.fromtimestamp(seconds, UTC)


async def run_claimed(context: Context, job: Job, worker: str) -> bool | None:
    """Run a job unless another worker ran it for this due time; None when it did.

    The claim is a row per job and due time, inserted by the one worker that runs it:
    several ``wuchang run`` on one database run each job once per due time.
    """
    if not job.every_worker:
        now = context.clock.now()
        due = due_time(job, now)
        async with context.db.write() as connection:
            if not await job_log.claim_run(connection, job.name, due, worker, now):
                logger.debug("job %s due %s was run by another worker", job.name, due)
                return None
            await job_log.prune_claims(connection, job.name, due - KEEP_CLAIMS)
        logger.debug("job %s due %s runs in worker %s", job.name, due.isoformat(), worker)
    return await run_job(context, job)


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
