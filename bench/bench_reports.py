"""Time to build one organizer's funders' report (a year) and its XLSX: 200 trainings of that organizer (and 200
of another), 50 registrations each, 60 % checked in, three follow-ups per attendee with answers. SQLite file in a
temporary folder, or --database. Prints the seconds with the machine's load.

    python bench/bench_reports.py [--database URL] [--trainings 200] [--per 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select

from bot.organizers import report_sheets, reports
from bot.organizers.scope import organizer_sessionmaker, scoped
from db.models import Artisan, ChannelIdentity, CheckIn, FollowUp, Organizer, Registration, Training
from db.session import create_engine, upgrade

REGENCIES = ("34.02", "34.04", "33.74", "33.75", "35.78", "51.03")
START = datetime(2026, 1, 5, 2, tzinfo=UTC)


async def fill(engine: object, trainings: int, per: int) -> int:
    from sqlalchemy.ext.asyncio import async_sessionmaker
    maker = async_sessionmaker(engine, expire_on_commit=False)  # type: ignore[call-overload]
    async with maker() as session, session.begin():
        ours, theirs = Organizer(key="bench-a", name="Bench A"), Organizer(key="bench-b", name="Bench B")
        session.add_all([ours, theirs])
        await session.flush()
        people = [{"full_name": f"P{i}", "regency": REGENCIES[i % 6], "crafts": ["batik"] if i % 3 else ["tenun"],
                   "gender": ("female", "male", "undisclosed", None)[i % 4]} for i in range(per * 4)]
        await session.execute(insert(Artisan), people)
        ids = list((await session.execute(select(Artisan.id).order_by(Artisan.id))).scalars())
        await session.execute(insert(ChannelIdentity), [
            {"artisan_id": a, "channel": ("telegram", "whatsapp")[a % 2], "external_id": f"b{a}"} for a in ids])
        for organizer in (ours, theirs):
            rows = [{"code": f"B{organizer.id}-{n:04d}", "title": f"Bench {n}", "craft": "batik",
                     "organizer_id": organizer.id, "province": "34", "regency": "34.04", "venue": "-",
                     "mode": "offline", "starts_at": START + timedelta(days=n % 300),
                     "ends_at": START + timedelta(days=n % 300, hours=6), "fee": 0, "contact": "-",
                     "description": "-"} for n in range(trainings)]
            await session.execute(insert(Training), rows)
        training_ids = list((await session.execute(select(Training.id))).scalars())
        registrations = [{"code": f"KR-{t}-{k}", "training_id": t, "artisan_id": ids[(t * 7 + k) % len(ids)],
                          "status": ("registered", "registered", "registered", "waitlisted", "cancelled")[k % 5]}
                         for t in training_ids for k in range(per)]
        await session.execute(insert(Registration), registrations)
        found = (await session.execute(select(Registration.id, Registration.training_id, Registration.artisan_id)
                                       .where(Registration.status == "registered"))).all()
        attended = [r for n, r in enumerate(found) if n % 5 < 3]
        await session.execute(insert(CheckIn), [{"registration_id": r.id} for r in attended])
        await session.execute(insert(FollowUp), [
            {"key": f"followup:{r.id}:{m}", "registration_id": r.id, "training_id": r.training_id,
             "artisan_id": r.artisan_id, "months": m, "due_at": START, "status": "answered",
             "sales": ("up", "same", "down")[r.id % 3], "certifications": [["nib"], [], ["merek", "bnsp"]][r.id % 3],
             "online": bool(r.id % 2), "asked_at": START} for r in attended for m in (1, 3, 6)])
        return ours.id


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database")
    parser.add_argument("--trainings", type=int, default=200)
    parser.add_argument("--per", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite+aiosqlite:///{folder}/bench.db"
        engine = create_engine(url)
        await upgrade(engine)
        organizer_id = await fill(engine, args.trainings, args.per)
        maker = organizer_sessionmaker(engine)
        now = START + timedelta(days=400)
        for _round in range(3):
            began = time.perf_counter()
            async with scoped(maker, organizer_id) as session:
                report = await reports.build(session, now, date_from=START.date(), date_to=(START + timedelta(days=365)).date())
            built = time.perf_counter() - began
            began = time.perf_counter()
            body = report_sheets.workbook(report, "Bench A", now)
            written = time.perf_counter() - began
            print(f"{engine.dialect.name}: {len(report.trainings)} trainings, {report.total.registered} registrations,"
                  f" report {built:.2f} s, xlsx {written:.2f} s ({len(body)} bytes); load {os.getloadavg()[0]:.1f}")
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
