"""Chat identities (channel account -> person) and group bindings (group -> 屋场)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.schema import chat_binding, chat_identity, chat_menu, person


async def person_id_for(connection: AsyncConnection, channel: str, user_id: str) -> int | None:
    """Return the person bound to this account, if any."""
    return await connection.scalar(select(chat_identity.c.person_id).where(
        chat_identity.c.channel == channel, chat_identity.c.external_user_id == user_id))


async def bind_account(connection: AsyncConnection, channel: str, user_id: str, person_id: int,
                       now: datetime) -> None:
    """Bind an account to a person; the person's earlier account on this channel is dropped."""
    await connection.execute(delete(chat_identity).where(
        chat_identity.c.channel == channel, chat_identity.c.person_id == person_id))
    await connection.execute(insert(chat_identity).values(
        channel=channel, external_user_id=user_id, person_id=person_id, bound_at=now))


async def accounts_of(connection: AsyncConnection, person_ids: list[int],
                      ) -> list[tuple[int, str, str]]:
    """Return (person id, channel, external user id) of every account of these persons."""
    if not person_ids:
        return []
    rows = await connection.execute(select(
        chat_identity.c.person_id, chat_identity.c.channel, chat_identity.c.external_user_id,
    ).where(chat_identity.c.person_id.in_(person_ids)).order_by(chat_identity.c.id))
    return [(row.person_id, row.channel, row.external_user_id) for row in rows]


async def members_on(connection: AsyncConnection, channel: str,
                     homestead_id: int) -> list[tuple[int, str]]:
    """Return (person id, account) of every person of a 屋场 with an account on ``channel``."""
    rows = await connection.execute(
        select(person.c.id, chat_identity.c.external_user_id)
        .join(chat_identity, chat_identity.c.person_id == person.c.id)
        .where(person.c.homestead_id == homestead_id, chat_identity.c.channel == channel)
        .order_by(person.c.id))
    return [(row.id, row.external_user_id) for row in rows]


async def unbound_person_ids(connection: AsyncConnection, channel: str) -> list[int]:
    """Return the persons that have no account on ``channel``."""
    bound = select(chat_identity.c.person_id).where(chat_identity.c.channel == channel)
    rows = await connection.execute(select(person.c.id).where(person.c.id.not_in(bound)))
    return [row.id for row in rows]


async def homestead_id_for(connection: AsyncConnection, channel: str, chat_id: str) -> int | None:
    """Return the 屋场 this group is bound to, if any."""
    return await connection.scalar(select(chat_binding.c.homestead_id).where(
        chat_binding.c.channel == channel, chat_binding.c.external_chat_id == chat_id))


async def bind_group(connection: AsyncConnection, channel: str, chat_id: str, homestead_id: int,
                     bound_by: int | None, now: datetime) -> None:
    """Bind a group chat to a 屋场."""
    await connection.execute(insert(chat_binding).values(
        channel=channel, external_chat_id=chat_id, homestead_id=homestead_id,
        bound_at=now, bound_by=bound_by))


async def groups_of(connection: AsyncConnection, homestead_ids: list[int],
                    ) -> list[tuple[int, str, str]]:
    """Return (屋场 id, channel, external chat id) of every group bound to these 屋场."""
    if not homestead_ids:
        return []
    rows = await connection.execute(select(
        chat_binding.c.homestead_id, chat_binding.c.channel, chat_binding.c.external_chat_id,
    ).where(chat_binding.c.homestead_id.in_(homestead_ids)).order_by(chat_binding.c.id))
    return [(row.homestead_id, row.channel, row.external_chat_id) for row in rows]


async def groups_on(connection: AsyncConnection, channel: str, homestead_id: int) -> list[str]:
    """Return the chat ids of the groups bound to a 屋场 on ``channel``, oldest first."""
    return [chat_id for _, bound_on, chat_id in await groups_of(connection, [homestead_id])
            if bound_on == channel]


async def move_group(connection: AsyncConnection, channel: str, old_chat_id: str,
                     new_chat_id: str) -> None:
    """Follow a group whose chat id changed (a Telegram group upgraded to a supergroup).

    If the new id was bound already (the upgraded group was bound again), that binding
    stands and the old one is dropped. The menus the old chat was sent are forgotten:
    the new chat has none yet, and the old one is gone.
    """
    await connection.execute(delete(chat_menu).where(
        chat_menu.c.channel == channel, chat_menu.c.chat_id == old_chat_id))
    if await homestead_id_for(connection, channel, new_chat_id) is not None:
        await connection.execute(delete(chat_binding).where(
            chat_binding.c.channel == channel, chat_binding.c.external_chat_id == old_chat_id))
        return
    await connection.execute(chat_binding.update().where(
        chat_binding.c.channel == channel, chat_binding.c.external_chat_id == old_chat_id,
    ).values(external_chat_id=new_chat_id))
