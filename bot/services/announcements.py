"""Announcements of new trainings to matching subscribers (once each), and organizers' broadcasts."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, Text, and_, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.proactive_texts import ANNOUNCEMENT, BROADCAST, Tell
from bot.services.proactive import Queued, best_identities, queue
from bot.services.timing import Policy
from db.models import Artisan, Broadcast, ChannelIdentity, Registration, Reminder, Subscription, Training

logger = logging.getLogger(__name__)


async def announce_new(session: AsyncSession, now: datetime, policy: Policy) -> int:
    """Tell the subscribers of each newly published training about it, once; plan their deadline reminder."""
    trainings = (await session.execute(
        select(Training).where(Training.announced_at.is_(None), Training.status == "published",
                               Training.starts_at > now).order_by(Training.id).limit(50)
    )).scalars().all()
    queued = 0
    for training in trainings:
        queued += await _announce(session, training, now, policy)
        training.announced_at = now
    await session.flush()
    return queued


async def _announce(session: AsyncSession, training: Training, now: datetime, policy: Policy) -> int:
    closes = min(training.registration_deadline or training.starts_at, training.starts_at)
    if closes <= now:
        return 0
    regions = ["", training.province] + ([training.regency] if training.regency else [])
    followers = select(Subscription.artisan_id).where(
        or_(Subscription.craft == "", Subscription.craft == training.craft), Subscription.region.in_(regions))
    people = (await session.execute(
        select(Artisan).where(Artisan.id.in_(followers), Artisan.proactive_opt_out.is_(False)).order_by(Artisan.id)
    )).scalars().all()
    identities = await best_identities(session, [p.id for p in people])
    queued = 0
    for person in people:
        identity = identities.get(person.id)
        if identity is None:
            continue
        sent = await queue(session, person, identity, Tell(ANNOUNCEMENT, training),
                           key=f"announce:{training.id}:{person.id}", now=now, quiet_hours=policy.quiet_hours,
                           latest=closes)
        if sent.at is None:  # quiet hours until registration closes
            continue
        queued += sent.row is not None
        if training.registration_deadline and training.registration_deadline - policy.deadline_notice > now:
            key = f"deadline:{training.id}:{person.id}"
            if (await session.execute(select(Reminder.id).where(Reminder.key == key))).first() is None:
                session.add(Reminder(key=key, artisan_id=person.id, training_id=training.id, kind="deadline",
                                     due_at=training.registration_deadline - policy.deadline_notice,
                                     status="pending", created_at=now))
    return queued


@dataclass(frozen=True)
class Audience:
    craft: str | None = None
    region: str | None = None  # province or regency code
    training_code: str | None = None


async def audience(session: AsyncSession, wanted: Audience, with_opted_out: bool = False) -> list[Artisan]:
    """Everyone the broadcast should reach: by craft (profile or subscription), region, or a training's
    registrants; people who said STOP (unless `with_opted_out`, for a preview's count) and demo placeholders
    are left out."""
    query = select(Artisan).where(Artisan.is_demo.is_(False))
    if not with_opted_out:
        query = query.where(Artisan.proactive_opt_out.is_(False))
    if wanted.training_code:
        query = query.join(Registration, Registration.artisan_id == Artisan.id).join(
            Training, Training.id == Registration.training_id
        ).where(Training.code == wanted.training_code.upper(), Registration.status != "cancelled")
    if wanted.craft or wanted.region:
        following = _following(wanted)
        query = query.where(or_(_may_match(wanted), Artisan.id.in_(following.with_only_columns(
            Subscription.artisan_id))))
    people = list((await session.execute(query.order_by(Artisan.id))).scalars().unique())
    if wanted.craft or wanted.region:
        followed: dict[int, list[tuple[str, str]]] = {}
        for sub in (await session.execute(following)).scalars():
            followed.setdefault(sub.artisan_id, []).append((sub.craft, sub.region))

        def matches(person: Artisan) -> bool:
            pairs = [(c, person.regency or person.province or "") for c in person.crafts or [""]]
            pairs += followed.get(person.id, [])
            return any(
                (not wanted.craft or craft == wanted.craft)
                and (not wanted.region or (region or "").startswith(wanted.region))
                for craft, region in pairs
            )

        people = [p for p in people if matches(p)]
    return people


def _following(wanted: Audience) -> Select[tuple[Subscription]]:
    """The subscriptions that follow the audience's craft and region (a subscription is one pair of both)."""
    query = select(Subscription)
    if wanted.craft:
        query = query.where(Subscription.craft == wanted.craft)
    if wanted.region:
        query = query.where(Subscription.region.startswith(wanted.region, autoescape=True))
    return query


def _may_match(wanted: Audience) -> ColumnElement[bool]:
    """In SQL, a superset of the people whose own profile matches (so not every artisan is loaded to be
    checked): the craft among their crafts, their regency (else province) inside the region."""
    conditions = []
    if wanted.craft:
        conditions.append(cast(Artisan.crafts, Text).contains(f'"{wanted.craft}"', autoescape=True))
    if wanted.region:
        conditions.append(func.coalesce(Artisan.regency, Artisan.province, "").startswith(wanted.region,
                                                                                        autoescape=True))
    return and_(*conditions)


async def schedule_broadcast(session: AsyncSession, text: str, wanted: Audience, send_at: datetime,
                             now: datetime, policy: Policy, *, organizer_id: int | None = None,
                             request_key: str | None = None,
                             recipients: Sequence[tuple[Artisan, ChannelIdentity]] | None = None) -> Broadcast:
    """One outbox row per recipient, at `send_at` or after their quiet hours: the audience's people on their
    best channel, or `recipients` when a preview chose them already."""
    if recipients is None:
        people = await audience(session, wanted)
        identities = await best_identities(session, [p.id for p in people])
        recipients = [(person, identities[person.id]) for person in people if person.id in identities]
    broadcast = Broadcast(text=text, craft=wanted.craft, region=wanted.region, training_code=wanted.training_code,
                          send_at=send_at, recipients=0, created_at=now, organizer_id=organizer_id,
                          request_key=request_key)
    session.add(broadcast)
    await session.flush()
    followed = await followed_regions(session)
    for person, identity in recipients:
        sent = await queue_broadcast(session, broadcast, person, identity, f"broadcast:{broadcast.id}:{person.id}",
                                     now, policy, followed.get(person.id), due=send_at, new_key=True)
        broadcast.recipients += sent.row is not None
    await session.flush()
    return broadcast


async def followed_regions(session: AsyncSession, artisan_ids: Sequence[int] | None = None) -> dict[int, str]:
    """A region each person follows (of everyone, or of `artisan_ids`): where their quiet hours are counted
    when their profile has no place."""
    query = select(Subscription).where(Subscription.region != "").order_by(Subscription.id)
    if artisan_ids is not None:
        query = query.where(Subscription.artisan_id.in_(artisan_ids))
    return {sub.artisan_id: sub.region for sub in (await session.execute(query)).scalars()}


async def queue_broadcast(session: AsyncSession, broadcast: Broadcast, person: Artisan, identity: ChannelIdentity,
                          key: str, now: datetime, policy: Policy, followed_region: str | None,
                          due: datetime | None = None, new_key: bool = False) -> Queued:
    """One person's row of `broadcast` (sent first or sent again), through the quiet-hours gate: in their own
    zone, else the region they follow, else the broadcast's region."""
    return await queue(session, person, identity, Tell(BROADCAST, text=broadcast.text), key=key, now=now,
                       quiet_hours=policy.quiet_hours, due=due, region=followed_region or broadcast.region,
                       new_key=new_key, broadcast_id=broadcast.id)
