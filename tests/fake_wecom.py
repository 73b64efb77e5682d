"""A fake WeCom for the WeCom tests: the API on 127.0.0.1 and WeCom's side of the callback.

``FakeWeCom`` serves the endpoints wuchang calls (gettoken, message/send,
message/update_template_card, media/upload, appchat/*, webhook/send) to the real
wechatpy client over HTTP, records every call and answers errors on demand.
``WeComPeer`` builds callbacks the way WeCom does: XML, encrypted and signed with
wechatpy's crypto, POSTed into the Starlette app.
"""

from __future__ import annotations

import base64
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import uvicorn
import xmltodict
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from wechatpy.enterprise.crypto import PrpCrypto, WeChatCrypto
from wechatpy.utils import WeChatSigner

CORP_ID = "wwfakecorp0001"
SECRET = "fake-app-secret"
AGENT_ID = 1000002
TOKEN = "callbacktoken"
AES_KEY = base64.b64encode(bytes(range(32))).decode().rstrip("=")


@dataclass
class Call:
    """One request the fake received."""

    path: str
    params: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeWeCom:
    """The WeCom API: records calls; ``fail_next[path]`` lists errcodes to answer first."""

    calls: list[Call] = field(default_factory=list)
    fail_next: dict[str, list[int]] = field(default_factory=dict)
    invisible: set[str] = field(default_factory=set)
    robots: set[str] = field(default_factory=set)
    chats: dict[str, dict[str, Any]] = field(default_factory=dict)
    expires_in: int = 7200
    token: str = ""
    used_codes: set[str] = field(default_factory=set)
    url: str = ""

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)

    def reset(self) -> None:
        """Forget every call, chat, token and injected error."""
        with self._lock:
            self.calls.clear()
            self.fail_next.clear()
            self.invisible.clear()
            self.robots.clear()
            self.chats.clear()
            self.used_codes.clear()
            self.expires_in = 7200
            self.token = ""

    def bodies(self, path: str) -> list[dict[str, Any]]:
        """The JSON bodies sent to one endpoint, oldest first."""
        return [call.body for call in self.calls if call.path == path]

    def count(self, path: str) -> int:
        """How many times an endpoint was called."""
        return sum(1 for call in self.calls if call.path == path)

    def cards_to(self, user: str) -> list[dict[str, Any]]:
        """The template cards sent to one member, oldest first."""
        return [body["template_card"] for body in self.bodies("message/send")
                if body.get("touser") == user and body.get("msgtype") == "template_card"]

    def texts_to(self, user: str) -> list[str]:
        """The text messages sent to one member."""
        return [body["text"]["content"] for body in self.bodies("message/send")
                if body.get("touser") == user and body.get("msgtype") == "text"]

    def group_texts(self, chat_id: str) -> list[str]:
        """The text messages sent to an app group chat."""
        return [body["text"]["content"] for body in self.bodies("appchat/send")
                if body.get("chatid") == chat_id and body.get("msgtype") == "text"]

    def app(self) -> Starlette:
        """The Starlette app of the fake API."""
        return Starlette(routes=[Route("/cgi-bin/{path:path}", self._endpoint,
                                       methods=["GET", "POST"])])

    async def _endpoint(self, request: Request) -> JSONResponse:
        path = request.path_params["path"]
        params = dict(request.query_params)
        raw = await request.body()
        if path == "media/upload":
            body: dict[str, Any] = {"bytes": len(raw), "type": params.get("type")}
        else:
            body = json.loads(raw) if raw else {}
        with self._lock:
            self.calls.append(Call(path, params, body))
            return JSONResponse(self._answer(path, params, body))

    def _answer(self, path: str, params: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        number = next(self._numbers)
        if path == "gettoken":
            if params.get("corpid") != CORP_ID or params.get("corpsecret") != SECRET:
                return {"errcode": 40001, "errmsg": "invalid credential"}
            self.token = f"TOKEN{number}"
            return {"errcode": 0, "errmsg": "ok", "access_token": self.token,
                    "expires_in": self.expires_in}
        if path == "webhook/send":
            if params.get("key") not in self.robots:
                return {"errcode": 93000, "errmsg": "invalid webhook url"}
        elif params.get("access_token") != self.token or not self.token:
            return {"errcode": 40014, "errmsg": "invalid access_token"}
        if self.fail_next.get(path):
            code = self.fail_next[path].pop(0)
            return {"errcode": code, "errmsg": f"injected error {code}"}
        return self._handle(path, {**params, **body}, number)

    def _handle(self, path: str, body: dict[str, Any], number: int) -> dict[str, Any]:
        ok: dict[str, Any] = {"errcode": 0, "errmsg": "ok"}
        if path == "message/send":
            if body.get("touser") in self.invisible:
                return {"errcode": 81013, "errmsg": "user & party & tag all invalid",
                        "invaliduser": body["touser"]}
            answer = {**ok, "invaliduser": "", "msgid": f"MSG{number}"}
            if body.get("msgtype") == "template_card":
                answer["response_code"] = f"SENT{number}"
            return answer
        if path == "message/update_template_card":
            code = body.get("response_code", "")
            if not code or code in self.used_codes:
                return {"errcode": 60140, "errmsg": "invalid response_code"}
            self.used_codes.add(code)
            return {**ok, "invaliduser": []}
        if path == "media/upload":
            return {**ok, "type": "image", "media_id": f"MEDIA{number}",
                    "created_at": str(int(time.time()))}
        if path == "appchat/create":
            chat_id = body.get("chatid") or f"chat{number}"
            if chat_id in self.chats:
                return {"errcode": 86215, "errmsg": "chatid exists"}
            self.chats[chat_id] = {"chatid": chat_id, "name": body.get("name"),
                                   "owner": body.get("owner"),
                                   "userlist": list(body.get("userlist", []))}
            return {**ok, "chatid": chat_id}
        if path.startswith("appchat/"):
            chat = self.chats.get(body.get("chatid", ""))
            if chat is None:
                return {"errcode": 86003, "errmsg": "chatid not found"}
            if path == "appchat/update":
                chat["userlist"] += body.get("add_user_list", [])
            return {**ok, "chat_info": chat} if path == "appchat/get" else ok
        return ok


@contextmanager
def serving(fake: FakeWeCom) -> Iterator[FakeWeCom]:
    """Serve ``fake`` with uvicorn on a free 127.0.0.1 port in a thread."""
    sock = socket.socket()
    # Without it each answer waits 40 ms for the client's delayed ACK (Nagle).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(fake.app(), log_level="warning", lifespan="off",
                                           ws="none", http="h11"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    fake.url = f"http://127.0.0.1:{port}/cgi-bin/"
    try:
        yield fake
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


class WeComPeer:
    """WeCom's side of the callback: XML messages, encrypted and signed, POSTed to wuchang."""

    def __init__(self, http: httpx.AsyncClient | None, *, token: str = TOKEN, aes_key: str = AES_KEY,
                 corp_id: str = CORP_ID, now: Callable[[], float] = time.time) -> None:
        self.http = http
        self.now = now  # WeCom's clock, which signs each callback's timestamp
        self.token = token
        self.aes_key = aes_key
        self.corp_id = corp_id
        self._numbers = itertools.count(1_000_001)

    def text_xml(self, user: str, content: str, msg_id: int | None = None) -> str:
        """The plaintext XML of a text message to the app."""
        return _xml({"ToUserName": self.corp_id, "FromUserName": user,
                     "CreateTime": str(1_790_000_000 + next(self._numbers)), "MsgType": "text",
                     "Content": content, "MsgId": str(msg_id or next(self._numbers)),
                     "AgentID": str(AGENT_ID)})

    def click_xml(self, user: str, key: str, task_id: str, response_code: str,
                  create_time: int | None = None) -> str:
        """The plaintext XML of a template card button click."""
        return _xml({"ToUserName": self.corp_id, "FromUserName": user,
                     "CreateTime": str(create_time or 1_790_000_000 + next(self._numbers)),
                     "MsgType": "event", "Event": "template_card_event", "EventKey": key,
                     "TaskId": task_id, "CardType": "button_interaction",
                     "ResponseCode": response_code, "AgentID": str(AGENT_ID)})

    def signed(self, plaintext: str, *, token: str | None = None, corp_id: str | None = None,
               timestamp: int | None = None) -> tuple[str, str, str, str]:
        """The body, signature, timestamp and nonce WeCom would POST for ``plaintext``."""
        crypto = WeChatCrypto(token or self.token, self.aes_key, corp_id or self.corp_id)
        nonce = f"nonce{next(self._numbers)}"
        stamp = str(int(self.now()) if timestamp is None else timestamp)
        envelope = xmltodict.parse(crypto.encrypt_message(plaintext, nonce, stamp))["xml"]
        body = _xml({"ToUserName": self.corp_id, "AgentID": str(AGENT_ID),
                     "Encrypt": envelope["Encrypt"]})
        return body, envelope["MsgSignature"], stamp, nonce

    async def post(self, plaintext: str, *, token: str | None = None,
                   corp_id: str | None = None, timestamp: int | None = None) -> httpx.Response:
        """Encrypt and sign ``plaintext`` (with another token, corp id or time if given); POST it."""
        return await self.post_raw(*self.signed(plaintext, token=token, corp_id=corp_id,
                                                timestamp=timestamp))

    async def post_raw(self, body: str, signature: str, timestamp: str,
                       nonce: str) -> httpx.Response:
        """POST a body with the given signature parameters."""
        query = urlencode({"msg_signature": signature, "timestamp": timestamp, "nonce": nonce})
        assert self.http is not None
        return await self.http.post(f"/wecom/callback?{query}", content=body.encode())

    def verification_query(self, plain: str, *, token: str | None = None) -> str:
        """The query of WeCom's GET URL verification carrying ``plain`` as echostr."""
        echo = PrpCrypto(base64.b64decode(self.aes_key + "=")).encrypt(plain, self.corp_id)
        timestamp, nonce = str(int(time.time())), f"nonce{next(self._numbers)}"
        signer = WeChatSigner()
        signer.add_data(token or self.token, timestamp, nonce, echo.decode())
        return urlencode({"msg_signature": signer.signature, "timestamp": timestamp,
                          "nonce": nonce, "echostr": echo.decode()})


def _xml(fields: dict[str, str]) -> str:
    inner = "".join(f"<{name}><![CDATA[{value}]]></{name}>" for name, value in fields.items())
    return f"<xml>{inner}</xml>"
