"""A fake HTTP API served on a free port of 127.0.0.1 in the running event loop.

Used by the fake Bot API (bench/fake_bot_api.py), which the benchmark and the tests
share (the tests may import the benchmark; not the other way round).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp


class _QuietServer(uvicorn.Server):
    """uvicorn leaving the process's signal handlers alone."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def serving(path: str, endpoint: Callable[[Request], Awaitable[Response]],
            ) -> AbstractAsyncContextManager[int]:
    """Serve ``endpoint`` at ``path`` (GET and POST) until the block ends; yield the port."""
    return serving_app(Starlette(routes=[Route(path, endpoint, methods=["GET", "POST"])]))


@asynccontextmanager
async def serving_app(app: ASGIApp) -> AsyncIterator[int]:
    """Serve an ASGI app until the block ends; yield the port."""
    server = _QuietServer(uvicorn.Config(app, log_level="warning", lifespan="off",
                                         access_log=False))
    with socket.socket() as listener:
        # Without it each answer waits 40 ms for the client's delayed ACK (Nagle's
        # algorithm; the accepted connections inherit the option from the listener).
        listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        listener.bind(("127.0.0.1", 0))
        task = asyncio.create_task(server.serve(sockets=[listener]))
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        try:
            yield listener.getsockname()[1]
        finally:
            server.should_exit = True
            await task


async def request_fields(request: Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The fields and the uploaded files of a call sent as a query, a form, multipart or JSON.

    A text field that holds a JSON object or list (a keyboard, a command list) is decoded.
    """
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
    """A text value as the JSON it stands for, where it is JSON (keyboards, command lists)."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        return json.loads(value)
    return value
