"""``wuchang run`` as the multi-worker and kill tests start it, with short intervals.

``python -m tests.worker`` serves exactly as ``wuchang run`` (the same ``serve``), only
with every timed job due every few seconds and claims that lapse in seconds rather
than minutes, so a test can cross due times and take over a dead worker's rows
within a minute.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from dataclasses import replace
from datetime import timedelta

from bot.service import serve
from bot.settings import load_settings
from bot.wiring import App

JOB_SECONDS = 3
LEASE = timedelta(seconds=4)


def shorten(app: App) -> None:
    """Every job due every JOB_SECONDS; outbox and inbox claims lapse after LEASE."""
    app.jobs[:] = [job if job.every_worker else replace(job, every_seconds=JOB_SECONDS)
                   for job in app.jobs]
    app.dispatcher.lease = LEASE
    app.intake.lease = LEASE


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, stream=sys.stdout,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(serve(load_settings(), shorten))
