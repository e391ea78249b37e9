"""Seats offered to the waitlist: a freed seat goes to the first waiting person as an offer that expires (never
after the training starts). A pending offer holds its seat, so the quota counts it; the caller holds the
training's row lock (Registrations._lock_training) while offers are made, answered or expired."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.proactive_texts import OFFER, Tell
from bot.services.proactive import best_identity, queue
from bot.services.timing import Policy, allowed_time, person_zone
from db.models import Artisan, Registration, SeatOffer, Training

logger = logging.getLogger(__name__)

PENDING, ACCEPTED, DECLINED, EXPIRED, WITHDRAWN = "pending", "accepted", "declined", "expired", "withdrawn"


async def pending_count(session: AsyncSession, training_id: int) -> int:
    """Seats held by offers not answered yet (expired ones too, until a scheduler pass passes them on)."""
    return int(await session.scalar(select(func.count()).where(
        SeatOffer.training_id == training_id, SeatOffer.status == PENDING)) or 0)


async def pending_for(session: AsyncSession, registration_id: int) -> SeatOffer | None:
    return (await session.execute(select(SeatOffer).where(
        SeatOffer.registration_id == registration_id, SeatOffer.status == PENDING))).scalar_one_or_none()


async def offer_seats(session: AsyncSession, now: datetime, policy: Policy, training: Training,
                      free: int) -> list[Registration]:
    """Offer `free` seats to the first waitlisted people who had no offer for this training yet and can be
    reached in the chat; returns those offered."""
    if free <= 0 or training.status != "published" or training.starts_at <= now:
        return []
    # One offer per place in the queue: someone who let an offer go by is not asked again (until they register
    # anew, which puts them at the back).
    had_offer = exists().where(SeatOffer.registration_id == Registration.id,
                               SeatOffer.offered_at >= Registration.created_at)
    waiting = (await session.execute(
        select(Registration)
        .where(Registration.training_id == training.id, Registration.status == "waitlisted",
               Registration.artisan_id.is_not(None), ~had_offer)
        .order_by(Registration.created_at, Registration.id)
    )).scalars()
    offered: list[Registration] = []
    for registration in waiting:
        if len(offered) == free:
            break
        assert registration.artisan_id is not None
        person = await session.get(Artisan, registration.artisan_id)
        identity = await best_identity(session, registration.artisan_id)
        if person is None or identity is None:
            continue  # cannot be told: stays on the waitlist for the organizer to move
        # Offered when their quiet hours allow, the offer's time running from then.
        zone = person_zone(person, training.regency or training.province)
        at = allowed_time(now, zone, policy.quiet_hours, latest=training.starts_at) or now
        until = min(at + policy.seat_offer, training.starts_at)
        offer = SeatOffer(registration_id=registration.id, training_id=training.id, status=PENDING,
                          offered_at=now, expires_at=until)
        session.add(offer)
        await session.flush()
        tell = Tell(OFFER, training, registration.code, until=until)
        await queue(session, person, identity, tell, key=f"offer:{offer.id}", now=now, due=at, quiet_hours=None,
                    latest=until)
        offered.append(registration)
        logger.info("seat of %s offered to %s until %s", training.code, registration.code, until.isoformat())
    return offered


async def close(offer: SeatOffer, status: str, now: datetime) -> None:
    offer.status, offer.answered_at = status, now
