"""Server time of the console's registrant pages and actions on one training with many registrants: the training
page, the CSV and XLSX exports, the attendance sheet, adding a nominee and cancelling with a reason (which
promotes the first on the waitlist). Prints p50/p99 per route.

    python -m bench.bench_registrants --database postgresql+asyncpg://postgres@127.0.0.1:5432/EMPTY_DB
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx

from bot.app import App, open_app
from bot.config import Settings
from bot.organizers import accounts
from bot.web import create_web_app
from db.models import Artisan, ChannelIdentity, Organizer, Registration, Training

logger = logging.getLogger(__name__)

CODE = "BENCH-1"
PASSWORD = "kata-sandi-bench-1"
CSRF_MARK = 'name="csrf" value="'


async def fill(app: App, registrants: int, quota: int) -> None:
    """One organizer, one training with `registrants` people (the first `quota` seated, the rest waitlisted)."""
    now = app.clock()
    async with app.sessionmaker() as session, session.begin():
        organizer = Organizer(key="bench", name="Balai Bench")
        session.add(organizer)
        await session.flush()
        training = Training(code=CODE, title="Pelatihan bench", craft="batik", organizer_id=organizer.id,
                            province="34", regency="34.02", venue="Balai", mode="offline",
                            starts_at=now + timedelta(days=30), ends_at=now + timedelta(days=30, hours=6),
                            quota=quota, fee=0, contact="0274", description="bench")
        session.add(training)
        await session.flush()
        for number in range(registrants):
            person = Artisan(full_name=f"Perajin {number}", phone=f"+62812{number:08d}", regency="34.02",
                             crafts=["batik"], language="id" if number % 2 else "en", created_at=now, updated_at=now)
            session.add(person)
            await session.flush()
            session.add(ChannelIdentity(artisan_id=person.id, channel="console", external_id=f"b{number}",
                                        last_inbound_at=now))
            session.add(Registration(code=f"KR-B{number:07d}", training_id=training.id, artisan_id=person.id,
                                     status="registered" if number < quota else "waitlisted",
                                     created_at=now + timedelta(seconds=number)))
        account = await accounts.add_staff(session, "bench@bench.example", "Balai Bench", "staff", None)
        account.password_hash = accounts.hash_password(PASSWORD)


async def timed(runs: int, call: Callable[[int], Awaitable[httpx.Response]], expect: int) -> list[float]:
    times = []
    for run in range(runs):
        started = time.perf_counter()
        answer = await call(run)
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == expect, (answer.status_code, answer.text[:300])
    return times


def report(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    print(f"{name:<34} n={len(times):<4} p50={statistics.median(ordered):8.1f} ms  p99={p99:8.1f} ms")


async def main(args: argparse.Namespace) -> None:
    async with open_app(Settings(database_url=args.database), migrate=True) as app:
        await fill(app, args.registrants, args.quota)
        web = create_web_app(app, run_background=False)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web), base_url="http://bench") as http:
            form = await http.get("/console/login")
            token = form.text.split(CSRF_MARK, 1)[1].split('"', 1)[0]
            await http.post("/console/login", data={"email": "bench@bench.example", "password": PASSWORD,
                                                    "csrf": token})
            page = await http.get(f"/console/trainings/{CODE}")
            csrf = page.text.split(CSRF_MARK, 1)[1].split('"', 1)[0]
            base = f"/console/trainings/{CODE}"
            print(f"one training, {args.registrants} registrants ({args.quota} seated), {args.database.split(':')[0]}")
            report("GET training page", await timed(args.runs, lambda _: http.get(base), 200))
            report("GET registrants.csv", await timed(args.runs, lambda _: http.get(f"{base}/registrants.csv"), 200))
            report("GET registrants.xlsx", await timed(args.runs, lambda _: http.get(f"{base}/registrants.xlsx"), 200))
            report("GET attendance.xlsx", await timed(args.runs, lambda _: http.get(f"{base}/attendance.xlsx"), 200))
            report("POST add nominee (waitlisted)", await timed(args.runs, lambda n: http.post(
                f"{base}/registrants", data={"csrf": csrf, "name": f"Nominee {n}", "phone": f"0813{n:08d}",
                                             "regency": "34.02", "crafts": "batik"}), 303))
            report("POST cancel with reason (+promote)", await timed(args.runs, lambda n: http.post(
                f"{base}/registrants/cancel", data={"csrf": csrf, "registration": f"KR-B{n:07d}",
                                                    "reason": "bench"}), 303))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True, help="an EMPTY database (it is migrated and filled)")
    parser.add_argument("--registrants", type=int, default=2000)
    parser.add_argument("--quota", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=30)
    asyncio.run(main(parser.parse_args()))
