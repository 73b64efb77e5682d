"""Telegram long polling runs in one worker at a time (issue 22 item 13).

Two workers share a database: the one holding the polling lease polls, the other
waits; when the poller dies without giving the lease up, the other takes over once
the lease runs out. Polled updates go through the inbox like webhook ones.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bench.fake_bot_api import TOKEN, FakeTelegram, private_chat, user
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.polling import LEASE
from bot.wiring import App, build_app
from core import texts
from core.clock import ManualClock
from storage.schema import inbox
from tests.test_telegram import say, text_of

V01 = user(701, "李平杰")


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeTelegram]:
    """The fake Bot API; httpx must not send 127.0.0.1 through a proxy."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    async with FakeTelegram.running() as server:
        yield server


def _channel(app: App, fake: FakeTelegram, worker: str) -> TelegramChannel:
    app.worker = worker
    settings = app.settings.model_copy(update={"telegram_token": TOKEN,
                                                "telegram_api_url": fake.api_url})
    channel = TelegramChannel(app, settings)
    app.add_channel(channel)
    return channel


def _polling(channel: TelegramChannel) -> bool:
    assert channel.application.updater is not None
    return channel.application.updater.running


async def test_one_worker_polls_and_another_takes_over_when_it_dies(
        app: App, fake: FakeTelegram, clock: ManualClock) -> None:
    other_app = await build_app(app.settings, clock, migrate=False)
    first, second = _channel(app, fake, "worker-1"), _channel(other_app, fake, "worker-2")
    try:
        await first.start()
        await second.start()
        assert (_polling(first), _polling(second)) == (True, False)
        assert not await second.leader.step()  # type: ignore[union-attr]

        # The poller dies: no more renewals, its lease is left to run out.
        assert first.leader is not None and first.leader._task is not None
        first.leader._task.cancel()
        assert first.application.updater is not None
        await first.application.updater.stop()
        clock.set(clock.now() + LEASE - timedelta(seconds=1))
        assert not await second.leader.step()  # type: ignore[union-attr]
        clock.set(clock.now() + timedelta(seconds=2))
        assert await second.leader.step()  # type: ignore[union-attr]
        assert _polling(second)

        [reply] = await say(fake, V01, private_chat(V01), "/help")
        assert text_of(reply).startswith(texts.HELP_HEADER_UNBOUND)
        await other_app.intake.idle()
        async with app.context.db.read() as connection:
            assert list(await connection.execute(select(inbox.c.channel, inbox.c.status))) \
                == [("telegram", "done")]
    finally:
        await second.stop()
        await first.stop()
        await other_app.close()
