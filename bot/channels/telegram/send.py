"""Telegram, outgoing: neutral Outgoing messages as Bot API calls, and the outbox Sender."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeChatMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.ext import ExtBot

from core.messages import Button, DeliveryError, Outgoing
from storage.menus import MEMBER, MENU, TAKEN_BACK

logger = logging.getLogger(__name__)

CALLBACK_DATA_BYTES = 64  # Telegram's limit on a button's callback_data
TEXT_LIMIT = 4096  # characters in one message
CAPTION_LIMIT = 1024  # characters in a photo's caption
ANSWER_LIMIT = 200  # characters in a callback query answer

Bot = ExtBot[int]
GroupMoved = Callable[[str, str], Awaitable[None]]
# A menu's (command, summary) entries by its name; ValueError for a name no longer known.
MenuOf = Callable[[str], list[tuple[str, str]]]


def callback_data(payload: str) -> str:
    """A payload within Telegram's 64 bytes: a longer one is cut on a character boundary.

    A cut payload no longer names anything, so the router answers its press as an
    expired button; an uncut one would make Telegram refuse the whole message.
    """
    encoded = payload.encode()
    if len(encoded) <= CALLBACK_DATA_BYTES:
        return payload
    logger.error("button payload %r is over %d bytes and was cut", payload, CALLBACK_DATA_BYTES)
    return encoded[:CALLBACK_DATA_BYTES].decode(errors="ignore")


def keyboard(buttons: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    """The inline keyboard of a message's button rows, or None without buttons."""
    if not buttons:
        return None
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(button.label, callback_data=callback_data(button.payload))
         for button in row] for row in buttons])


def pieces(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split a text into messages of at most ``limit`` characters, at line breaks if possible."""
    parts = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = limit
        parts.append(text[:cut])
        text = text[cut:].removeprefix("\n")
    if text:
        parts.append(text)
    return parts


class UploadedPhotos:
    """Pictures Telegram already holds, by content: sent again by file id, not uploaded.

    One grid's flag picture goes to every village group of the grid; after the first
    upload the others take a few hundred bytes instead of the whole picture, and a
    message spends far less time on its way. While a picture's first upload is on its
    way, other sends of it wait for its file id. The newest ``LIMIT`` are kept, in memory.
    """

    LIMIT = 256

    def __init__(self) -> None:
        self._ids: OrderedDict[bytes, str] = OrderedDict()
        self._uploads: dict[bytes, asyncio.Lock] = {}

    def upload_lock(self, image: bytes) -> asyncio.Lock:
        """Held by the send that uploads ``image`` while no file id is known."""
        return self._uploads.setdefault(_digest(image), asyncio.Lock())

    def file_id(self, image: bytes) -> str | None:
        """The file id of this picture, if Telegram has it."""
        digest = _digest(image)
        found = self._ids.get(digest)
        if found is not None:
            self._ids.move_to_end(digest)
        return found

    def remember(self, image: bytes, sent: Message) -> None:
        """Keep the file id Telegram gave the picture in ``sent``."""
        if not sent.photo:
            return
        digest = _digest(image)
        self._ids[digest] = sent.photo[-1].file_id
        self._uploads.pop(digest, None)
        while len(self._ids) > self.LIMIT:
            self._ids.popitem(last=False)

    def forget(self, image: bytes) -> None:
        """Drop a file id Telegram no longer accepts."""
        self._ids.pop(_digest(image), None)


def _digest(image: bytes) -> bytes:
    return hashlib.sha256(image).digest()


async def send(bot: Bot, message: Outgoing, *, retries: int | None = None,
               photos: UploadedPhotos | None = None) -> None:
    """Send a message: a photo captioned with the text if it fits, else text after it.

    The buttons go under the last part. ``retries`` is how often the rate limiter
    may wait out a 429 itself (None: never, the caller decides). With ``photos``, a
    picture sent before goes by its file id.
    """
    markup = keyboard(message.buttons)
    parts = pieces(message.text)
    if message.image is not None:
        if len(message.text) <= CAPTION_LIMIT:
            await _send_photo(bot, message, message.text or None, markup, retries, photos)
            return
        await _send_photo(bot, message, None, None, retries, photos)
    if not parts:
        logger.warning("not sending an empty message to %s", message.chat_id)
    for index, part in enumerate(parts):
        await bot.send_message(message.chat_id, part, rate_limit_args=retries,
                               reply_markup=markup if index == len(parts) - 1 else None)


async def _send_photo(bot: Bot, message: Outgoing, caption: str | None,
                      markup: InlineKeyboardMarkup | None, retries: int | None,
                      photos: UploadedPhotos | None) -> None:
    image = message.image
    assert image is not None

    async def upload() -> Message:
        return await bot.send_photo(message.chat_id, image, caption=caption,
                                    reply_markup=markup, rate_limit_args=retries)

    if photos is None:
        await upload()
        return
    async with photos.upload_lock(image):
        known = photos.file_id(image)
        if known is None:
            photos.remember(image, await upload())
            return
    try:
        await bot.send_photo(message.chat_id, known, caption=caption, reply_markup=markup,
                             rate_limit_args=retries)
    except BadRequest:
        photos.forget(image)  # an id Telegram no longer knows: upload the picture again
        photos.remember(image, await upload())


async def set_menu(bot: Bot, message: Outgoing, menu_of: MenuOf) -> None:
    """Show a menu row's commands in its chat, or to its one member in a group.

    A menu taken back (``TAKEN_BACK``) is deleted: the wider scope's shows again.
    """
    member = message.extra.get(MEMBER)
    scope = (BotCommandScopeChatMember(message.chat_id, int(member)) if member
             else BotCommandScopeChat(message.chat_id))
    if message.extra[MENU] == TAKEN_BACK:
        await bot.delete_my_commands(scope=scope)
        return
    try:
        listed = menu_of(message.extra[MENU])
    except ValueError:  # a row queued by another version of the command table
        raise DeliveryError(f"unknown menu {message.extra[MENU]!r}", permanent=True) from None
    commands = [BotCommand(name, summary) for name, summary in listed]
    await bot.set_my_commands(commands, scope=scope)


async def edit(bot: Bot, message: Outgoing, message_id: int,
               kept: InlineKeyboardMarkup | None, *, retries: int | None = None) -> None:
    """Rewrite a message in place with new text, keeping its keyboard unless new buttons come."""
    try:
        await bot.edit_message_text(message.text[:TEXT_LIMIT], chat_id=message.chat_id,
                                    message_id=message_id, rate_limit_args=retries,
                                    reply_markup=keyboard(message.buttons) or kept)
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise


def delivery_error(error: TelegramError) -> DeliveryError:
    """What the dispatcher should do about a Bot API error: wait, give up, or retry later."""
    kind = type(error).__name__
    reason = error.message if error.message.startswith(kind) else f"{kind}: {error.message}"
    if isinstance(error, RetryAfter):
        return DeliveryError(reason, retry_after=seconds(error.retry_after))
    if isinstance(error, Forbidden | BadRequest):
        # Blocked by the user, removed from the group, chat not found: sending the
        # same request again gets the same answer.
        return DeliveryError(reason, permanent=True)
    return DeliveryError(reason)  # network trouble, timeouts, Telegram's own errors


def seconds(period: int | float | timedelta) -> float:
    """A Bot API time period in seconds, given as a number or as a timedelta."""
    return period.total_seconds() if isinstance(period, timedelta) else float(period)


class TelegramSender:
    """Delivers outbox rows to Telegram; Bot API errors become DeliveryError for the dispatcher.

    The rate limiter keeps to Telegram's limits and, with no retries of its own,
    raises a 429, which the dispatcher then waits out before the next attempt. A send
    spends most of its time waiting for Telegram's answer, so several chats are served
    at once: enough to reach the limit of 30 messages a second.
    """

    def __init__(self, bot: Bot, group_moved: GroupMoved, menu_of: MenuOf) -> None:
        self.bot = bot
        self.group_moved = group_moved
        self.menu_of = menu_of
        self.photos = UploadedPhotos()

    async def send(self, message: Outgoing) -> None:
        """Deliver one message or menu, following a group that became a supergroup."""
        try:
            try:
                await self._deliver(message)
            except ChatMigrated as migrated:
                new_chat_id = str(migrated.new_chat_id)
                await self.group_moved(message.chat_id, new_chat_id)
                await self._deliver(replace(message, chat_id=new_chat_id))
        except TelegramError as error:
            raise delivery_error(error) from error

    async def _deliver(self, message: Outgoing) -> None:
        if MENU in message.extra:
            await set_menu(self.bot, message, self.menu_of)
        else:
            await send(self.bot, message, photos=self.photos)
