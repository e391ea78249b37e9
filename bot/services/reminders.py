"""Reminders: planned for each registration before the training starts, fired into the outbox on time."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Button, Reply
from bot.delivery import reply_to_body
from bot.i18n import _, format_relative, format_when, use_language
from bot.outbox import enqueue
from bot.regions import zone_of
from bot.services.notices import best_identities
from bot.services.timing import allowed_time
from db.models import Artisan, ChannelIdentity, Registration, Reminder, Training

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Policy:
    """When proactive messages go: reminder offsets before a training, and quiet hours (local time)."""

    offsets: tuple[timedelta, ...] = field(
        default_factory=lambda: (timedelta(days=3), timedelta(days=1), timedelta(hours=2))
    )
    quiet_hours: tuple[int, int] | None = (21, 7)
    deadline_notice: timedelta = timedelta(days=1)  # before a registration deadline, for subscribers


def person_zone(person: Artisan | None, training: Training) -> ZoneInfo:
    """The zone a person lives by: their own province, else the training's."""
    code = (person.regency or person.province) if person else None
    return zone_of(code or training.regency or training.province).zone


class ReminderPlanner:
    def __init__(self, session: AsyncSession, now: datetime, policy: Policy) -> None:
        self.session = session
        self.now = now
        self.policy = policy

    async def plan(self, registration: Registration, training: Training) -> int:
        """(Re)plan the reminders of one registration; returns how many are pending."""
        if registration.artisan_id is None or registration.status != "registered":
            return 0
        person = await self.session.get(Artisan, registration.artisan_id)
        zone = person_zone(person, training)
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
            elif existing.status in ("pending", "dropped", "expired"):
                existing.due_at, existing.status = when, "pending"
            planned += 1
        await self.session.flush()
        return planned

    async def drop_registration(self, registration_id: int) -> None:
        await self.session.execute(
            update(Reminder).where(Reminder.registration_id == registration_id, Reminder.status == "pending")
            .values(status="dropped")
        )

    async def replan_training(self, training_id: int) -> int:
        """After an organizer moved a training: every pending reminder is planned again (or dropped)."""
        training = await self.session.get_one(Training, training_id)
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


def _reminder_reply(training: Training, registration: Registration | None, now: datetime) -> Reply:
    zone = zone_of(training.regency or training.province)
    when = format_when(training.starts_at, zone.zone, zone.name)
    lines = [
        _("Pengingat: {title} dimulai {relative} ({when}).").format(
            title=training.title, relative=format_relative(training.starts_at - now), when=when),
        _("Tempat: {venue}").format(venue=training.venue),
    ]
    if registration is not None:
        lines.append(_("Kode pendaftaran Anda: {registration}").format(registration=registration.code))
    lines.append(_("Kontak: {contact}").format(contact=training.contact))
    return Reply("\n".join(lines), (Button(_("Lihat pelatihan"), f"td:{training.code}"),))


def _deadline_reply(training: Training, now: datetime) -> Reply:
    assert training.registration_deadline is not None
    zone = zone_of(training.regency or training.province)
    text = _("Pendaftaran {title} ditutup {relative} ({when}). Masih ada waktu untuk mendaftar.").format(
        title=training.title, relative=format_relative(training.registration_deadline - now),
        when=format_when(training.registration_deadline, zone.zone, zone.name))
    return Reply(text, (Button(_("Daftar"), f"rg:{training.code}"), Button(_("Lihat pelatihan"), f"td:{training.code}")))


async def fire_due(session: AsyncSession, now: datetime, policy: Policy, limit: int = 500,
                   skip_locked: bool = False) -> dict[str, int]:
    """Turn due reminders into outbox rows; late ones go only while they still make sense."""
    query = (select(Reminder).where(Reminder.status == "pending", Reminder.due_at <= now)
             .order_by(Reminder.due_at, Reminder.id).limit(limit))
    if skip_locked:
        query = query.with_for_update(skip_locked=True)
    counts = {"queued": 0, "expired": 0, "dropped": 0, "skipped": 0, "postponed": 0}
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
    if reminder.kind == "deadline":
        closes = training.registration_deadline
        already = (await session.execute(select(Registration.id).where(
            Registration.training_id == training.id, Registration.artisan_id == reminder.artisan_id,
            Registration.status != "cancelled"))).first()
        if already is not None:
            reminder.status = "dropped"
            return "dropped"
        expired = training.status != "published" or closes is None or now >= closes or now >= training.starts_at
        latest = closes
    else:
        if registration is None or registration.status != "registered" or training.status != "published":
            reminder.status = "dropped"
            return "dropped"
        # Late (Kriya was down): still useful while less than half the offset has passed, never after the start.
        expired = now >= training.starts_at or now - reminder.due_at > timedelta(seconds=reminder.offset_seconds / 2)
        latest = training.starts_at
    if expired:
        reminder.status = "expired"
        logger.info("reminder %s expired (due %s)", reminder.key, reminder.due_at)
        return "expired"
    if person is None or person.proactive_opt_out:
        reminder.status = "skipped"
        return "skipped"
    when = allowed_time(now, person_zone(person, training), policy.quiet_hours, latest=latest)
    if when is None:
        reminder.status = "expired"
        return "expired"
    if when > now:  # quiet hours now: wait for the morning
        reminder.due_at = when
        return "postponed"
    if identity is None:
        reminder.status = "skipped"
        return "skipped"
    with use_language(person.language):
        reply = (_deadline_reply(training, now) if reminder.kind == "deadline"
                 else _reminder_reply(training, registration, now))
    await enqueue(session, artisan_id=person.id, channel=identity.channel, external_id=identity.external_id,
                  kind="reminder", body={**reply_to_body(reply), "language": person.language},
                  dedupe_key=reminder.key, now=now, expires_at=latest, new_key=True)  # (queued once: status)
    reminder.status = "queued"
    return "queued"
