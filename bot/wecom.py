"""The WeCom (企业微信) channel: callbacks become Incoming, replies become outbox rows.

WeCom does not deliver app group chat messages to a self-built app, so people talk
to the app in its private chat. A command meant for a group (/open, 签到, /motion,
/close, /end, their buttons) acts on the sender's own 屋场 group: the adapter hands
it to the handlers as said in that group, whose answers go to the group, while
refusals, toasts and card updates go back to the sender alone.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import replace

from starlette.routing import BaseRoute, Route

from bot.settings import Settings
from bot.wecom_api import WeComApi
from bot.wecom_callback import CallbackEndpoint, Received
from bot.wecom_cards import NOTE, REPLACE, TASK, UPDATE, short_label, split_cards
from bot.wecom_sender import WeComSender
from bot.wiring import App
from core import texts
from core.messages import ChatKind, Incoming, Outgoing
from handlers.router import REFUSED, Command, Where
from storage import outbox
from storage import wecom as store

logger = logging.getLogger(__name__)

CHANNEL = store.CHANNEL
PATH = "/wecom/callback"
CLOSE_TIMEOUT_SECONDS = 30.0


class WeComChannel:
    """Owns the WeCom API client, the callback endpoint and the background work it starts."""

    def __init__(self, app: App, settings: Settings) -> None:
        if not (settings.wecom_corp_id and settings.wecom_secret and settings.wecom_token
                and settings.wecom_aes_key and settings.wecom_agent_id is not None):
            raise ValueError("every WUCHANG_WECOM_* setting is needed for the WeCom channel")
        self.app = app
        self.api = WeComApi(corp_id=settings.wecom_corp_id, secret=settings.wecom_secret,
                            agent_id=settings.wecom_agent_id, api_url=settings.wecom_api_url)
        self.sender = WeComSender(self.api, app.context)
        self.endpoint = CallbackEndpoint(
            token=settings.wecom_token, aes_key=settings.wecom_aes_key,
            corp_id=settings.wecom_corp_id, agent_id=settings.wecom_agent_id,
            on_received=self._start)
        self._commands: dict[str, Command] = {
            name: command for command in app.router.commands
            for name in (command.name, *command.aliases)}
        self._tasks: set[asyncio.Task[None]] = set()

    def routes(self) -> list[BaseRoute]:
        """The callback route for the shared HTTP app."""
        return [Route(PATH, self.endpoint.handle, methods=["GET", "POST"])]

    async def idle(self) -> None:
        """Wait until every callback received so far has been handled and its replies sent."""
        while self._tasks:
            await asyncio.gather(*self._tasks)

    async def close(self, timeout: float = CLOSE_TIMEOUT_SECONDS) -> None:
        """Finish the callbacks in progress (cancel what still runs after ``timeout``)."""
        try:
            await asyncio.wait_for(self.idle(), timeout)
        except TimeoutError:
            logger.warning("cancelling %d WeCom callbacks still running at shutdown",
                           len(self._tasks))
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self.api.close()

    def _start(self, received: Received) -> None:
        """Handle a callback after WeCom has had its answer, tracked so shutdown waits."""
        task = asyncio.get_running_loop().create_task(self._handle(received))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, received: Received) -> None:
        try:
            incoming, replies = await self._incoming(received)
            if incoming is not None:
                replies = await self.app.router.handle(self.app.context, incoming)
            await self._queue(received, await self._rows(received, replies))
            await self.app.dispatcher.drain()
        except Exception:
            logger.exception("handling WeCom callback %s from %s failed", received.key,
                             received.user_id)

    async def _incoming(self, received: Received) -> tuple[Incoming | None, list[Outgoing]]:
        """The Incoming of a callback, or, for a group command without a group, the answer."""
        user = received.user_id
        incoming = Incoming(channel=CHANNEL, chat_id=user, chat_kind=ChatKind.PRIVATE,
                            user_id=user, text=received.text, payload=received.payload,
                            message_id=received.task_id)
        parsed = self.app.router.parse(incoming)
        command = self._commands.get(parsed[0]) if parsed else None
        if command is None or command.where is not Where.GROUP:
            return incoming, []
        async with self.app.context.db.read() as connection:
            bound, group = await store.group_of_user(connection, user)
        if group is not None:
            return replace(incoming, chat_id=group, chat_kind=ChatKind.GROUP), []
        text = texts.WECOM_NO_GROUP.format(command="/" + command.name) if bound \
            else texts.NOT_BOUND
        return None, [Outgoing(chat_id=user, text=text, chat_kind=ChatKind.PRIVATE,
                               toast=received.payload is not None, extra={REFUSED: "1"})]

    async def _rows(self, received: Received, replies: list[Outgoing]) -> list[Outgoing]:
        """Where each reply goes: the group, the sender's app chat, or the clicked card."""
        user = received.user_id
        clicked = received.payload is not None
        rows: list[Outgoing] = []
        card_updated = False
        for reply in replies:
            if clicked and received.response_code and (reply.toast or reply.edit):
                if not card_updated:
                    rows.extend(await self._card_update(received, replies))
                    card_updated = True
            elif reply.toast or REFUSED in reply.extra or (clicked and reply.edit):
                rows.append(replace(reply, chat_id=user, chat_kind=ChatKind.PRIVATE,
                                    toast=False, edit=False))
            else:
                rows.append(reply)
        return rows

    async def _card_update(self, received: Received, replies: list[Outgoing]) -> list[Outgoing]:
        """Rewrite the clicked card for the presser: the edit, or the card, with the toast."""
        assert received.response_code is not None
        user = received.user_id
        note = "\n".join(reply.text for reply in replies if reply.toast)
        edits = [reply for reply in replies if reply.edit]
        card = edits[-1] if edits else None
        if card is None and received.task_id:
            async with self.app.context.db.read() as connection:
                card = await store.sent_card(connection, received.task_id)
        extra = {UPDATE: received.response_code, TASK: received.task_id or ""}
        if card is not None:
            return [Outgoing(chat_id=user, text=card.text, buttons=card.buttons,
                             chat_kind=ChatKind.PRIVATE, extra={**extra, NOTE: note})]
        # A card wuchang does not know: grey its buttons out with the first sentence.
        label = short_label(note)
        rows = [Outgoing(chat_id=user, text=note, chat_kind=ChatKind.PRIVATE,
                         extra={**extra, REPLACE: label})]
        if label != note.strip():
            rows.append(Outgoing(chat_id=user, text=note, chat_kind=ChatKind.PRIVATE))
        return rows

    async def _queue(self, received: Received, rows: list[Outgoing]) -> None:
        """Queue the rows in one transaction; a card is queued under its task id."""
        prefix = hashlib.sha256(received.key.encode()).hexdigest()[:32]
        now = self.app.context.clock.now()
        async with self.app.context.db.write() as connection:
            for index, row in enumerate(rows):
                if row.chat_kind is ChatKind.PRIVATE and row.buttons and UPDATE not in row.extra:
                    for card in split_cards(row):
                        await outbox.enqueue(connection, key=store.card_key(card.extra[TASK]),
                                             channel=CHANNEL, message=card, now=now)
                else:
                    await outbox.enqueue(connection, key=f"{CHANNEL}:reply:{prefix}:{index}",
                                         channel=CHANNEL, message=row, now=now)
