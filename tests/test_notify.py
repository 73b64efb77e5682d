"""Telling people in private: named persons and office holders reach every bound account."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.wiring import App
from core.messages import Button
from core.models import Office, Person
from core.permissions import Place
from core.roles import Role
from storage import chats, notify, org, outbox
from storage.schema import outbox as outbox_table


async def _person(app: App, code: str) -> Person:
    async with app.context.db.read() as connection:
        found = await org.person_by_code(connection, code)
    assert found is not None
    return found


async def _bind(app: App, *accounts: tuple[str, str, str]) -> None:
    """Bind (code, channel, user id) accounts."""
    async with app.context.db.write() as connection:
        for code, channel, user_id in accounts:
            person = await org.person_by_code(connection, code)
            assert person is not None
            await chats.bind_account(connection, channel, user_id, person.id,
                                     app.context.clock.now())


async def _tell(app: App, recipients: list[notify.Recipient], **options: Any) -> int:
    async with app.context.db.write() as connection:
        return await notify.tell(connection, recipients, key="notice:1", text="请阅",
                                 now=app.context.clock.now(), **options)


async def _rows(app: App) -> dict[str, Any]:
    async with app.context.db.read() as connection:
        rows = await connection.execute(select(outbox_table).order_by(outbox_table.c.id))
        return {row.key: row for row in rows}


async def test_office_holders_get_it_on_every_bound_channel_once(app: App) -> None:
    await _bind(app, ("T01", "telegram", "901"), ("T01", "wecom", "ZhouZhen"),
                ("T02", "telegram", "902"))
    zhou = await _person(app, "T01")
    officials = Office(Role.TOWNSHIP_OFFICIAL, Place(zhou.township_id))
    buttons = ((Button("已阅", "read:1"),),)

    first = await _tell(app, [officials], buttons=buttons)
    again = await _tell(app, [officials], buttons=buttons)

    rows = await _rows(app)
    assert (first, again) == (2, 0)
    assert sorted(rows) == [f"notice:1:p{zhou.id}:telegram", f"notice:1:p{zhou.id}:wecom"]
    assert {(row.channel, row.chat_id, row.chat_kind) for row in rows.values()} == {
        ("telegram", "901", "private"), ("wecom", "ZhouZhen", "private")}
    for row in rows.values():
        message = outbox.decode(row.chat_id, row.chat_kind, row.payload)
        assert (message.text, message.buttons) == ("请阅", buttons)


async def test_an_office_reaches_only_its_own_place(app: App) -> None:
    await _bind(app, ("C01", "telegram", "801"), ("C02", "telegram", "802"),
                ("H01", "telegram", "701"), ("H02", "telegram", "702"))
    head = await _person(app, "H01")

    queued = await _tell(app, [Office(Role.VILLAGE_CADRE, Place(head.township_id, head.village_id)),
                               Office(Role.HEAD, head.place)])

    assert {row.chat_id for row in (await _rows(app)).values()} == {"801", "701"}
    assert queued == 2


async def test_a_named_person_stands_for_the_office(app: App) -> None:
    await _bind(app, ("T01", "telegram", "901"), ("T02", "telegram", "902"))
    zhou = await _person(app, "T01")

    await _tell(app, [Office(Role.TOWNSHIP_OFFICIAL, Place(zhou.township_id), person_id=zhou.id)])

    assert [row.chat_id for row in (await _rows(app)).values()] == ["901"]


async def test_persons_and_offices_together_reach_each_person_once(app: App) -> None:
    await _bind(app, ("H01", "telegram", "701"), ("V01", "telegram", "501"))
    head, villager = await _person(app, "H01"), await _person(app, "V01")

    async with app.context.db.read() as connection:
        ids = await notify.persons(connection, [villager.id, Office(Role.HEAD, head.place),
                                                head.id, villager.id])
    queued = await _tell(app, [head.id, Office(Role.HEAD, head.place), villager.id])

    assert ids == [villager.id, head.id]
    assert queued == 2
    assert sorted(await _rows(app)) == sorted([f"notice:1:p{head.id}:telegram",
                                               f"notice:1:p{villager.id}:telegram"])


async def test_besides_leaves_out_who_knows_already(app: App) -> None:
    await _bind(app, ("H01", "telegram", "701"), ("V01", "telegram", "501"))
    head, villager = await _person(app, "H01"), await _person(app, "V01")

    queued = await _tell(app, [head.id, villager.id], besides={head.id})

    assert queued == 1
    assert list(await _rows(app)) == [f"notice:1:p{villager.id}:telegram"]


async def test_nobody_bound_queues_nothing(app: App) -> None:
    head = await _person(app, "H01")

    assert await _tell(app, [Office(Role.HEAD, head.place), head.id]) == 0
    assert await _tell(app, []) == 0
    assert await _rows(app) == {}
