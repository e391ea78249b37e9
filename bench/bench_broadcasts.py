"""Benchmark of the console's broadcasts over HTTP (ASGI, in process): preview, send, delivery log, list, dashboard,
resend, with many artisans and a large outbox; server time p50/p99 of each page.

Run: .venv/bin/python bench/bench_broadcasts.py [--artisans N] [--other-rows N] [--repeat N]
On PostgreSQL when TEST_DATABASE_URL is set (its database is emptied), else on a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
from sqlalchemy import insert, text, update

from bot.app import open_app
from bot.config import Settings
from bot.organizers import accounts
from bot.web import create_web_app
from db.models import Artisan, ChannelIdentity, OutboxMessage
from db.session import create_engine, upgrade

logger = logging.getLogger(__name__)

CRAFTS = ("tenun", "batik", "anyaman")  # a third of the artisans weave: the audience
PASSWORD = "kata-sandi-bench-1"
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
HIDDEN_RE = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')
CHUNK = 5000


async def fresh(url: str) -> None:
    engine = create_engine(url)
    try:
        if url.startswith("postgresql"):
            async with engine.begin() as connection:
                await connection.execute(text("DROP SCHEMA public CASCADE"))
                await connection.execute(text("CREATE SCHEMA public"))
        await upgrade(engine)
    finally:
        await engine.dispose()


async def seed(app: object, artisans: int, other_rows: int) -> None:
    now = datetime.now(UTC)
    async with app.sessionmaker() as session, session.begin():  # type: ignore[attr-defined]
        for start in range(0, artisans, CHUNK):
            rows = [{"full_name": f"Perajin {n}", "crafts": [CRAFTS[n % 3]], "province": "33", "regency": "33.74",
                     "language": "id", "proactive_opt_out": n % 50 == 0, "is_demo": False, "created_at": now,
                     "updated_at": now} for n in range(start, min(start + CHUNK, artisans))]
            await session.execute(insert(Artisan), rows)
        ids = list((await session.execute(text("SELECT id FROM artisans ORDER BY id"))).scalars())
        for start in range(0, len(ids), CHUNK):
            await session.execute(insert(ChannelIdentity), [
                {"artisan_id": i, "channel": "telegram" if i % 4 else "whatsapp", "external_id": str(100000 + i),
                 "last_inbound_at": now - timedelta(hours=1 if i % 8 else 48), "created_at": now}
                for i in ids[start:start + CHUNK]])
        for start in range(0, other_rows, CHUNK):
            await session.execute(insert(OutboxMessage), [
                {"dedupe_key": f"reply:bench:{n}", "artisan_id": ids[n % len(ids)], "channel": "telegram",
                 "external_id": "1", "kind": "reply", "body": {"text": "x"}, "status": "sent", "attempts": 1,
                 "not_before": now, "created_at": now - timedelta(days=n % 30)}
                for n in range(start, min(start + CHUNK, other_rows))])
        account = await accounts.add_staff(session, "admin@bench.example", "Balai Bench", "admin", None)
        account.password_hash = accounts.hash_password(PASSWORD)
    async with app.engine.connect() as connection:  # type: ignore[attr-defined]
        await connection.execute(text("ANALYZE"))  # a database in use has its statistics (both dialects)


async def timed(repeat: int, call: object) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        answer = await call()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code in (200, 303), answer.status_code
    return times


def summary(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"{name:<22} p50 {statistics.median(ordered):8.1f} ms   p99 {p99:8.1f} ms   (n={len(ordered)})"


async def run(url: str, artisans: int, other_rows: int, repeat: int) -> None:
    await fresh(url)
    async with open_app(Settings(database_url=url), migrate=False) as app:
        started = time.perf_counter()
        await seed(app, artisans, other_rows)
        print(f"seeded {artisans} artisans, {other_rows} other outbox rows in {time.perf_counter() - started:.1f} s")
        web = create_web_app(app, run_background=False)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web), base_url="http://bench.test") as http:
            login = await http.get("/console/login")
            await http.post("/console/login", data={"email": "admin@bench.example", "password": PASSWORD,
                                                    "csrf": CSRF_RE.findall(login.text)[0]})
            csrf = CSRF_RE.findall((await http.get("/console/broadcasts/new")).text)[0]
            form = {"text": "Pameran tenun", "craft": "tenun", "region": "Jawa Tengah", "training": "",
                    "when": "now", "send_at": "", "zone": "WIB", "csrf": csrf}
            previews = await timed(repeat, lambda: http.post("/console/broadcasts/preview", data=form))
            page = await http.post("/console/broadcasts/preview", data=form)
            fields = dict(HIDDEN_RE.findall(page.text[page.text.index('action="/console/broadcasts"'):]))
            started = time.perf_counter()
            sent = await http.post("/console/broadcasts", data={**fields, "csrf": csrf})
            send_ms = (time.perf_counter() - started) * 1000
            log_url = sent.headers["location"]
            broadcast_id = int(log_url.rsplit("/", 1)[1])
            async with app.sessionmaker() as session, session.begin():
                for remainder, values in ((0, {"status": "failed", "last_error": "403 Forbidden: bot was blocked"}),
                                          (1, {"status": "sent", "delivery_status": "delivered"}),
                                          (2, {"status": "sent"})):
                    await session.execute(update(OutboxMessage).where(
                        OutboxMessage.broadcast_id == broadcast_id, OutboxMessage.id % 3 == remainder).values(**values))
            logs = await timed(repeat, lambda: http.get(log_url))
            lists = await timed(repeat, lambda: http.get("/console/broadcasts"))
            dashboards = await timed(repeat, lambda: http.get("/console/"))
            started = time.perf_counter()
            resent = await http.post(log_url + "/resend", data={"csrf": csrf})
            resend_ms = (time.perf_counter() - started) * 1000
        recipients = re.search(r'id="recipients">(\d+)<', page.text)
        print(f"database: {url.split('://')[0]}; recipients {recipients.group(1) if recipients else '?'}; "
              f"resend -> {resent.headers.get('location')}")
        print(summary("preview", previews))
        print(f"{'send (queue)':<22} {send_ms:8.1f} ms once")
        print(summary("delivery log", logs))
        print(summary("broadcast list", lists))
        print(summary("dashboard", dashboards))
        print(f"{'resend failed':<22} {resend_ms:8.1f} ms once")
        print(f"load: {os.getloadavg()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--artisans", type=int, default=20_000)
    parser.add_argument("--other-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    with tempfile.TemporaryDirectory() as folder:
        url = url or f"sqlite+aiosqlite:///{folder}/bench.db"
        asyncio.run(run(url, args.artisans, args.other_rows, args.repeat))


if __name__ == "__main__":
    main()
