"""Seats offered from the waitlist when things happen at once (row locks on PostgreSQL, one writer on SQLite): two
seats freed together, an accept racing the expiry, a cancel while offered, many answers at once. The quota holds."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import select

from bot.app import App
from bot.services import seat_offers
from bot.services.confirmations import Confirmations
from bot.services.registrations import Registrations
from bot.services.seat_offers import SeatOffers
from db.models import Registration
from tests.attendance import (
    fill_up,
    offers_by_person,
    person,
    register,
    registration_of,
    seats_held,
    training_of,
    waiting,
)
from tests.conftest import Clock

T = TypeVar("T")


async def in_transaction(app: App, work: Callable[[Registrations], Awaitable[T]], kind: type = SeatOffers) -> T:
    async with app.sessionmaker() as session, session.begin():
        return await work(kind(session, app.clock(), app.settings.policy))


async def holders(app: App, count: int) -> list[int]:
    """The training made full with `count` more seat holders (people who can be told)."""
    await fill_up(app, free=count)
    ids = []
    for number in range(count):
        artisan_id = await person(app, f"Pemegang {number}", f"holder-{number}")
        assert (await register(app, artisan_id)).status == "registered"
        ids.append(artisan_id)
    return ids


async def cancel(app: App, artisan_id: int) -> None:
    code = (await registration_of(app, artisan_id)).code
    await in_transaction(app, lambda r: r.cancel(artisan_id, code))


async def test_two_seats_freed_at_once_go_to_two_people(demo_app: App) -> None:
    one, two = await holders(demo_app, 2)
    first, second, third = await waiting(demo_app, 3)
    await asyncio.gather(cancel(demo_app, one), cancel(demo_app, two))
    assert await offers_by_person(demo_app) == {first: ["pending"], second: ["pending"]}
    assert (await registration_of(demo_app, third)).status == "waitlisted"
    assert await seats_held(demo_app) == (await training_of(demo_app)).quota


async def test_both_answers_at_once_fill_exactly_the_quota(demo_app: App) -> None:
    one, two = await holders(demo_app, 2)
    first, second, _third = await waiting(demo_app, 3)
    await asyncio.gather(cancel(demo_app, one), cancel(demo_app, two))
    codes = {a: (await registration_of(demo_app, a)).code for a in (first, second)}
    answers = await asyncio.gather(*(in_transaction(demo_app, lambda r, a=a: r.accept(a, codes[a]))
                                     for a in (first, second)))
    assert [a.outcome for a in answers] == [seat_offers.TAKEN, seat_offers.TAKEN]
    assert await seats_held(demo_app) == (await training_of(demo_app)).quota


async def accept_racing_expiry(app: App, clock: Clock, after: timedelta) -> tuple[Any, int, int, int]:
    """A seat offered to the first of two waiting; `after` that, they accept while a scheduler pass expires
    offers: (the accept's answer, offers expired, first, second)."""
    [one] = await holders(app, 1)
    first, second = await waiting(app, 2)
    await cancel(app, one)
    code = (await registration_of(app, first)).code
    clock.advance(seconds=after.total_seconds())

    async def expire(seats: Registrations) -> int:
        return await seat_offers.expire_due(seats.session, app.clock(), app.settings.policy)

    accepted, expired = await asyncio.gather(in_transaction(app, lambda r: r.accept(first, code)),
                                             in_transaction(app, expire))
    return accepted, expired, first, second


async def test_an_accept_racing_the_expiry_ends_one_way_only(demo_app: App, clock: Clock) -> None:
    accepted, expired, first, second = await accept_racing_expiry(demo_app, clock, timedelta(hours=24))  # too late
    assert accepted.outcome == seat_offers.EXPIRED and expired in (0, 1)
    assert await offers_by_person(demo_app) == {first: ["expired"], second: ["pending"]}  # passed on once
    assert (await registration_of(demo_app, first)).status == "waitlisted"
    assert await seats_held(demo_app) == (await training_of(demo_app)).quota


async def test_an_accept_just_before_the_expiry_keeps_the_seat(demo_app: App, clock: Clock) -> None:
    accepted, expired, first, second = await accept_racing_expiry(demo_app, clock, timedelta(hours=23, minutes=59))
    assert accepted.outcome == seat_offers.TAKEN and expired == 0
    assert await offers_by_person(demo_app) == {first: ["accepted"]}
    assert (await registration_of(demo_app, second)).status == "waitlisted"
    assert await seats_held(demo_app) == (await training_of(demo_app)).quota


async def test_cancelling_while_offered_passes_the_seat_on_and_a_late_accept_takes_nothing(demo_app: App) -> None:
    [one] = await holders(demo_app, 1)
    first, second = await waiting(demo_app, 2)
    await cancel(demo_app, one)
    code = (await registration_of(demo_app, first)).code
    accepted, _ = await asyncio.gather(
        in_transaction(demo_app, lambda r: r.accept(first, code)),
        cancel(demo_app, first))
    mine = await registration_of(demo_app, first)
    offers = await offers_by_person(demo_app)
    if accepted.outcome == seat_offers.TAKEN:  # the accept came first: then the cancel freed the seat again
        assert offers == {first: ["accepted"], second: ["pending"]}
    else:
        assert accepted.outcome == seat_offers.NO_OFFER and offers == {first: ["withdrawn"], second: ["pending"]}
    assert mine.status == "cancelled"
    assert await seats_held(demo_app) == (await training_of(demo_app)).quota


async def test_many_cancellations_and_confirmations_at_once_never_overbook(demo_app: App) -> None:
    seated = await holders(demo_app, 6)
    queue = await waiting(demo_app, 10)
    codes = {a: (await registration_of(demo_app, a)).code for a in seated}

    async def decline(artisan_id: int) -> None:
        await in_transaction(demo_app, lambda r: r.decline(artisan_id, codes[artisan_id]),
                             kind=Confirmations)

    newcomers = [await person(demo_app, f"Baru {i}", f"new-{i}") for i in range(4)]
    await asyncio.gather(*(decline(a) for a in seated[:4]), *(register(demo_app, a) for a in newcomers))
    assert await seats_held(demo_app) == (await training_of(demo_app)).quota
    assert sorted(await offers_by_person(demo_app)) == sorted(queue[:4])  # the first four waiting, no newcomer
    async with demo_app.sessionmaker() as session:
        statuses = (await session.execute(select(Registration.status).where(
            Registration.artisan_id.in_(newcomers)))).scalars().all()
    assert statuses == ["waitlisted"] * 4
