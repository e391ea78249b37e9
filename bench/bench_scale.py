"""Benchmark of cost as the work grows (PostgreSQL).

Two databases of its own (dropped and made again): a small one (the demo catalogue) and a large one (the same,
plus 10,000 trainings, 1,000,000 artisans with a Telegram identity each and 1,000,000 outbox rows, made with
generate_series, not the ORM). In the same run, on each: a console message's p50/p99 (the mix of
bench_console.py) and one scheduler pass (reminders, announcements, the privacy purge). Then EXPLAIN (ANALYZE)
of every statement of a message and of a pass on the large database: the slowest ones' key plan lines.

Run: .venv/bin/python bench/bench_scale.py [--artisans 1000000] [--outbox 1000000] [--trainings 10000]
     [--messages 300] [--keep] (--keep reuses the large database of an earlier run)
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, text

from bot.app import App, open_app
from bot.config import Settings
from bot.core import IncomingMessage
from bot.scheduler import Scheduler
from db.seed import seed_demo
from db.session import create_engine, upgrade

SCRIPT = [
    "halo", "/pelatihan", "2", "pelatihan batik di jogja bulan depan", "BTK-YK-01", "/sertifikasi",
    "cara sertifikasi bnsp", "tips kemasan", "menu", "info no 1",
]
USERS = 20
SKIPPED = ("SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT", "BEGIN", "SELECT PG_", "SET ", "SHOW ", "LOCK ")

FILL = [
    # 10,000 trainings of the first organizer, spread over a year, across crafts and provinces, all announced
    """INSERT INTO trainings (code, title, craft, organizer_id, province, regency, venue, mode, starts_at, ends_at,
        registration_deadline, quota, fee, contact, description, requirements, language, status, is_demo,
        published_at, announced_at, updated_at)
       SELECT 'SC-' || g, 'Pelatihan skala ' || g,
              (ARRAY['batik','tenun','perak','anyaman','kayu','keramik','bambu','rotan'])[1 + g % 8],
              (SELECT min(id) FROM organizers),
              (ARRAY['34','33','35','51','32','31','52','64'])[1 + g % 8], NULL, 'Balai ' || g, 'offline',
              now() + (g % 365) * interval '1 day', now() + (g % 365) * interval '1 day' + interval '8 hours',
              NULL, 30, 0, '0812', 'Deskripsi', NULL, 'id', 'published', false, now(), now(), now()
       FROM generate_series(1, :trainings) g""",
    """INSERT INTO artisans (display_name, language, language_chosen, crafts, province, proactive_opt_out, is_demo,
        created_at, updated_at)
       SELECT 'Perajin ' || g, 'id', true, '["batik"]', '34', false, false, now(), now()
       FROM generate_series(1, :artisans) g""",
    # one Telegram identity each, silent for 0 to 700 days (some past the two-year purge? none: 730 days)
    """INSERT INTO channel_identities (artisan_id, channel, external_id, last_inbound_at, created_at)
       SELECT id, 'telegram', (900000000 + id)::text, now() - (id % 700) * interval '1 day', now()
       FROM artisans WHERE display_name LIKE 'Perajin %'""",
    # their outbox: sent broadcasts, and 1% a broadcast scheduled for later
    """INSERT INTO outbox (dedupe_key, artisan_id, channel, external_id, kind, body, status, attempts, not_before,
        expires_at, sent_at, created_at)
       SELECT 'scale:' || g, a.id, 'telegram', (900000000 + a.id)::text, 'broadcast', '{"text": "Info pameran"}',
              CASE WHEN g % 100 = 0 THEN 'pending' ELSE 'sent' END, CASE WHEN g % 100 = 0 THEN 0 ELSE 1 END,
              CASE WHEN g % 100 = 0 THEN now() + interval '30 days' ELSE now() - (g % 300) * interval '1 day' END,
              NULL, CASE WHEN g % 100 = 0 THEN NULL ELSE now() - (g % 300) * interval '1 day' END, now()
       FROM generate_series(1, :outbox) g
       JOIN artisans a ON a.id = (SELECT min(id) FROM artisans WHERE display_name LIKE 'Perajin %') + (g - 1) % :artisans""",
    "ANALYZE",
]


async def fresh(admin_url: str, name: str) -> str:
    admin = create_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()
    return url


async def prepare(url: str, large: dict[str, int] | None) -> None:
    """The demo catalogue; on the large database the bulk rows too."""
    async with open_app(Settings(database_url=url), migrate=False) as app:
        async with app.sessionmaker() as session, session.begin():
            await seed_demo(session, app.clock())
    if large is None:
        return
    engine = create_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        for statement in FILL:
            began = time.perf_counter()
            await connection.execute(text(statement), large if ":" in statement else {})
            name = statement.split()[2] if statement.startswith("INSERT") else statement
            print(f"  filled: {name:20s} {time.perf_counter() - began:6.1f} s")
    await engine.dispose()


async def measure(url: str, messages: int, passes: int, record: list[tuple[str, Any]] | None = None
                  ) -> dict[str, float]:
    """A console message's latencies and scheduler passes' durations on the database at `url`."""
    async with open_app(Settings(database_url=url, quiet_hours=None), migrate=False) as app:
        for user in range(USERS):  # warm up: people exist, model loaded
            await app.dispatcher.handle(IncomingMessage("console", f"scale-{user}", uuid.uuid4().hex, text="halo"))
        latencies, by_text = [], collections.defaultdict(list)
        for number in range(messages):
            msg = IncomingMessage("console", f"scale-{number % USERS}", uuid.uuid4().hex,
                                  text=SCRIPT[number % len(SCRIPT)])
            began = time.perf_counter()
            await app.dispatcher.handle(msg)
            latencies.append(time.perf_counter() - began)
            by_text[msg.text].append(latencies[-1])
        scheduler = Scheduler(app.sessionmaker, app.clock, app.settings.policy, 30, postgres=True)
        durations = []
        for _ in range(passes):
            began = time.perf_counter()
            await scheduler.run_pass()
            durations.append(time.perf_counter() - began)
        if record is not None:
            await recorded(app, scheduler, record)
        await scheduler.release()
    latencies.sort()
    slowest = sorted(by_text.items(), key=lambda pair: -statistics.median(pair[1]))[:3]
    print("  slowest messages (median, max ms): " + ", ".join(
        f"{text!r} {statistics.median(times) * 1000:.0f}/{max(times) * 1000:.0f}" for text, times in slowest))
    return {"p50": statistics.median(latencies) * 1000, "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
            "pass": statistics.median(durations) * 1000, "pass max": max(durations) * 1000}


async def recorded(app: App, scheduler: Scheduler, record: list[tuple[str, Any]]) -> None:
    """The statements of one message of each kind and of one scheduler pass."""

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, executemany: bool) -> None:
        if not executemany and not statement.lstrip().upper().startswith(SKIPPED):
            record.append((statement, parameters))

    event.listen(app.engine.sync_engine, "before_cursor_execute", keep)
    try:
        for message in SCRIPT:
            await app.dispatcher.handle(IncomingMessage("console", "scale-0", uuid.uuid4().hex, text=message))
        await scheduler.run_pass()
    finally:
        event.remove(app.engine.sync_engine, "before_cursor_execute", keep)


async def explain(url: str, record: list[tuple[str, Any]], top: int) -> None:
    """EXPLAIN (ANALYZE) of each distinct statement (rolled back): the `top` slowest with their key lines."""
    engine = create_engine(url)
    plans = []
    seen = set()
    for statement, parameters in record:
        if statement in seen:
            continue
        seen.add(statement)
        async with engine.connect() as connection:
            transaction = await connection.begin()
            try:
                rows = (await connection.exec_driver_sql(f"EXPLAIN (ANALYZE, FORMAT TEXT) {statement}",
                                                         parameters)).scalars().all()
            except Exception as error:  # a statement EXPLAIN cannot take: said, not fatal
                rows = [f"(not explained: {type(error).__name__})"]
            await transaction.rollback()
        took = next((float(r.split()[-2]) for r in rows if r.startswith("Execution Time")), 0.0)
        plans.append((took, statement, rows))
    await engine.dispose()
    plans.sort(key=lambda plan: -plan[0])
    print(f"EXPLAIN (ANALYZE) on the large database: {len(plans)} distinct statements of a message of each kind "
          f"and a scheduler pass; the {top} slowest:")
    for took, statement, rows in plans[:top]:
        print(f"- {took:8.2f} ms  {' '.join(statement.split())[:150]}")
        for row in rows:
            if any(word in row for word in ("Scan", "Sort", "Aggregate", "Limit")) and "Buckets" not in row:
                print(f"      {row.strip()[:140]}")
    slow_scans = [s for _, s, rows in plans if any("Seq Scan on" in r and "rows=1000" in r for r in rows)]
    print(f"statements reading a large table sequentially: {len(slow_scans)}")


async def main(args: argparse.Namespace) -> None:
    sizes = {"trainings": args.trainings, "artisans": args.artisans, "outbox": args.outbox}
    small = await fresh(args.admin_url, "kriya_bench_scale_small")
    await prepare(small, None)
    large = args.admin_url.rsplit("/", 1)[0] + "/kriya_bench_scale_large"
    if not args.keep:
        print(f"filling the large database: {sizes}")
        large = await fresh(args.admin_url, "kriya_bench_scale_large")
        await prepare(large, sizes)
    else:
        engine = create_engine(large)
        await upgrade(engine)
        await engine.dispose()
    figures = {"small": await measure(small, args.messages, args.passes)}
    record: list[tuple[str, Any]] = []
    figures["large"] = await measure(large, args.messages, args.passes, record)
    for name, found in figures.items():
        print(f"{name:6s} message p50 {found['p50']:7.1f} ms  p99 {found['p99']:7.1f} ms   scheduler pass "
              f"median {found['pass']:8.1f} ms  max {found['pass max']:8.1f} ms")
    print(f"large / small: message p99 x{figures['large']['p99'] / figures['small']['p99']:.2f}, scheduler pass "
          f"x{figures['large']['pass'] / figures['small']['pass']:.2f} (goal: within x2)")
    load = os.getloadavg()
    print(f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1, 5, 15 min) on {os.cpu_count()} cores "
          f"(other work on the machine too)")
    await explain(large, record, args.top)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainings", type=int, default=10_000)
    parser.add_argument("--artisans", type=int, default=1_000_000)
    parser.add_argument("--outbox", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--top", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="reuse the large database of an earlier run")
    parser.add_argument("--admin-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    asyncio.run(main(parser.parse_args()))
