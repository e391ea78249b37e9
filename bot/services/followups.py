"""Follow-ups 1, 3 and 6 months after a training the person attended: planned once per attendance, asked once each
(at a polite local hour, never to someone who said STOP, asked for no more, or deleted their data), answers kept."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.followup_texts import SALES
from bot.proactive_texts import FOLLOWUP, Tell
from bot.regions import zone_of
from bot.services.proactive import best_identities, queue
from bot.services.timing import Policy
from db.models import Artisan, CheckIn, ConsentEvent, Conversation, FollowUp, Registration, Training

logger = logging.getLogger(__name__)

MONTHS = (1, 3, 6)
LOCAL_HOUR = 10  # asked at ten in the morning of the day, in the training's zone (then the person's quiet hours)
LATE_AFTER = timedelta(days=14)  # a follow-up Kriya could not ask within two weeks of its day is not asked at all
STATE = "fu"  # the conversation state while a follow-up waits for typed answers: fu:<step>
STOPPED = "stopped"  # the person asked for no more follow-ups
OPEN = ("pending", "asked")
Asked = FollowUp  # what handlers hold of one (they import no database code)


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later (the month's last day when it has fewer days)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(moment)


def due_moment(training: Training, months: int) -> datetime:
    """LOCAL_HOUR in the training's zone, `months` after the day it ended."""
    zone = zone_of(training.regency or training.province).zone
    day = add_months(training.ends_at.astimezone(zone), months).date()
    return datetime.combine(day, time(LOCAL_HOUR), tzinfo=zone)


async def plan_attended(session: AsyncSession, now: datetime, limit: int = 500) -> int:
    """Plan the follow-ups of attendances of ended trainings that have none yet; returns how many were planned."""
    planned = exists().where(FollowUp.registration_id == Registration.id)
    attended = exists().where(CheckIn.registration_id == Registration.id)  # (one row per day of a long training)
    rows = (await session.execute(
        select(Registration, Training)
        .join(Training, Training.id == Registration.training_id)
        .where(Training.ends_at <= now, Registration.artisan_id.is_not(None), attended, ~planned)
        .order_by(Registration.id).limit(limit)
    )).all()
    for registration, training in rows:
        for months in MONTHS:
            session.add(FollowUp(key=f"followup:{registration.id}:{months}", registration_id=registration.id,
                                 training_id=training.id, artisan_id=registration.artisan_id, months=months,
                                 due_at=due_moment(training, months), status="pending"))
    await session.flush()
    return len(rows) * len(MONTHS)


async def fire_due(session: AsyncSession, now: datetime, policy: Policy, limit: int = 500,
                   skip_locked: bool = False) -> dict[str, int]:
    """Ask the due follow-ups (through the one proactive gate); late ones only within LATE_AFTER."""
    query = (select(FollowUp).where(FollowUp.status == "pending", FollowUp.due_at <= now)
             .order_by(FollowUp.due_at, FollowUp.id).limit(limit))
    if skip_locked:
        query = query.with_for_update(skip_locked=True)
    due = (await session.execute(query)).scalars().all()
    counts = {"followups_asked": 0, "followups_skipped": 0, "followups_expired": 0}
    if not due:
        return counts
    people = {p.id: p for p in (await session.execute(
        select(Artisan).where(Artisan.id.in_({f.artisan_id for f in due if f.artisan_id})))).scalars()}
    trainings = {t.id: t for t in (await session.execute(
        select(Training).where(Training.id.in_({f.training_id for f in due})))).scalars()}
    identities = await best_identities(session, sorted(people))
    for followup in due:
        person = people.get(followup.artisan_id or 0)
        outcome = await _ask(session, followup, now, policy, trainings[followup.training_id], person,
                             identities.get(person.id) if person else None)
        counts[f"followups_{outcome}"] += 1
    await session.flush()
    return counts


async def _ask(session: AsyncSession, followup: FollowUp, now: datetime, policy: Policy, training: Training,
               person: Artisan | None, identity: Any) -> str:
    if person is None or person.proactive_opt_out or identity is None or training.status != "published":
        followup.status = "skipped"  # deleted, STOP, no channel left, or the training was cancelled after all
        return "skipped"
    latest = followup.due_at + LATE_AFTER
    if now >= latest:
        followup.status = "expired"
        return "expired"
    queued = await queue(session, person, identity, Tell(FOLLOWUP, training, months=followup.months, ref=followup.id),
                         key=followup.key, now=now, quiet_hours=policy.quiet_hours, latest=latest, new_key=True)
    if queued.at is None:
        followup.status = "expired"
        return "expired"
    followup.status, followup.asked_at = "asked", now
    await _await_answers(session, person.id, followup.id)
    return "asked"


async def _await_answers(session: AsyncSession, artisan_id: int, followup_id: int) -> None:
    """Typed answers go to the follow-up: its state, unless the person is in the middle of another form."""
    conversation = await session.get(Conversation, artisan_id)
    if conversation is None:
        session.add(Conversation(artisan_id=artisan_id, state=f"{STATE}:{SALES}",
                                 data={"form": {"followup": followup_id}, "memory": {}}))
        return
    if conversation.state is None or conversation.state.startswith(f"{STATE}:"):
        conversation.state = f"{STATE}:{SALES}"
        conversation.data = {"form": {"followup": followup_id}, "memory": dict((conversation.data or {}).get(
            "memory") or {})}


class FollowUps:
    """What the chat does with follow-ups: find one's own, record answers, stop them."""

    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session = session
        self.now = now

    async def own(self, followup_id: int, artisan_id: int) -> FollowUp | None:
        """The person's own follow-up that was asked (None for another's, or one not asked or stopped)."""
        found = await self.session.get(FollowUp, followup_id)
        if found is None or found.artisan_id != artisan_id or found.status not in ("asked", "answered"):
            return None
        return found

    def record(self, followup: FollowUp, **answers: Any) -> None:
        for name, value in answers.items():
            setattr(followup, name, value)
        followup.status, followup.answered_at = "answered", self.now

    async def stop(self, artisan_id: int, how: str) -> int:
        """No more follow-ups for this person (the answers given so far stay); returns how many were stopped."""
        stopped = await self.session.execute(
            update(FollowUp).where(FollowUp.artisan_id == artisan_id, FollowUp.status.in_(OPEN))
            .values(status=STOPPED).returning(FollowUp.id))
        count = len(stopped.all())
        self.session.add(ConsentEvent(artisan_id=artisan_id, kind="followups_stopped", detail=how[:200],
                                      created_at=self.now))
        return count
