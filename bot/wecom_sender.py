"""The outbox Sender of WeCom: app chats, app group chats, group robots and card updates.

A group cannot show template cards (neither appchat nor a robot), so a group message
with buttons goes to the group as text, and its buttons go as a card to the app chat
of every member of that 屋场 with a WeCom account: one outbox row per member.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.wecom_api import WeComApi, WeComError, robot_image
from bot.wecom_cards import (
    MAX_BUTTONS,
    NOTE,
    REPLACE,
    TASK,
    UPDATE,
    CardError,
    card_body,
    fits_card,
    flat_buttons,
    short_label,
    split_cards,
    task_id,
    text_chunks,
)
from core import texts
from core.messages import ChatKind, DeliveryError, Outgoing
from storage import chats, outbox
from storage import wecom as store
from storage.context import Context

logger = logging.getLogger(__name__)


class WeComSender:
    """Delivers one outbox row through the WeCom API; failures raise DeliveryError."""

    parallel_sends = 1

    def __init__(self, api: WeComApi, context: Context) -> None:
        self.api = api
        self.context = context

    async def send(self, message: Outgoing) -> None:
        """Deliver ``message``: update a card, or send to a member or to a group."""
        try:
            if UPDATE in message.extra:
                await self._update_card(message)
            elif message.chat_kind is ChatKind.PRIVATE:
                await self._to_member(message)
            else:
                await self._to_group(message)
        except CardError as error:
            raise DeliveryError(str(error), permanent=True) from error

    async def _to_member(self, message: Outgoing) -> None:
        user = message.chat_id
        if not message.buttons or not fits_card(message.text):
            await self._text(user, message.text)
        if message.image:
            media_id = await self.api.upload_image(message.image)
            await self.api.send(user, {"msgtype": "image", "image": {"media_id": media_id}})
        for card in split_cards(message) if message.buttons else []:
            await self.api.send(user, {"msgtype": "template_card",
                                       "template_card": card_body(card)})

    async def _text(self, user: str, text: str) -> None:
        for chunk in text_chunks(text) if text.strip() else []:
            await self.api.send(user, {"msgtype": "text", "text": {"content": chunk}})

    async def _to_group(self, message: Outgoing) -> None:
        if message.buttons:
            await self._cards_to_members(message)
        text = f"{message.text}\n{texts.WECOM_BUTTONS_IN_APP}" if message.buttons \
            else message.text
        chunks = text_chunks(text) if text.strip() else []
        if message.chat_id.startswith(store.ROBOT_PREFIX):
            key = message.chat_id.removeprefix(store.ROBOT_PREFIX)
            for chunk in chunks:
                await self.api.send_robot(key, {"msgtype": "text", "text": {"content": chunk}})
            if message.image:
                await self.api.send_robot(key, robot_image(message.image))
            return
        for chunk in chunks:
            await self.api.send_appchat(message.chat_id, "text", content=chunk)
        if message.image:
            media_id = await self.api.upload_image(message.image)
            await self.api.send_appchat(message.chat_id, "image", media_id=media_id)

    async def _cards_to_members(self, message: Outgoing) -> None:
        """Queue the group message's card for every member (idempotent: one key per member)."""
        base = task_id(message)
        now = self.context.clock.now()
        async with self.context.db.write() as connection:
            homestead_id = await chats.homestead_id_for(connection, store.CHANNEL,
                                                        message.chat_id)
            if homestead_id is None:
                logger.warning("WeCom group %s is bound to no 屋场: its buttons go to nobody",
                               message.chat_id)
                return
            for person_id, user_id in await store.members(connection, homestead_id):
                member_card = Outgoing(chat_id=user_id, text=message.text,
                                       buttons=message.buttons, chat_kind=ChatKind.PRIVATE,
                                       extra={TASK: f"{base}p{person_id}"})
                for card in split_cards(member_card):
                    await outbox.enqueue(connection, key=store.card_key(card.extra[TASK]),
                                         channel=store.CHANNEL, message=card, now=now)

    async def _update_card(self, message: Outgoing) -> None:
        """Rewrite the presser's card after a click; if WeCom refuses, send the note as text."""
        user = message.chat_id
        note = message.extra.get(NOTE, "")
        body: dict[str, object] = {"userids": [user],
                                   "response_code": message.extra[UPDATE]}
        replace_name = message.extra.get(REPLACE)
        if replace_name or not message.buttons:
            body["button"] = {"replace_name": replace_name or short_label(note or message.text)}
        else:
            first_buttons = tuple(flat_buttons(message)[:MAX_BUTTONS])
            body["template_card"] = card_body(replace(message, buttons=(first_buttons,)), note)
        try:
            await self.api.update_card(body)
        except WeComError as error:
            if error.code is None or error.retry_after is not None:
                raise  # unreachable or rate-limited: the dispatcher tries again
            logger.info("WeCom refused to update card %s (%s); sending the text instead",
                        message.extra.get(TASK), error.reason)
            await self._text(user, note or message.text)
