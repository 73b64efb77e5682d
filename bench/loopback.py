"""A fake HTTP API served on a free port of 127.0.0.1 in the running event loop.

Used by the benchmark's fake Bot API and by the tests' fake Telegram (the tests may
import the benchmark; not the other way round).
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


class _QuietServer(uvicorn.Server):
    """uvicorn leaving the process's signal handlers alone."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@asynccontextmanager
async def serving(path: str, endpoint: Callable[[Request], Awaitable[Response]],
                  ) -> AsyncIterator[int]:
    """Serve ``endpoint`` at ``path`` (GET and POST) until the block ends; yield the port."""
    app = Starlette(routes=[Route(path, endpoint, methods=["GET", "POST"])])
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
