"""/start and /bind: tie a chat account to a roster person and a group to a 屋场.

Also the group bookkeeping that channels and the admin's tools ask for: a group that
changed its chat id, and a group an admin made or bound outside the chat.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from core import texts
from core.messages import ChatKind, Outgoing
from core.models import Homestead, Person
from core.roles import Role
from handlers.context import Context, Refusal, Request
from storage import chats, events, invites, org, outbox


async def start(context: Context, request: Request) -> list[Outgoing]:
    """Bind this private chat account to the person whose invite code is given."""
    code = request.args.split()[0] if request.args.split() else ""
    if not code:
        if request.person is not None:
            return [request.reply(_describe(texts.ALREADY_BOUND, request.person))]
        raise Refusal(texts.START_USAGE)
    already_bound = request.person is not None
    person = await _claim(request, code)
    return [request.reply(_describe(
        texts.ALREADY_BOUND if already_bound else texts.BOUND_WELCOME, person))]


async def bind(context: Context, request: Request) -> list[Outgoing]:
    """Bind this group to the 屋场 of the head whose invite code is given."""
    code = request.args.split()[0] if request.args.split() else ""
    if not code:
        raise Refusal(texts.BIND_USAGE)
    found = await invites.find(request.connection, code)
    if found is None:
        raise Refusal(texts.INVITE_UNKNOWN.format(code=code))
    head = await org.person_by_id(request.connection, found.person_id)
    assert head is not None
    if head.role is not Role.HEAD or head.homestead_id is None:
        raise Refusal(texts.BIND_NOT_HEAD)
    if request.person is not None and request.person.id != head.id:
        raise Refusal(texts.BIND_NOT_YOURS)
    if request.homestead is not None:
        if request.homestead.id == head.homestead_id:
            return [request.reply(texts.GROUP_ALREADY_BOUND.format(
                place=request.homestead.full_name))]
        raise Refusal(texts.GROUP_BOUND_ELSEWHERE.format(place=request.homestead.full_name))
    if request.person is None:
        await _claim(request, code, refusal_if_used=texts.BIND_NOT_YOURS)
    incoming = request.incoming
    await _bind_group(request.connection, request.actor(head), incoming.chat_id,
                      head.homestead_id, request.now, {})
    homestead = await org.homestead_by_id(request.connection, head.homestead_id)
    assert homestead is not None
    return [request.reply(texts.GROUP_BOUND.format(place=homestead.full_name))]


async def _claim(request: Request, code: str, refusal_if_used: str = texts.INVITE_USED) -> Person:
    """Bind the sender's account with ``code``, refusing wrong, used or foreign codes."""
    incoming = request.incoming
    found = await invites.find(request.connection, code)
    if found is None:
        raise Refusal(texts.INVITE_UNKNOWN.format(code=code))
    owner = await org.person_by_id(request.connection, found.person_id)
    assert owner is not None
    if request.person is not None:
        if request.person.id == owner.id:
            return owner
        raise Refusal(texts.ACCOUNT_TAKEN.format(name=request.person.name))
    if found.used_at is not None:
        raise Refusal(refusal_if_used)
    await chats.bind_account(request.connection, incoming.channel, incoming.user_id, owner.id,
                             request.now)
    await invites.mark_used(request.connection, found.code, incoming.channel, incoming.user_id,
                            request.now)
    await request.log(f"person:{owner.id}", "account.bound",
                      {"channel": incoming.channel, "user_id": incoming.user_id}, by=owner)
    return owner


def _describe(template: str, person: Person) -> str:
    return template.format(name=person.name, place=person.place_name, role=person.role.label)


@dataclass(frozen=True, slots=True)
class GroupsOn:
    """A 屋场 as one channel sees it: its groups there and its members with accounts."""

    homestead: Homestead
    groups: list[str]
    members: list[tuple[int, str]]  # person id, account
    heads: set[int]  # person ids of its 屋场长


async def groups_on(context: Context, channel: str, place: str) -> GroupsOn:
    """The 屋场 named ``place`` (屋场 or 村/屋场) on ``channel``; Refusal if none or several."""
    async with context.db.read() as connection:
        found = await org.homesteads_named(connection, place)
        if not found:
            raise Refusal(texts.CONSOLE_NO_HOMESTEAD.format(name=place))
        if len(found) > 1:
            raise Refusal(texts.CONSOLE_AMBIGUOUS.format(name=place))
        homestead = found[0]
        heads = {person.id for person in await org.persons_with_role(
            connection, Role.HEAD, homestead_id=homestead.id)}
        return GroupsOn(homestead, await chats.groups_on(connection, channel, homestead.id),
                        await chats.members_on(connection, channel, homestead.id), heads)


async def bind_group_by_admin(context: Context, channel: str, homestead: Homestead,
                              chat_id: str, shown_id: str, how: str) -> None:
    """Bind a group an admin made or named outside the chat, and queue its welcome.

    ``shown_id`` is what the event log keeps of the chat id (a robot's key is a secret).
    """
    now = context.clock.now()
    async with context.db.write() as connection:
        await _bind_group(connection, events.Actor(None, channel, shown_id), chat_id,
                          homestead.id, now, {"how": how})
        welcome = Outgoing(chat_id=chat_id, chat_kind=ChatKind.GROUP,
                           text=texts.GROUP_BOUND.format(place=homestead.full_name))
        await outbox.enqueue(connection, key=f"{channel}:group:{homestead.id}:{shown_id}:bound",
                             channel=channel, message=welcome, now=now)


async def move_group(context: Context, channel: str, old_chat_id: str, new_chat_id: str) -> None:
    """Follow a group whose chat id changed (a Telegram supergroup, a new group robot)."""
    async with context.db.write() as connection:
        await chats.move_group(connection, channel, old_chat_id, new_chat_id)


async def bind_everyone(context: Context, channel: str, group_chat_id: Callable[[Homestead], str],
                        except_persons: set[str], except_homesteads: set[int]) -> None:
    """Bind every roster person an account and every 屋场 a group on a stand-in channel.

    For the console, where a person's account is their 编号 and a group's chat id is
    ``group_chat_id`` of its 屋场; the persons and 屋场 excepted stay unbound.
    """
    now = context.clock.now()
    async with context.db.write() as connection:
        unbound = set(await chats.unbound_person_ids(connection, channel))
        for person in await org.all_persons(connection):
            if person.id in unbound and person.code not in except_persons:
                await chats.bind_account(connection, channel, person.code, person.id, now)
        for homestead in await org.all_homesteads(connection):
            chat_id = group_chat_id(homestead)
            if homestead.id not in except_homesteads and \
                    await chats.homestead_id_for(connection, channel, chat_id) is None:
                await chats.bind_group(connection, channel, chat_id, homestead.id, None, now)


async def _bind_group(connection: AsyncConnection, actor: events.Actor, chat_id: str,
                      homestead_id: int, now: datetime, details: dict[str, str]) -> None:
    """Bind a group to a 屋场 on the actor's channel and record it in the event log."""
    assert actor.channel is not None
    await chats.bind_group(connection, actor.channel, chat_id, homestead_id, actor.person_id,
                           now)
    await events.record(connection, actor, at=now, stream=f"homestead:{homestead_id}",
                        kind="group.bound", payload={"homestead_id": homestead_id, **details})
