"""Bookkeeping of timed jobs: when each last ran and how it ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import job_run


@dataclass(frozen=True, slots=True)
class JobRun:
    """The last run of one job."""

    name: str
    last_started_at: datetime | None
    last_finished_at: datetime | None
    last_error: str | None
    runs: int
    failures: int


async def started(connection: AsyncConnection, name: str, now: datetime) -> None:
    """Record that a job started."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(job_run).values(
        name=name, last_started_at=now, runs=0, failures=0,
    ).on_conflict_do_update(index_elements=["name"], set_={"last_started_at": now})
    await connection.execute(statement)


async def finished(connection: AsyncConnection, name: str, now: datetime,
                   error: str | None) -> None:
    """Record how a job's run ended."""
    values = {"last_finished_at": now, "last_error": error, "runs": job_run.c.runs + 1}
    if error is not None:
        values["failures"] = job_run.c.failures + 1
    await connection.execute(update(job_run).where(job_run.c.name == name).values(**values))


async def all_runs(connection: AsyncConnection) -> dict[str, JobRun]:
    """Return the last run of every job that ever ran, by name."""
    rows = await connection.execute(select(job_run))
    return {row.name: JobRun(row.name, row.last_started_at, row.last_finished_at,
                             row.last_error, row.runs, row.failures) for row in rows}
