"""The public notice board (公开栏, rule P3) on the HTTP app.

``/public/`` lists every village by township; ``/public/{村}`` is a village's page and
``/public/{村}.json`` the same board as a feed for an electronic screen or an official
account. Where villages of two townships share a name, ``/public/{村}`` answers 404
with links to ``/public/{镇}/{村}`` (and ``.json``), the address that always works.
A board shows the last year (meetings, flags, issues closed) and every issue still open.
Boards are kept in memory for a minute by the injected clock, and browsers and proxies
may keep them as long (``Cache-Control: max-age=60``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.board_html import render_board, render_index, render_missing
from core import texts
from core.board import CACHE_SECONDS, Board, VillageRef, board_json, board_path, find_villages
from core.clock import Clock
from storage import board as boards
from storage.context import Context

WINDOW = timedelta(days=366)
CACHED = {"Cache-Control": f"public, max-age={CACHE_SECONDS}"}
NOT_CACHED = {"Cache-Control": "no-cache"}
JSON_SUFFIX = ".json"
K = TypeVar("K")
V = TypeVar("V")


class Recent(Generic[K, V]):
    """Values kept for ``seconds`` of the injected clock, then loaded again."""

    def __init__(self, clock: Clock, seconds: int) -> None:
        self._clock = clock
        self._keep = timedelta(seconds=seconds)
        self._items: dict[K, tuple[datetime, V]] = {}

    async def get(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        """The value kept for ``key`` if it is fresh, else what ``load`` returns now."""
        now = self._clock.now()
        kept = self._items.get(key)
        if kept is not None and timedelta(0) <= now - kept[0] < self._keep:
            return kept[1]
        value = await load()
        self._items[key] = (now, value)
        return value


class PublicBoard:
    """The board's routes, with what they keep in memory."""

    def __init__(self, context: Context, sources: boards.Sources | None = None) -> None:
        self._context = context
        self._sources = sources or boards.Sources()
        self._villages: Recent[None, list[VillageRef]] = Recent(context.clock, CACHE_SECONDS)
        self._boards: Recent[int, Board] = Recent(context.clock, CACHE_SECONDS)

    def routes(self) -> list[BaseRoute]:
        """``/public/``, ``/public/{村}[.json]`` and ``/public/{镇}/{村}[.json]``."""
        return [Route("/public/", self.index),
                Route("/public/{name}", self.village),
                Route("/public/{township}/{name}", self.village)]

    async def _all_villages(self) -> list[VillageRef]:
        async def load() -> list[VillageRef]:
            async with self._context.db.read() as connection:
                return await boards.villages(connection)

        return await self._villages.get(None, load)

    async def _board(self, village: VillageRef) -> Board:
        async def load() -> Board:
            now = self._context.clock.now()
            async with self._context.db.read() as connection:
                return await boards.board(connection, village, now=now, since=now - WINDOW,
                                          until=None, zone=self._context.timezone,
                                          sources=self._sources)

        return await self._boards.get(village.id, load)

    async def index(self, request: Request) -> Response:
        """Every village, grouped by township."""
        return HTMLResponse(render_index(await self._all_villages()), headers=CACHED)

    async def village(self, request: Request) -> Response:
        """A village's board as HTML, or as JSON when the address ends in ``.json``."""
        name = request.path_params["name"]
        feed = name.endswith(JSON_SUFFIX)
        name = name.removesuffix(JSON_SUFFIX)
        villages = await self._all_villages()
        found = find_villages(villages, name, request.path_params.get("township"))
        if len(found) != 1:
            if feed:
                message = texts.BOARD_AMBIGUOUS if found else texts.BOARD_MISSING
                choices = [f"/public/{board_path(choice, villages)}{JSON_SUFFIX}"
                           for choice in found]
                return JSONResponse({"error": message.format(name=name), "choices": choices},
                                    status_code=404, headers=NOT_CACHED)
            return HTMLResponse(render_missing(name, villages, found), status_code=404,
                                headers=NOT_CACHED)
        board = await self._board(found[0])
        if feed:
            return JSONResponse(board_json(board), headers=CACHED)
        return HTMLResponse(render_board(board), headers=CACHED)
