"""The composition root: builds the engine, dispatcher and channels from Settings, in one lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import DEFAULT_DATABASE_URL, Settings
from bot.dispatch import Clock, Dispatcher, utc_clock
from db.session import create_engine, create_sessionmaker, upgrade
from handlers import build_router

logger = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    dispatcher: Dispatcher
    clock: Clock


def migrates_itself(settings: Settings) -> bool:
    """The embedded default (SQLite) applies its migrations on every start; PostgreSQL uses `kriya db upgrade`."""
    return settings.is_sqlite or settings.database_url == DEFAULT_DATABASE_URL


@asynccontextmanager
async def open_app(settings: Settings, clock: Clock = utc_clock, migrate: bool | None = None) -> AsyncIterator[App]:
    """Everything a command needs, opened here and closed on exit."""
    engine = create_engine(settings.database_url)
    try:
        if migrate if migrate is not None else migrates_itself(settings):
            await upgrade(engine)
        sessionmaker = create_sessionmaker(engine)
        dispatcher = Dispatcher(sessionmaker, build_router(), clock=clock, row_locks=not settings.is_sqlite)
        yield App(settings=settings, engine=engine, sessionmaker=sessionmaker, dispatcher=dispatcher, clock=clock)
    finally:
        await engine.dispose()
