"""``wuchang run``: the HTTP app, the scheduler and every configured channel in one loop."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import uvicorn

from bot.channels import configured
from bot.http import build_http_app
from bot.settings import Settings
from bot.wiring import App, build_app, settle_heap
from schedules.scheduler import Scheduler
from storage import outbox

logger = logging.getLogger(__name__)

INTAKE_STOP_SECONDS = 30.0


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: ``serve`` decides how the process stops.

    uvicorn re-raises a captured SIGTERM after it shuts down, which would kill the
    process before the scheduler and the database are closed.
    """

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve(settings: Settings, tune: Callable[[App], None] | None = None) -> None:
    """Run until SIGTERM or Ctrl-C, then stop the channels, the scheduler and the database.

    ``tune`` may adjust the wired app before anything starts (tests shorten its intervals).
    """
    app = await build_app(settings)
    if tune is not None:
        tune(app)
    if app.context.db.is_sqlite:
        await release_claims(app)
    channels = configured(app, settings)
    for channel in channels:
        app.add_channel(channel)
    scheduler = Scheduler(app.context, app.jobs, app.worker)
    routes = [route for channel in channels for route in channel.routes()]
    server = _Server(uvicorn.Config(
        build_http_app(app, routes), host=settings.http_host, port=settings.http_port,
        log_level="info", lifespan="off"))
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(stop_signal, _stop, server, stop_signal)
    try:
        for channel in channels:
            await channel.start()
        await scheduler.start()
        settle_heap()
        logger.info("wuchang running: channels %s, http on %s:%d",
                    [channel.name for channel in channels] or "none", settings.http_host,
                    settings.http_port)
        await server.serve()
    finally:
        scheduler.shutdown()
        await app.intake.stop(INTAKE_STOP_SECONDS)
        for channel in reversed(channels):
            await channel.stop()
        await app.close()
        logger.info("wuchang stopped")


async def release_claims(app: App) -> None:
    """On SQLite this is the only worker: rows it claimed before a crash are due at once.

    An outbox row in doubt goes first in its chat (and may reach it twice); an inbox
    row is handled again, its change made once (``schedules.intake``).
    """
    now = app.context.clock.now()
    async with app.context.db.write() as connection:
        sends = await outbox.release_claims(connection, now)
    updates = await app.intake.release_claims()
    if sends or updates:
        logger.info("taking up %d outbox rows and %d inbox rows left in hand by the last run",
                    sends, updates)


def _stop(server: uvicorn.Server, received: signal.Signals) -> None:
    logger.info("received %s, stopping", received.name)
    server.should_exit = True
