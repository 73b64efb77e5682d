"""Command menus per chat: who should see which menu, and which menu each chat was sent.

A menu goes out as an outbox row (``Outgoing.extra`` names the menu), so it is queued
with the change that calls for it and delivered with retries like any message; the
``chat_menu`` table keeps the menu each chat was last sent, so a menu is queued once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, exists, func, not_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.messages import ChatKind, Outgoing
from core.permissions import Place, covers
from core.roles import Role
from storage import outbox
from storage.schema import chat_binding, chat_identity, chat_menu, event, homestead, person, village
from storage.schema import outbox as outbox_table

# Outgoing.extra of a menu row: the menu's name, and for a group the one member it is
# for (Telegram's chat-member scope); a chat's own menu has none. The name TAKEN_BACK
# deletes the chat's (or member's) own menu: Telegram shows the wider scope's again.
MENU, MEMBER = "menu", "menu_member"
TAKEN_BACK = ""
# The outbox key of every menu row starts so (/healthz leaves them out of its backlog).
KEY_PREFIX = "menu:"
SUPERSEDED = "superseded by a newer menu"


@dataclass(frozen=True, slots=True)
class Target:
    """Where a menu is shown: a private chat, a group, or one member in a group."""

    chat_id: str
    kind: ChatKind
    member: str = ""


@dataclass(frozen=True, slots=True)
class Wanted:
    """A bound chat and the role whose menu it should show (a group: its members' role)."""

    target: Target
    role: Role


async def wanted(connection: AsyncConnection, channel: str) -> list[Wanted]:
    """Every bound person's private chat by role; every bound group, and its leaders in it.

    A group shows the villagers' menu; a person with another role who may act in its
    屋场 (the router's rule, ``covers``: its head and recorder, its village's cadres)
    sees their role's menu in that group. Township officials are left out there: they
    cover every group of the township, mostly without being in it, and a member's menu
    is one Bot API call per group (their private chat has their whole menu).
    """
    found = [Wanted(Target(row.external_user_id, ChatKind.PRIVATE), Role(row.role))
             for row in await connection.execute(
                 select(chat_identity.c.external_user_id, person.c.role)
                 .join(person, person.c.id == chat_identity.c.person_id)
                 .where(chat_identity.c.channel == channel).order_by(chat_identity.c.id))]
    groups = (await connection.execute(
        select(chat_binding.c.external_chat_id, village.c.township_id, homestead.c.village_id,
               chat_binding.c.homestead_id)
        .join(homestead, homestead.c.id == chat_binding.c.homestead_id)
        .join(village, village.c.id == homestead.c.village_id)
        .where(chat_binding.c.channel == channel).order_by(chat_binding.c.id))).all()
    found += [Wanted(Target(group.external_chat_id, ChatKind.GROUP), Role.VILLAGER)
              for group in groups]
    leaders = (await connection.execute(
        select(chat_identity.c.external_user_id, person.c.role, person.c.township_id,
               person.c.village_id, person.c.homestead_id)
        .join(person, person.c.id == chat_identity.c.person_id)
        .where(chat_identity.c.channel == channel,
               person.c.role.not_in([Role.VILLAGER.value, Role.TOWNSHIP_OFFICIAL.value]))
        .order_by(person.c.id))).all()
    for group in groups:
        where = Place(group.township_id, group.village_id, group.homestead_id)
        found += [Wanted(Target(group.external_chat_id, ChatKind.GROUP, leader.external_user_id),
                         Role(leader.role)) for leader in leaders
                  if covers(Role(leader.role), Place(leader.township_id, leader.village_id,
                                                     leader.homestead_id), where)]
    return found


async def shown(connection: AsyncConnection, channel: str) -> dict[Target, tuple[str, str]]:
    """The (menu, digest) each chat was last sent on ``channel``, by target."""
    rows = await connection.execute(select(chat_menu).where(chat_menu.c.channel == channel))
    return {Target(row.chat_id, ChatKind(row.chat_kind), row.member): (row.menu, row.digest)
            for row in rows}


async def unsent(connection: AsyncConnection, channel: str) -> bool:
    """Whether a chat on ``channel`` needs its menu looked at: a quick look.

    It does when a bound account or group was never sent a menu, or a chat (or member)
    was sent one and is no longer bound: a binding is new, or an account was replaced
    by another. A new role comes with a roster import, which refreshes the menus
    itself, so between imports this is all the menu job needs to look at.
    """
    sent = select(chat_menu.c.chat_id).where(chat_menu.c.channel == channel,
                                             chat_menu.c.member == "")
    account = select(chat_identity.c.id).where(
        chat_identity.c.channel == channel,
        chat_identity.c.external_user_id.not_in(sent)).limit(1)
    group = select(chat_binding.c.id).where(
        chat_binding.c.channel == channel,
        chat_binding.c.external_chat_id.not_in(sent)).limit(1)
    accounts = select(chat_identity.c.external_user_id).where(chat_identity.c.channel == channel)
    groups = select(chat_binding.c.external_chat_id).where(chat_binding.c.channel == channel)
    left = select(chat_menu.c.chat_id).where(chat_menu.c.channel == channel, or_(
        and_(chat_menu.c.chat_kind == ChatKind.PRIVATE.value, chat_menu.c.chat_id.not_in(accounts)),
        and_(chat_menu.c.chat_kind == ChatKind.GROUP.value, chat_menu.c.chat_id.not_in(groups)),
        and_(chat_menu.c.member != "", chat_menu.c.member.not_in(accounts)))).limit(1)
    return bool(await connection.scalar(select(exists(account) | exists(group) | exists(left))))


async def last_import(connection: AsyncConnection) -> int:
    """The event number of the latest roster import that changed something (0: none)."""
    return int(await connection.scalar(
        select(func.max(event.c.id)).where(event.c.stream == "roster")) or 0)


async def channels(connection: AsyncConnection) -> list[str]:
    """The channels that have been sent menus: those that show one per chat."""
    rows = await connection.execute(select(chat_menu.c.channel).distinct()
                                    .order_by(chat_menu.c.channel))
    return [row.channel for row in rows]


async def queue(connection: AsyncConnection, channel: str, target: Target, menu: str,
                digest: str, now: datetime, not_before: datetime | None = None) -> bool:
    """Queue a menu for one chat (or one member in a group) and note it as that chat's.

    ``TAKEN_BACK`` deletes the chat's own menu and forgets it. The note is written only
    where it changes, and the row queued only then: two workers comparing at once on
    PostgreSQL queue it once (the second waits for the first's note, then finds it).
    """
    here = and_(chat_menu.c.channel == channel, chat_menu.c.chat_id == target.chat_id,
                chat_menu.c.member == target.member)
    if menu == TAKEN_BACK:
        result = await connection.execute(delete(chat_menu).where(here))
    else:
        values = {"channel": channel, "chat_id": target.chat_id, "member": target.member,
                  "chat_kind": target.kind.value, "menu": menu, "digest": digest,
                  "queued_at": now}
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        result = await connection.execute(
            dialect.insert(chat_menu).values(**values).on_conflict_do_update(
                index_elements=["channel", "chat_id", "member"],
                set_={"chat_kind": target.kind.value, "menu": menu, "digest": digest,
                      "queued_at": now},
                where=not_(and_(chat_menu.c.menu == menu, chat_menu.c.digest == digest))))
    if not result.rowcount:
        return False
    # A row of an older menu for this chat still waiting (spread out, never tried) would
    # land after this one: it is given up. A row tried holds this one back itself.
    await connection.execute(update(outbox_table).where(
        outbox_table.c.key.startswith(f"{KEY_PREFIX}{channel}:{target.chat_id}:{target.member}:",
                                      autoescape=True),
        outbox_table.c.status == outbox.PENDING, outbox_table.c.attempts == 0,
    ).values(status=outbox.FAILED, last_error=SUPERSEDED))
    message = Outgoing(chat_id=target.chat_id, text="", chat_kind=target.kind,
                       extra={MENU: menu, **({MEMBER: target.member} if target.member else {})})
    key = (f"{KEY_PREFIX}{channel}:{target.chat_id}:{target.member}:{menu}:{digest}:"
           f"{now.isoformat()}")
    return await outbox.enqueue(connection, key=key, channel=channel, message=message, now=now,
                                not_before=not_before)
