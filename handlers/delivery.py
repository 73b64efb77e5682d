"""The handlers' delivery policy: answer a message in the ways its channel can show.

Every channel hands its Incoming to ``answer`` and sends back what it returns, after
translating it; whatever its platform lacks (buttons in groups, group messages that
reach the bot, toasts, edits) is decided here and in ``core.delivery``, never in an
adapter. Replies a channel queues rather than sends go through ``queue``.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncConnection

from core import texts
from core.delivery import REFUSED, answer_privately, fan_out, for_sender, within
from core.messages import Capabilities, ChatKind, Incoming, Outgoing
from handlers.router import Router, Where
from storage import chats, org, outbox
from storage.context import Context


async def answer(context: Context, router: Router, capabilities: Capabilities,
                 incoming: Incoming) -> list[Outgoing]:
    """Handle one message and return the replies as its channel should send them.

    On a channel that does not hear groups, people type group commands (/open, 签到,
    a vote) to the bot privately: they act on the sender's own 屋场 group, whose
    answers go to that group, while what is for the sender alone comes back to them.
    """
    acting = incoming
    if not capabilities.hears_groups and incoming.chat_kind is ChatKind.PRIVATE:
        command = router.command_for(incoming)
        if command is not None and command.where is Where.GROUP:
            async with context.db.read() as connection:
                bound, group = await _own_group(connection, incoming)
            if group is None:
                text = (texts.NO_GROUP_FOR_COMMAND.format(command="/" + command.name)
                        if bound else texts.NOT_BOUND)
                return [Outgoing(chat_id=incoming.chat_id, text=text, chat_kind=ChatKind.PRIVATE,
                                 toast=incoming.payload is not None, extra={REFUSED: "1"})]
            acting = replace(incoming, chat_id=group, chat_kind=ChatKind.GROUP)
    replies = await router.handle(context, acting)
    if acting is not incoming:
        replies = [answer_privately(reply, incoming) if for_sender(reply) else reply
                   for reply in replies]
    replies = [within(reply, capabilities, incoming) for reply in replies]
    if capabilities.group_buttons:
        return replies
    async with context.db.read() as connection:
        return [row for reply in replies
                for _, row in await _fanned_out(connection, incoming.channel, capabilities,
                                                reply)]


async def queue(context: Context, channel: str, key: str, replies: list[Outgoing]) -> None:
    """Queue replies for the dispatcher in one transaction, under keys made from ``key``.

    For a channel whose sends must keep to the platform's limits and retries even when
    they answer a person (WeCom); ``key`` names the message answered, so the same
    message handled twice queues its replies once.
    """
    now = context.clock.now()
    async with context.db.write() as connection:
        for index, reply in enumerate(replies):
            await outbox.enqueue(connection, key=f"{channel}:reply:{key}:{index}",
                                 channel=channel, message=reply, now=now)


async def sent(context: Context, row: str) -> Outgoing | None:
    """The message the dispatcher delivers as outbox row ``row`` (its ``OUTBOX_ROW``)."""
    if not row.isdecimal():
        return None
    async with context.db.read() as connection:
        return await outbox.row_message(connection, int(row))


async def _own_group(connection: AsyncConnection, incoming: Incoming) -> tuple[bool, str | None]:
    """Whether the sender is bound, and the group of their own 屋场 on this channel."""
    person = await org.person_for_account(connection, incoming.channel, incoming.user_id)
    if person is None:
        return False, None
    if person.homestead_id is None:
        return True, None
    groups = await chats.groups_on(connection, incoming.channel, person.homestead_id)
    return True, groups[0] if groups else None


async def _fanned_out(connection: AsyncConnection, channel: str, capabilities: Capabilities,
                      reply: Outgoing) -> list[tuple[str, Outgoing]]:
    if reply.chat_kind is ChatKind.PRIVATE or not reply.buttons:
        return [("", reply)]
    homestead_id = await chats.homestead_id_for(connection, channel, reply.chat_id)
    members = (await chats.members_on(connection, channel, homestead_id)
               if homestead_id is not None else [])
    return fan_out(reply, capabilities, members)
