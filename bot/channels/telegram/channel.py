"""The Telegram channel: python-telegram-bot's Application, translating both ways, nothing more.

Updates become ``Incoming`` for the router and its ``Outgoing`` replies become Bot
API calls; pushes from the outbox go through ``TelegramSender``. Long polling by
default (one worker at a time), or Telegram's webhook on the shared HTTP app when a
public URL is set (any worker). Either way each update is stored in the inbox before
Telegram is told it arrived, and handled from there (``schedules.intake``).
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import secrets
from functools import partial

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeDefault, Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.channels import ChannelDefaults
from bot.channels.telegram.pace import FloodLimiter
from bot.channels.telegram.polling import InboxQueue, PollingLeader
from bot.channels.telegram.send import TelegramSender
from bot.channels.telegram.updates import (
    ALLOWED_UPDATES,
    CHANNEL,
    TelegramApp,
    UpdateHandlers,
    inbox_key,
)
from bot.settings import Settings
from bot.wiring import App
from core import texts
from core.messages import Capabilities, ChatKind, Outgoing
from handlers import binding, menus
from schedules.jobs import Job
from storage import menus as storage_menus
from storage.context import Context
from storage.inbox import Entry

__all__ = ["CHANNEL", "SECRET_HEADER", "WEBHOOK_PATH", "TelegramChannel", "build", "file_url"]

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# How often the menu job looks for chats bound since (a quick look; ``refresh_menus``).
MENU_EVERY_SECONDS = 5


def file_url(api_url: str) -> str:
    """The Bot API file base that belongs to an API base: ``.../bot`` -> ``.../file/bot``."""
    base, _, last = api_url.rpartition("/")
    return f"{base}/file/{last}"


def build(app: App, settings: Settings) -> TelegramChannel | None:
    """The Telegram channel, when its token is set."""
    return TelegramChannel(app, settings) if settings.telegram_token else None


class TelegramChannel(ChannelDefaults):
    """Runs the bot: polling or webhook, updates to the router, replies and pushes back."""

    name = CHANNEL
    # Enough chats at once to reach Telegram's 30 messages a second (see TelegramSender).
    capabilities = Capabilities(passes_files=True, parallel_sends=16)

    def __init__(self, app: App, settings: Settings) -> None:
        if not settings.telegram_token:
            raise ValueError("the Telegram channel needs WUCHANG_TELEGRAM_TOKEN")
        # Opt in to python-telegram-bot's next behaviour (time periods as timedelta);
        # without it every 429 warns of a deprecation when its retry_after is read.
        os.environ.setdefault("PTB_TIMEDELTA", "true")
        self.app = app
        self.webhook_url = settings.telegram_webhook_url
        # Without a configured secret each start registers a fresh one with setWebhook.
        self.webhook_secret = settings.telegram_webhook_secret or secrets.token_urlsafe(32)
        builder = (Application.builder().token(settings.telegram_token)
                   .base_url(settings.telegram_api_url)
                   .base_file_url(file_url(settings.telegram_api_url))
                   .rate_limiter(FloodLimiter())
                   .update_queue(InboxQueue(self._store))
                   .job_queue(None))
        if self.webhook_url:
            builder = builder.updater(None)
        self.application: TelegramApp = builder.build()
        self.bot = self.application.bot
        self.sender = TelegramSender(self.bot, self.move_group,
                                     partial(menus.entries_of, app.router.commands))
        self.leader: PollingLeader | None = None
        if self.application.updater is not None:
            self.leader = PollingLeader(app.context, self.application.updater, app.worker,
                                        self._start_polling)
        UpdateHandlers(app, self.application, self.move_group).register()
        app.intake.handlers[CHANNEL] = self._from_inbox
        app.jobs.append(Job("telegram_menus", MENU_EVERY_SECONDS, self.refresh_menus))
        # The roster import this worker's menu job last compared every chat after; None
        # until it first has (``refresh_menus``).
        self._imported: int | None = None

    async def send(self, message: Outgoing) -> None:
        """Deliver one outbox row; Bot API errors become DeliveryError."""
        await self.sender.send(message)

    def routes(self) -> list[BaseRoute]:
        """The webhook route for the shared HTTP app; none when polling."""
        if not self.webhook_url:
            return []
        return [Route(WEBHOOK_PATH, self._webhook, methods=["POST"])]

    async def start(self) -> None:
        """Connect (getMe), publish the menus and description, then poll or register the webhook."""
        try:
            await self.application.initialize()
            await self._set_commands()
            await self.application.start()
            if self.webhook_url:
                await self.bot.set_webhook(self.webhook_url, secret_token=self.webhook_secret,
                                           allowed_updates=ALLOWED_UPDATES)
            else:
                assert self.leader is not None
                await self.leader.start()
        except BaseException:
            await self.stop()
            raise
        logger.info("telegram: @%s by %s", self.bot.username,
                    "webhook" if self.webhook_url else "long polling, one worker at a time")

    async def stop(self) -> None:
        """Stop polling (giving its lease up) and close the connections."""
        if self.leader is not None:
            await self.leader.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def move_group(self, old_chat_id: str, new_chat_id: str) -> None:
        """Follow a group that became a supergroup: its binding moves to the new chat id."""
        await binding.move_group(self.app.context, CHANNEL, old_chat_id, new_chat_id)
        logger.info("telegram group %s is now supergroup %s", old_chat_id, new_chat_id)

    async def refresh_menus(self, context: Context, *, whole: bool = False) -> int:
        """Queue the menus of chats bound since the last look; ``whole``: of every chat.

        The menu job looks for bindings made or dropped only, unless the roster was
        imported since its last look (by ``wuchang roster import`` too, in a process
        without channels, which queues no menus): then, and on its first run in this
        worker, it compares every chat's menu with its role's, so a changed role or
        command table reaches everyone. The job is claimed, so that runs in one worker
        at a time, not in each at start-up; the write lock is taken only to queue.
        """
        commands = self.app.router.commands
        async with context.db.read() as connection:
            imported = await storage_menus.last_import(connection)
            whole = whole or imported != self._imported
            found = bool(await menus.stale(connection, commands, CHANNEL) if whole
                         else await storage_menus.unsent(connection, CHANNEL))
        queued = 0
        if found:
            async with context.db.write() as connection:
                queued = await menus.refresh(connection, commands, CHANNEL, context.clock.now())
        if whole:
            self._imported = imported
        return queued

    async def _set_commands(self) -> None:
        """The bot's Chinese description and the menus of people not bound yet.

        A bound person's private chat and each bound group get their own menus
        through the outbox by the menu job (``refresh_menus``), by role, from the same
        command table. Each call is tried on its own: a 429 on the description does not
        keep the menus from being set. A description is set only where it differs.
        """
        for name, wanted, read, write in (
                ("description", texts.BOT_DESCRIPTION, self.bot.get_my_description,
                 self.bot.set_my_description),
                ("short_description", texts.BOT_SHORT_DESCRIPTION,
                 self.bot.get_my_short_description, self.bot.set_my_short_description)):
            try:
                if getattr(await read(), name) != wanted:
                    await write(wanted)
            except TelegramError:
                logger.warning("telegram refused the bot's %s", name, exc_info=True)
        commands = self.app.router.commands
        for scope, kind in ((BotCommandScopeDefault(), ChatKind.PRIVATE),
                            (BotCommandScopeAllGroupChats(), ChatKind.GROUP)):
            try:
                await self.bot.set_my_commands(
                    [BotCommand(command, summary)
                     for command, summary in menus.entries(commands, None, kind)], scope=scope)
            except TelegramError:
                logger.warning("telegram refused the %s command menu", kind.value, exc_info=True)

    async def _webhook(self, request: Request) -> Response:
        """Take an update from Telegram, which proves itself with the secret token."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.webhook_secret.encode()):
            logger.warning("refused a webhook call without the secret token from %s",
                           request.client.host if request.client else "?")
            return Response(status_code=403)
        try:
            data = await request.json()
            update = Update.de_json(data, self.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            logger.warning("refused a webhook call that is not an update", exc_info=True)
            return Response(status_code=400)
        if update is None or not isinstance(data, dict):
            return Response(status_code=400)
        await self._store(update, json.dumps(data, ensure_ascii=False))
        return Response()

    async def _start_polling(self) -> None:
        assert self.application.updater is not None
        await self.application.updater.start_polling(allowed_updates=ALLOWED_UPDATES)

    async def _store(self, update: Update, payload: str | None = None) -> bool:
        """Store an update in the inbox before Telegram is answered; False if seen before."""
        chat = update.effective_chat
        return await self.app.intake.receive(
            CHANNEL, inbox_key(update), str(chat.id) if chat is not None else "",
            payload if payload is not None else json.dumps(update.to_dict(),
                                                           ensure_ascii=False))

    async def _from_inbox(self, entry: Entry) -> None:
        """Handle a stored update through the application's handlers."""
        update = Update.de_json(json.loads(entry.payload), self.bot)
        if update is not None:
            await self.application.process_update(update)
