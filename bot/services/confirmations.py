"""Two-way confirmation: some days before a training (its `confirm_days`, 3 by default) registered people are
asked whether they come; a yes is recorded, a no cancels the registration and its seat is offered to the waitlist."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.proactive_texts import CONFIRM, Tell
from bot.services.catalogue.limits import MAX_CONFIRM_DAYS
from bot.services.proactive import best_identities, queue
from bot.services.registrations import Registrations
from bot.services.timing import Policy
from db.models import Artisan, Registration, Training

logger = logging.getLogger(__name__)

DEFAULT_CONFIRM_DAYS = 3
ASKED, CONFIRMED, DECLINED, NOT_ASKED = "asked", "confirmed", "declined", "not_asked"
STATES = (CONFIRMED, ASKED, DECLINED, NOT_ASKED)  # as the console counts them (None: not asked yet)
TRAININGS_PER_PASS = 200


def confirm_days(training: Training) -> int:
    return DEFAULT_CONFIRM_DAYS if training.confirm_days is None else training.confirm_days


def asking_from(training: Training) -> datetime | None:
    """When the training's registrants are asked; None when they are not (confirm_days 0)."""
    days = confirm_days(training)
    return training.starts_at - timedelta(days=days) if days > 0 else None


@dataclass(frozen=True)
class Answer:
    """What a yes or no came to: `done` False when there was nothing to answer (cancelled, started)."""

    done: bool
    registration: Registration | None
    training: Training | None = None


async def ask_due(session: AsyncSession, now: datetime, policy: Policy) -> dict[str, int]:
    """Ask every registered person of the trainings whose asking moment has come (once per registration);
    people who stopped messages, cannot be reached, or registered after that moment are not asked."""
    counts = {"asked": 0, "not_asked": 0}
    trainings = (await session.execute(
        select(Training).where(Training.status == "published", Training.starts_at > now,
                               Training.starts_at <= now + timedelta(days=MAX_CONFIRM_DAYS),
                               func.coalesce(Training.confirm_days, DEFAULT_CONFIRM_DAYS) > 0)
        .order_by(Training.starts_at).limit(TRAININGS_PER_PASS))).scalars().all()
    for training in trainings:
        moment = asking_from(training)
        if moment is None or moment > now:
            continue
        waiting = (await session.execute(
            select(Registration, Artisan).join(Artisan, Artisan.id == Registration.artisan_id)
            .where(Registration.training_id == training.id, Registration.status == "registered",
                   Registration.confirmation.is_(None)))).all()
        identities = await best_identities(session, [person.id for _, person in waiting])
        for registration, person in waiting:
            identity = identities.get(person.id)
            queued = None
            if identity is not None and not person.proactive_opt_out and registration.created_at <= moment:
                queued = await queue(session, person, identity, Tell(CONFIRM, training, registration.code),
                                     key=f"confirm:{registration.id}:{registration.created_at.isoformat()}",
                                     now=now, quiet_hours=policy.quiet_hours, latest=training.starts_at)
            asked = queued is not None and queued.at is not None
            registration.confirmation, registration.confirmation_at = (ASKED if asked else NOT_ASKED), now
            counts["asked" if asked else "not_asked"] += 1
    await session.flush()
    return counts


class Confirmations(Registrations):
    """A person's yes or no to the question, inside the caller's transaction."""

    async def live(self, artisan_id: int, code: str) -> tuple[Registration | None, Training | None]:
        """The person's registration by code (locked with its training), and its training while it can still be
        answered (registered, not started, not cancelled)."""
        registration = (await self.session.execute(
            select(Registration).where(func.upper(Registration.code) == code.upper(),
                                       Registration.artisan_id == artisan_id))).scalar_one_or_none()
        if registration is None:
            return None, None
        training = await self._lock_training(registration.training_id)
        await self.session.refresh(registration)
        if registration.status != "registered" or training.starts_at <= self.now or training.status != "published":
            return registration, None
        return registration, training

    async def latest_question(self, artisan_id: int) -> str | None:
        """The registration the person was last asked about and has not answered (a training not started)."""
        return (await self.session.execute(
            select(Registration.code).join(Training, Training.id == Registration.training_id)
            .where(Registration.artisan_id == artisan_id, Registration.status == "registered",
                   Registration.confirmation == ASKED, Training.starts_at > self.now)
            .order_by(Registration.confirmation_at.desc(), Registration.id.desc()).limit(1))).scalar_one_or_none()

    async def confirm(self, artisan_id: int, code: str) -> Answer:
        registration, training = await self.live(artisan_id, code)
        if registration is None or training is None:
            return Answer(False, registration)
        registration.confirmation, registration.confirmation_at = CONFIRMED, self.now
        await self.session.flush()
        logger.info("registration %s confirmed", registration.code)
        return Answer(True, registration, training)

    async def decline(self, artisan_id: int, code: str) -> Answer:
        """They cannot come: the registration is cancelled and its seat offered to the waitlist at once."""
        registration, training = await self.live(artisan_id, code)
        if registration is None or training is None:
            return Answer(False, registration)
        await self.withdraw(registration)
        registration.confirmation, registration.confirmation_at = DECLINED, self.now
        await self.session.flush()
        logger.info("registration %s declined at the confirmation", registration.code)
        return Answer(True, registration, training)
