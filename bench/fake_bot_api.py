"""A fake Telegram Bot API on 127.0.0.1, shared by the adapter tests and the benchmark.

It speaks enough of the real protocol (form or multipart requests, ``{"ok": ...}``
answers, error codes with ``parameters``) that python-telegram-bot cannot tell the
difference. It queues updates, records every call, keeps the messages it delivered
and the pictures by file id; chats can be made to refuse the bot the way Telegram
does, and any call can be made to fail once (429 with ``retry_after``, say). People's
photos and documents are kept for getFile and the file download route. With
``flood_limits`` it also enforces Telegram's limits, 30 messages a second overall
and 20 a minute per group, answering a message over either 429 and not delivering it.
Command menus are kept by scope and descriptions as set, so ``menu_for`` tells what a
person would see in a chat.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import math
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bench.loopback import request_fields, serving_app

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
BOT = {"id": 123456789, "is_bot": True, "first_name": "屋场助手", "username": "wuchang_test_bot"}
# Methods whose calls put something in front of people; the first two send a message.
OUTPUT = ("sendMessage", "sendPhoto", "editMessageText", "answerCallbackQuery")
SENDS = OUTPUT[:2]
OVERALL_PER_SECOND = 30
GROUP_PER_MINUTE = 20
LONG_POLL_CAP = 0.5  # seconds a getUpdates waits at most, whatever timeout it asks for
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # the largest file a bot may get (getFile)

Json = dict[str, Any]


@dataclass
class Call:
    """One Bot API call as the fake received it; ``files`` holds uploaded bytes."""

    method: str
    params: Json
    files: dict[str, bytes] = field(default_factory=dict)
    status: int = 200
    at: float = field(default_factory=time.monotonic)  # when it arrived

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


class FloodLimits:
    """Telegram's flood limits over sliding windows: per second overall, per minute a group."""

    def __init__(self) -> None:
        self._overall: deque[float] = deque()
        self._groups: dict[int, deque[float]] = {}

    def retry_after(self, chat_id: int, now: float) -> int | None:
        """Seconds to wait if a message to ``chat_id`` now breaks a limit, else None (sent)."""
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


def user(user_id: int, name: str) -> Json:
    """A Telegram user."""
    return {"id": user_id, "is_bot": False, "first_name": name}


def private_chat(person: Json) -> Json:
    """The private chat of a user with the bot."""
    return {"id": person["id"], "type": "private", "first_name": person["first_name"]}


def scope_key(scope: Json | None) -> tuple[str, int | None, int | None]:
    """A BotCommandScope as (type, chat id, user id); none is the default scope."""
    if not scope:
        return ("default", None, None)
    chat_id = scope.get("chat_id")
    user_id = scope.get("user_id")
    return (str(scope["type"]), None if chat_id is None else int(chat_id),
            None if user_id is None else int(user_id))


def group_chat(chat_id: int, title: str, kind: str = "group") -> Json:
    """A group or supergroup."""
    return {"id": chat_id, "type": kind, "title": title}


class FakeTelegram:
    """The fake Bot API; use ``async with FakeTelegram.running() as fake``."""

    def __init__(self, *, flood_limits: bool = False) -> None:
        self.calls: list[Call] = []
        self.updates: list[Json] = []
        self.messages: dict[tuple[int, int], Json] = {}
        self.chats: dict[int, Json] = {}
        self.refusals: dict[int, Failure] = {}
        self.failures: dict[str, list[Failure]] = {}
        self.answered: dict[str, int] = {}
        self.photos: dict[str, bytes] = {}  # file id -> picture, as Telegram keeps them
        self.files: dict[str, bytes] = {}  # file id -> what people sent, for getFile
        self.downloads: list[str] = []  # the file paths downloaded, in order
        self.held: dict[int, asyncio.Event] = {}
        # What Telegram keeps: the command list by scope (see ``scope_key``), descriptions.
        self.menus: dict[tuple[str, int | None, int | None], list[Json]] = {}
        self.descriptions: dict[str, str] = {}
        self.flood_limits = FloodLimits() if flood_limits else None
        self.port = 0
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1001)
        self._query_ids = itertools.count(1)
        self._arrived = asyncio.Event()

    @classmethod
    @asynccontextmanager
    async def running(cls, *, flood_limits: bool = False) -> AsyncIterator[FakeTelegram]:
        """Serve the fake on a free port of 127.0.0.1 in this event loop until the block ends."""
        fake = cls(flood_limits=flood_limits)
        routes = [Route("/bot{token}/{method}", fake._endpoint, methods=["GET", "POST"]),
                  Route("/file/bot{token}/{file_path:path}", fake._download)]
        async with serving_app(Starlette(routes=routes)) as port:
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

    def send_file(self, person: Json, chat: Json, content: bytes, *,
                  name: str | None = None, mime_type: str = "application/pdf",
                  caption: str | None = None, declared_size: int | None = None) -> int:
        """``person`` sends a photo (no ``name``) or a document in ``chat``, captioned or not.

        ``declared_size`` is the size the update states (Telegram's, for a large file).
        """
        self.chats.setdefault(chat["id"], chat)
        file_id = f"sent{len(self.files) + 1}"
        self.files[file_id] = content
        size = len(content) if declared_size is None else declared_size
        message: Json = {"message_id": next(self._message_ids), "date": int(time.time()),
                         "chat": chat, "from": person}
        described = {"file_id": file_id, "file_unique_id": "u" + file_id, "file_size": size}
        if name is None:
            message["photo"] = [{**described, "file_id": file_id + "small", "width": 90,
                                 "height": 90, "file_size": 1},
                                {**described, "width": 1280, "height": 960}]
        else:
            message["document"] = {**described, "file_name": name, "mime_type": mime_type}
        if caption is not None:
            message["caption"] = caption
        return self.push({"message": message})

    def press(self, person: Json, message: Json, data: str | None = None,
              label: str | None = None) -> str:
        """``person`` presses a button (by label, or raw ``data``); return the query id."""
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

    # --- what the tests and the benchmark look at ----------------------------------

    def hold(self, chat_id: int) -> asyncio.Event:
        """Keep every call about ``chat_id`` waiting (unrecorded) until the event is set."""
        return self.held.setdefault(chat_id, asyncio.Event())

    def calls_of(self, method: str, *, since: int = 0) -> list[Call]:
        """Successful calls of ``method``, from call number ``since`` on."""
        return [call for call in self.calls[since:] if call.method == method and call.ok]

    def delivered(self) -> Counter[int]:
        """How many messages each chat received."""
        return Counter(chat_id for chat_id, _ in self.messages)

    def delivery_times(self) -> list[float]:
        """When each message that was delivered arrived, in order."""
        return [call.at for call in self.calls if call.method in SENDS and call.ok]

    def refused_429(self) -> int:
        """How many calls were answered 429 (too many requests)."""
        return sum(1 for call in self.calls if call.status == 429)

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
        params, files = await request_fields(request)
        with suppress(KeyError, TypeError, ValueError):
            await self.held[int(params["chat_id"])].wait()
        call = Call(method, params, files)
        self.calls.append(call)
        if request.path_params["token"] != TOKEN:
            return self._error(call, Failure(401, "Unauthorized"))
        pending = self.failures.get(method)
        if pending:
            return self._error(call, pending.pop(0))
        if self.flood_limits is not None and method in SENDS:
            wait = self.flood_limits.retry_after(int(params["chat_id"]), call.at)
            if wait is not None:
                return self._error(call, Failure(429, f"Too Many Requests: retry after {wait}",
                                                 {"retry_after": wait}))
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

    async def _setMyCommands(self, params: Json, files: dict[str, bytes]) -> bool | Failure:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            return Failure(400, "Bad Request: commands must be a list of at most 100")
        for command in commands:
            name, description = command.get("command", ""), command.get("description", "")
            if not (1 <= len(name) <= 32 and name == name.lower()
                    and all(c.isascii() and (c.isalnum() or c == "_") for c in name)):
                return Failure(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                return Failure(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.menus[scope_key(params.get("scope"))] = commands
        return True

    async def _deleteMyCommands(self, params: Json, files: dict[str, bytes]) -> bool:
        self.menus.pop(scope_key(params.get("scope")), None)
        return True

    async def _getMyDescription(self, params: Json, files: dict[str, bytes]) -> Json:
        return {"description": self.descriptions.get("description", "")}

    async def _getMyShortDescription(self, params: Json, files: dict[str, bytes]) -> Json:
        return {"short_description": self.descriptions.get("short_description", "")}

    async def _setMyDescription(self, params: Json, files: dict[str, bytes]) -> bool | Failure:
        return self._describe("description", params, 512)

    async def _setMyShortDescription(self, params: Json,
                                     files: dict[str, bytes]) -> bool | Failure:
        return self._describe("short_description", params, 120)

    def _describe(self, field_name: str, params: Json, limit: int) -> bool | Failure:
        text = str(params.get(field_name) or "")
        if len(text) > limit:
            return Failure(400, f"Bad Request: {field_name} is too long")
        self.descriptions[field_name] = text
        return True

    def menu_for(self, chat_id: int, user_id: int | None = None) -> list[str]:
        """The commands a person sees in a chat, by Telegram's order of scopes.

        A group member's own scope, then the group's, then all groups; in a private
        chat its own scope, then the default.
        """
        group = chat_id < 0
        order = ([("chat_member", chat_id, user_id), ("chat", chat_id, None),
                  ("all_group_chats", None, None)] if group
                 else [("chat", chat_id, None), ("all_private_chats", None, None)])
        for key in [*order, ("default", None, None)]:
            if key in self.menus:
                return [command["command"] for command in self.menus[key]]
        return []

    async def _answerCallbackQuery(self, params: Json,
                                   files: dict[str, bytes]) -> Json | bool | Failure:
        query_id = str(params["callback_query_id"])
        self.answered[query_id] = self.answered.get(query_id, 0) + 1
        if self.answered[query_id] > 1:
            return Failure(400, "Bad Request: query is too old and response timeout expired "
                                "or query ID is invalid")
        return True

    async def _getFile(self, params: Json, files: dict[str, bytes]) -> Json | Failure:
        file_id = str(params["file_id"])
        if file_id not in self.files:
            return Failure(400, "Bad Request: invalid file_id")
        if len(self.files[file_id]) > DOWNLOAD_LIMIT:
            return Failure(400, "Bad Request: file is too big")
        return {"file_id": file_id, "file_unique_id": "u" + file_id,
                "file_size": len(self.files[file_id]), "file_path": f"documents/{file_id}"}

    async def _download(self, request: Request) -> Response:
        """The file route: ``/file/bot<token>/<file_path>`` answers the bytes."""
        file_path = request.path_params["file_path"]
        file_id = file_path.rpartition("/")[2]
        if request.path_params["token"] != TOKEN or file_id not in self.files:
            return Response(status_code=404)
        self.downloads.append(file_path)
        return Response(self.files[file_id], media_type="application/octet-stream")

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
