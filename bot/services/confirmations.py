"""Two-way confirmation: some days before a training (its `confirm_days`, 3 by default) registered people are
asked whether they come; a yes is recorded, a no cancels the registration and its seat is offered to the waitlist."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.proactive_texts import CONFIRM, Tell
from bot.services.asking import DEFAULT_CONFIRM_DAYS, MERGED, asking_from, confirm_days, joins_question
from bot.services.catalogue.limits import MAX_CONFIRM_DAYS
from bot.services.proactive import best_identities, queue, withdraw
from bot.services.registrations import Registrations
from bot.services.timing import Policy
from db.models import Artisan, Registration, Reminder, Training

__all__ = ["ASKED", "CONFIRMED", "DECLINED", "NOT_ASKED", "STATES", "Confirmations", "ask_due", "confirm_days"]

logger = logging.getLogger(__name__)

ASKED, CONFIRMED, DECLINED, NOT_ASKED = "asked", "confirmed", "declined", "not_asked"
STATES = (CONFIRMED, ASKED, DECLINED, NOT_ASKED)  # as the console counts them (None: not asked yet)
TRAININGS_PER_PASS = 200


@dataclass(frozen=True)
class Answer:
    """What a yes or no came to: `done` False when there was nothing to answer (cancelled, started)."""

    done: bool
    registration: Registration | None
    training: Training | None = None


async def ask_due(session: AsyncSession, now: datetime, policy: Policy) -> dict[str, int]:
    """Ask every registered person of the trainings whose asking moment has come (once per registration);
    people who stopped messages, cannot be reached, or registered after that moment are not asked. A reminder
    due about then (bot/services/asking.py) goes as part of the question: one message, the reminder not again."""
    counts = {"asked": 0, "not_asked": 0, "reminders_joined": 0}
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
        joining = await _joining_reminders(session, training, [registration.id for registration, _ in waiting])
        for registration, person in waiting:
            identity = identities.get(person.id)
            queued = None
            if identity is not None and not person.proactive_opt_out and registration.created_at <= moment:
                joined = await _take_back(session, joining.get(registration.id, []))
                tell = Tell(CONFIRM, training, registration.code, reminds=bool(joined))
                queued = await queue(session, person, identity, tell,
                                     key=f"confirm:{registration.id}:{registration.created_at.isoformat()}",
                                     now=now, quiet_hours=policy.quiet_hours, latest=training.starts_at)
                _settle(joined, asked=queued.at is not None)
                counts["reminders_joined"] += len(joined) if queued.at is not None else 0
            asked = queued is not None and queued.at is not None
            registration.confirmation, registration.confirmation_at = (ASKED if asked else NOT_ASKED), now
            counts["asked" if asked else "not_asked"] += 1
    await session.flush()
    return counts


async def _joining_reminders(session: AsyncSession, training: Training,
                             registration_ids: list[int]) -> dict[int, list[Reminder]]:
    """The reminders of these registrations that go with the question, not sent yet, by registration."""
    found: dict[int, list[Reminder]] = {}
    if not registration_ids:
        return found
    rows = (await session.execute(select(Reminder).where(
        Reminder.registration_id.in_(registration_ids), Reminder.kind == "before_start",
        Reminder.status.in_(("pending", "queued"))))).scalars()
    for reminder in rows:
        if reminder.registration_id is not None and joins_question(
                training, timedelta(seconds=reminder.offset_seconds)):
            found.setdefault(reminder.registration_id, []).append(reminder)
    return found


async def _take_back(session: AsyncSession, reminders: list[Reminder]) -> list[Reminder]:
    """The reminders the question can carry: those not queued yet, and those queued (for after the person's quiet
    hours) that no sender has taken; a reminder already on its way is left to go."""
    taken = set(await withdraw(session, [r.key for r in reminders if r.status == "queued"]))
    return [r for r in reminders if r.status == "pending" or r.key in taken]


def _settle(joined: list[Reminder], asked: bool) -> None:
    """Reminders that went as part of the question are merged; when the question could not go, they go alone."""
    for reminder in joined:
        reminder.status = MERGED if asked else "pending"


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
