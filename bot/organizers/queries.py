"""What the console and the API read, through a scoped session only (the scope adds the organizer)."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ScalarSelect, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.nlu.codes import normalize_code
from bot.organizers.scope import scope_of
from bot.services.checkins import first_checkin
from db.models import Artisan, ChannelIdentity, Registration, SeatOffer, Training

logger = logging.getLogger(__name__)

STATUSES = ("registered", "waitlisted", "cancelled")


def _count(status: str) -> ScalarSelect[int]:
    return (
        select(func.count(Registration.id))
        .where(Registration.training_id == Training.id, Registration.status == status)
        .correlate(Training)
        .scalar_subquery()
    )


_OFFERED = (
    select(func.count(SeatOffer.id))
    .where(SeatOffer.training_id == Training.id, SeatOffer.status == "pending")
    .correlate(Training)
    .scalar_subquery()
)


@dataclass(frozen=True)
class TrainingRow:
    training: Training
    registered: int
    waitlisted: int
    offered: int = 0  # seats held by offers to the waitlist not answered yet

    @property
    def seats_left(self) -> int | None:
        quota = self.training.quota
        return None if quota is None else max(quota - self.registered - self.offered, 0)


@dataclass(frozen=True)
class Registrant:
    id: int
    code: str
    name: str | None
    phone: str | None
    regency: str | None
    crafts: list[str]
    status: str
    channels: list[str]
    created_at: datetime
    checked_in_at: datetime | None = None
    confirmation: str | None = None  # whether they come (bot/services/confirmations.py STATES), None: not asked yet
    offer_until: datetime | None = None  # a seat offered to them (waitlisted) until then


async def trainings(session: AsyncSession, upcoming_after: datetime | None = None) -> list[TrainingRow]:
    """The organizer's trainings (only those starting after `upcoming_after` when given), soonest first."""
    scope_of(session)
    query = select(Training, _count("registered"), _count("waitlisted"), _OFFERED)
    if upcoming_after is not None:
        query = query.where(Training.starts_at > upcoming_after)
    rows = (await session.execute(query.order_by(Training.starts_at, Training.code))).all()
    return [TrainingRow(t, registered or 0, waitlisted or 0, offered or 0) for t, registered, waitlisted, offered in rows]


async def training(session: AsyncSession, code: str) -> TrainingRow | None:
    """One of the organizer's trainings by code (any case); None when it is another's or none at all."""
    scope_of(session)
    query = (select(Training, _count("registered"), _count("waitlisted"), _OFFERED)
             .where(Training.code == normalize_code(code)))
    row = (await session.execute(query)).first()
    return TrainingRow(row[0], row[1] or 0, row[2] or 0, row[3] or 0) if row else None


async def registrants(session: AsyncSession, training_id: int) -> list[Registrant]:
    """The registrants of one training (in the scope), in the order they registered, with their channels."""
    scope_of(session)
    rows = (await session.execute(
        select(Registration, Artisan, first_checkin(), SeatOffer.expires_at)
        .join(Artisan, Artisan.id == Registration.artisan_id, isouter=True)
        .join(SeatOffer, (SeatOffer.registration_id == Registration.id) & (SeatOffer.status == "pending"),
              isouter=True)
        .where(Registration.training_id == training_id)
        .order_by(Registration.created_at, Registration.id)
    )).all()
    people = [artisan.id for _registration, artisan, _at, _until in rows if artisan is not None]
    channels: dict[int, list[str]] = {}
    if people:
        for artisan_id, channel in (await session.execute(
            select(ChannelIdentity.artisan_id, ChannelIdentity.channel)
            .where(ChannelIdentity.artisan_id.in_(people)).order_by(ChannelIdentity.id)
        )).all():
            channels.setdefault(artisan_id, []).append(channel)
    return [
        Registrant(
            id=registration.id, code=registration.code,
            name=(artisan.full_name or artisan.display_name) if artisan else None,
            phone=artisan.phone if artisan else None, regency=artisan.regency if artisan else None,
            crafts=list(artisan.crafts or []) if artisan else [], status=registration.status,
            channels=channels.get(artisan.id, []) if artisan else [], created_at=registration.created_at,
            checked_in_at=checked_in_at, confirmation=registration.confirmation, offer_until=offer_until,
        )
        for registration, artisan, checked_in_at, offer_until in rows
    ]


State = tuple[int, str, str | None, datetime | None]  # registration id, status, confirmation, pending offer until


async def attendance_state(session: AsyncSession, training_id: int) -> list[State]:
    """What the training's page shows of who comes, in one small query (no people's data): the live page's version
    is made of it, and so is the page's own from `registrants` (`state_of`)."""
    scope_of(session)
    rows = (await session.execute(
        select(Registration.id, Registration.status, Registration.confirmation, SeatOffer.expires_at)
        .join(SeatOffer, (SeatOffer.registration_id == Registration.id) & (SeatOffer.status == "pending"),
              isouter=True)
        .where(Registration.training_id == training_id)
    )).tuples().all()
    return list(rows)


def state_of(people: list[Registrant]) -> list[State]:
    """The same state as `attendance_state`, read from the registrants already loaded."""
    return [(p.id, p.status, p.confirmation, p.offer_until) for p in people]


def counts(people: list[Registrant]) -> dict[str, int]:
    found = Counter(p.status for p in people)
    return {status: found.get(status, 0) for status in STATUSES}


ATTENDANCE = ("confirmed", "asked", "declined", "unasked")  # what the training's page counts of who comes


def attendance(people: list[Registrant]) -> dict[str, int]:
    """Who comes: confirmed, asked and not answered, declined (cancelled at the question), not asked (yet)."""
    found: Counter[str] = Counter()
    for person in people:
        if person.confirmation == "declined":
            found["declined"] += 1
        elif person.status == "registered":
            found[person.confirmation if person.confirmation in ("confirmed", "asked") else "unasked"] += 1
    return {state: found.get(state, 0) for state in ATTENDANCE}


def offered(people: list[Registrant]) -> list[Registrant]:
    """The waitlisted people a seat is offered to now, the soonest expiry first."""
    return sorted((p for p in people if p.offer_until is not None and p.status == "waitlisted"),
                  key=lambda p: (p.offer_until, p.id))


FILTERS = ("status", "regency", "craft", "channel")


def matching(people: list[Registrant], wanted: dict[str, str]) -> list[Registrant]:
    """The registrants matching every filter given (status, regency code, craft code, channel); empty = any."""
    def keep(person: Registrant) -> bool:
        return ((not wanted.get("status") or person.status == wanted["status"])
                and (not wanted.get("regency") or person.regency == wanted["regency"])
                and (not wanted.get("craft") or wanted["craft"] in person.crafts)
                and (not wanted.get("channel") or wanted["channel"] in person.channels))
    return [person for person in people if keep(person)]


def choices(people: list[Registrant]) -> dict[str, list[str]]:
    """The values each filter can take among these registrants (what the filter form offers)."""
    return {
        "status": list(STATUSES),
        "regency": sorted({p.regency for p in people if p.regency}),
        "craft": sorted({craft for p in people for craft in p.crafts}),
        "channel": sorted({channel for p in people for channel in p.channels}),
    }
