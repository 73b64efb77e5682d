"""Bookkeeping of timed jobs: when each last ran and how it ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import job_claim, job_run


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


async def claim_run(connection: AsyncConnection, name: str, due_at: datetime, worker: str,
                    now: datetime) -> bool:
    """Take the run of job ``name`` for ``due_at``; False if a worker took it already."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(job_claim).values(
        name=name, due_at=due_at, claimed_at=now, worker=worker,
    ).on_conflict_do_nothing(index_elements=["name", "due_at"])
    return bool((await connection.execute(statement)).rowcount)


async def prune_claims(connection: AsyncConnection, name: str, due_before: datetime) -> int:
    """Forget the claims of job ``name``'s runs due before ``due_before``."""
    result = await connection.execute(delete(job_claim).where(
        job_claim.c.name == name, job_claim.c.due_at < due_before))
    return result.rowcount
