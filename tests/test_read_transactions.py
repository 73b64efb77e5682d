"""Read-only commands hold no write lock, and /confirm draws its pictures before it writes."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

import handlers.flags
from bot.wiring import App
from core import texts
from core.flags import MonthResult, Scheme, draft_month
from handlers.pictures import Stamp
from storage import flags, org
from storage.schema import flag_confirmation, outbox
from tests.conftest import START, FakeBot, reviewed, texts_of

OFFICIAL, VILLAGER, FENGSHU = "T01", "V01", "枫树湾"
MONTH = "2026-10"


class Writes:
    """Counts the write transactions a database opens, and the ones open at each draw.

    ``before_each`` changes data in a write of its own before each one that is counted,
    as another official's /score would between /confirm's draw and its write.
    """

    def __init__(self, app: App, monkeypatch: pytest.MonkeyPatch) -> None:
        self.opened = 0
        self.open = 0
        self.before_each: Callable[[AsyncConnection], Awaitable[None]] | None = None
        self.drawn: list[tuple[MonthResult, int]] = []
        database = app.context.db
        original = database.write
        draw = handlers.flags.grid_pictures

        def watched_draw(scheme: Scheme, result: MonthResult,
                         stamp: Stamp | None = None) -> dict[str, bytes]:
            self.drawn.append((result, self.open))
            return draw(scheme, result, stamp)

        @asynccontextmanager
        async def write() -> AsyncIterator[AsyncConnection]:
            if self.before_each is not None:
                async with original() as connection:
                    await self.before_each(connection)
            self.opened += 1
            self.open += 1
            try:
                async with original() as connection:
                    yield connection
            finally:
                self.open -= 1

        monkeypatch.setattr(database, "write", write)
        monkeypatch.setattr(handlers.flags, "grid_pictures", watched_draw)

    def once(self, change: Callable[[AsyncConnection], Awaitable[None]]) -> None:
        """Run ``change`` in a write of its own before the next counted write only."""
        async def first(connection: AsyncConnection) -> None:
            self.before_each = None
            await change(connection)

        self.before_each = first


async def set_score(connection: AsyncConnection, village: str, category: str,
                    score: float) -> None:
    official = await org.person_by_code(connection, OFFICIAL)
    assert official is not None
    found = {v.name: v for v in await flags.villages_of(connection, official.township_id)}
    await flags.set_score(connection, month=MONTH, village_id=found[village].id,
                          category=category, score=score, by=None, now=START)


async def enter_every_score(app: App) -> None:
    async with app.context.db.write() as connection:
        for village in ("金竹村", "丰收村"):
            for category in app.context.rules.scheme.categories:
                await set_score(connection, village, category, 80)


async def count(app: App, table: Any) -> int:
    async with app.context.db.read() as connection:
        return int(await connection.scalar(select(func.count()).select_from(table)) or 0)


async def handled(bot: FakeBot, person: str, chat: str, text: str) -> list[str]:
    """The router's replies alone: no console delivery, no outbox drain (both write)."""
    incoming = await bot.replayer.console.incoming(person, chat, text=text)
    return texts_of(await bot.app.router.handle(bot.app.context, incoming))


async def read_commands(bot: FakeBot) -> dict[str, list[str]]:
    """The replies to /help, /status and /flags."""
    return {
        "help": await handled(bot, VILLAGER, FENGSHU, "/help"),
        "status": await handled(bot, VILLAGER, FENGSHU, "/status 1"),
        "flags": await handled(bot, OFFICIAL, "private", f"/flags {MONTH}"),
    }


def answered(replies: dict[str, list[str]]) -> bool:
    """Whether each read command got its own answer, not an error."""
    help_reply, status_reply, flags_reply = (found[0] for found in replies.values())
    return (help_reply.startswith(texts.HELP_HEADER.format(name="李平杰", role="村民"))
            and status_reply.startswith("1号问题：村口路灯坏了")
            and flags_reply.startswith(texts.FLAGS_TITLE.format(month=MONTH,
                                                                state=texts.FLAGS_DRAFT)))


async def test_help_status_and_flags_open_no_write_transaction(
        app: App, bot: FakeBot, monkeypatch: pytest.MonkeyPatch) -> None:
    await bot.say(VILLAGER, FENGSHU, "/issue 村口路灯坏了")
    writes = Writes(app, monkeypatch)
    assert answered(await read_commands(bot))
    assert writes.opened == 0
    await handled(bot, OFFICIAL, "private", f"/score {MONTH} 金竹村 党建引领发展 90")
    assert writes.opened == 1


async def test_help_status_and_flags_answer_while_another_process_holds_the_write_lock(
        app: App, bot: FakeBot) -> None:
    if not app.context.db.is_sqlite:
        pytest.skip("SQLite's write lock")
    await bot.say(VILLAGER, FENGSHU, "/issue 村口路灯坏了")
    other = sqlite3.connect(str(app.context.db.url.database), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        replies = await read_commands(bot)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert answered(replies), replies


async def test_confirm_draws_with_no_write_open_and_writes_once(
        app: App, bot: FakeBot, monkeypatch: pytest.MonkeyPatch) -> None:
    await enter_every_score(app)
    await reviewed(app, MONTH)
    writes = Writes(app, monkeypatch)
    assert await handled(bot, OFFICIAL, "private", f"/confirm {MONTH}") == [
        texts.CONFIRMED.format(month=MONTH, version=1)]
    assert [open_writes for _, open_writes in writes.drawn] == [0] and writes.opened == 1
    assert await count(app, flag_confirmation) == 1 and await count(app, outbox) > 0


async def test_a_month_changed_while_drawing_is_drawn_again(
        app: App, bot: FakeBot, monkeypatch: pytest.MonkeyPatch) -> None:
    await enter_every_score(app)
    await reviewed(app, MONTH)
    writes = Writes(app, monkeypatch)
    writes.once(lambda connection: set_score(connection, "金竹村", "党建引领发展", 60))
    assert await handled(bot, OFFICIAL, "private", f"/confirm {MONTH}") == [
        texts.CONFIRMED.format(month=MONTH, version=1)]
    assert [(result.placements[0].score, open_writes)
            for result, open_writes in writes.drawn] == [(80, 0), (60, 0)]
    async with app.context.db.read() as connection:
        [(confirmation_id, _, _, _)] = await flags.confirmed_versions(connection)
        stored, _ = await flags.confirmed_rows(connection, confirmation_id)
    assert {row["score"] for row in stored if row["village"] == "金竹村"
            and row["category"] == "党建引领发展"} == {60}


async def test_a_month_that_keeps_changing_is_not_confirmed(
        app: App, bot: FakeBot, monkeypatch: pytest.MonkeyPatch) -> None:
    await enter_every_score(app)
    await reviewed(app, MONTH)
    writes = Writes(app, monkeypatch)
    scores = iter(range(50, 60))

    async def change(connection: AsyncConnection) -> None:
        await set_score(connection, "金竹村", "党建引领发展", next(scores))

    writes.before_each = change
    before = await count(app, outbox)
    assert await handled(bot, OFFICIAL, "private", f"/confirm {MONTH}") == [
        texts.CONFIRM_CHANGING.format(month=MONTH)]
    assert len(writes.drawn) == handlers.flags.CONFIRM_ATTEMPTS
    assert await count(app, flag_confirmation) == 0 and await count(app, outbox) == before


async def test_a_confirmation_landing_while_drawing_is_not_published_twice(
        app: App, bot: FakeBot, monkeypatch: pytest.MonkeyPatch) -> None:
    await enter_every_score(app)
    await reviewed(app, MONTH)
    writes = Writes(app, monkeypatch)

    async def confirm_elsewhere(connection: AsyncConnection) -> None:
        official = await org.person_by_code(connection, OFFICIAL)
        assert official is not None
        inputs = await flags.month_inputs(connection, official.township_id, MONTH,
                                          app.context.timezone)
        await flags.confirm(connection, draft_month(app.context.rules.scheme, inputs),
                            official.township_id, official.id, START)

    writes.once(confirm_elsewhere)
    before = await count(app, outbox)
    assert await handled(bot, OFFICIAL, "private", f"/confirm {MONTH}") == [
        texts.CONFIRMED_ALREADY.format(month=MONTH, version=1)]
    assert await count(app, flag_confirmation) == 1 and await count(app, outbox) == before
