"""Benchmark of the console path (dispatcher, router, handlers, database): messages/s, messages per CPU-second
(what one core would do without the machine's other load), SQL statements per message, p50/p99, peak memory.

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

from sqlalchemy import event

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
        statements = [0]

        @event.listens_for(app.engine.sync_engine, "before_cursor_execute")
        def _count(*_args: object) -> None:
            statements[0] += 1  # every SQL statement sent (BEGIN too; COMMIT is not a statement here)

        latencies: list[float] = []
        started, cpu_started = time.perf_counter(), time.process_time()
        for number in range(messages):
            text = SCRIPT[number % len(SCRIPT)]
            msg = IncomingMessage("console", f"bench-{number % users}", uuid.uuid4().hex, text=text)
            begin = time.perf_counter()
            replies = await dispatcher.handle(msg)
            latencies.append(time.perf_counter() - begin)
            assert replies, text
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    latencies.sort()
    return {
        "messages/s": messages / elapsed,
        "per CPU-s": messages / cpu,  # messages per second of this process's CPU: what one free core would do
        "SQL/msg": statements[0] / messages,
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
            print(f"{name:10s} " + "  ".join(f"{k} {v:7.1f}" if k != "SQL/msg" else f"{k} {v:4.2f}"
                                             for k, v in figures.items()))
    load = os.getloadavg()
    print(f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1, 5, 15 min) on {os.cpu_count()} cores")
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
