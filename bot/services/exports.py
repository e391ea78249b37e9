"""Registrant lists for organizers (`kriya registrations export`)."""

from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Artisan, Registration, Training

logger = logging.getLogger(__name__)

HEADER = ("training", "registration", "status", "registered_at", "full_name", "phone", "crafts", "regency",
          "business_name")


async def registrants(session: AsyncSession, training_code: str | None = None) -> list[tuple[str, ...]]:
    """The header and one row per live registration (not cancelled), by training then time."""
    query = (
        select(Training.code, Registration, Artisan)
        .join(Training, Training.id == Registration.training_id)
        .outerjoin(Artisan, Artisan.id == Registration.artisan_id)
        .where(Registration.status != "cancelled", Artisan.is_demo.is_not(True))
        .order_by(Training.code, Registration.status, Registration.created_at)
    )
    if training_code:
        query = query.where(func.upper(Training.code) == training_code.upper())
    rows: list[tuple[str, ...]] = [HEADER]
    for code, registration, person in (await session.execute(query)).all():
        rows.append((
            code, registration.code, registration.status, registration.created_at.isoformat(timespec="seconds"),
            (person.full_name or "") if person else "", (person.phone or "") if person else "",
            " ".join(person.crafts or []) if person else "", (person.regency or "") if person else "",
            (person.business_name or "") if person else "",
        ))
    return rows
