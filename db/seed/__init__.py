"""The demo catalogue: organizers and trainings dated relative to today (plainly marked as demo data)."""

from __future__ import annotations

import logging
import secrets
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regions import zone_of
from bot.services.catalogue import ImportReport, import_rows, local_date_time, shift_days
from db.models import Artisan, Organizer, Registration, Training

logger = logging.getLogger(__name__)

DEMO_FILE = Path(__file__).resolve().parent / "demo.yaml"
DEMO_SEAT_PREFIX = "D"  # codes of the demo's seat fillers (real registrations are KR-...)


def demo_rows(spec: dict[str, Any], now: datetime) -> list[tuple[int, dict[str, Any]]]:
    """The demo trainings as import rows, dated from today's date in each training's zone."""
    rows = []
    for number, item in enumerate(spec["trainings"], 1):
        province = str(item["province"])
        today: date = now.astimezone(zone_of(province).zone).date()
        first = shift_days(today, int(item["start_in_days"]))
        last = shift_days(first, int(item.get("duration_days", 1)) - 1)
        deadline = None
        if item.get("deadline_in_days") is not None:
            deadline = local_date_time(shift_days(today, int(item["deadline_in_days"])), "23:59", province)
        row = {k: item.get(k) for k in ("code", "title", "craft", "province", "regency", "venue", "mode",
                                        "quota", "fee", "contact", "description", "requirements", "language")}
        row.update(
            organizer=item["organizer"],
            starts_at=local_date_time(first, item.get("start_time", "08:00"), province),
            ends_at=local_date_time(last, item.get("end_time", "16:00"), province),
            registration_deadline=deadline,
        )
        rows.append((number, row))
    return rows


async def seed_demo(session: AsyncSession, now: datetime, path: Path = DEMO_FILE) -> ImportReport:
    """Load (or refresh) the demo catalogue and its demo registrations; idempotent."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    for org in spec["organizers"]:
        found = (await session.execute(select(Organizer).where(Organizer.key == org["key"]))).scalar_one_or_none()
        if found is None:
            found = Organizer(key=org["key"], name=org["name"])
            session.add(found)
        found.name, found.contact, found.website = org["name"], org.get("contact"), org.get("website")
    await session.flush()
    report = await import_rows(session, demo_rows(spec, now), is_demo=True)
    if report.errors:
        raise ValueError(f"demo data has errors: {report.errors}")
    # The demo catalogue is not news: subscribers are told only of trainings published after it.
    await session.execute(update(Training).where(Training.is_demo.is_(True), Training.announced_at.is_(None))
                          .values(announced_at=now))
    # Demo seats: placeholder registrations by demo people, so that some trainings show as full. Loading again
    # replaces them (registrations first: deleting a person keeps their registrations as anonymous counts).
    demo_people = select(Artisan.id).where(Artisan.is_demo.is_(True))
    demo_trainings = select(Training.id).where(Training.is_demo.is_(True))
    await session.execute(delete(Registration).where(Registration.artisan_id.in_(demo_people)))
    await session.execute(delete(Registration).where(  # left by earlier versions, which kept them anonymous
        Registration.artisan_id.is_(None), Registration.code.like(f"{DEMO_SEAT_PREFIX}%"),
        Registration.training_id.in_(demo_trainings)))
    await session.execute(delete(Artisan).where(Artisan.is_demo.is_(True)))
    codes = {item["code"]: int(item.get("seats_taken") or 0) for item in spec["trainings"]}
    ids: dict[str, int] = {
        code: training_id
        for code, training_id in (await session.execute(select(Training.code, Training.id)
                                                         .where(Training.code.in_(codes)))).all()
    }
    seats = [(ids[code], seat) for code, taken in codes.items() for seat in range(taken)]
    people = [Artisan(display_name=f"Peserta demo {seat + 1}", is_demo=True, crafts=[]) for _, seat in seats]
    session.add_all(people)
    await session.flush()
    session.add_all(
        Registration(code=f"{DEMO_SEAT_PREFIX}{secrets.token_hex(5).upper()}", training_id=training_id, artisan_id=person.id,
                     status="registered", created_at=now)
        for (training_id, _), person in zip(seats, people, strict=True)
    )
    await session.flush()
    logger.info("demo catalogue: %d new, %d refreshed", len(report.created), len(report.updated))
    return report
