"""Command menus that fit the person: each role's list, read from the one command table.

A channel that shows a menu per chat (Telegram) is sent, for each bound person's
private chat, what /help lists to their role there; for each bound group, what it
lists to villagers in a group, and to each person of another role who may act in its
屋场 (``covers``; township officials have theirs in private: see ``storage.menus.wanted``),
their role's. Menus are queued through the outbox only where the one
a chat was last sent differs; one a chat should no longer have is taken back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from core.messages import ChatKind
from core.roles import Role
from handlers.router import Command
from storage import menus

MenuEntry = tuple[str, str]  # (command name, its summary)

# Many menus at once (the first comparison after an upgrade, a big roster import) go
# out spread: this many at once, then one every MENU_SPACING, so the outbox's ordinary
# messages queued meanwhile are not held behind them (Telegram allows ~30 calls a second).
MENU_BURST = 10
MENU_SPACING = timedelta(seconds=0.25)


def menu_name(role: Role | None, kind: ChatKind) -> str:
    """The name of the menu a person of ``role`` (None: not bound) sees in a kind of chat."""
    return f"{kind.value}:{role.value if role is not None else 'unbound'}"


def entries(commands: Sequence[Command], role: Role | None, kind: ChatKind) -> list[MenuEntry]:
    """The typed commands /help lists to ``role`` in this kind of chat, in table order."""
    return [(command.name, command.help.summary) for command in commands
            if command.help is not None and command.listed(role, kind)]


def entries_of(commands: Sequence[Command], name: str) -> list[MenuEntry]:
    """The entries of a menu by its name (``menu_name``); ValueError for an unknown one."""
    kind, _, role = name.partition(":")
    return entries(commands, None if role == "unbound" else Role(role), ChatKind(kind))


def digest(listed: Sequence[MenuEntry]) -> str:
    """A short fingerprint of a menu's entries: a changed command table changes it."""
    text = "\n".join(f"{name} {summary}" for name, summary in listed)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


async def stale(connection: AsyncConnection, commands: Sequence[Command],
                channel: str) -> list[tuple[menus.Target, str, str]]:
    """(chat, menu, digest) of every chat on ``channel`` whose last menu sent is not it.

    A chat (or a member in a group) sent a menu it should no longer have, since its
    account or group was unbound or its person's role or 屋场 changed, gets
    ``menus.TAKEN_BACK``: its own menu is deleted, and Telegram shows the wider one
    again (the unbound menu in a private chat, the group's in a group).
    """
    sent = await menus.shown(connection, channel)
    found = []
    kept = set()
    for wanted in await menus.wanted(connection, channel):
        kept.add(wanted.target)
        name = menu_name(wanted.role, wanted.target.kind)
        fingerprint = digest(entries_of(commands, name))
        if sent.get(wanted.target) != (name, fingerprint):
            found.append((wanted.target, name, fingerprint))
    found += [(target, menus.TAKEN_BACK, "") for target in sent if target not in kept]
    return found


async def refresh(connection: AsyncConnection, commands: Sequence[Command], channel: str,
                  now: datetime) -> int:
    """Queue the menu of every bound chat on ``channel`` whose last menu sent is not it.

    Run after a roster import and by the channel's menu job, so a binding or a new
    role reaches the person's menu; beyond ``MENU_BURST`` the rows are spread out in
    time. Returns how many were queued.
    """
    queued = 0
    for target, name, fingerprint in await stale(connection, commands, channel):
        later = MENU_SPACING * max(0, queued + 1 - MENU_BURST)
        queued += await menus.queue(connection, channel, target, name, fingerprint, now,
                                    not_before=now + later)
    return queued
