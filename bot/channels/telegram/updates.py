"""Telegram, incoming: updates become Incoming for the router; its replies go back out."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import (
    CallbackQuery,
    Chat,
    ChatMember,
    ChatMemberRestricted,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.telegram import send as telegram_send
from bot.wiring import App
from core import texts
from core.messages import (
    MAX_ATTACHMENT,
    Attachment,
    AttachmentKind,
    ChatKind,
    Incoming,
    Outgoing,
)

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
REPLY_RETRIES = 2  # a reply to a person waits out a 429 this often before it is dropped
KINDS: dict[str, ChatKind] = {ChatType.PRIVATE: ChatKind.PRIVATE,
                              ChatType.GROUP: ChatKind.GROUP,
                              ChatType.SUPERGROUP: ChatKind.GROUP}
PRESENT = {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}
PHOTO_NAME = "图片.jpg"  # Telegram sends photos as JPEG, without a name
PHOTO_TYPE = "image/jpeg"
FILE_TYPE = "application/octet-stream"

# What people send that wuchang cannot read: the router tells them what it can take.
UNREAD = (filters.VOICE | filters.AUDIO | filters.VIDEO | filters.VIDEO_NOTE
          | filters.Sticker.ALL | filters.LOCATION | filters.CONTACT)

Context = ContextTypes.DEFAULT_TYPE
TelegramApp = Application[telegram_send.Bot, Context, dict[Any, Any], dict[Any, Any],
                          dict[Any, Any], None]


def inbox_key(update: Update) -> str:
    """The key of an update in the inbox: its update id, unique for the bot."""
    return str(update.update_id)


def chat_kind(chat: Chat) -> ChatKind | None:
    """Private chat or group; None for channels, which the bot does not serve."""
    return KINDS.get(chat.type)


def is_present(member: ChatMember) -> bool:
    """Whether a chat member (here: the bot) is in the chat."""
    if isinstance(member, ChatMemberRestricted):
        return member.is_member
    return member.status in PRESENT


class UpdateHandlers:
    """Every kind of update the bot serves, registered in one place, in order."""

    def __init__(self, app: App, application: TelegramApp,
                 group_moved: telegram_send.GroupMoved) -> None:
        self.app = app
        self.application = application
        self.bot = application.bot
        self.group_moved = group_moved
        self._edit_versions: dict[tuple[str, int], int] = {}
        self._edit_locks: dict[tuple[str, int], asyncio.Lock] = {}

    def register(self) -> None:
        """Add the handlers to the application; the first that matches an update takes it."""
        add = self.application.add_handler
        add(MessageHandler(filters.StatusUpdate.MIGRATE, self._on_migrate))
        add(ChatMemberHandler(self._on_membership, ChatMemberHandler.MY_CHAT_MEMBER))
        add(CallbackQueryHandler(self._on_press))
        add(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, self._on_text))
        add(MessageHandler(filters.UpdateType.MESSAGE & (filters.PHOTO | filters.Document.ALL),
                           self._on_file))
        add(MessageHandler(filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & UNREAD,
                           self._on_unread))
        self.application.add_error_handler(self._on_error)

    async def _on_text(self, update: Update, _: Context) -> None:
        message, user = update.message, update.effective_user
        kind = chat_kind(message.chat) if message else None
        if message is None or message.text is None or user is None or user.is_bot \
                or kind is None or self._for_another_bot(message.text):
            return
        await self._hand_on(update, message, user, kind, text=message.text)

    async def _on_file(self, update: Update, _: Context) -> None:
        """A photo or a document, downloaded (up to the limit) and handed on with its caption."""
        message, user = update.message, update.effective_user
        kind = chat_kind(message.chat) if message else None
        if message is None or user is None or user.is_bot or kind is None \
                or (message.caption is not None and self._for_another_bot(message.caption)):
            return
        attachment = await self._download(message)
        if attachment is None:
            return
        await self._hand_on(update, message, user, kind, text=message.caption,
                            attachment=attachment)

    async def _on_unread(self, update: Update, _: Context) -> None:
        """A voice message, video, sticker, location or contact: nothing to read in it."""
        message, user = update.message, update.effective_user
        if message is None or user is None or user.is_bot:
            return
        await self._hand_on(update, message, user, ChatKind.PRIVATE)

    async def _hand_on(self, update: Update, message: Message, user: User, kind: ChatKind, *,
                       text: str | None = None, attachment: Attachment | None = None) -> None:
        """Hand a message on to the service as its sender wrote it, and send the replies."""
        incoming = Incoming(channel=CHANNEL, chat_id=str(message.chat.id), chat_kind=kind,
                            user_id=str(user.id), text=text, user_name=user.full_name,
                            attachment=attachment, inbox_key=inbox_key(update))
        for reply in await self.app.answer(incoming):
            await self._send(reply)

    async def _download(self, message: Message) -> Attachment | None:
        """The message's photo (its largest size) or document; not its content when too big."""
        if message.photo:
            photo = message.photo[-1]
            file_id, size = photo.file_id, photo.file_size
            kind, name, mime_type = AttachmentKind.PICTURE, PHOTO_NAME, PHOTO_TYPE
        elif message.document is not None:
            document = message.document
            file_id, size = document.file_id, document.file_size
            kind, name = AttachmentKind.FILE, document.file_name or document.file_unique_id
            mime_type = document.mime_type or FILE_TYPE
        else:
            return None
        if size is not None and size > MAX_ATTACHMENT:
            return Attachment(kind, name, mime_type, b"", size)
        try:
            found = await self.bot.get_file(file_id)
            if found.file_size is not None and found.file_size > MAX_ATTACHMENT:
                return Attachment(kind, name, mime_type, b"", found.file_size)
            content = bytes(await found.download_as_bytearray())
        except TelegramError as error:
            if "too big" in error.message.lower():  # over what bots may download (20 MB)
                return Attachment(kind, name, mime_type, b"", max(size or 0, MAX_ATTACHMENT + 1))
            logger.warning("could not download telegram file %s: %s", file_id, error)
            return None
        return Attachment(kind, name, mime_type, content, len(content))

    async def _on_press(self, update: Update, _: Context) -> None:
        query = update.callback_query
        assert query is not None
        message = query.message
        kind = chat_kind(message.chat) if message else None
        replies: list[Outgoing] = []
        try:
            if message is not None and kind is not None and query.data is not None:
                replies = await self.app.answer(Incoming(
                    channel=CHANNEL, chat_id=str(message.chat.id), chat_kind=kind,
                    user_id=str(query.from_user.id), payload=query.data,
                    user_name=query.from_user.full_name, message_id=str(message.message_id),
                    inbox_key=inbox_key(update)))
        finally:
            await self._answer(query, [reply.text for reply in replies if reply.toast])
        kept = message.reply_markup if isinstance(message, Message) else None
        for reply in replies:
            if reply.toast:
                continue
            if reply.edit and message is not None and reply.chat_id == str(message.chat.id):
                self._edit_soon(reply, message.message_id, kept)
            else:
                await self._send(reply)

    async def _on_membership(self, update: Update, _: Context) -> None:
        change = update.my_chat_member
        assert change is not None
        chat, joined = change.chat, is_present(change.new_chat_member)
        if chat_kind(chat) is not ChatKind.GROUP:
            if change.new_chat_member.status == ChatMemberStatus.BANNED:
                logger.info("telegram user %s blocked the bot", chat.id)
            return
        if joined and not is_present(change.old_chat_member):
            logger.info("added to telegram group %s (%s)", chat.id, chat.title)
            await self._send(Outgoing(chat_id=str(chat.id), text=texts.BOT_ADDED_TO_GROUP))
        elif not joined:
            logger.warning("removed from telegram group %s (%s); its binding stays and "
                           "deliveries there will fail", chat.id, chat.title)

    async def _on_migrate(self, update: Update, _: Context) -> None:
        message = update.message
        assert message is not None
        if message.migrate_to_chat_id:
            await self.group_moved(str(message.chat.id), str(message.migrate_to_chat_id))
        elif message.migrate_from_chat_id:  # the same news seen from the new supergroup
            await self.group_moved(str(message.migrate_from_chat_id), str(message.chat.id))

    async def _on_error(self, update: object, context: Context) -> None:
        logger.error("telegram update %s failed", getattr(update, "update_id", "?"),
                     exc_info=context.error)

    def _for_another_bot(self, text: str) -> bool:
        """Whether a command names another bot, as ``/open@other_bot`` in a shared group."""
        first = text.split(maxsplit=1)[0] if text.strip() else ""
        name, at, bot_name = first.partition("@")
        return name.startswith("/") and bool(at) and bot_name.lower() != (
            self.bot.username or "").lower()

    async def _answer(self, query: CallbackQuery, toasts: list[str]) -> None:
        """Answer a press exactly once: the toast for the presser, or silently."""
        text = "\n".join(toasts)[:telegram_send.ANSWER_LIMIT] or None
        try:
            await self.bot.answer_callback_query(query.id, text, rate_limit_args=REPLY_RETRIES)
        except TelegramError as error:
            logger.warning("could not answer telegram button press %s: %s", query.id, error)

    async def _send(self, reply: Outgoing) -> None:
        try:
            await telegram_send.send(self.bot, reply, retries=REPLY_RETRIES)
        except TelegramError as error:
            logger.warning("telegram reply to %s failed: %s", reply.chat_id, error)

    def _edit_soon(self, reply: Outgoing, message_id: int,
                   kept: InlineKeyboardMarkup | None) -> None:
        """Edit in the background so a throttled group edit does not hold up the next press.

        Edits of one message run in order and only the newest is sent: with 20
        messages a minute per group, a check-in rush must not queue stale counts.
        """
        key = (reply.chat_id, message_id)
        version = self._edit_versions[key] = self._edit_versions.get(key, 0) + 1
        self.application.create_task(self._edit(key, version, reply, kept))

    async def _edit(self, key: tuple[str, int], version: int, reply: Outgoing,
                    kept: InlineKeyboardMarkup | None) -> None:
        async with self._edit_locks.setdefault(key, asyncio.Lock()):
            if self._edit_versions.get(key) != version:
                return  # a newer text for this message follows
            try:
                await telegram_send.edit(self.bot, reply, key[1], kept, retries=REPLY_RETRIES)
            except TelegramError as error:
                logger.info("could not edit telegram message %s (%s); sending it anew",
                            key, error)
                await self._send(reply)
        if self._edit_versions.get(key) == version:  # nobody waits for the lock any more
            del self._edit_versions[key], self._edit_locks[key]
