"""Benchmark of the console path (dispatcher, router, handlers, database): messages/s, p50/p99, peak memory.

Run: .venv/bin/python bench/bench_console.py [--messages N] [--users N]
PostgreSQL too when TEST_DATABASE_URL is set (its database is emptied).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import resource
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import open_app
from bot.config import Settings
from bot.core import IncomingMessage
from db.seed import seed_demo

logger = logging.getLogger(__name__)

# What artisans do most: greet, browse, open a detail, read a guide step, ask in free text.
SCRIPT = [
    "halo", "/pelatihan", "2", "pelatihan batik di jogja bulan depan", "BTK-YK-01", "/sertifikasi",
    "cara sertifikasi bnsp", "tips kemasan", "menu", "info no 1",
]


async def run(url: str, messages: int, users: int) -> dict[str, float]:
    async with open_app(Settings(database_url=url), migrate=True) as app:
        async with app.sessionmaker() as session, session.begin():
            await seed_demo(session, app.clock())
        dispatcher = app.dispatcher
        for user in range(users):  # warm up: people exist, model loaded
            await dispatcher.handle(IncomingMessage("console", f"bench-{user}", uuid.uuid4().hex, text="halo"))
        latencies: list[float] = []
        started = time.perf_counter()
        for number in range(messages):
            text = SCRIPT[number % len(SCRIPT)]
            msg = IncomingMessage("console", f"bench-{number % users}", uuid.uuid4().hex, text=text)
            begin = time.perf_counter()
            replies = await dispatcher.handle(msg)
            latencies.append(time.perf_counter() - begin)
            assert replies, text
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "messages/s": messages / elapsed,
        "p50 ms": statistics.median(latencies) * 1000,
        "p99 ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "max ms": latencies[-1] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--users", type=int, default=50)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    targets = {}
    with tempfile.TemporaryDirectory() as folder:
        targets["sqlite"] = f"sqlite+aiosqlite:///{folder}/bench.db"
        pg = os.environ.get("TEST_DATABASE_URL")
        if pg:
            targets["postgresql"] = pg.replace("postgresql://", "postgresql+asyncpg://", 1)
            if pg.startswith("postgresql+asyncpg://"):
                targets["postgresql"] = pg
            asyncio.run(_reset_postgres(targets["postgresql"]))
        for name, url in targets.items():
            figures = asyncio.run(run(url, args.messages, args.users))
            print(f"{name:10s} " + "  ".join(f"{k} {v:8.1f}" for k, v in figures.items()))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS) {peak:.0f} MiB, {args.messages} messages from {args.users} people, one process")


async def _reset_postgres(url: str) -> None:
    from sqlalchemy import text

    from db.session import create_engine

    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


if __name__ == "__main__":
    main()
