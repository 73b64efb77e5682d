"""``/healthz``: the database, the timed jobs' last runs and the outbox backlog, 200 or 503.

A monitor (compose's healthcheck, a load balancer, Zabbix) needs one answer: 503 when the
database does not answer or has an old schema, when a job has not finished a run for
three of its intervals (at least ten minutes), or when more messages wait in the outbox
than ``WUCHANG_HEALTH_BACKLOG`` (command menus left out). A job that has never run (the
service just started) is not late.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.wiring import App
from storage import jobs as job_log
from storage import menus, outbox
from storage.db import head_revision

logger = logging.getLogger(__name__)

SLACK = timedelta(minutes=10)
LATE_AFTER_INTERVALS = 3


async def report(app: App) -> tuple[bool, dict[str, Any]]:
    """Whether the service is healthy, and what the health check found."""
    try:
        schema = await app.context.db.schema_version()
        async with app.context.db.read() as connection:
            runs = await job_log.all_runs(connection)
            # Menus are not messages people wait for: many go out spread after an upgrade.
            backlog = await outbox.backlog(connection, leave_out=menus.KEY_PREFIX)
    except Exception as error:  # any failure to reach the database is the answer itself
        logger.warning("health check: the database does not answer: %s", error)
        return False, {"ok": False, "database": "unreachable"}
    now = app.context.clock.now()
    jobs = []
    for job in app.jobs:
        last = runs.get(job.name)
        allowed = max(timedelta(seconds=job.every_seconds * LATE_AFTER_INTERVALS), SLACK)
        finished = last.last_finished_at if last else None
        late = last is not None and (finished is None or now - finished > allowed)
        jobs.append({"name": job.name, "last_finished": finished.isoformat() if finished else None,
                     "failures": last.failures if last else 0,
                     "last_error": last.last_error if last else None, "late": late})
    pending = sum(count for (_, state), count in backlog.items() if state == "pending")
    failed = sum(count for (_, state), count in backlog.items() if state == "failed")
    schema_ok = schema == head_revision()
    backlog_ok = pending <= app.settings.health_backlog
    ok = schema_ok and backlog_ok and not any(job["late"] for job in jobs)
    return ok, {"ok": ok, "schema": schema, "database": "ok" if schema_ok else "outdated",
                "jobs": jobs, "outbox": {"pending": pending, "failed": failed,
                                         "limit": app.settings.health_backlog}}


def healthz_route(app: App) -> Any:
    """The Starlette endpoint of ``/healthz``."""

    async def healthz(request: Request) -> Response:
        ok, found = await report(app)
        return JSONResponse(found, status_code=200 if ok else 503)

    return healthz
