"""The APScheduler 3 scheduler that runs the jobs while the service is up."""

from __future__ import annotations

import logging

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from schedules.jobs import Job, run_claimed
from storage.context import Context

logger = logging.getLogger(__name__)


class Scheduler:
    """Runs each job on its interval; a late run is run late, never silently skipped."""

    def __init__(self, context: Context, jobs: list[Job], worker: str) -> None:
        self.context = context
        self.jobs = jobs
        self.worker = worker
        # APScheduler's default misfire_grace_time of 1 s would drop a late run
        # without a word; jobs find their own work, so a late run is always right.
        self._scheduler = AsyncIOScheduler(
            timezone=context.timezone,
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        self._scheduler.add_listener(self._on_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED)

    async def start(self) -> None:
        """Catch up on whatever fell due while the service was down, then start the timers.

        Each run is claimed for its due time first, so with several workers on one
        database a job runs once per due time (``run_claimed``).
        """
        for job in self.jobs:
            await run_claimed(self.context, job, self.worker)
        for job in self.jobs:
            self._scheduler.add_job(run_claimed, "interval", seconds=job.every_seconds,
                                    args=[self.context, job, self.worker], id=job.name,
                                    name=job.name)
        self._scheduler.start()
        logger.info("scheduler started with %d jobs", len(self.jobs))

    def shutdown(self) -> None:
        """Stop the timers; a job that is running finishes first."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def _on_event(self, event: JobExecutionEvent) -> None:
        if event.code == EVENT_JOB_MISSED:
            logger.warning("job %s missed its run at %s", event.job_id, event.scheduled_run_time)
        else:
            logger.error("job %s raised %r", event.job_id, event.exception)
