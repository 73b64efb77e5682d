"""A fake Telegram Bot API that enforces Telegram's flood limits and counts deliveries.

The minimum of tests/fake_telegram.py that a broadcast needs (getMe, sendMessage,
sendPhoto), plus the limits: 30 messages a second overall and 20 a minute per
group; a message over either is answered 429 with ``retry_after`` and not delivered.
"""

from __future__ import annotations

import email
import email.policy
import itertools
import json
import math
import time
from collections import Counter, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bench.loopback import serving

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
BOT = {"id": 123456789, "is_bot": True, "first_name": "屋场助手", "username": "wuchang_bench_bot"}
OVERALL_PER_SECOND = 30
GROUP_PER_MINUTE = 20


class FloodLimitedBotApi:
    """The fake server's state: deliveries per chat, refusals, and the sliding windows."""

    def __init__(self) -> None:
        self.delivered: Counter[int] = Counter()
        self.times: list[float] = []
        self.refused_429 = 0
        self.port = 0
        self._overall: deque[float] = deque()
        self._groups: dict[int, deque[float]] = {}
        self._message_ids = itertools.count(1)

    @property
    def api_url(self) -> str:
        """The Bot API base the token is appended to."""
        return f"http://127.0.0.1:{self.port}/bot"

    @classmethod
    @asynccontextmanager
    async def running(cls) -> AsyncIterator[FloodLimitedBotApi]:
        """Serve on a free port of 127.0.0.1 in this event loop until the block ends."""
        fake = cls()
        async with serving("/bot{token}/{method}", fake._endpoint) as port:
            fake.port = port
            yield fake

    def reset(self) -> None:
        """Forget every delivery and window (a new broadcast)."""
        port = self.port
        self.__init__()  # type: ignore[misc]
        self.port = port

    def _retry_after(self, chat_id: int, now: float) -> int | None:
        """Seconds to wait if a message to ``chat_id`` now breaks a limit, else None."""
        while self._overall and now - self._overall[0] >= 1:
            self._overall.popleft()
        group = self._groups.setdefault(chat_id, deque())
        while group and now - group[0] >= 60:
            group.popleft()
        if len(self._overall) >= OVERALL_PER_SECOND:
            return max(1, math.ceil(1 - (now - self._overall[0])))
        if chat_id < 0 and len(group) >= GROUP_PER_MINUTE:
            return max(1, math.ceil(60 - (now - group[0])))
        self._overall.append(now)
        group.append(now)
        return None

    async def _endpoint(self, request: Request) -> Response:
        method = request.path_params["method"]
        if request.path_params["token"] != TOKEN:
            return _error(401, "Unauthorized")
        if method == "getMe":
            return JSONResponse({"ok": True, "result": {**BOT, "can_join_groups": True,
                                                        "can_read_all_group_messages": False,
                                                        "supports_inline_queries": False}})
        if method not in ("sendMessage", "sendPhoto"):
            return _error(404, "Not Found")
        form = await _params(request)
        chat_id = int(str(form["chat_id"]))
        now = time.monotonic()
        wait = self._retry_after(chat_id, now)
        if wait is not None:
            self.refused_429 += 1
            return _error(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
        self.delivered[chat_id] += 1
        self.times.append(now)
        chat = {"id": chat_id, "type": "group", "title": str(chat_id)}
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": chat, "from": BOT}
        if method == "sendPhoto":
            message["photo"] = [{"file_id": "p", "file_unique_id": "u", "width": 1,
                                 "height": 1}]
            if form.get("caption"):
                message["caption"] = str(form["caption"])
        else:
            message["text"] = str(form.get("text", ""))
        return JSONResponse({"ok": True, "result": message})


async def _params(request: Request) -> dict[str, str]:
    """The text fields of a Bot API call (form, multipart or JSON); uploads are skipped."""
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    fields: dict[str, str] = dict(request.query_params)
    if content_type.startswith("application/json") and body:
        fields.update({key: str(value) for key, value in json.loads(body).items()})
    elif content_type.startswith("multipart/form-data"):
        parsed = email.message_from_bytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body,
            policy=email.policy.HTTP)
        for part in parsed.iter_parts():
            if not part.get_filename():
                payload = part.get_payload(decode=True)
                assert isinstance(payload, bytes)
                fields[str(part.get_param("name", header="content-disposition"))] = (
                    payload.decode())
    elif body:
        fields.update(parse_qsl(body.decode()))
    return fields


def _error(status: int, description: str, parameters: dict[str, int] | None = None) -> Response:
    body: dict[str, object] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return JSONResponse(body, status_code=status)


