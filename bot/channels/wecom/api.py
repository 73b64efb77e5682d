"""The WeCom server API through wechatpy: never blocks the event loop, errors as DeliveryError."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any

import requests
from wechatpy.enterprise import WeChatClient
from wechatpy.exceptions import WeChatClientException

from core.messages import DeliveryError

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10.0
REFRESH_MARGIN_SECONDS = 300
REASON_CHARS = 300
TOKEN_ERRORS = frozenset({40001, 40014, 42001})  # invalid credential, invalid / expired token
# Rate limits and "system busy", with the wait before trying again.
RATE_LIMITS = {45009: 60.0, 45011: 60.0, 45033: 10.0, -1: 5.0}
PERMANENT_ERRORS = frozenset({
    40003,  # invalid userid
    44004,  # empty content
    45002,  # content too long
    60011,  # no privilege for this member (outside the app's visible range)
    60111,  # userid not found
    81013,  # every recipient invalid or outside the app's visible range
    86001,  # invalid appchat id
    86003,  # no such appchat
    93000,  # invalid group robot webhook key
})


# Query parameters that are secrets: the app's secret, the access token, a group robot's key.
_SECRET_PARAMETERS = re.compile(r"((?:corpsecret|access_token|key)=)[^&\s'\"]+")


def redact(text: str) -> str:
    """``text`` with every secret a request URL carries replaced by ***."""
    return _SECRET_PARAMETERS.sub(r"\1***", text)


class WeComError(DeliveryError):
    """A failed WeCom call, with WeCom's errcode when it answered with one.

    Its reason is printed by the CLI, logged and kept in the outbox: the URL a failed
    request names (requests puts it in the message) loses its secrets first.
    """

    def __init__(self, code: int | None, reason: str, *, permanent: bool = False,
                 retry_after: float | None = None) -> None:
        super().__init__(redact(reason)[:REASON_CHARS], permanent=permanent,
                         retry_after=retry_after)
        self.code = code


class WeComClient(WeChatClient):  # type: ignore[misc]
    """wechatpy's WeCom client on the configured API base, with a timeout and early refresh."""

    def __init__(self, corp_id: str, secret: str, api_url: str, timeout: float) -> None:
        super().__init__(corp_id, secret, timeout=timeout, auto_retry=False)
        self.API_BASE_URL = api_url
        self._token_lock = threading.Lock()

    def fetch_access_token(self) -> dict[str, Any]:
        """Fetch a token from gettoken on the configured base (wechatpy hard-codes the public)."""
        response = self._http.get(self.API_BASE_URL + "gettoken", timeout=self.timeout,
                                  params={"corpid": self.corp_id, "corpsecret": self.secret})
        result = checked(self, response)
        expires_in = int(result.get("expires_in", 7200))
        self.session.set(self.access_token_key, result["access_token"], expires_in)
        self.expires_at = int(time.time()) + expires_in
        logger.info("fetched a WeCom access token valid for %s s", expires_in)
        return result

    @property
    def access_token(self) -> str:
        """The cached token, fetched again a few minutes before it expires."""
        with self._token_lock:
            token = self.session.get(self.access_token_key)
            if not token or not self.expires_at \
                    or self.expires_at - time.time() < REFRESH_MARGIN_SECONDS:
                self.fetch_access_token()
                token = self.session.get(self.access_token_key)
            return str(token)

    def refresh(self) -> None:
        """Drop the cached token and fetch a new one (WeCom said it is invalid or expired)."""
        with self._token_lock:
            self.fetch_access_token()


def checked(client: WeChatClient, response: requests.Response) -> dict[str, Any]:
    """The JSON of a WeCom answer; an HTTP error or a non-zero errcode raises like wechatpy."""
    try:
        response.raise_for_status()
        result = response.json()
    except (requests.RequestException, ValueError) as error:
        # from None: the original names the URL with the token in it, were it logged.
        raise WeChatClientException(None, redact(str(error)), client=client,
                                    response=response) from None
    if not isinstance(result, dict):
        raise WeChatClientException(None, "answer is not a JSON object", client=client)
    if _as_int(result.get("errcode", 0)):
        raise WeChatClientException(_as_int(result["errcode"]), result.get("errmsg", ""),
                                    client=client, response=response)
    return result


class WeComApi:
    """The calls wuchang makes; each runs the synchronous wechatpy client in a worker thread."""

    def __init__(self, *, corp_id: str, secret: str, agent_id: int, api_url: str,
                 timeout: float = TIMEOUT_SECONDS) -> None:
        self.agent_id = agent_id
        self.api_url = api_url
        self.timeout = timeout
        self.client = WeComClient(corp_id, secret, api_url, timeout)

    async def send(self, user_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """message/send to one member's app chat; a member outside the visible range fails."""
        result: dict[str, Any] = await self._call(lambda: self.client.message.send(
            self.agent_id, user_id, msg=body))
        for field in ("invaliduser", "unlicenseduser"):
            if user_id in str(result.get(field) or "").split("|"):
                raise WeComError(81013, f"WeCom {field} {user_id}: not in the app's visible "
                                 "range or not licensed", permanent=True)
        return result

    async def send_appchat(self, chat_id: str, msg_type: str, **content: str) -> None:
        """appchat/send: a text, markdown or image message to an app group chat."""
        await self._call(lambda: self.client.appchat.send(chat_id, msg_type, **content))

    async def send_robot(self, key: str, body: dict[str, Any]) -> None:
        """webhook/send: a message through a group robot, which needs no access token."""
        await self._call(lambda: self._robot_post(key, body), uses_token=False)

    async def upload_image(self, data: bytes) -> str:
        """media/upload a PNG and return its media id (valid three days)."""
        result = await self._call(lambda: self.client.media.upload(
            "image", ("image.png", io.BytesIO(data), "image/png")))
        return str(result["media_id"])

    async def update_card(self, body: dict[str, Any]) -> None:
        """message/update_template_card, consuming a response code from a click or a send."""
        await self._call(lambda: self.client.post("message/update_template_card",
                                                  data={"agentid": self.agent_id, **body}))

    async def create_menu(self, body: dict[str, Any]) -> None:
        """menu/create: the app's custom menu, replacing the one it had."""
        await self._call(lambda: self.client.menu.create(self.agent_id, body))

    async def create_chat(self, chat_id: str, name: str, owner: str,
                          members: list[str]) -> str:
        """appchat/create and return the chat id WeCom confirms."""
        result = await self._call(lambda: self.client.appchat.create(
            chat_id=chat_id, name=name, owner=owner, user_list=members))
        return str(result.get("chatid") or chat_id)

    async def chat_members(self, chat_id: str) -> list[str]:
        """appchat/get: the userids in an app group chat."""
        info = await self._call(lambda: self.client.appchat.get(chat_id))
        return [str(user) for user in info.get("userlist", [])]

    async def add_to_chat(self, chat_id: str, members: list[str]) -> None:
        """appchat/update: add members to an app group chat."""
        await self._call(lambda: self.client.appchat.update(chat_id, add_user_list=members))

    def close(self) -> None:
        """Close the HTTP connections of the client."""
        self.client._http.close()

    def _robot_post(self, key: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.client._http.post(
            self.api_url + "webhook/send", params={"key": key}, timeout=self.timeout,
            data=json.dumps(body, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json"})
        return checked(self.client, response)

    async def _call(self, action: Callable[[], Any], *, uses_token: bool = True) -> Any:
        """Run ``action`` in a thread; on a rejected token fetch a new one and try once more."""
        for attempt in (1, 2):
            try:
                if attempt == 2:
                    await asyncio.to_thread(self.client.refresh)
                return await asyncio.to_thread(action)
            except WeChatClientException as error:
                code = _as_int(error.errcode)
                if uses_token and attempt == 1 and code in TOKEN_ERRORS:
                    logger.info("WeCom rejected the access token (%s); fetching a new one", code)
                    continue
                raise _failure(error) from error
            except requests.RequestException as error:
                raise WeComError(None, f"WeCom API unreachable: {error!r}") from None
        raise AssertionError("unreachable")


def robot_image(data: bytes) -> dict[str, Any]:
    """The body of a group robot image message: the PNG itself, base64, with its MD5."""
    return {"msgtype": "image", "image": {"base64": base64.b64encode(data).decode(),
                                          "md5": hashlib.md5(data).hexdigest()}}


def _failure(error: WeChatClientException) -> WeComError:
    code = _as_int(error.errcode)
    if code is None:
        status = getattr(error.response, "status_code", None)
        return WeComError(None, f"WeCom HTTP error {status or ''}: {error.errmsg}".strip())
    reason = f"WeCom {code}: {error.errmsg}"
    if code in RATE_LIMITS:
        return WeComError(code, reason, retry_after=RATE_LIMITS[code])
    return WeComError(code, reason, permanent=code in PERMANENT_ERRORS)


def _as_int(value: object) -> int | None:
    try:
        return int(str(value)) if value is not None else None
    except ValueError:
        return None
