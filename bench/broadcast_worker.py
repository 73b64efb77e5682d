"""The process that delivers a broadcast: ``python -m bench.broadcast_worker URL API OFFSET``.

It drains the outbox through the Telegram adapter (python-telegram-bot with its rate
limiter) until nothing is pending; the broadcast benchmark kills one halfway.
``OFFSET`` seconds are added to the clock, so a restarted worker can stand for one
started after the lease of the row the killed worker had claimed ran out.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bench.fake_bot_api import TOKEN
from bot.channels.telegram.channel import TelegramChannel
from bot.settings import Settings
from bot.wiring import build_app
from core.clock import SystemClock
from storage import outbox
from storage.schema import outbox as outbox_table


class ShiftedClock:
    """The system clock moved by a fixed offset."""

    def __init__(self, offset: timedelta) -> None:
        self.offset = offset

    def now(self) -> datetime:
        """Return the shifted current time in UTC."""
        return SystemClock().now() + self.offset


async def deliver(url: str, api_url: str, offset_seconds: float) -> None:
    """Drain every pending outbox row of the Telegram channel, then stop."""
    settings = Settings(database_url=url, telegram_token=TOKEN, telegram_api_url=api_url,
                        rules_file="/nonexistent/rules.toml",
                        holiday_file="/nonexistent/holidays.toml")
    app = await build_app(settings, ShiftedClock(timedelta(seconds=offset_seconds)),
                          migrate=False)
    channel = TelegramChannel(app, settings)
    app.add_channel(channel)
    await channel.application.initialize()
    try:
        while True:
            await app.dispatcher.drain()
            async with app.context.db.read() as connection:
                pending = await connection.scalar(select(func.count()).select_from(
                    outbox_table).where(outbox_table.c.status == outbox.PENDING))
            if not pending:
                return
            await asyncio.sleep(0.2)
    finally:
        await channel.application.shutdown()
        await app.close()


if __name__ == "__main__":
    asyncio.run(deliver(sys.argv[1], sys.argv[2], float(sys.argv[3])))
