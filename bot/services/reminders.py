"""Reminders: planned for each registration before the training starts, fired into the outbox on time."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.proactive_texts import DEADLINE, REMINDER, Tell
from bot.services.asking import MERGED, joins_question, question_to_come
from bot.services.proactive import best_identities, queue, withdraw
from bot.services.timing import Policy, allowed_time, person_zone
from db.models import Artisan, ChannelIdentity, Registration, Reminder, Training

__all__ = ["Policy", "ReminderPlanner", "fire_due", "person_zone"]

logger = logging.getLogger(__name__)


class ReminderPlanner:
    def __init__(self, session: AsyncSession, now: datetime, policy: Policy) -> None:
        self.session = session
        self.now = now
        self.policy = policy

    async def plan(self, registration: Registration, training: Training) -> int:
        """(Re)plan the reminders of one registration; returns how many are pending."""
        if registration.artisan_id is None:
            return 0
        # A deadline reminder waiting for their morning is checked again when due (and dropped: registered).
        await self._recall(Reminder.kind == "deadline", Reminder.training_id == training.id,
                           Reminder.artisan_id == registration.artisan_id)
        if registration.status != "registered":
            return 0
        person = await self.session.get(Artisan, registration.artisan_id)
        zone = person_zone(person, training.regency or training.province)
        planned = 0
        for offset in self.policy.offsets:
            when = allowed_time(training.starts_at - offset, zone, self.policy.quiet_hours, latest=training.starts_at)
            seconds = int(offset.total_seconds())
            key = f"reminder:{registration.id}:{seconds}"
            existing = (await self.session.execute(select(Reminder).where(Reminder.key == key))).scalar_one_or_none()
            if when is None or when <= self.now:
                if existing is not None and existing.status == "pending":
                    existing.status = "dropped"
                continue
            if existing is None:
                self.session.add(Reminder(key=key, artisan_id=registration.artisan_id, training_id=training.id,
                                          registration_id=registration.id, kind="before_start",
                                          offset_seconds=seconds, due_at=when, status="pending",
                                          created_at=self.now))
            elif existing.status in ("pending", "dropped", "expired", MERGED):  # merged: the training moved
                existing.due_at, existing.status = when, "pending"
            planned += 1
        await self.session.flush()
        return planned

    async def _recall(self, *where: ColumnElement[bool]) -> None:
        """Reminders queued for after someone's quiet hours and not sent yet are pending again (so the caller
        drops or re-plans them, or they are checked once more when due)."""
        keys = (await self.session.execute(select(Reminder.key).where(*where, Reminder.status == "queued"))).scalars()
        recalled = await withdraw(self.session, list(keys))
        if recalled:
            await self.session.execute(update(Reminder).where(Reminder.key.in_(recalled)).values(status="pending"))

    async def drop_registration(self, registration_id: int) -> None:
        await self._recall(Reminder.registration_id == registration_id)
        await self.session.execute(
            update(Reminder).where(Reminder.registration_id == registration_id, Reminder.status == "pending")
            .values(status="dropped")
        )

    async def replan_training(self, training_id: int) -> int:
        """After an organizer moved a training: every pending reminder is planned again (or dropped)."""
        training = await self.session.get_one(Training, training_id)
        await self._recall(Reminder.training_id == training_id, Reminder.kind == "before_start")
        await self.session.execute(
            update(Reminder).where(Reminder.training_id == training_id, Reminder.status == "pending",
                                   Reminder.kind == "before_start").values(status="dropped")
        )
        if training.status != "published":
            return 0
        registrations = (await self.session.execute(
            select(Registration).where(Registration.training_id == training_id, Registration.status == "registered")
        )).scalars().all()
        return sum([await self.plan(r, training) for r in registrations])


async def fire_due(session: AsyncSession, now: datetime, policy: Policy, limit: int = 500,
                   skip_locked: bool = False) -> dict[str, int]:
    """Turn due reminders into outbox rows; late ones go only while they still make sense."""
    query = (select(Reminder).where(Reminder.status == "pending", Reminder.due_at <= now)
             .order_by(Reminder.due_at, Reminder.id).limit(limit))
    if skip_locked:
        query = query.with_for_update(skip_locked=True)
    counts = {"queued": 0, "expired": 0, "dropped": 0, "skipped": 0, "postponed": 0, "held": 0}
    due = (await session.execute(query)).scalars().all()
    # Everything the batch needs, loaded once (and held: the session's identity map keeps only weak references).
    people = await _by_id(session, Artisan, {r.artisan_id for r in due})
    trainings = await _by_id(session, Training, {r.training_id for r in due})
    registrations = await _by_id(session, Registration, {r.registration_id for r in due if r.registration_id})
    identities = await best_identities(session, sorted(people))
    for reminder in due:
        outcome = await _fire_one(
            session, reminder, now, policy, trainings[reminder.training_id], people.get(reminder.artisan_id),
            registrations.get(reminder.registration_id or 0), identities.get(reminder.artisan_id),
        )
        counts[outcome] += 1
    await session.flush()
    return counts


async def _by_id(session: AsyncSession, model: Any, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {row.id: row for row in (await session.execute(select(model).where(model.id.in_(ids)))).scalars()}


async def _fire_one(session: AsyncSession, reminder: Reminder, now: datetime, policy: Policy, training: Training,
                    person: Artisan | None, registration: Registration | None,
                    identity: ChannelIdentity | None) -> str:
    latest = await _latest_moment(session, reminder, now, training, registration)
    if latest is None:
        return reminder.status
    if person is None or person.proactive_opt_out or identity is None:
        reminder.status = "skipped"
        return "skipped"
    if _held_for_question(reminder, training, registration):
        return "held"
    tell = Tell(DEADLINE if reminder.kind == "deadline" else REMINDER, training,
                registration.code if registration is not None else None)
    queued = await queue(session, person, identity, tell, key=reminder.key, now=now, quiet_hours=policy.quiet_hours,
                         latest=latest, new_key=True)  # (queued once: the reminder's status)
    if queued.at is None:  # quiet hours until it no longer makes sense
        reminder.status = "expired"
        return "expired"
    reminder.status = "queued"
    return "postponed" if queued.at > now else "queued"  # postponed: queued for the end of their quiet hours


def _held_for_question(reminder: Reminder, training: Training, registration: Registration | None) -> bool:
    """A reminder that joins the confirmation question still to come waits for it (due at its moment, at the
    latest): the question carries it (bot/services/confirmations.py marks it merged)."""
    if reminder.kind == "deadline" or registration is None:
        return False
    moment = question_to_come(training, registration)
    if moment is None or not joins_question(training, timedelta(seconds=reminder.offset_seconds)):
        return False
    reminder.due_at = max(reminder.due_at, moment)
    return True


async def _latest_moment(session: AsyncSession, reminder: Reminder, now: datetime, training: Training,
                         registration: Registration | None) -> datetime | None:
    """Until when the reminder still makes sense; None when it no longer does (then its status says why)."""
    if reminder.kind == "deadline":
        closes = training.registration_deadline
        already = (await session.execute(select(Registration.id).where(
            Registration.training_id == training.id, Registration.artisan_id == reminder.artisan_id,
            Registration.status != "cancelled"))).first()
        if already is not None:
            reminder.status = "dropped"
            return None
        expired = training.status != "published" or closes is None or now >= closes or now >= training.starts_at
        latest = closes
    else:
        if registration is None or registration.status != "registered" or training.status != "published":
            reminder.status = "dropped"
            return None
        # Late (Kriya was down): still useful while less than half the offset has passed, never after the start.
        expired = now >= training.starts_at or now - reminder.due_at > timedelta(seconds=reminder.offset_seconds / 2)
        latest = training.starts_at
    if expired or latest is None:
        reminder.status = "expired"
        logger.info("reminder %s expired (due %s)", reminder.key, reminder.due_at)
        return None
    return latest
