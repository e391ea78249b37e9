"""The composition root: builds the engine, dispatcher, channels and outbox from Settings, in one lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.channels import Channel, build_channels
from bot.config import DEFAULT_DATABASE_URL, Settings
from bot.delivery import Outgoing
from bot.dispatch import Clock, Dispatcher, utc_clock
from bot.outbox import Outbox
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
    outbox: Outbox
    channels: list[Channel] = field(default_factory=list)

    def channel(self, name: str) -> Channel | None:
        return next((c for c in self.channels if c.name == name), None)


def migrates_itself(settings: Settings) -> bool:
    """The embedded default (SQLite) applies its migrations on every start; PostgreSQL uses `kriya db upgrade`."""
    return settings.is_sqlite or settings.database_url == DEFAULT_DATABASE_URL


@asynccontextmanager
async def open_app(
    settings: Settings, clock: Clock = utc_clock, migrate: bool | None = None, with_channels: bool = False
) -> AsyncIterator[App]:
    """Everything a command needs, opened here and closed on exit (channels only when asked)."""
    engine = create_engine(settings.database_url)
    async with AsyncExitStack() as stack:
        stack.push_async_callback(engine.dispose)
        if migrate if migrate is not None else migrates_itself(settings):
            await upgrade(engine)
        sessionmaker = create_sessionmaker(engine)
        dispatcher = Dispatcher(sessionmaker, build_router(), clock=clock, row_locks=not settings.is_sqlite,
                                policy=settings.policy)
        outbox: Outbox | None = None

        async def deliver(items: Sequence[Outgoing]) -> None:  # bound late: channels exist before the outbox
            assert outbox is not None, "a channel delivered before open_app built the outbox"
            await outbox.deliver(items)

        channels = build_channels(settings, dispatcher, deliver) if with_channels else []
        if not settings.is_sqlite:  # several processes may send for one account: one budget for them all
            from bot.outbox.budget import PostgresBudget

            budget = PostgresBudget(engine)
            for channel in channels:
                channel.limiter.shared = budget
        outbox = Outbox(sessionmaker, {c.name: c.sender for c in channels}, {c.name: c.limiter for c in channels},
                        clock, skip_locked=not settings.is_sqlite, lease=timedelta(seconds=settings.outbox_lease))
        app = App(settings, engine, sessionmaker, dispatcher, clock, outbox, channels)
        for channel in channels:
            await channel.start()
            stack.push_async_callback(channel.stop)
        yield app
