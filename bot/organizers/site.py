"""The organizers' routes for `kriya serve`: the console under /console/ and the API under /api/v1/."""

from __future__ import annotations

import logging

from starlette.routing import BaseRoute

from bot.app import App
from bot.organizers import api, console
from bot.organizers.scope import organizer_sessionmaker
from bot.organizers.web import Side

logger = logging.getLogger(__name__)


def organizer_routes(app: App) -> list[BaseRoute]:
    """Every route of the organizers' side, sharing one scoped sessionmaker and one cookie signer."""
    side = Side(app, organizer_sessionmaker(app.engine))
    return [*console.routes(side), *api.routes(side)]
