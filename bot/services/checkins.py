"""Check-in at the door: one per registration and day of the training, failed scans kept with their reason.

A training covers every local day from its start to its end, in its region's zone (WIB, WITA, WIT). A scan
names a ticket (the registration code); it checks the person in for today, or is refused with one of
REASONS and recorded as a CheckInAttempt (the ticket as typed, no personal data). A scan may carry a
client-made id: the same id again (a retry of a queued scan) answers as the first time and records nothing.
The session given decides what is visible: the organizers' side passes its scoped session.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.nlu.codes import normalize_code
from bot.regions import TimeZone, zone_of
from db.models import CheckIn, CheckInAttempt, Registration, Training

logger = logging.getLogger(__name__)

TICKET_MAX = 32  # as CheckInAttempt.ticket (registration codes are shorter)
CLIENT_ID_MAX = 64
REASONS = ("unknown", "other_training", "cancelled", "waitlisted", "not_today", "already")
SCAN_BACKDATE_MAX = timedelta(hours=12)  # a queued scan sent later keeps its own time, up to this old
SCAN_AHEAD_MAX = timedelta(minutes=2)  # a phone's clock a little ahead of the server's


@dataclass(frozen=True)
class Scan:
    """What a scan did: `reason` None when it checked the person in; `first_at` the earlier check-in of the day."""

    ticket: str
    reason: str | None
    day: date
    registration: Registration | None = None
    checked_in_at: datetime | None = None
    first_at: datetime | None = None
    replayed: bool = False


def zone_for(training: Training) -> TimeZone:
    return zone_of(training.regency or training.province)


def local_day(training: Training, moment: datetime) -> date:
    return moment.astimezone(zone_for(training).zone).date()


def training_days(training: Training) -> list[date]:
    """Every local day the training covers, first to last (one day at least)."""
    first, last = local_day(training, training.starts_at), local_day(training, training.ends_at)
    return [first + timedelta(days=n) for n in range(max((last - first).days, 0) + 1)]


def scan_time(now: datetime, scanned_at: datetime | None) -> datetime:
    """The time a scan counts at: the phone's own when plausible (queued offline, sent later), else now."""
    if scanned_at is None or scanned_at.tzinfo is None:
        return now
    if now - SCAN_BACKDATE_MAX <= scanned_at <= now + SCAN_AHEAD_MAX:
        return min(scanned_at, now)
    return now


async def _replay(session: AsyncSession, training: Training, client_id: str) -> Scan | None:
    """The answer already given to this client id, when there was one."""
    done = (await session.execute(
        select(CheckIn, Registration).join(Registration, Registration.id == CheckIn.registration_id)
        .where(CheckIn.client_id == client_id))).first()
    if done is not None:
        checkin, registration = done
        return Scan(registration.code, None, checkin.day, registration, checkin.checked_in_at, replayed=True)
    attempt = (await session.execute(
        select(CheckInAttempt).where(CheckInAttempt.client_id == client_id))).scalar_one_or_none()
    if attempt is None:
        return None
    day = local_day(training, attempt.attempted_at)
    registration = (await session.execute(select(Registration).where(
        Registration.code == normalize_code(attempt.ticket)))).scalar_one_or_none()
    first_at = None
    if attempt.reason == "already" and registration is not None:
        first_at = await session.scalar(select(CheckIn.checked_in_at).where(
            CheckIn.registration_id == registration.id, CheckIn.day == day))
    shown = registration if registration is not None and registration.training_id == training.id else None
    return Scan(attempt.ticket, attempt.reason, day, shown, first_at=first_at, replayed=True)


async def _refusal(session: AsyncSession, training: Training, registration: Registration | None,
                   day: date) -> tuple[str | None, datetime | None]:
    """Why this registration cannot check in today (None: it can), and the day's first check-in time."""
    if registration is None:
        return "unknown", None
    if registration.training_id != training.id:
        return "other_training", None
    if registration.status != "registered":
        return ("cancelled" if registration.status == "cancelled" else "waitlisted"), None
    if day not in training_days(training):
        return "not_today", None
    first_at = await session.scalar(select(CheckIn.checked_in_at).where(
        CheckIn.registration_id == registration.id, CheckIn.day == day))
    return ("already", first_at) if first_at is not None else (None, None)


async def scan(session: AsyncSession, training: Training, ticket: str, staff_id: int | None, now: datetime,
               client_id: str | None = None, scanned_at: datetime | None = None) -> Scan:
    """Check the ticket's holder in for the scan's local day, or record why not. Runs in the caller's
    transaction; an IntegrityError (the same ticket or client id at the same moment) is the caller's to retry."""
    if client_id:
        replayed = await _replay(session, training, client_id)
        if replayed is not None:
            return replayed
    typed = ticket.strip()[:TICKET_MAX]
    at = scan_time(now, scanned_at)
    day = local_day(training, at)
    registration = (await session.execute(select(Registration).where(
        Registration.code == normalize_code(typed)))).scalar_one_or_none()
    reason, first_at = await _refusal(session, training, registration, day)
    if reason is not None:
        session.add(CheckInAttempt(training_id=training.id, ticket=typed, reason=reason, staff_id=staff_id,
                                   attempted_at=at, client_id=client_id or None))
        await session.flush()
        logger.info("check-in refused at %s: %s", training.code, reason)
        shown = registration if reason not in ("unknown", "other_training") else None
        return Scan(typed, reason, day, shown, first_at=first_at)
    assert registration is not None
    session.add(CheckIn(registration_id=registration.id, day=day, staff_id=staff_id, checked_in_at=at,
                        client_id=client_id or None))
    await session.flush()
    return Scan(registration.code, None, day, registration, at)


async def days_of(session: AsyncSession, training: Training) -> dict[int, dict[date, datetime]]:
    """Per registration of the training, its check-in time on each day it came."""
    rows = (await session.execute(
        select(CheckIn.registration_id, CheckIn.day, CheckIn.checked_in_at)
        .join(Registration, Registration.id == CheckIn.registration_id)
        .where(Registration.training_id == training.id))).all()
    found: dict[int, dict[date, datetime]] = {}
    for registration_id, day, at in rows:
        found.setdefault(registration_id, {})[day] = at
    return found


async def attempts(session: AsyncSession, training: Training, limit: int = 50) -> list[CheckInAttempt]:
    """The training's latest failed scans, newest first."""
    return list((await session.execute(
        select(CheckInAttempt).where(CheckInAttempt.training_id == training.id)
        .order_by(CheckInAttempt.attempted_at.desc(), CheckInAttempt.id.desc()).limit(limit))).scalars())


def first_checkin() -> ScalarSelect[datetime]:
    """A registration's first check-in time (None before any), for a query that selects Registration."""
    return (select(func.min(CheckIn.checked_in_at)).where(CheckIn.registration_id == Registration.id)
            .correlate(Registration).scalar_subquery())
