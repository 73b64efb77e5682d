"""WeCom, outgoing: app chats, app group chats, group robots and card updates.

A private message with buttons becomes template cards; a group message is text (a
group cannot show cards: the delivery policy sent each member the buttons already).
"""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.channels.wecom import ROBOT_PREFIX
from bot.channels.wecom.api import WeComApi, WeComError, robot_image
from bot.channels.wecom.cards import (
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
    text_chunks,
)
from core.messages import ChatKind, DeliveryError, Outgoing

logger = logging.getLogger(__name__)


class WeComSender:
    """Delivers one message through the WeCom API; failures raise DeliveryError."""

    def __init__(self, api: WeComApi) -> None:
        self.api = api

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
            logger.warning("WeCom group %s cannot show buttons; sending the text alone",
                           message.chat_id)
        chunks = text_chunks(message.text) if message.text.strip() else []
        if message.chat_id.startswith(ROBOT_PREFIX):
            key = message.chat_id.removeprefix(ROBOT_PREFIX)
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
