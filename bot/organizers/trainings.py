"""Changing an organizer's trainings (console and API alike), through the catalogue's import on a scoped session:
the import's checks, and its notices to the registrants of a moved or cancelled training, in their language."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.organizers import audit
from bot.organizers.accounts import Staff
from bot.regions import zone_of
from bot.services.catalogue import import_rows
from bot.services.reminders import Policy
from db.models import Training

logger = logging.getLogger(__name__)


def local_iso(moment: datetime | None, region: str) -> str | None:
    """An instant in the province's own time, ISO 8601 with its offset."""
    return moment.astimezone(zone_of(region).zone).isoformat() if moment is not None else None


def import_columns(t: Training) -> dict[str, Any]:
    """A stored training as an import row (what a change is merged into)."""
    region = t.regency or t.province
    return {"code": t.code, "title": t.title, "craft": t.craft, "province": t.province, "regency": t.regency or "",
            "venue": t.venue, "mode": t.mode, "starts_at": local_iso(t.starts_at, region),
            "ends_at": local_iso(t.ends_at, region),
            "registration_deadline": local_iso(t.registration_deadline, region) or "",
            "quota": "" if t.quota is None else t.quota, "fee": t.fee, "contact": t.contact,
            "description": t.description, "requirements": t.requirements or "", "language": t.language,
            "status": t.status, "confirm_days": "" if t.confirm_days is None else t.confirm_days}


async def save(session: AsyncSession, staff: Staff, row: dict[str, Any], action: str, now: datetime,
               policy: Policy, by: str) -> list[str]:
    """Upsert `row` as `staff`'s organizer's training inside the caller's transaction, audited; the reasons it
    was refused (nothing written then, when the caller rolls back)."""
    row = {**row, "organizer": staff.organizer}  # always the staff member's own
    report = await import_rows(session, [(1, row)], now=now, policy=policy)
    if report.errors:
        return [reason for error in report.errors for reason in error.reasons]
    await audit.record(session, action, staff.email, now, organizer_id=staff.organizer_id, staff_id=staff.id,
                       target=str(row.get("code", ""))[:120], detail={"by": by})
    return []
