"""Server time of the organizers' console pages and API at issue 14's size: 1,000 trainings over 20 organizers,
100,000 registrations, 50,000 artisans (one chat channel each), a broadcast history; real HTTP in process (httpx's
ASGI transport) signed in as one organizer's staff. Prints p50/p99 per page with the machine's load.

    python bench/bench_console_pages.py --database postgresql+asyncpg://postgres@127.0.0.1:5432/EMPTY_DB --reset

The database is KRIYA_BENCH_DATABASE (or --database); --reset drops its public schema first (never on data you keep).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from sqlalchemy import insert, text

from bot.app import App, open_app
from bot.config import Settings
from bot.crafts import CRAFTS
from bot.organizers import accounts
from bot.web import create_web_app
from db.models import Artisan, Broadcast, ChannelIdentity, Organizer, OutboxMessage, Registration, Training
from db.session import create_engine, upgrade

logger = logging.getLogger(__name__)

PASSWORD = "kata-sandi-bench-1"
EMAIL = "staff@bench-0.example"
BIG = "BENCH-0-000"  # the bench organizer's biggest training
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
REGENCIES = ("34.02", "34.04", "33.74", "33.75", "35.78", "32.73", "51.03", "52.01", "64.72", "31.71")
CHUNK = 5000  # rows per executemany
BROADCASTS, BROADCAST_ROWS = 50, 400  # the bench organizer's history: broadcasts, outbox rows of each


async def fresh(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await upgrade(engine)
    finally:
        await engine.dispose()


async def bulk(session: Any, model: type, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        await session.execute(insert(model), rows[start:start + CHUNK])


def shares(total: int, trainings: int, biggest: int) -> list[int]:
    """How many registrations each training gets: the first `biggest`, the rest spread evenly."""
    rest, extra = divmod(total - biggest, trainings - 1)
    return [biggest] + [rest + (1 if n < extra else 0) for n in range(trainings - 1)]


async def seed(app: App, args: argparse.Namespace) -> None:
    now = app.clock()
    crafts = list(CRAFTS)
    async with app.sessionmaker() as session, session.begin():
        await bulk(session, Organizer, [{"key": f"bench-{n}", "name": f"Balai Bench {n}"}
                                        for n in range(args.organizers)])
        organizers = list((await session.execute(text("SELECT id FROM organizers ORDER BY id"))).scalars())
        per = args.trainings // args.organizers
        await bulk(session, Training, [
            {"code": f"BENCH-{o}-{n:03d}", "title": f"Pelatihan {crafts[n % len(crafts)]} {o}-{n}",
             "craft": crafts[n % len(crafts)], "organizer_id": organizers[o], "province": REGENCIES[n % 10][:2],
             "regency": REGENCIES[n % 10], "venue": "Balai", "mode": "offline",
             "starts_at": now + timedelta(days=(n * 7) % 240 - 60, hours=n % 5),  # a quarter are past
             "ends_at": now + timedelta(days=(n * 7) % 240 - 60, hours=n % 5 + 6),
             "quota": 4000 if n == 0 else 80, "fee": 0, "contact": "0274 000", "description": "Pelatihan bench.",
             "language": "id", "status": "published", "is_demo": False, "published_at": now, "updated_at": now}
            for o in range(args.organizers) for n in range(per)])
        trainings = list((await session.execute(text("SELECT id FROM trainings ORDER BY id"))).scalars())
        await bulk(session, Artisan, [
            {"full_name": f"Perajin {n}", "phone": f"+62812{n:08d}", "language": "id" if n % 5 else "en",
             "crafts": [crafts[n % len(crafts)]], "province": REGENCIES[n % 10][:2], "regency": REGENCIES[n % 10],
             "proactive_opt_out": n % 50 == 0, "is_demo": False, "consent_at": now, "created_at": now,
             "updated_at": now} for n in range(args.artisans)])
        people = list((await session.execute(text("SELECT id FROM artisans ORDER BY id"))).scalars())
        await bulk(session, ChannelIdentity, [
            {"artisan_id": a, "channel": "whatsapp" if n % 3 == 0 else "telegram",
             "external_id": f"62813{n:08d}" if n % 3 == 0 else str(1_000_000 + n),
             "last_inbound_at": now - timedelta(hours=1 if n % 6 else 48), "created_at": now}
            for n, a in enumerate(people)])
        registrations, number = [], 0
        for t, (training_id, count) in enumerate(zip(trainings, shares(args.registrations, len(trainings),
                                                                       args.biggest), strict=True)):
            quota = 4000 if t % per == 0 else 80
            for k in range(count):
                registrations.append({
                    "code": f"KR-B{number:09d}", "training_id": training_id,
                    "artisan_id": people[(t * 997 + k) % len(people)],  # distinct within a training
                    "status": "cancelled" if k % 40 == 39 else ("registered" if k < quota else "waitlisted"),
                    "created_at": now - timedelta(minutes=count - k), "updated_at": now})
                number += 1
        await bulk(session, Registration, registrations)
        ours = organizers[0]
        await bulk(session, Broadcast, [
            {"text": f"Kabar pelatihan {n}", "craft": crafts[n % len(crafts)], "send_at": now - timedelta(days=n),
             "recipients": BROADCAST_ROWS, "created_at": now - timedelta(days=n), "organizer_id": ours}
            for n in range(BROADCASTS)])
        sent = list((await session.execute(text("SELECT id FROM broadcasts ORDER BY id"))).scalars())
        await bulk(session, OutboxMessage, [
            {"dedupe_key": f"broadcast:{b}:{k}", "artisan_id": people[k], "channel": "telegram",
             "external_id": str(1_000_000 + k), "kind": "broadcast", "body": {"text": "x"},
             "status": ("sent", "failed", "skipped")[k % 3], "attempts": 1, "not_before": now,
             "created_at": now, "broadcast_id": b, "last_error": "403 Forbidden" if k % 3 == 1 else None}
            for b in sent for k in range(BROADCAST_ROWS)])
        account = await accounts.add_staff(session, EMAIL, "Balai Bench 0", "staff", None)
        account.password_hash = accounts.hash_password(PASSWORD)
    async with app.engine.connect() as connection:
        await connection.execute(text("ANALYZE"))  # a database in use has its statistics


async def timed(runs: int, call: Callable[[], Awaitable[httpx.Response]]) -> list[float]:
    answer = await call()  # one warm-up (templates compiled, caches filled), not counted
    assert answer.status_code == 200, (answer.status_code, answer.text[:300])
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        answer = await call()
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, (answer.status_code, answer.text[:300])
    return times


def line(name: str, times: list[float], size: int) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    load = "/".join(f"{value:.2f}" for value in os.getloadavg())
    return (f"| {name:<40} | {statistics.median(ordered):8.1f} | {p99:8.1f} | {len(ordered):3d} | {size:>9,} "
            f"| {load} |")


async def run(args: argparse.Namespace) -> None:
    if args.reset:
        await fresh(args.database)
    async with open_app(Settings(database_url=args.database), migrate=not args.reset) as app:
        started = time.perf_counter()
        await seed(app, args)
        print(f"seeded {args.trainings} trainings over {args.organizers} organizers, {args.registrations:,} "
              f"registrations ({args.biggest:,} in {BIG}), {args.artisans:,} artisans, "
              f"{BROADCASTS * BROADCAST_ROWS:,} broadcast outbox rows in {time.perf_counter() - started:.1f} s")
        async with app.sessionmaker() as session, session.begin():
            account = await accounts.find_staff(session, EMAIL)
            assert account is not None
            token, _row = await accounts.issue(session, account.id, "api", app.clock())
        web = create_web_app(app, run_background=False)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web), base_url="http://bench.test") as http:
            login = await http.get("/console/login")
            signed = await http.post("/console/login", data={"email": EMAIL, "password": PASSWORD,
                                                             "csrf": CSRF_RE.findall(login.text)[0]})
            assert signed.status_code == 303, signed.status_code
            csrf = CSRF_RE.findall((await http.get("/console/broadcasts/new")).text)[0]
            preview = {"text": "Pameran batik", "craft": "batik", "region": "", "training": "", "when": "now",
                       "send_at": "", "zone": "WIB", "csrf": csrf}
            bearer = {"Authorization": f"Bearer {token}"}
            base = f"/console/trainings/{BIG}"
            pages: list[tuple[str, Callable[[], Awaitable[httpx.Response]]]] = [
                ("GET /console/ (dashboard)", lambda: http.get("/console/")),
                (f"GET {base}", lambda: http.get(base)),
                ("GET .../registrants.csv", lambda: http.get(f"{base}/registrants.csv")),
                ("GET .../registrants.xlsx", lambda: http.get(f"{base}/registrants.xlsx")),
                ("GET .../attendance.xlsx", lambda: http.get(f"{base}/attendance.xlsx")),
                ("POST /console/broadcasts/preview (batik)",
                 lambda: http.post("/console/broadcasts/preview", data=preview)),
                ("GET /console/broadcasts", lambda: http.get("/console/broadcasts")),
                ("GET /api/v1/trainings", lambda: http.get("/api/v1/trainings", headers=bearer)),
                (f"GET /api/v1/trainings/{BIG}/registrations",
                 lambda: http.get(f"/api/v1/trainings/{BIG}/registrations", headers=bearer)),
            ]
            print(f"database {args.database.split('://')[0]}, {args.runs} runs each after one warm-up; "
                  f"load = 1/5/15-min averages when the page's runs ended ({os.cpu_count()} cores)")
            print(f"| {'page':<40} | {'p50 ms':>8} | {'p99 ms':>8} | {'n':>3} | {'bytes':>9} | load |")
            print(f"|{'-' * 42}|{'-' * 10}|{'-' * 10}|{'-' * 5}|{'-' * 11}|------|")
            for name, call in pages:
                times = await timed(args.runs, call)
                size = len((await call()).content)
                print(line(name, times, size), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get("KRIYA_BENCH_DATABASE", ""),
                        help="an empty PostgreSQL database (or KRIYA_BENCH_DATABASE)")
    parser.add_argument("--reset", action="store_true", help="drop the database's public schema first")
    parser.add_argument("--organizers", type=int, default=20)
    parser.add_argument("--trainings", type=int, default=1000)
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--biggest", type=int, default=5000, help="registrations of the measured training")
    parser.add_argument("--artisans", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if not args.database:
        parser.error("give --database or KRIYA_BENCH_DATABASE")
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
