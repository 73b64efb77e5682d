"""WeCom lookups: a 屋场's members with a WeCom account, its WeCom group, and cards sent."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.messages import Outgoing
from storage import chats, org, outbox
from storage.schema import chat_identity, person
from storage.schema import outbox as outbox_table

CHANNEL = "wecom"
ROBOT_PREFIX = "robot:"


def card_key(task_id: str) -> str:
    """The outbox key of the row that sends the card with this task id."""
    return f"{CHANNEL}:card:{task_id}"


async def members(connection: AsyncConnection, homestead_id: int) -> list[tuple[int, str]]:
    """Return (person id, WeCom userid) of every person of a 屋场 bound on WeCom."""
    rows = await connection.execute(
        select(person.c.id, chat_identity.c.external_user_id)
        .join(chat_identity, chat_identity.c.person_id == person.c.id)
        .where(person.c.homestead_id == homestead_id, chat_identity.c.channel == CHANNEL)
        .order_by(person.c.id))
    return [(row.id, row.external_user_id) for row in rows]


async def groups_of(connection: AsyncConnection, homestead_id: int) -> list[str]:
    """Return the WeCom group chat ids bound to a 屋场 (an appchat id or ``robot:KEY``)."""
    return [chat_id for _, channel, chat_id in await chats.groups_of(connection, [homestead_id])
            if channel == CHANNEL]


async def group_of_user(connection: AsyncConnection, user_id: str) -> tuple[bool, str | None]:
    """Return whether this WeCom user is bound, and the WeCom group of their own 屋场."""
    person_id = await chats.person_id_for(connection, CHANNEL, user_id)
    if person_id is None:
        return False, None
    found = await org.person_by_id(connection, person_id)
    if found is None or found.homestead_id is None:
        return True, None
    groups = await groups_of(connection, found.homestead_id)
    return True, groups[0] if groups else None


async def sent_card(connection: AsyncConnection, task_id: str) -> Outgoing | None:
    """Return the card sent with this task id, if wuchang queued it under its card key."""
    row = (await connection.execute(
        select(outbox_table.c.chat_id, outbox_table.c.chat_kind, outbox_table.c.payload)
        .where(outbox_table.c.key == card_key(task_id)))).first()
    if row is None:
        return None
    return outbox.decode(row.chat_id, row.chat_kind, row.payload)
