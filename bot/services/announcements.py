"""Announcements of new trainings to matching subscribers (once each), and organizers' broadcasts."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Button, Reply
from bot.crafts import craft_name
from bot.delivery import reply_to_body
from bot.i18n import _, format_money, format_when, use_language
from bot.outbox import enqueue
from bot.regions import region_name, zone_of
from bot.services.notices import best_identities, best_identity
from bot.services.reminders import Policy, person_zone
from bot.services.timing import allowed_time
from db.models import Artisan, Broadcast, ChannelIdentity, Registration, Reminder, Subscription, Training

logger = logging.getLogger(__name__)


def _announcement(training: Training) -> Reply:
    zone = zone_of(training.regency or training.province)
    place = _("daring (online)") if training.mode == "online" else (
        region_name(training.regency) or region_name(training.province) or training.venue)
    lines = [
        _("Pelatihan baru: {title} ({code})").format(title=training.title, code=training.code),
        _("{craft} · {place}").format(craft=craft_name(training.craft), place=place),
        _("Mulai: {when}").format(when=format_when(training.starts_at, zone.zone, zone.name)),
        _("Biaya: {fee}").format(fee=format_money(training.fee) if training.fee else _("gratis")),
        _("Ketik STOP untuk berhenti menerima kabar seperti ini."),
    ]
    return Reply("\n".join(lines), (Button(_("Lihat pelatihan"), f"td:{training.code}"),
                                    Button(_("Daftar"), f"rg:{training.code}")))


async def announce_new(session: AsyncSession, now: datetime, policy: Policy) -> int:
    """Tell the subscribers of each newly published training about it, once; plan their deadline reminder."""
    trainings = (await session.execute(
        select(Training).where(Training.announced_at.is_(None), Training.status == "published",
                               Training.starts_at > now).order_by(Training.id).limit(50)
    )).scalars().all()
    queued = 0
    for training in trainings:
        closes = min(training.registration_deadline or training.starts_at, training.starts_at)
        regions = ["", training.province] + ([training.regency] if training.regency else [])
        followers = select(Subscription.artisan_id).where(
            or_(Subscription.craft == "", Subscription.craft == training.craft), Subscription.region.in_(regions))
        people = (await session.execute(
            select(Artisan).where(Artisan.id.in_(followers), Artisan.proactive_opt_out.is_(False)).order_by(Artisan.id)
        )).scalars().all()
        for person in people if closes > now else []:
            identity = await best_identity(session, person.id)
            send_at = allowed_time(now, person_zone(person, training), policy.quiet_hours, latest=closes)
            if identity is None or send_at is None:
                continue
            with use_language(person.language):
                reply = _announcement(training)
            row = await enqueue(session, artisan_id=person.id, channel=identity.channel,
                                external_id=identity.external_id, kind="announcement",
                                body={**reply_to_body(reply), "language": person.language},
                                dedupe_key=f"announce:{training.id}:{person.id}", now=now, not_before=send_at,
                                expires_at=closes)
            queued += row is not None
            if training.registration_deadline and training.registration_deadline - policy.deadline_notice > now:
                key = f"deadline:{training.id}:{person.id}"
                if (await session.execute(select(Reminder.id).where(Reminder.key == key))).first() is None:
                    session.add(Reminder(key=key, artisan_id=person.id, training_id=training.id, kind="deadline",
                                         due_at=training.registration_deadline - policy.deadline_notice,
                                         status="pending", created_at=now))
        training.announced_at = now
    await session.flush()
    return queued


@dataclass(frozen=True)
class Audience:
    craft: str | None = None
    region: str | None = None  # province or regency code
    training_code: str | None = None


async def audience(session: AsyncSession, wanted: Audience) -> list[Artisan]:
    """Everyone the broadcast should reach: by craft (profile or subscription), region, or a training's
    registrants; people who said STOP and demo placeholders are left out."""
    query = select(Artisan).where(Artisan.proactive_opt_out.is_(False), Artisan.is_demo.is_(False))
    if wanted.training_code:
        query = query.join(Registration, Registration.artisan_id == Artisan.id).join(
            Training, Training.id == Registration.training_id
        ).where(Training.code == wanted.training_code.upper(), Registration.status != "cancelled")
    people = list((await session.execute(query.order_by(Artisan.id))).scalars().unique())
    if wanted.craft or wanted.region:
        followed: dict[int, list[tuple[str, str]]] = {}
        for sub in (await session.execute(select(Subscription))).scalars():
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


async def schedule_broadcast(session: AsyncSession, text: str, wanted: Audience, send_at: datetime,
                             now: datetime, policy: Policy) -> Broadcast:
    """One outbox row per recipient, at `send_at` or after their quiet hours."""
    people = await audience(session, wanted)
    broadcast = Broadcast(text=text, craft=wanted.craft, region=wanted.region, training_code=wanted.training_code,
                          send_at=send_at, recipients=0, created_at=now)
    session.add(broadcast)
    await session.flush()
    followed = {sub.artisan_id: sub.region for sub in (await session.execute(
        select(Subscription).where(Subscription.region != ""))).scalars()}
    identities: dict[int, ChannelIdentity] = {}
    for start in range(0, len(people), 500):
        identities.update(await best_identities(session, [p.id for p in people[start : start + 500]]))
    for person in people:
        identity = identities.get(person.id)
        if identity is None:
            continue
        # Their own province, else the region they follow, else the broadcast's region.
        zone = zone_of(person.regency or person.province or followed.get(person.id) or wanted.region).zone
        when = allowed_time(send_at, zone, policy.quiet_hours) or send_at
        row = await enqueue(session, artisan_id=person.id, channel=identity.channel, external_id=identity.external_id,
                            kind="broadcast", body={"text": text, "buttons": [], "language": person.language},
                            dedupe_key=f"broadcast:{broadcast.id}:{person.id}", now=now, not_before=when,
                            new_key=True)
        broadcast.recipients += row is not None
    await session.flush()
    return broadcast
