"""``wuchang run``: the HTTP app, the scheduler and every configured channel in one loop."""

from __future__ import annotations

import logging

import uvicorn

from bot.http import build_http_app
from bot.settings import Settings
from bot.wiring import build_app
from schedules.scheduler import Scheduler

logger = logging.getLogger(__name__)


async def serve(settings: Settings) -> None:
    """Run until SIGTERM or Ctrl-C, then stop the scheduler and close the database."""
    app = await build_app(settings)
    channels: list[str] = []
    if settings.telegram_token:
        logger.warning("WUCHANG_TELEGRAM_TOKEN is set but this build has no Telegram channel yet")
    if settings.wecom_enabled:
        logger.warning("WUCHANG_WECOM_* are set but this build has no WeCom channel yet")
    scheduler = Scheduler(app.context, app.jobs)
    http_app = build_http_app(app)
    server = uvicorn.Server(uvicorn.Config(
        http_app, host=settings.http_host, port=settings.http_port, log_level="info",
        lifespan="off"))
    await scheduler.start()
    logger.info("wuchang running: channels %s, http on %s:%d", channels or "none",
                settings.http_host, settings.http_port)
    try:
        await server.serve()  # uvicorn turns SIGTERM and SIGINT into a clean exit
    finally:
        scheduler.shutdown()
        await app.close()
        logger.info("wuchang stopped")
