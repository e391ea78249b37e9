"""The web process: webhook routes of the configured channels, /healthz, and the background loops."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.app import App
from bot.logs import guard_access_log
from bot.organizers.site import organizer_routes
from bot.verify import routes as verify_routes
from bot.worker import background

logger = logging.getLogger(__name__)


HEALTH_TIMEOUT = 3.0  # seconds the database has to answer a health check


async def database_ok(app: App) -> bool:
    """Whether the database answers a trivial query in time."""
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT), app.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as error:
        logger.warning("health check: the database is unreachable (%s)", type(error).__name__)
        return False
    return True


def create_web_app(app: App, run_background: bool = True) -> Starlette:
    """Starlette app for `kriya serve`; the scheduler and outbox run inside unless `run_background` is False."""
    guard_access_log()

    async def healthz(request: Request) -> JSONResponse:
        """200 when the database answers and every channel is ready; 503 with what is wrong otherwise."""
        database = await database_ok(app)
        channels = {c.name: "ok" if c.ready else "starting" for c in app.channels}
        healthy = database and all(state == "ok" for state in channels.values())
        return JSONResponse({"status": "ok" if healthy else "unavailable",
                             "database": "ok" if database else "unreachable", "channels": channels},
                            status_code=200 if healthy else 503)

    @asynccontextmanager
    async def lifespan(_web: Starlette) -> AsyncIterator[None]:
        if run_background:
            async with background(app):
                yield
        else:
            yield

    routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET"]), *organizer_routes(app), *verify_routes(app)]
    for channel in app.channels:
        routes += channel.routes()
    return Starlette(routes=routes, lifespan=lifespan)
