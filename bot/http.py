"""The one HTTP app: health check, the public notice board, the channels' routes."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route

from bot.board import PublicBoard
from bot.health import healthz_route
from bot.wiring import App


def build_http_app(app: App, extra_routes: list[BaseRoute] | None = None) -> Starlette:
    """The Starlette app serving ``/healthz``, ``/public/`` (unless turned off) and channels'."""
    board = PublicBoard(app.context).routes() if app.settings.public_pages else []
    return Starlette(routes=[Route("/healthz", healthz_route(app)), *board, *(extra_routes or [])])
