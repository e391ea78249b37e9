"""Reports for funders: per training or per period, what one organizer's trainings reached (registered, confirmed,
attended, no-shows) broken down by regency, craft, gender and channel, and the follow-ups' outcomes. Read through a
scoped session only: another organizer's rows are never counted."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.followup_texts import CERTIFICATIONS, SALES_VALUES
from bot.genders import UNKNOWN
from bot.organizers.scope import scope_of
from bot.regions import zone_of
from bot.services.confirmations import CONFIRMED
from bot.services.followups import MONTHS
from db.models import Artisan, ChannelIdentity, CheckIn, FollowUp, Registration, Training

logger = logging.getLogger(__name__)

BREAKDOWNS = ("regency", "craft", "gender", "channel")
NO_CHAT = "none"  # a registrant without a chat (a nominee staff added): their channel in the breakdown
# Confirmations ("two-way confirmation", another part of issue 15) have no column yet: until one exists every
# figure's `confirmed` is None and pages show "–". The one place to wire it: `_confirmed` below.
CONFIRMATIONS_AVAILABLE = True  # registrations.confirmation (bot/services/confirmations.py)


@dataclass
class Figures:
    """The counts of one group of registrations."""

    registered: int = 0  # every registration made (seated, waitlisted or cancelled later)
    confirmed: int | None = None if not CONFIRMATIONS_AVAILABLE else 0
    attended: int = 0  # checked in at least once
    no_shows: int = 0  # held a seat at a training that has ended, never checked in
    cancelled: int = 0
    waitlisted: int = 0  # still on the waitlist

    def add(self, row: Row) -> None:
        self.registered += 1
        if self.confirmed is not None and _confirmed(row):
            self.confirmed += 1
        self.attended += row.attended
        self.no_shows += row.status == "registered" and row.ended and not row.attended
        self.cancelled += row.status == "cancelled"
        self.waitlisted += row.status == "waitlisted"


@dataclass(frozen=True)
class Row:
    """One registration as the report counts it (a deleted person keeps the row, with unknown details)."""

    training_id: int
    status: str
    attended: bool
    ended: bool
    regency: str
    crafts: tuple[str, ...]
    gender: str
    channel: str
    confirmation: str | None = None


def _confirmed(row: Row) -> bool:
    """Whether this registration confirmed it would come (answered yes to the question before the start)."""
    return row.confirmation == CONFIRMED


@dataclass
class Outcome:
    """The answers to the follow-ups at one number of months."""

    months: int
    asked: int = 0
    answered: int = 0
    sales: Counter[str] = field(default_factory=Counter)  # up, same, down
    certifications: Counter[str] = field(default_factory=Counter)  # bnsp, merek, nib, batikmark, none
    online: Counter[bool] = field(default_factory=Counter)


@dataclass
class TrainingLine:
    training: Training
    figures: Figures


@dataclass
class Report:
    date_from: date | None
    date_to: date | None
    training_code: str | None
    trainings: list[TrainingLine]
    total: Figures
    breakdowns: dict[str, list[tuple[str, Figures]]]  # by BREAKDOWNS, each sorted by registered, most first
    outcomes: list[Outcome]


def local_day(training: Training) -> date:
    """The day a training starts, in its own zone (what a period counts by)."""
    return training.starts_at.astimezone(zone_of(training.regency or training.province).zone).date()


async def build(session: AsyncSession, now: datetime, date_from: date | None = None, date_to: date | None = None,
                training_code: str | None = None) -> Report:
    """The report of the organizer's trainings starting within [date_from, date_to] (local days), or of one."""
    scope_of(session)
    query = select(Training).order_by(Training.starts_at, Training.code)
    if training_code is not None:
        query = query.where(Training.code == training_code)
    chosen = [t for t in (await session.execute(query)).scalars()
              if (date_from is None or local_day(t) >= date_from) and (date_to is None or local_day(t) <= date_to)]
    rows = await _rows(session, now, chosen)
    lines = {t.id: TrainingLine(t, Figures()) for t in chosen}
    total = Figures()
    groups: dict[str, dict[str, Figures]] = {name: {} for name in BREAKDOWNS}
    for row in rows:
        lines[row.training_id].figures.add(row)
        total.add(row)
        for name, keys in (("regency", (row.regency,)), ("craft", row.crafts or (UNKNOWN,)),
                           ("gender", (row.gender,)), ("channel", (row.channel,))):
            for key in keys:
                groups[name].setdefault(key, Figures()).add(row)
    breakdowns = {name: sorted(found.items(), key=lambda item: (-item[1].registered, item[0]))
                  for name, found in groups.items()}
    return Report(date_from, date_to, training_code, list(lines.values()), total, breakdowns,
                  await _outcomes(session, [t.id for t in chosen]))


async def _rows(session: AsyncSession, now: datetime, chosen: list[Training]) -> list[Row]:
    if not chosen:
        return []
    ended = {t.id: t.ends_at <= now for t in chosen}
    found = (await session.execute(
        select(Registration.id, Registration.training_id, Registration.status, Artisan.id, Artisan.regency,
               Artisan.crafts, Artisan.gender, CheckIn.id, Registration.confirmation)
        .outerjoin(Artisan, Artisan.id == Registration.artisan_id)
        .outerjoin(CheckIn, CheckIn.registration_id == Registration.id)
        .where(Registration.training_id.in_(list(ended)))
        .order_by(Registration.id)
    )).all()
    people = sorted({row[3] for row in found if row[3] is not None})
    channels: dict[int, str] = {}
    if people:
        for artisan_id, channel in (await session.execute(
                select(ChannelIdentity.artisan_id, ChannelIdentity.channel)
                .where(ChannelIdentity.artisan_id.in_(people)).order_by(ChannelIdentity.id))).all():
            channels.setdefault(artisan_id, channel)  # the first channel they wrote on
    seen: set[int] = set()
    rows = []
    for registration_id, training_id, status, person, regency, crafts, gender, checkin_id, confirmation in found:
        if registration_id in seen:
            continue  # (a check-in per day may give a registration several rows)
        seen.add(registration_id)
        rows.append(Row(
            training_id=training_id, status=status, attended=checkin_id is not None, ended=ended[training_id],
            regency=regency or UNKNOWN, crafts=tuple(crafts or ()), gender=gender or UNKNOWN,
            channel=(channels.get(person, NO_CHAT) if person is not None else UNKNOWN), confirmation=confirmation,
        ))
    return rows


async def _outcomes(session: AsyncSession, training_ids: list[int]) -> list[Outcome]:
    outcomes = {months: Outcome(months) for months in MONTHS}
    if training_ids:
        for followup in (await session.execute(
                select(FollowUp.months, FollowUp.asked_at, FollowUp.sales, FollowUp.certifications, FollowUp.online)
                .where(FollowUp.training_id.in_(training_ids)))).all():
            outcome = outcomes.get(followup.months)
            if outcome is None:
                continue
            outcome.asked += followup.asked_at is not None
            answered = False
            if followup.sales in SALES_VALUES:
                outcome.sales[followup.sales] += 1
                answered = True
            if followup.certifications is not None:
                for code in followup.certifications or ["none"]:
                    if code in CERTIFICATIONS or code == "none":
                        outcome.certifications[code] += 1
                answered = True
            if followup.online is not None:
                outcome.online[followup.online] += 1
                answered = True
            outcome.answered += answered
    return list(outcomes.values())
