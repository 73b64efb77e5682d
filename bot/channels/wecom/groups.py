"""Give a 屋场 its WeCom group: an app group chat (appchat) or a group robot's webhook key.

Both are bound like a Telegram group (``handlers.binding``), so everything the outbox
sends to a 屋场 reaches them; the first message also makes a new appchat appear in WeCom.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from bot.channels.wecom import CHANNEL, ROBOT_PREFIX
from bot.channels.wecom.api import WeComApi
from bot.wiring import App
from core import texts
from handlers import binding
from handlers.context import Refusal

CHAT_ID = re.compile(r"^[0-9A-Za-z]{1,32}$")
ROBOT_KEY = re.compile(r"^[0-9A-Za-z-]{8,64}$")
GROUP_NAME_CHARS = 50


class GroupError(Exception):
    """The group cannot be created or bound; the message says why, in Chinese."""


async def create_group(app: App, api: WeComApi, place: str, chat_id: str | None = None) -> str:
    """Create the 屋场's app group chat with its WeCom members, or add newcomers to it."""
    found = await _groups_on(app, place)
    homestead, existing = found.homestead, found.groups
    members = [user for _, user in found.members]
    head_users = [user for person_id, user in found.members if person_id in found.heads]
    if existing:
        current = existing[0]
        if current.startswith(ROBOT_PREFIX):
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
    await binding.bind_group_by_admin(app.context, CHANNEL, homestead, created, created,
                                      "appchat")
    return texts.WECOM_GROUP_CREATED.format(place=homestead.full_name, chat_id=created,
                                            count=len(members))


async def bind_robot(app: App, place: str, key_or_url: str) -> str:
    """Bind a group robot's webhook (its key, or the whole URL) as the 屋场's group."""
    key = robot_key(key_or_url)
    found = await _groups_on(app, place)
    homestead, existing = found.homestead, found.groups
    chat_id = ROBOT_PREFIX + key
    if existing and not existing[0].startswith(ROBOT_PREFIX):
        raise GroupError(texts.WECOM_ROBOT_HAS_APPCHAT.format(place=homestead.full_name,
                                                              chat_id=existing[0]))
    if existing:
        await binding.move_group(app.context, CHANNEL, existing[0], chat_id)
        return texts.WECOM_ROBOT_REBOUND.format(place=homestead.full_name)
    await binding.bind_group_by_admin(app.context, CHANNEL, homestead, chat_id,
                                      ROBOT_PREFIX + key[:4] + "…", "robot")
    return texts.WECOM_ROBOT_BOUND.format(place=homestead.full_name)


def robot_key(key_or_url: str) -> str:
    """The key of a group robot, from the key itself or its webhook URL."""
    text = key_or_url.strip()
    if text.startswith(("http://", "https://")):
        text = (parse_qs(urlparse(text).query).get("key") or [""])[0]
    if not ROBOT_KEY.match(text):
        raise GroupError(texts.WECOM_ROBOT_BAD_KEY)
    return text


async def _groups_on(app: App, place: str) -> binding.GroupsOn:
    try:
        return await binding.groups_on(app.context, CHANNEL, place)
    except Refusal as refusal:
        raise GroupError(refusal.text) from None
