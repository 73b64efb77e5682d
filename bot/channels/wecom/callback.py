"""The WeCom callback endpoint: URL check, size, timestamp, signature, decryption, parsing.

In that order, so a forged or oversized request costs little: the body is read up to
a small limit (413 past it, without reading the rest), the timestamp must be within
five minutes of the clock, and the signature over the envelope's ``Encrypt`` field,
taken out with a strict pattern and no XML parser, is checked before anything is
decrypted or parsed. What a verified callback carried goes to the channel, which
stores it in the inbox before WeCom gets its answer (WeCom waits five seconds at
most); the inbox, keyed by MsgId, is also the replay guard, shared by every worker.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from wechatpy.enterprise import parse_message
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.enterprise.events import ClickEvent, register_event
from wechatpy.enterprise.exceptions import InvalidCorpIdException
from wechatpy.enterprise.messages import (
    ImageMessage,
    LinkMessage,
    LocationMessage,
    TextMessage,
    VideoMessage,
    VoiceMessage,
)
from wechatpy.events import BaseEvent
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.fields import IntegerField, StringField
from wechatpy.utils import WeChatSigner

from core.clock import Clock
from core.messages import ChatKind, Incoming

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 32 * 1024  # a callback is an encrypted message of a few KB
MAX_CLOCK_SKEW = timedelta(minutes=5)
ENVELOPE = re.compile(rb"<Encrypt>(?:<!\[CDATA\[)?([A-Za-z0-9+/=]{16,43700})(?:\]\]>)?</Encrypt>")


@register_event("template_card_event")
class TemplateCardEvent(BaseEvent):  # type: ignore[misc]
    """A click on a template card button; wechatpy 1.8 parses it as an unknown message."""

    event = "template_card_event"
    key = StringField("EventKey", "")
    task_id = StringField("TaskId", "")
    card_type = StringField("CardType", "")
    response_code = StringField("ResponseCode", "")
    agent = IntegerField("AgentID", 0)


@dataclass(frozen=True, slots=True)
class Received:
    """What a verified callback carried: a text, or a card click with its task and code."""

    key: str
    user_id: str
    agent_id: int
    text: str | None = None
    payload: str | None = None
    task_id: str | None = None
    response_code: str | None = None

    def incoming(self, channel: str, inbox_key: str | None = None) -> Incoming:
        """What the person sent, as said in their app chat (WeCom's private chat)."""
        return Incoming(channel=channel, chat_id=self.user_id, chat_kind=ChatKind.PRIVATE,
                        user_id=self.user_id, text=self.text, payload=self.payload,
                        message_id=self.task_id, inbox_key=inbox_key)


class CallbackEndpoint:
    """Serves GET (URL verification) and POST (messages) at /wecom/callback.

    ``on_received`` stores a verified callback and says whether it was new.
    """

    def __init__(self, *, token: str, aes_key: str, corp_id: str, agent_id: int, clock: Clock,
                 on_received: Callable[[Received], Awaitable[bool]]) -> None:
        self.crypto = WeChatCrypto(token, aes_key, corp_id)
        self.token = token
        self.agent_id = agent_id
        self.clock = clock
        self.on_received = on_received

    async def handle(self, request: Request) -> Response:
        """Verify and decrypt one callback, store it, and acknowledge it with an empty 200."""
        params = request.query_params
        signature, timestamp, nonce = (params.get(name, "") for name in
                                       ("msg_signature", "timestamp", "nonce"))
        if not (signature and timestamp and nonce):
            return _refuse(request, 400, "signature parameters missing")
        if request.method == "GET":
            return self._verify_url(request, signature, timestamp, nonce)
        body = await _body_within(request, MAX_BODY_BYTES)
        if body is None:
            return _refuse(request, 413, f"body over {MAX_BODY_BYTES} bytes")
        if not self._timely(timestamp):
            return _refuse(request, 403, f"timestamp {timestamp[:20]} off the clock")
        envelope = ENVELOPE.search(body)
        if envelope is None:
            return _refuse(request, 400, "no Encrypt field")
        encrypted = envelope.group(1).decode()
        if not hmac.compare_digest(_signature(self.token, timestamp, nonce, encrypted),
                                   signature):
            return _refuse(request, 403, "bad signature")
        try:
            xml = self.crypto.decrypt_message({"Encrypt": encrypted}, signature, timestamp,
                                              nonce)
        except InvalidSignatureException:
            return _refuse(request, 403, "bad signature")
        except InvalidCorpIdException:
            return _refuse(request, 403, "encrypted for another corp id")
        except Exception as error:  # malformed XML, base64 or padding
            return _refuse(request, 400, f"undecryptable body ({error!r})")
        try:
            received = _received(parse_message(xml))
        except Exception as error:
            return _refuse(request, 400, f"unparsable message ({error!r})")
        if received is None:
            return Response(status_code=200)
        if received.agent_id and received.agent_id != self.agent_id:
            logger.warning("ignored a WeCom callback for agent %s (this app is %s)",
                           received.agent_id, self.agent_id)
        elif not await self.on_received(received):
            logger.info("ignored a repeated WeCom callback %s from %s", received.key,
                        received.user_id)
        return Response(status_code=200)

    def _timely(self, timestamp: str) -> bool:
        """Whether the signed timestamp is within five minutes of the clock (no old replays)."""
        if not timestamp.isdecimal() or len(timestamp) > 12:
            return False
        skew = abs(self.clock.now().timestamp() - int(timestamp))
        return skew <= MAX_CLOCK_SKEW.total_seconds()

    def _verify_url(self, request: Request, signature: str, timestamp: str,
                    nonce: str) -> Response:
        # base64 has no spaces: a "+" WeCom left unencoded was decoded to one.
        echo = request.query_params.get("echostr", "").replace(" ", "+")
        try:
            plain = self.crypto.check_signature(signature, timestamp, nonce, echo)
        except (InvalidSignatureException, InvalidCorpIdException) as error:
            return _refuse(request, 403, f"URL verification failed ({error!r})")
        except Exception as error:
            return _refuse(request, 400, f"bad echostr ({error!r})")
        logger.info("WeCom callback URL verified")
        return PlainTextResponse(plain)



async def _body_within(request: Request, limit: int) -> bytes | None:
    """The request body, or None as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdecimal() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    """WeCom's msg_signature: SHA-1 over the sorted token, timestamp, nonce and ciphertext."""
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce, encrypted)
    return str(signer.signature)


def _received(message: Any) -> Received | None:
    """Plain values of a text, a picture, voice or the like (no text), a click; else None."""
    user = str(message.source or "")
    agent = int(getattr(message, "agent", 0) or 0)
    if isinstance(message, TextMessage | ImageMessage | VoiceMessage | VideoMessage
                  | LocationMessage | LinkMessage):
        # Media are not fetched (no text): nothing takes them from WeCom, so the router
        # says what the bot can take.
        text = str(message.content or "") if isinstance(message, TextMessage) else None
        return Received(key=f"msg:{message.id}" if message.id else _event_key(message),
                        user_id=user, agent_id=agent, text=text)
    if isinstance(message, ClickEvent):  # the app menu: its key is a command line
        # Two items clicked within a second differ by their key, which names no choice.
        return Received(key=_event_key(message, str(message.key or "")), user_id=user,
                        agent_id=agent, text=str(message.key or ""))
    if isinstance(message, TemplateCardEvent):
        return Received(key=_event_key(message), user_id=user, agent_id=agent,
                        payload=str(message.key), task_id=str(message.task_id) or None,
                        response_code=str(message.response_code) or None)
    logger.debug("ignored a WeCom %s callback from %s", message.type, user)
    return None


def _event_key(message: Any, menu_key: str = "") -> str:
    """Events have no MsgId: the sender, the time, the event, its task and response code.

    Never a card's button pressed: the key outlives the handling as the replay guard,
    and a survey card's choice (rule Y3) must not be kept beside who made it. An app
    menu item (``menu_key``) is a command anyone may send, so it may tell clicks apart.
    """
    parts = [str(message.source), str(message.time), str(getattr(message, "event", "")),
             str(getattr(message, "task_id", "")), str(getattr(message, "response_code", ""))]
    parts += [menu_key] if menu_key else []
    return "event:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def _refuse(request: Request, status: int, reason: str) -> Response:
    client = request.client.host if request.client else "?"
    logger.warning("refused a WeCom callback from %s: %s", client, reason)
    return PlainTextResponse(reason.split(" (")[0], status_code=status)
