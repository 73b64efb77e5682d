"""The WeCom (企业微信) channel: callbacks become Incoming, replies go out through the outbox.

WeCom does not deliver app group chat messages to a self-built app, and a group can
show no buttons: the channel says so in its capabilities, and the handlers' delivery
policy has people type group commands privately and sends each member the buttons.
What is left here is translation: a click's toast and edit become an update of the
clicked card, and every reply is queued, so it keeps to WeCom's limits and retries.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, replace

from starlette.routing import BaseRoute, Route

from bot.channels import ChannelDefaults
from bot.channels.wecom import CHANNEL
from bot.channels.wecom.api import WeComApi
from bot.channels.wecom.callback import CallbackEndpoint, Received
from bot.channels.wecom.cards import (
    NOTE,
    REPLACE,
    TASK,
    UPDATE,
    card_with_task,
    row_of_task,
    short_label,
)
from bot.channels.wecom.sender import WeComSender
from bot.settings import Settings
from bot.wiring import App
from core.messages import Capabilities, ChatKind, Outgoing
from handlers import delivery
from storage.inbox import Entry

__all__ = ["CHANNEL", "PATH", "WeComChannel", "build"]

logger = logging.getLogger(__name__)

PATH = "/wecom/callback"


def build(app: App, settings: Settings) -> WeComChannel | None:
    """The WeCom channel, when its settings are present."""
    return WeComChannel(app, settings) if settings.wecom_enabled else None


class WeComChannel(ChannelDefaults):
    """Owns the WeCom API client and the callback endpoint; callbacks are handled from the inbox."""

    name = CHANNEL
    # A click's toast and edit are shown on the clicked card, for the presser alone.
    capabilities = Capabilities(group_buttons=False, hears_groups=False, parallel_sends=1)

    def __init__(self, app: App, settings: Settings) -> None:
        if not (settings.wecom_corp_id and settings.wecom_secret and settings.wecom_token
                and settings.wecom_aes_key and settings.wecom_agent_id is not None):
            raise ValueError("every WUCHANG_WECOM_* setting is needed for the WeCom channel")
        self.app = app
        self.api = WeComApi(corp_id=settings.wecom_corp_id, secret=settings.wecom_secret,
                            agent_id=settings.wecom_agent_id, api_url=settings.wecom_api_url)
        self.sender = WeComSender(self.api)
        self.endpoint = CallbackEndpoint(
            token=settings.wecom_token, aes_key=settings.wecom_aes_key,
            corp_id=settings.wecom_corp_id, agent_id=settings.wecom_agent_id,
            clock=app.context.clock, on_received=self._receive)
        app.intake.handlers[CHANNEL] = self._from_inbox

    def routes(self) -> list[BaseRoute]:
        """The callback route for the shared HTTP app."""
        return [Route(PATH, self.endpoint.handle, methods=["GET", "POST"])]

    async def start(self) -> None:
        """Nothing to connect: WeCom calls the callback route, and tokens come on demand."""

    async def stop(self) -> None:
        """Close the API's connections (the service stops the inbox's handling first)."""
        self.api.close()

    async def send(self, message: Outgoing) -> None:
        """Deliver one outbox row through the WeCom API."""
        await self.sender.send(message)

    async def idle(self) -> None:
        """Wait until every callback received so far has been handled and its replies sent."""
        await self.app.intake.idle()

    async def _receive(self, received: Received) -> bool:
        """Store a verified callback in the inbox, keyed by its MsgId; False if seen before."""
        return await self.app.intake.receive(CHANNEL, received.key, received.user_id,
                                             json.dumps(asdict(received), ensure_ascii=False))

    async def _from_inbox(self, entry: Entry) -> None:
        """Handle a stored callback: answer it, and queue the replies for the dispatcher."""
        received = Received(**json.loads(entry.payload))
        replies = await self.app.answer(received.incoming(CHANNEL, entry.key))
        rows = await self._translate(received, replies)
        key = hashlib.sha256(received.key.encode()).hexdigest()[:32]
        await delivery.queue(self.app.context, CHANNEL, key, rows)
        await self.app.dispatcher.drain()

    async def _translate(self, received: Received, replies: list[Outgoing]) -> list[Outgoing]:
        """A click's toasts and edits become one update of the clicked card; the rest as is."""
        rows: list[Outgoing] = []
        presser = [reply for reply in replies if reply.toast or reply.edit]
        if received.response_code and presser:
            rows.extend(await self._card_update(received, presser))
        for reply in replies:
            if reply.toast or reply.edit:
                if not received.response_code:
                    rows.append(replace(reply, toast=False, edit=False))
            else:
                rows.append(reply)
        return rows

    async def _card_update(self, received: Received, replies: list[Outgoing]) -> list[Outgoing]:
        """Rewrite the clicked card for the presser: the edit, or the card, with the toast."""
        assert received.response_code is not None
        user = received.user_id
        note = "\n".join(reply.text for reply in replies if reply.toast)
        edits = [reply for reply in replies if reply.edit]
        card = edits[-1] if edits else await self._clicked_card(received.task_id)
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

    async def _clicked_card(self, task: str | None) -> Outgoing | None:
        """The card with this task id, from the outbox row that sent it."""
        row = row_of_task(task or "")
        sent = await delivery.sent(self.app.context, row) if row else None
        return card_with_task(sent, task or "") if sent is not None else None
