"""``wuchang run``: the HTTP app, the scheduler and every configured channel in one loop."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.routing import BaseRoute

from bot.http import build_http_app
from bot.settings import Settings
from bot.telegram import CHANNEL as TELEGRAM
from bot.telegram import TelegramChannel
from bot.wecom import CHANNEL as WECOM
from bot.wecom import WeComChannel
from bot.wiring import build_app, settle_heap
from schedules.scheduler import Scheduler

logger = logging.getLogger(__name__)


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: ``serve`` decides how the process stops.

    uvicorn re-raises a captured SIGTERM after it shuts down, which would kill the
    process before the scheduler and the database are closed.
    """

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve(settings: Settings) -> None:
    """Run until SIGTERM or Ctrl-C, then stop the scheduler and close the database."""
    app = await build_app(settings)
    channels: list[str] = []
    routes: list[BaseRoute] = []
    telegram = TelegramChannel(app, settings) if settings.telegram_token else None
    if telegram is not None:
        app.add_sender(TELEGRAM, telegram.sender)
        routes += telegram.routes()
        channels.append(TELEGRAM)
    wecom = WeComChannel(app, settings) if settings.wecom_enabled else None
    if wecom is not None:
        app.add_sender(WECOM, wecom.sender)
        routes += wecom.routes()
        channels.append(WECOM)
    scheduler = Scheduler(app.context, app.jobs)
    server = _Server(uvicorn.Config(
        build_http_app(app, routes), host=settings.http_host, port=settings.http_port,
        log_level="info", lifespan="off"))
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(stop_signal, _stop, server, stop_signal)
    if telegram is not None:
        await telegram.start()
    await scheduler.start()
    settle_heap()
    logger.info("wuchang running: channels %s, http on %s:%d", channels or "none",
                settings.http_host, settings.http_port)
    try:
        await server.serve()
    finally:
        scheduler.shutdown()
        if telegram is not None:
            await telegram.stop()
        if wecom is not None:
            await wecom.close()
        await app.close()
        logger.info("wuchang stopped")


def _stop(server: uvicorn.Server, received: signal.Signals) -> None:
    logger.info("received %s, stopping", received.name)
    server.should_exit = True
