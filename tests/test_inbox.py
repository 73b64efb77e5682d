"""The inbox keeps only the key of what it handled: no payload beside its sender (Y3)."""

from __future__ import annotations

from sqlalchemy import select

from bot.wiring import App
from core.clock import ManualClock
from storage import inbox
from storage.schema import inbox as inbox_table

PRESS = '{"callback_query": {"from": {"id": 42}, "data": "svote:1:0:satisfied"}}'


async def test_a_handled_row_keeps_its_key_and_drops_what_was_pressed(
        app: App, clock: ManualClock) -> None:
    now = clock.now()
    async with app.context.db.write() as connection:
        assert await inbox.receive(connection, channel="telegram", key="7", chat_id="42",
                                   payload=PRESS, now=now)
        assert await inbox.receive(connection, channel="telegram", key="8", chat_id="42",
                                   payload=PRESS, now=now)
    async with app.context.db.write() as connection:
        assert await inbox.finish(connection, "telegram", "7", now)
        [second] = [entry for entry in await inbox.due(connection, now, ["telegram"])]
        await inbox.give_up(connection, second.id, "broken", now)
    async with app.context.db.read() as connection:
        rows = (await connection.execute(select(inbox_table.c.key, inbox_table.c.payload)
                                         .order_by(inbox_table.c.key))).all()
        assert [(row.key, row.payload) for row in rows] == [("7", ""), ("8", "")]
        # The key still guards against a replay.
    async with app.context.db.write() as connection:
        assert not await inbox.receive(connection, channel="telegram", key="7", chat_id="42",
                                       payload=PRESS, now=now)
