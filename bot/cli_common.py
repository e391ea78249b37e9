"""What the `kriya` commands share: their error for bad input, opening the app, finding a training's code."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any

from bot.config import Settings

if TYPE_CHECKING:
    from bot.app import App


class CommandError(Exception):
    """Bad input to a command: printed as one line, exit status 2."""


def open_app_for(settings: Settings, **options: Any) -> AbstractAsyncContextManager[App]:
    """The app, imported only when a command runs (`kriya --help` stays light)."""
    from bot.app import open_app

    return open_app(settings, **options)


async def existing_code(app: App, code: str) -> str:
    """The training's code as stored; CommandError when no training has it."""
    from bot.services.trainings import TrainingCatalogue

    async with app.sessionmaker() as session:
        found = await TrainingCatalogue(session, app.clock()).by_code(code)
    if found is None:
        raise CommandError(f"no training with code {code}")
    return found.code
