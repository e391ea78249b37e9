"""The training catalogue: search upcoming trainings, count seats, look a training up by code."""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Row, Select, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.nlu.codes import normalize_code
from bot.nlu.stems import title_has
from bot.regions import CAPITALS, ISLANDS, TimeZone, distance_km, zone_of
from db.models import Organizer, Registration, SeatOffer, Training

logger = logging.getLogger(__name__)

INTERNATIONAL_LANGUAGE = "en"  # a training held in English is open to participants from abroad (ASEAN)


@dataclass(frozen=True)
class TrainingView:
    """What handlers need to show a training, with seats already counted."""

    id: int
    code: str
    title: str
    craft: str
    organizer: str
    organizer_website: str | None
    province: str
    regency: str | None
    venue: str
    mode: str
    starts_at: datetime
    ends_at: datetime
    registration_deadline: datetime | None
    quota: int | None
    taken: int
    fee: int
    contact: str
    description: str
    requirements: str | None
    language: str
    status: str
    is_demo: bool

    @property
    def zone(self) -> TimeZone:
        return zone_of(self.regency or self.province)

    @property
    def seats_left(self) -> int | None:
        return None if self.quota is None else max(self.quota - self.taken, 0)

    @property
    def is_full(self) -> bool:
        return self.seats_left == 0

    def local_start_date(self) -> date:
        return self.starts_at.astimezone(self.zone.zone).date()

    def registration_open(self, now: datetime) -> bool:
        closes = self.registration_deadline or self.starts_at
        return self.status == "published" and now < closes and now < self.starts_at


MODES = {"online": ("online", "hybrid"), "offline": ("offline", "hybrid")}  # what "online"/"offline" lets in


@dataclass(frozen=True)
class TrainingFilter:
    """What a list asks for; `near` (a province or regency code) orders by place (that regency, its province,
    then the other provinces by the distance of their capitals, online last) before the date."""

    craft: str | None = None
    province: str | None = None
    regency: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    mode: str | None = None  # online (online or hybrid), offline (offline or hybrid)
    free: bool = False
    near: str | None = None
    international: bool = False  # open to participants from abroad (held in English)
    island: str | None = None  # a group of provinces (bot/regions.ISLANDS): "di kalimantan"
    title_words: tuple[str, ...] = ()  # words the title has ("pelatihan pewarna alam"), by root (bot/nlu/stems.py)
    any_title_word: bool = False  # one of them is enough (the close ones when none has them all)


def provinces_near(region: str) -> list[str]:
    """Province codes nearest first from the province of `region` (itself first), by their capitals."""
    home = region.split(".")[0]
    origin = CAPITALS.get(home)
    if origin is None:
        return [home]
    return [home, *sorted((p for p in CAPITALS if p != home), key=lambda p: distance_km(origin, CAPITALS[p]))]


@dataclass(frozen=True)
class Titled:
    """A training's code and title only."""

    code: str
    title: str


TITLES_KEPT = 8  # databases whose upcoming titles are kept (one in production; tests open many)
_TITLES: dict[str, tuple[tuple[Any, ...], list[Titled]]] = {}


@dataclass(frozen=True)
class Page:
    items: list[TrainingView]
    total: int
    offset: int
    size: int


# Seats taken, counted per training row (the registrations index on training_id serves it): registered, and held
# by an offer to the waitlist not answered yet (bot/services/offers.py).
_TAKEN = (
    select(func.count())
    .where(Registration.training_id == Training.id, Registration.status == "registered")
    .correlate(Training)
    .scalar_subquery()
    + select(func.count())
    .where(SeatOffer.training_id == Training.id, SeatOffer.status == "pending")
    .correlate(Training)
    .scalar_subquery()
).label("taken")


# What a TrainingView shows, in its fields' order, read as plain rows: building ORM objects (and the
# organizer's) for every training of a list cost more than the query itself.
_SHOWN = {"organizer": Organizer.name, "organizer_website": Organizer.website, "taken": _TAKEN}
_VIEW_COLUMNS = [_SHOWN[f.name] if f.name in _SHOWN else getattr(Training, f.name) for f in fields(TrainingView)]


_VIEWS: Select[Any] = select(*_VIEW_COLUMNS).join(Organizer, Training.organizer)  # built once (immutable)


def _view(row: Row[Any]) -> TrainingView:
    return TrainingView(*row[: len(_VIEW_COLUMNS)])


def _local_bounds(day: date, end: bool) -> datetime:
    """A UTC instant wide enough for every Indonesian zone: days are compared in local time later."""
    moment = datetime.combine(day, time.max if end else time.min).replace(tzinfo=zone_of("91").zone)
    return moment + timedelta(hours=2) if end else moment


class TrainingCatalogue:
    """Reads trainings for the conversation (one session, owned by the dispatcher)."""

    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.session = session
        self.now = now

    def _upcoming(self, wanted: TrainingFilter, columns: Select[Any] = _VIEWS) -> Select[Any]:
        query = columns.where(Training.status == "published", Training.starts_at > self.now)
        if wanted.craft:
            query = query.where(Training.craft == wanted.craft)
        if wanted.regency:
            query = query.where(Training.regency == wanted.regency)
        elif wanted.province:
            query = query.where(Training.province == wanted.province)
        if wanted.date_from:
            query = query.where(Training.starts_at >= _local_bounds(wanted.date_from, end=False))
        if wanted.date_to:
            query = query.where(Training.starts_at <= _local_bounds(wanted.date_to, end=True))
        if wanted.mode in MODES:
            query = query.where(Training.mode.in_(MODES[wanted.mode]))
        if wanted.island in ISLANDS:
            query = query.where(or_(*(Training.province.startswith(p) for p in ISLANDS[wanted.island])))
        if wanted.free:
            query = query.where(Training.fee == 0)
        if wanted.international:
            query = query.where(Training.language == INTERNATIONAL_LANGUAGE)
        if wanted.near:
            ranks = {p: rank for rank, p in enumerate(provinces_near(wanted.near), 2)}
            place = case(
                (Training.mode == "online", 99),
                (Training.regency == wanted.near, 0),
                else_=case(ranks, value=Training.province, else_=98),
            )
            return query.order_by(place, Training.starts_at, Training.code)
        return query.order_by(Training.starts_at, Training.code)

    async def search(self, wanted: TrainingFilter) -> list[TrainingView]:
        """Every upcoming training matching `wanted`, soonest first (dates compared in local time)."""
        rows = (await self.session.execute(self._upcoming(wanted))).all()
        views = [_view(row) for row in rows]
        return [
            v for v in views
            if (wanted.date_from is None or v.local_start_date() >= wanted.date_from)
            and (wanted.date_to is None or v.local_start_date() <= wanted.date_to)
            and (not wanted.title_words or title_has(v.title, wanted.title_words, every=not wanted.any_title_word))
        ]

    async def page(self, wanted: TrainingFilter, offset: int, size: int) -> Page:
        """One page of `search`; without dates or title words the database pages (local dates and the words'
        roots need Python's eye)."""
        if wanted.date_from or wanted.date_to or wanted.title_words:
            found = await self.search(wanted)
            offset = max(0, min(offset, max(len(found) - 1, 0)))
            return Page(items=found[offset : offset + size], total=len(found), offset=offset, size=size)
        # The page's ids (and the total) first; a training's seats are counted only for the rows shown.
        chosen = (self._upcoming(wanted, select(Training.id, func.count().over().label("total")))
                  .offset(max(offset, 0)).limit(size).subquery())
        query = self._upcoming(wanted, _VIEWS.add_columns(chosen.c.total).join(chosen, chosen.c.id == Training.id))
        rows = (await self.session.execute(query)).all()
        if not rows and offset > 0:  # past the end (the list shrank): the first page
            return await self.page(wanted, 0, size)
        total = rows[0].total if rows else 0
        return Page(items=[_view(row) for row in rows], total=total, offset=max(offset, 0),
                    size=size)

    async def titles(self) -> list[Titled]:
        """The code and title of every upcoming training, soonest first (what naming one by its title reads).
        Kept in this process while the upcoming catalogue's stamp (count, newest change, newest id) is the same:
        one aggregate instead of the whole catalogue's rows on every message."""
        stamp_query = self._upcoming(TrainingFilter(), select(func.count(), func.max(Training.updated_at),
                                                              func.max(Training.id))).order_by(None)
        stamp = tuple((await self.session.execute(stamp_query)).one())
        where = str(getattr(self.session.bind, "url", ""))
        kept = _TITLES.get(where)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        rows = await self.session.execute(self._upcoming(TrainingFilter(), select(Training.code, Training.title)))
        found = [Titled(code, title) for code, title in rows.tuples()]
        if len(_TITLES) >= TITLES_KEPT:
            _TITLES.clear()
        _TITLES[where] = (stamp, found)
        return found

    async def by_code(self, code: str) -> TrainingView | None:
        """Any training (past, cancelled or upcoming) by its code, case-insensitive."""
        found = await self.by_codes([code])
        return found[0] if found else None

    async def by_codes(self, codes: list[str]) -> list[TrainingView]:
        """The trainings (past, cancelled or upcoming) of those of `codes` that exist, in the order given; one
        query on the unique index (codes are stored in capitals, so any case finds them)."""
        wanted = list(dict.fromkeys(normalize_code(c) for c in codes if c and c.strip()))
        if not wanted:
            return []
        rows = (await self.session.execute(_VIEWS.where(Training.code.in_(wanted)))).all()
        found = {view.code: view for view in map(_view, rows)}
        return [found[code] for code in wanted if code in found]
