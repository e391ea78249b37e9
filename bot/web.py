"""The web process: webhook routes of the configured channels, /healthz, and the background loops."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.app import App
from bot.worker import background

logger = logging.getLogger(__name__)


def create_web_app(app: App, run_background: bool = True) -> Starlette:
    """Starlette app for `kriya serve`; the scheduler and outbox run inside unless `run_background` is False."""

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "channels": [c.name for c in app.channels]})

    @asynccontextmanager
    async def lifespan(_web: Starlette) -> AsyncIterator[None]:
        if run_background:
            async with background(app):
                yield
        else:
            yield

    routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET"])]
    for channel in app.channels:
        routes += channel.routes()
    return Starlette(routes=routes, lifespan=lifespan)
