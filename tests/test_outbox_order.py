"""Each chat's pushes in order across a crash and across workers (issue 22 item 8).

A row whose send was in flight when its worker died is in doubt: it goes first when
its lease runs out (or at once when a lone SQLite worker starts again), and the
chat's later rows wait for it. It may reach its chat twice: the platforms take no
idempotency key. Other chats are not held up.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.wiring import App
from core.clock import ManualClock
from core.messages import ChatKind, Outgoing
from schedules.dispatcher import LEASE, Dispatcher
from storage import outbox
from tests.test_outbox import FAKE, RecordingSender


async def _queue(app: App, *rows: tuple[str, str]) -> None:
    async with app.context.db.write() as connection:
        for chat, text in rows:
            await outbox.enqueue(connection, key=text, channel=FAKE, now=app.context.clock.now(),
                                 message=Outgoing(chat_id=chat, text=text,
                                                  chat_kind=ChatKind.GROUP))


async def _crash_while_sending(app: App, text: str) -> None:
    """A worker claimed the row ``text`` and died before recording the outcome."""
    async with app.context.db.read() as connection:
        rows = await outbox.due(connection, app.context.clock.now(), [FAKE])
    row = next(row for row in rows if row.message.text == text)
    async with app.context.db.write() as connection:
        assert await outbox.claim(connection, row.id, app.context.clock.now(), LEASE)


async def test_a_row_in_doubt_goes_first_and_its_chat_waits_for_it(
        app: App, clock: ManualClock) -> None:
    await _queue(app, ("chat-a", "a1"), ("chat-a", "a2"), ("chat-b", "b1"), ("chat-a", "a3"))
    await _crash_while_sending(app, "a1")
    sender = RecordingSender()
    restarted = Dispatcher(app.context, {FAKE: sender})

    assert await restarted.drain() == 1
    assert sender.texts() == ["b1"]  # chat-a waits for its row in doubt
    clock.set(clock.now() + LEASE - timedelta(seconds=1))
    assert await restarted.drain() == 0
    clock.set(clock.now() + timedelta(seconds=1))
    assert await restarted.drain() == 3
    assert sender.texts() == ["b1", "a1", "a2", "a3"]


async def test_a_lone_sqlite_worker_starting_sends_its_row_in_doubt_at_once(
        app: App, clock: ManualClock) -> None:
    await _queue(app, ("chat-a", "a1"), ("chat-a", "a2"))
    await _crash_while_sending(app, "a1")
    from bot.service import release_claims

    await release_claims(app)  # what ``wuchang run`` does first on SQLite
    sender = RecordingSender()
    assert await Dispatcher(app.context, {FAKE: sender}).drain() == 2
    assert sender.texts() == ["a1", "a2"]


async def test_a_row_scheduled_for_later_holds_nothing_back(
        app: App, clock: ManualClock) -> None:
    async with app.context.db.write() as connection:
        await outbox.enqueue(connection, key="later", channel=FAKE, now=clock.now(),
                             not_before=clock.now() + timedelta(hours=1),
                             message=Outgoing(chat_id="chat-a", text="later",
                                              chat_kind=ChatKind.GROUP))
    await _queue(app, ("chat-a", "now"))
    sender = RecordingSender()
    assert await Dispatcher(app.context, {FAKE: sender}).drain() == 1
    assert sender.texts() == ["now"]


class SlowSender(RecordingSender):
    """Sends that take a moment, so two workers' drains overlap."""

    async def send(self, message: Outgoing) -> None:
        await asyncio.sleep(0.005)
        await super().send(message)


async def test_two_workers_keep_each_chat_in_order(app: App) -> None:
    rows = [(f"chat-{number % 3}", f"m{number}") for number in range(30)]
    await _queue(app, *rows)
    sender = SlowSender()
    workers = [Dispatcher(app.context, {FAKE: sender}) for _ in range(2)]
    while len(sender.sent) < len(rows):
        assert sum(await asyncio.gather(*(worker.drain() for worker in workers))) > 0
    for chat in ("chat-0", "chat-1", "chat-2"):
        sent = [message.text for message in sender.sent if message.chat_id == chat]
        assert sent == [text for row_chat, text in rows if row_chat == chat]
