"""A fake Telegram Bot API on 127.0.0.1 for the adapter tests: it queues updates and records calls.

It speaks enough of the real protocol (form or multipart requests, ``{"ok": ...}``
answers, error codes with ``parameters``) that python-telegram-bot cannot tell
the difference; chats can be made to refuse the bot the way Telegram does.
"""

from __future__ import annotations

import asyncio
import copy
import email
import email.policy
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bench.loopback import serving

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
BOT = {"id": 123456789, "is_bot": True, "first_name": "屋场助手", "username": "wuchang_test_bot"}
# Methods whose calls put something in front of people.
OUTPUT = ("sendMessage", "sendPhoto", "editMessageText", "answerCallbackQuery")
LONG_POLL_CAP = 0.5  # seconds a getUpdates waits at most, whatever timeout it asks for

Json = dict[str, Any]


@dataclass
class Call:
    """One Bot API call as the fake received it; ``files`` holds uploaded bytes."""

    method: str
    params: Json
    files: dict[str, bytes] = field(default_factory=dict)
    status: int = 200

    @property
    def ok(self) -> bool:
        """Whether the call succeeded."""
        return self.status == 200


@dataclass
class Failure:
    """An error the fake answers instead of the next call of a method."""

    status: int
    description: str
    parameters: Json | None = None


def user(user_id: int, name: str) -> Json:
    """A Telegram user."""
    return {"id": user_id, "is_bot": False, "first_name": name}


def private_chat(person: Json) -> Json:
    """The private chat of a user with the bot."""
    return {"id": person["id"], "type": "private", "first_name": person["first_name"]}


def group_chat(chat_id: int, title: str, kind: str = "group") -> Json:
    """A group or supergroup."""
    return {"id": chat_id, "type": kind, "title": title}


class FakeTelegram:
    """The fake Bot API; use ``async with FakeTelegram.running() as fake``."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.updates: list[Json] = []
        self.messages: dict[tuple[int, int], Json] = {}
        self.chats: dict[int, Json] = {}
        self.refusals: dict[int, Failure] = {}
        self.failures: dict[str, list[Failure]] = {}
        self.answered: dict[str, int] = {}
        self.photos: dict[str, bytes] = {}  # file id -> picture, as Telegram keeps them
        self.held: dict[int, asyncio.Event] = {}
        self.port = 0
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1001)
        self._query_ids = itertools.count(1)
        self._arrived = asyncio.Event()

    @classmethod
    @asynccontextmanager
    async def running(cls) -> AsyncIterator[FakeTelegram]:
        """Serve the fake on a free port of 127.0.0.1 in this event loop until the block ends."""
        fake = cls()
        async with serving("/bot{token}/{method}", fake._endpoint) as port:
            fake.port = port
            yield fake

    @property
    def api_url(self) -> str:
        """The Bot API base that the token is appended to."""
        return f"http://127.0.0.1:{self.port}/bot"

    # --- what people do ------------------------------------------------------------

    def push(self, update: Json) -> int:
        """Queue an update for getUpdates; return its id."""
        update = {"update_id": next(self._update_ids), **update}
        self.updates.append(update)
        self._arrived.set()
        return int(update["update_id"])

    def message_update(self, person: Json, chat: Json, text: str) -> Json:
        """The update of ``person`` writing ``text`` in ``chat`` (commands marked as such)."""
        self.chats.setdefault(chat["id"], chat)
        message: Json = {"message_id": next(self._message_ids), "date": int(time.time()),
                         "chat": chat, "from": person, "text": text}
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": len(text.split()[0])}]
        return {"message": message}

    def say(self, person: Json, chat: Json, text: str) -> int:
        """``person`` writes ``text`` in ``chat``."""
        return self.push(self.message_update(person, chat, text))

    def press(self, person: Json, message: Json, data: str | None = None,
              label: str | None = None) -> str:
        """``person`` presses a button (by label, or raw ``data``) on a message; return the query id."""
        if label is not None:
            data = next(button["callback_data"] for row in
                        message["reply_markup"]["inline_keyboard"] for button in row
                        if button["text"] == label)
        query_id = f"q{next(self._query_ids)}"
        self.push({"callback_query": {"id": query_id, "from": person, "chat_instance": "1",
                                      "message": copy.deepcopy(message), "data": data}})
        return query_id

    def membership(self, person: Json, chat: Json, old: str, new: str) -> int:
        """The bot's membership in ``chat`` changes from ``old`` to ``new`` (by ``person``)."""
        self.chats.setdefault(chat["id"], chat)

        def member(status: str) -> Json:
            return {"user": BOT, "status": status, **({"until_date": 0} if status == "kicked"
                                                      else {})}

        return self.push({"my_chat_member": {
            "chat": chat, "from": person, "date": int(time.time()),
            "old_chat_member": member(old), "new_chat_member": member(new)}})

    def migrate(self, chat: Json, new_chat_id: int, *, announce: bool = True) -> Json:
        """Upgrade a group to a supergroup: the old id refuses messages from now on."""
        supergroup = group_chat(new_chat_id, chat["title"], "supergroup")
        self.chats[new_chat_id] = supergroup
        self.refusals[chat["id"]] = Failure(400, "Bad Request: group chat was upgraded to a "
                                                 "supergroup chat",
                                            {"migrate_to_chat_id": new_chat_id})
        if announce:
            self.push({"message": {"message_id": next(self._message_ids),
                                   "date": int(time.time()), "chat": chat,
                                   "from": user(1, "Group"),
                                   "migrate_to_chat_id": new_chat_id}})
        return supergroup

    def know(self, chat: Json) -> Json:
        """Make a chat known, so messages to it are accepted; return it."""
        self.chats.setdefault(chat["id"], chat)
        return chat

    def refuse(self, chat_id: int, status: int, description: str) -> None:
        """Answer every message to ``chat_id`` with this error (kicked, blocked, not found)."""
        self.refusals[chat_id] = Failure(status, description)

    def fail_next(self, method: str, status: int, description: str,
                  parameters: Json | None = None) -> None:
        """Answer the next call of ``method`` with an error, e.g. 429 with retry_after."""
        self.failures.setdefault(method, []).append(Failure(status, description, parameters))

    # --- what the tests look at ------------------------------------------------------

    def hold(self, chat_id: int) -> asyncio.Event:
        """Keep every call about ``chat_id`` waiting (unrecorded) until the event is set."""
        return self.held.setdefault(chat_id, asyncio.Event())

    def calls_of(self, method: str, *, since: int = 0) -> list[Call]:
        """Successful calls of ``method``, from call number ``since`` on."""
        return [call for call in self.calls[since:] if call.method == method and call.ok]

    def newest_with(self, chat_id: int, label: str) -> Json:
        """The newest message the bot keeps in ``chat_id`` with a button ``label``."""
        for (chat, _), message in sorted(self.messages.items(), reverse=True):
            buttons = message.get("reply_markup", {}).get("inline_keyboard", [])
            if chat == chat_id and any(button["text"] == label for row in buttons
                                       for button in row):
                return message
        raise LookupError(f"no message with button {label!r} in {chat_id}")

    async def wait_for(self, condition: Callable[[], object], timeout: float = 10) -> None:
        """Wait until ``condition()`` holds, failing the test after ``timeout`` seconds."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not condition():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"timed out waiting; calls: {self.calls[-5:]}")
            await asyncio.sleep(0.01)

    async def outputs(self, since: int, count: int) -> list[Call]:
        """Wait for ``count`` successful output calls after call number ``since``; return them."""

        def outputs() -> list[Call]:
            return [call for call in self.calls[since:] if call.method in OUTPUT and call.ok]

        await self.wait_for(lambda: len(outputs()) >= count)
        return outputs()

    # --- the Bot API -----------------------------------------------------------------

    async def _endpoint(self, request: Request) -> Response:
        method = request.path_params["method"]
        params, files = await _params(request)
        with suppress(KeyError, TypeError, ValueError):
            await self.held[int(params["chat_id"])].wait()
        call = Call(method, params, files)
        self.calls.append(call)
        if request.path_params["token"] != TOKEN:
            return self._error(call, Failure(401, "Unauthorized"))
        pending = self.failures.get(method)
        if pending:
            return self._error(call, pending.pop(0))
        handler = getattr(self, "_" + method, None)
        if handler is None:
            return self._error(call, Failure(404, "Not Found"))
        result = await handler(params, files)
        if isinstance(result, Failure):
            return self._error(call, result)
        return JSONResponse({"ok": True, "result": result})

    @staticmethod
    def _error(call: Call, failure: Failure) -> Response:
        call.status = failure.status
        body: Json = {"ok": False, "error_code": failure.status,
                      "description": failure.description}
        if failure.parameters:
            body["parameters"] = failure.parameters
        return JSONResponse(body, status_code=failure.status)

    async def _getMe(self, params: Json, files: dict[str, bytes]) -> Json:
        return {**BOT, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}

    async def _getUpdates(self, params: Json, files: dict[str, bytes]) -> list[Json]:
        offset = int(params.get("offset") or 0)
        self.updates = [update for update in self.updates if update["update_id"] >= offset]
        if not self.updates:
            self._arrived.clear()
            wait = min(float(params.get("timeout") or 0), LONG_POLL_CAP)
            with suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), wait)
        return list(self.updates)

    async def _deleteWebhook(self, params: Json, files: dict[str, bytes]) -> bool:
        return True

    async def _setWebhook(self, params: Json, files: dict[str, bytes]) -> bool:
        return True

    async def _setMyCommands(self, params: Json, files: dict[str, bytes]) -> bool:
        return True

    async def _answerCallbackQuery(self, params: Json, files: dict[str, bytes]) -> Json | bool | Failure:
        query_id = str(params["callback_query_id"])
        self.answered[query_id] = self.answered.get(query_id, 0) + 1
        if self.answered[query_id] > 1:
            return Failure(400, "Bad Request: query is too old and response timeout expired "
                                "or query ID is invalid")
        return True

    async def _sendMessage(self, params: Json, files: dict[str, bytes]) -> Json | Failure:
        return self._new_message(params, {"text": params["text"]})

    async def _sendPhoto(self, params: Json, files: dict[str, bytes]) -> Json | Failure:
        if "photo" in files:
            file_id = f"photo{len(self.photos) + 1}"
            self.photos[file_id] = files["photo"]
        elif params.get("photo") in self.photos:
            file_id = str(params["photo"])
        else:
            return Failure(400, "Bad Request: wrong file identifier/HTTP URL specified")
        content = {"photo": [{"file_id": file_id, "file_unique_id": "u" + file_id,
                              "width": 100, "height": 100,
                              "file_size": len(self.photos[file_id])}]}
        if params.get("caption"):
            content["caption"] = params["caption"]
        return self._new_message(params, content)

    async def _editMessageText(self, params: Json, files: dict[str, bytes]) -> Json | Failure:
        key = (int(params["chat_id"]), int(params["message_id"]))
        message = self.messages.get(key)
        if message is None:
            return Failure(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        if message.get("text") == params["text"] and message.get("reply_markup") == markup:
            return Failure(400, "Bad Request: message is not modified: specified new message "
                                "content and reply markup are exactly the same")
        message["text"] = params["text"]
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        return message

    def _new_message(self, params: Json, content: Json) -> Json | Failure:
        chat_id = int(params["chat_id"])
        if chat_id in self.refusals:
            return self.refusals[chat_id]
        chat = self.chats.get(chat_id)
        if chat is None:
            return Failure(400, "Bad Request: chat not found")
        markup = params.get("reply_markup")
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if len(button["callback_data"].encode()) > 64:
                    return Failure(400, "Bad Request: BUTTON_DATA_INVALID")
        message: Json = {"message_id": next(self._message_ids), "date": int(time.time()),
                         "chat": chat, "from": BOT, **content}
        if markup:
            message["reply_markup"] = markup
        self.messages[(chat_id, message["message_id"])] = message
        return message




async def _params(request: Request) -> tuple[Json, dict[str, bytes]]:
    """The parameters of a Bot API call, sent as a query, a form, multipart or JSON."""
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    raw: dict[str, Any] = dict(request.query_params)
    files: dict[str, bytes] = {}
    if content_type.startswith("application/json") and body:
        raw.update(json.loads(body))
    elif content_type.startswith("multipart/form-data"):
        parsed = email.message_from_bytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body,
            policy=email.policy.HTTP)
        for part in parsed.iter_parts():
            name = str(part.get_param("name", header="content-disposition"))
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            if part.get_filename():
                files[name] = payload
            else:
                raw[name] = payload.decode()
    elif body:
        raw.update(parse_qsl(body.decode()))
    return {name: _decoded(value) for name, value in raw.items()}, files


def _decoded(value: Any) -> Any:
    """A form value as the JSON it stands for, where it is JSON (keyboards, command lists)."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        return json.loads(value)
    return value
