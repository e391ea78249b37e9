"""Registrations: quota without over-booking, the waitlist and its promotion, cancellation."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import offers
from bot.services.notices import notify
from bot.services.reminders import Policy, ReminderPlanner
from db.models import Registration, Training

logger = logging.getLogger(__name__)

_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud over the phone


def new_code() -> str:
    return "KR-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))


class RegistrationRefused(Exception):
    """Registration is not possible; `reason` is one of closed, started, cancelled, already, and for a move from
    the waitlist full (no free seat) or not_waitlisted."""

    def __init__(self, reason: str, registration: Registration | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.registration = registration


@dataclass(frozen=True)
class RegistrationView:
    code: str
    status: str  # registered, waitlisted, cancelled
    training_code: str
    training_title: str
    starts_at: datetime
    province: str
    regency: str | None
    waitlist_position: int | None = None


class Registrations:
    """Registering, cancelling and listing, inside the caller's transaction."""

    def __init__(self, session: AsyncSession, now: datetime, policy: Policy) -> None:
        self.session = session
        self.now = now
        self.reminders = ReminderPlanner(session, now, policy)

    async def _lock_training(self, training_id: int) -> Training:
        """The training row, locked until commit on PostgreSQL so seats are counted one registrant at a time."""
        query = select(Training).where(Training.id == training_id)
        if self.session.bind.dialect.name == "postgresql":
            query = query.with_for_update(of=Training)
        return (await self.session.execute(query)).scalar_one()

    async def _taken(self, training_id: int) -> int:
        """Seats registered, and seats held by offers to the waitlist not answered yet."""
        registered = await self.session.scalar(
            select(func.count()).where(Registration.training_id == training_id, Registration.status == "registered")
        )
        return int(registered or 0) + await offers.pending_count(self.session, training_id)

    async def existing(self, artisan_id: int, training_id: int) -> Registration | None:
        return (
            await self.session.execute(
                select(Registration).where(Registration.training_id == training_id, Registration.artisan_id == artisan_id)
            )
        ).scalar_one_or_none()

    async def register(self, artisan_id: int, training_id: int) -> Registration:
        """A seat if one is free, else a place on the waitlist; raises RegistrationRefused with the reason."""
        training = await self._lock_training(training_id)
        if training.status == "cancelled":
            raise RegistrationRefused("cancelled")
        if training.starts_at <= self.now:
            raise RegistrationRefused("started")
        if training.registration_deadline and training.registration_deadline <= self.now:
            raise RegistrationRefused("closed")
        found = await self.existing(artisan_id, training_id)
        if found is not None and found.status != "cancelled":
            raise RegistrationRefused("already", found)
        full = training.quota is not None and await self._taken(training_id) >= training.quota
        status = "waitlisted" if full else "registered"
        if found is None:
            found = Registration(code=new_code(), training_id=training_id, artisan_id=artisan_id, status=status,
                                 created_at=self.now)
            self.session.add(found)
        else:  # registering again after cancelling: same row, back of the queue
            found.status, found.created_at, found.cancel_reason = status, self.now, None
            found.confirmation = found.confirmation_at = None
        await self.session.flush()
        await self.reminders.plan(found, training)
        logger.info("registration %s for training %s: %s", found.code, training.code, status)
        return found

    async def waitlist_position(self, registration: Registration) -> int:
        ahead = await self.session.scalar(
            select(func.count()).where(
                Registration.training_id == registration.training_id,
                Registration.status == "waitlisted",
                (Registration.created_at < registration.created_at)
                | ((Registration.created_at == registration.created_at) & (Registration.id < registration.id)),
            )
        )
        return int(ahead or 0) + 1

    async def cancel(self, artisan_id: int, code: str) -> Registration | None:
        """Cancel the person's registration by code; a freed seat goes to the first on the waitlist."""
        registration = (
            await self.session.execute(
                select(Registration).where(func.upper(Registration.code) == code.upper(),
                                           Registration.artisan_id == artisan_id)
            )
        ).scalar_one_or_none()
        if registration is None or registration.status == "cancelled":
            return None
        await self.withdraw(registration)
        return registration

    async def withdraw(self, registration: Registration, reason: str | None = None) -> list[Registration]:
        """Cancel a live registration (an organizer gives `reason`); a freed seat goes to the first on the
        waitlist, who is told. Returns the people promoted."""
        training = await self._lock_training(registration.training_id)
        await self.session.refresh(registration)  # as it is now that the seats are counted one at a time
        if registration.status == "cancelled":  # cancelled meanwhile (an organizer and the person at once)
            return []
        freed = registration.status == "registered"
        offer = await offers.pending_for(self.session, registration.id)
        if offer is not None:  # cancelled while a seat was offered: the seat goes on to the next
            await offers.close(offer, offers.WITHDRAWN, self.now)
            freed = True
        registration.status, registration.cancel_reason = "cancelled", reason
        await self.session.flush()
        await self.reminders.drop_registration(registration.id)
        if freed and training.starts_at > self.now:
            return await self.promote(training)
        return []

    async def admit(self, registration: Registration) -> bool:
        """Move one person from the waitlist into a free seat (an organizer's choice, out of turn if need be) and
        tell them (False: they cannot be reached); RegistrationRefused("full") when no seat is free: the quota
        holds for organizers too."""
        training = await self._lock_training(registration.training_id)
        await self.session.refresh(registration)  # as it is now that the seats are counted one at a time
        if registration.status != "waitlisted":
            raise RegistrationRefused("not_waitlisted", registration)
        offer = await offers.pending_for(self.session, registration.id)
        if offer is not None:  # the organizer moves someone a seat is offered to: that seat is theirs
            await offers.close(offer, offers.ACCEPTED, self.now)
        if training.quota is not None and await self._taken(training.id) >= training.quota:
            raise RegistrationRefused("full", registration)
        return await self._seat(registration, training)

    async def promote(self, training: Training) -> list[Registration]:
        """Offer the free seats to the first people on the waitlist (bot/services/offers.py); returns those
        offered. Without a quota (a waitlist left from a quota since removed) everyone waiting is seated."""
        if training.quota is not None:
            free = training.quota - await self._taken(training.id)
            return await offers.offer_seats(self.session, self.now, self.reminders.policy, training, free)
        promoted = []
        while True:
            first = (
                await self.session.execute(
                    select(Registration)
                    .where(Registration.training_id == training.id, Registration.status == "waitlisted")
                    .order_by(Registration.created_at, Registration.id)
                    .limit(1)
                )
            ).scalar_one_or_none()
            if first is None:
                break
            await self._seat(first, training)
            promoted.append(first)
        return promoted

    async def _seat(self, waiting: Registration, training: Training) -> bool:
        """A waitlisted person gets a seat: their reminders are planned and they are told (False: unreachable)."""
        waiting.status = "registered"
        await self.session.flush()
        await self.reminders.plan(waiting, training)
        if waiting.artisan_id is None:
            return False
        return await notify(self.session, waiting.artisan_id, "promoted", self.now,
                            key=f"promoted:{waiting.id}:{self.now.isoformat()}", policy=self.reminders.policy,
                            training_code=training.code, registration_code=waiting.code)

    async def upcoming_for(self, artisan_id: int) -> list[RegistrationView]:
        """The person's live registrations for trainings not yet started, soonest first."""
        rows = (
            await self.session.execute(
                select(Registration, Training)
                .join(Training, Training.id == Registration.training_id)
                .where(Registration.artisan_id == artisan_id, Registration.status != "cancelled",
                       Training.starts_at > self.now)
                .order_by(Training.starts_at)
            )
        ).all()
        views = []
        for registration, training in rows:
            position = await self.waitlist_position(registration) if registration.status == "waitlisted" else None
            views.append(RegistrationView(registration.code, registration.status, training.code, training.title,
                                          training.starts_at, training.province, training.regency, position))
        return views
