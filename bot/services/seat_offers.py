"""Answers to seat offers (accepted, declined) and offers that expired, each under the training's row lock so the
quota holds whatever happens at once: two seats freed together, an accept after the expiry, a cancel while offered."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.proactive_texts import CONFIRM_ROUTE, OFFER_ROUTE
from bot.services import offers
from bot.services.confirmations import ASKED
from bot.services.registrations import Registrations
from bot.services.timing import Policy
from db.models import Registration, SeatOffer, Training

logger = logging.getLogger(__name__)

# What answering an offer came to.
TAKEN = "taken"  # the seat is theirs: registered
DECLINED = "declined"  # they said no: off the waitlist, the seat goes on
EXPIRED = "expired"  # too late: the seat went on; they stay on the waitlist
NO_OFFER = "no_offer"  # no seat is offered to them (answered already, or never offered)
EXPIRED_PER_PASS = 200


@dataclass(frozen=True)
class Answered:
    outcome: str
    registration: Registration | None = None
    training: Training | None = None


class SeatOffers(Registrations):
    """Offers answered in the chat and expired by the scheduler, inside the caller's transaction."""

    async def _offer_of(self, artisan_id: int, code: str) -> tuple[Registration | None, SeatOffer | None]:
        registration = (await self.session.execute(
            select(Registration).where(func.upper(Registration.code) == code.upper(),
                                       Registration.artisan_id == artisan_id))).scalar_one_or_none()
        if registration is None:
            return None, None
        await self._lock_training(registration.training_id)
        await self.session.refresh(registration)
        latest = (await self.session.execute(
            select(SeatOffer).where(SeatOffer.registration_id == registration.id)
            .order_by(SeatOffer.offered_at.desc(), SeatOffer.id.desc()).limit(1))).scalar_one_or_none()
        if latest is not None:
            await self.session.refresh(latest)
        return registration, latest

    async def newest_question(self, artisan_id: int) -> tuple[str, str] | None:
        """The question Kriya asked this person last and they have not answered, for an answer typed in words:
        (OFFER_ROUTE or CONFIRM_ROUTE, registration code)."""
        offer = (await self.session.execute(
            select(Registration.code, SeatOffer.offered_at).join(SeatOffer, SeatOffer.registration_id == Registration.id)
            .where(Registration.artisan_id == artisan_id, SeatOffer.status == offers.PENDING)
            .order_by(SeatOffer.offered_at.desc(), SeatOffer.id.desc()).limit(1))).first()
        asked = (await self.session.execute(
            select(Registration.code, Registration.confirmation_at).join(Training, Training.id == Registration.training_id)
            .where(Registration.artisan_id == artisan_id, Registration.status == "registered",
                   Registration.confirmation == ASKED, Training.starts_at > self.now)
            .order_by(Registration.confirmation_at.desc(), Registration.id.desc()).limit(1))).first()
        if offer is not None and (asked is None or asked[1] is None or offer[1] >= asked[1]):
            return OFFER_ROUTE, offer[0]
        return (CONFIRM_ROUTE, asked[0]) if asked is not None else None

    async def pending(self, artisan_id: int, code: str) -> tuple[Training, datetime] | None:
        """The training and expiry of the person's offer still open, by registration code."""
        found = (await self.session.execute(
            select(Training, SeatOffer.expires_at).join(Registration, Registration.training_id == Training.id)
            .join(SeatOffer, SeatOffer.registration_id == Registration.id)
            .where(func.upper(Registration.code) == code.upper(), Registration.artisan_id == artisan_id,
                   SeatOffer.status == offers.PENDING, SeatOffer.expires_at > self.now))).first()
        return (found[0], found[1]) if found is not None else None

    async def accept(self, artisan_id: int, code: str) -> Answered:
        """Take the offered seat while the offer holds; after its expiry the seat goes on to the next."""
        registration, offer = await self._offer_of(artisan_id, code)
        if registration is None or offer is None or registration.status != "waitlisted":
            return Answered(NO_OFFER, registration)
        training = await self.session.get_one(Training, registration.training_id)
        if offer.status == offers.EXPIRED or (offer.status == offers.PENDING and offer.expires_at <= self.now):
            if offer.status == offers.PENDING:
                await self._expire(offer, training)
            return Answered(EXPIRED, registration, training)
        if offer.status != offers.PENDING or training.status != "published" or training.starts_at <= self.now:
            return Answered(NO_OFFER, registration, training)
        await offers.close(offer, offers.ACCEPTED, self.now)  # its held seat becomes the registration's
        registration.status = "registered"
        registration.confirmation, registration.confirmation_at = "confirmed", self.now  # they just said they come
        await self.session.flush()
        await self.reminders.plan(registration, training)
        logger.info("offer of %s taken by %s", training.code, registration.code)
        return Answered(TAKEN, registration, training)

    async def decline(self, artisan_id: int, code: str) -> Answered:
        """No thanks: off the waitlist, and the seat is offered to the next."""
        registration, offer = await self._offer_of(artisan_id, code)
        if registration is None or offer is None or offer.status != offers.PENDING:
            return Answered(NO_OFFER, registration)
        training = await self.session.get_one(Training, registration.training_id)
        await offers.close(offer, offers.DECLINED, self.now)
        registration.status = "cancelled"
        await self.session.flush()
        await self.reminders.drop_registration(registration.id)
        await self.promote(training)  # the seat it held goes on
        logger.info("offer of %s declined by %s", training.code, registration.code)
        return Answered(DECLINED, registration, training)

    async def _expire(self, offer: SeatOffer, training: Training) -> None:
        await offers.close(offer, offers.EXPIRED, self.now)
        await self.session.flush()
        if training.starts_at > self.now:
            await self.promote(training)


async def expire_due(session: AsyncSession, now: datetime, policy: Policy) -> int:
    """Offers past their time expire and their seats go to the next on the waitlist (a scheduler pass)."""
    seats = SeatOffers(session, now, policy)
    due = (await session.execute(
        select(SeatOffer.id, SeatOffer.training_id).where(SeatOffer.status == offers.PENDING,
                                                          SeatOffer.expires_at <= now)
        .order_by(SeatOffer.expires_at, SeatOffer.id).limit(EXPIRED_PER_PASS))).all()
    expired = 0
    for offer_id, training_id in due:
        training = await seats._lock_training(training_id)
        offer = await session.get_one(SeatOffer, offer_id)
        await session.refresh(offer)  # as it is under the lock: it may have been taken meanwhile
        if offer.status != offers.PENDING:
            continue
        await seats._expire(offer, training)
        expired += 1
    return expired
