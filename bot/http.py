"""The one HTTP app: health check, the public notice board, the channels' routes."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.board import PublicBoard
from bot.wiring import App


def build_http_app(app: App, extra_routes: list[BaseRoute] | None = None) -> Starlette:
    """The Starlette app serving ``/healthz``, ``/public/`` (unless turned off) and channels'."""

    async def healthz(request: Request) -> Response:
        version = await app.context.db.schema_version()
        return JSONResponse({"ok": True, "schema": version})

    board = PublicBoard(app.context).routes() if app.settings.public_pages else []
    return Starlette(routes=[Route("/healthz", healthz), *board, *(extra_routes or [])])
