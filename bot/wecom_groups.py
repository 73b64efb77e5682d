"""Give a 屋场 its WeCom group: an app group chat (appchat) or a group robot's webhook key.

Both are bound like a Telegram group (storage.chats), so everything the outbox sends
to a 屋场 reaches them; the first message also makes a new appchat appear in WeCom.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.wecom import CHANNEL
from bot.wecom_api import WeComApi
from bot.wiring import App
from core import texts
from core.messages import ChatKind, Outgoing
from core.models import Homestead
from core.roles import Role
from storage import chats, events, org, outbox
from storage import wecom as store

CHAT_ID = re.compile(r"^[0-9A-Za-z]{1,32}$")
ROBOT_KEY = re.compile(r"^[0-9A-Za-z-]{8,64}$")
GROUP_NAME_CHARS = 50


class GroupError(Exception):
    """The group cannot be created or bound; the message says why, in Chinese."""


async def create_group(app: App, api: WeComApi, place: str, chat_id: str | None = None) -> str:
    """Create the 屋场's app group chat with its WeCom members, or add newcomers to it."""
    async with app.context.db.read() as connection:
        homestead = await _homestead(connection, place)
        existing = await store.groups_of(connection, homestead.id)
        bound = await store.members(connection, homestead.id)
        heads = {person.id for person in await org.persons_with_role(
            connection, Role.HEAD, homestead_id=homestead.id)}
    members = [user for _, user in bound]
    head_users = [user for person_id, user in bound if person_id in heads]
    if existing:
        current = existing[0]
        if current.startswith(store.ROBOT_PREFIX):
            raise GroupError(texts.WECOM_GROUP_IS_ROBOT.format(place=homestead.full_name))
        in_chat = set(await api.chat_members(current))
        newcomers = [user for user in members if user not in in_chat]
        if newcomers:
            await api.add_to_chat(current, newcomers)
        return texts.WECOM_GROUP_SYNCED.format(place=homestead.full_name, chat_id=current,
                                               count=len(in_chat) + len(newcomers),
                                               added=len(newcomers))
    if len(members) < 2:
        raise GroupError(texts.WECOM_GROUP_TOO_FEW.format(place=homestead.full_name,
                                                          count=len(members)))
    chat_id = chat_id or f"wuchang{homestead.id}"
    if not CHAT_ID.match(chat_id):
        raise GroupError(texts.WECOM_GROUP_BAD_ID.format(chat_id=chat_id))
    name = texts.WECOM_GROUP_NAME.format(place=homestead.full_name)[:GROUP_NAME_CHARS]
    owner = head_users[0] if head_users else members[0]
    created = await api.create_chat(chat_id, name, owner, members)
    await _bind(app, homestead, created, created, "appchat")
    return texts.WECOM_GROUP_CREATED.format(place=homestead.full_name, chat_id=created,
                                            count=len(members))


async def bind_robot(app: App, place: str, key_or_url: str) -> str:
    """Bind a group robot's webhook (its key, or the whole URL) as the 屋场's group."""
    key = robot_key(key_or_url)
    async with app.context.db.read() as connection:
        homestead = await _homestead(connection, place)
        existing = await store.groups_of(connection, homestead.id)
    chat_id = store.ROBOT_PREFIX + key
    if existing and not existing[0].startswith(store.ROBOT_PREFIX):
        raise GroupError(texts.WECOM_ROBOT_HAS_APPCHAT.format(place=homestead.full_name,
                                                              chat_id=existing[0]))
    if existing:
        async with app.context.db.write() as connection:
            await chats.move_group(connection, CHANNEL, existing[0], chat_id)
        return texts.WECOM_ROBOT_REBOUND.format(place=homestead.full_name)
    await _bind(app, homestead, chat_id, store.ROBOT_PREFIX + key[:4] + "…", "robot")
    return texts.WECOM_ROBOT_BOUND.format(place=homestead.full_name)


def robot_key(key_or_url: str) -> str:
    """The key of a group robot, from the key itself or its webhook URL."""
    text = key_or_url.strip()
    if text.startswith(("http://", "https://")):
        text = (parse_qs(urlparse(text).query).get("key") or [""])[0]
    if not ROBOT_KEY.match(text):
        raise GroupError(texts.WECOM_ROBOT_BAD_KEY)
    return text


async def _homestead(connection: AsyncConnection, place: str) -> Homestead:
    found = await org.homesteads_named(connection, place)
    if not found:
        raise GroupError(texts.CONSOLE_NO_HOMESTEAD.format(name=place))
    if len(found) > 1:
        raise GroupError(texts.CONSOLE_AMBIGUOUS.format(name=place))
    return found[0]


async def _bind(app: App, homestead: Homestead, chat_id: str, shown_id: str, kind: str) -> None:
    """Bind the group, record it in the event log and queue its first message."""
    now = app.context.clock.now()
    async with app.context.db.write() as connection:
        await chats.bind_group(connection, CHANNEL, chat_id, homestead.id, None, now)
        await events.append(connection, at=now, stream=f"homestead:{homestead.id}",
                            kind="group.bound", channel=CHANNEL, chat_id=shown_id,
                            payload={"homestead_id": homestead.id, "wecom": kind})
        welcome = Outgoing(chat_id=chat_id, chat_kind=ChatKind.GROUP,
                           text=texts.GROUP_BOUND.format(place=homestead.full_name))
        await outbox.enqueue(connection, key=f"{CHANNEL}:group:{homestead.id}:{shown_id}:bound",
                             channel=CHANNEL, message=welcome, now=now)
