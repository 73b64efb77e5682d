"""The one HTTP app: health check now; the Telegram webhook and WeCom callback mount here."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.wiring import App


def build_http_app(app: App, extra_routes: list[BaseRoute] | None = None) -> Starlette:
    """The Starlette app serving ``/healthz`` and the channels' routes."""

    async def healthz(request: Request) -> Response:
        version = await app.context.db.schema_version()
        return JSONResponse({"ok": True, "schema": version})

    return Starlette(routes=[Route("/healthz", healthz), *(extra_routes or [])])
