"""Background work: the outbox sender loop (and the scheduler's jobs), started and stopped together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from bot.app import App

if TYPE_CHECKING:
    from bot.scheduler import Scheduler

logger = logging.getLogger(__name__)

OUTBOX_IDLE_SECONDS = 1.0


async def outbox_loop(app: App, stop: asyncio.Event) -> None:
    """Send due outbox rows until `stop` is set; a failing pass is logged and retried."""
    while not stop.is_set():
        try:
            handled = await app.outbox.run_once()
        except Exception:
            logger.exception("outbox pass failed")
            handled = 0
        if not handled:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), OUTBOX_IDLE_SECONDS)


async def wait_for_signal() -> None:
    """Block until SIGINT or SIGTERM."""
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, stop.set)
    await stop.wait()


def build_scheduler(app: App) -> Scheduler:
    """The scheduler of this app: its jobs plan and purge with the settings' policy."""
    from bot.scheduler import Scheduler

    return Scheduler(app.sessionmaker, app.clock, app.settings.policy, app.settings.scheduler_interval,
                     postgres=not app.settings.is_sqlite)


@asynccontextmanager
async def background(app: App, scheduler: bool = True) -> AsyncIterator[None]:
    """Run the outbox loop (and the scheduler) while the block runs."""
    stop = asyncio.Event()
    task = asyncio.create_task(outbox_loop(app, stop), name="outbox")
    jobs = None
    if scheduler:
        jobs = build_scheduler(app)
        jobs.start()
    try:
        yield
    finally:
        stop.set()
        await task
        if jobs is not None:
            await jobs.stop()
        await app.outbox.close()  # the heartbeat; rows still held are taken over after the lease
