"""Helpers of the confirmation and seat-offer tests: a full training, people waiting, scheduler passes, offers."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from bot.app import App
from bot.scheduler import Scheduler
from bot.services.registrations import Registrations
from db.models import Artisan, ChannelIdentity, OutboxMessage, Registration, SeatOffer, Training

TRAINING = "BTK-YK-01"  # in the demo: starts in 12 days at 08.00 WIB, 13 of 20 seats taken


async def training_of(app: App, code: str = TRAINING) -> Training:
    async with app.sessionmaker() as session:
        return (await session.execute(select(Training).where(Training.code == code))).scalar_one()


async def fill_up(app: App, code: str = TRAINING, free: int = 0) -> Training:
    """The training's quota set to the seats taken (plus `free`), its registration open until the start."""
    async with app.sessionmaker() as session, session.begin():
        training = (await session.execute(select(Training).where(Training.code == code))).scalar_one()
        taken = await session.scalar(select(func.count()).where(Registration.training_id == training.id,
                                                                Registration.status == "registered"))
        await session.execute(update(Training).where(Training.id == training.id).values(
            quota=int(taken or 0) + free, registration_deadline=None))
    return await training_of(app, code)


async def person(app: App, name: str, external_id: str, channel: str = "console") -> int:
    """Someone who wrote to Kriya on `channel` (so they can be told)."""
    now = app.clock()
    async with app.sessionmaker() as session, session.begin():
        artisan = Artisan(display_name=name, full_name=name, language="id", created_at=now, updated_at=now)
        session.add(artisan)
        await session.flush()
        session.add(ChannelIdentity(artisan_id=artisan.id, channel=channel, external_id=external_id,
                                    last_inbound_at=now, created_at=now))
        return artisan.id


async def register(app: App, artisan_id: int, code: str = TRAINING) -> Registration:
    training = await training_of(app, code)
    async with app.sessionmaker() as session, session.begin():
        return await Registrations(session, app.clock(), app.settings.policy).register(artisan_id, training.id)


async def waiting(app: App, count: int, code: str = TRAINING, prefix: str = "w") -> list[int]:
    """`count` people put on the (full) training's waitlist, oldest first."""
    ids = []
    for number in range(count):
        artisan_id = await person(app, f"Menunggu {number}", f"{prefix}-{number}")
        registration = await register(app, artisan_id, code)
        assert registration.status == "waitlisted"
        ids.append(artisan_id)
    return ids


async def scheduler_pass(app: App) -> dict[str, int]:
    scheduler = Scheduler(app.sessionmaker, app.clock, app.settings.policy, interval=30)
    counts = await scheduler.run_pass()
    await scheduler.release()  # the next pass's scheduler leads at once
    assert counts is not None
    return counts


async def registration_of(app: App, artisan_id: int, code: str = TRAINING) -> Registration:
    training = await training_of(app, code)
    async with app.sessionmaker() as session:
        return (await session.execute(select(Registration).where(
            Registration.artisan_id == artisan_id, Registration.training_id == training.id))).scalar_one()


async def offers_by_person(app: App, code: str = TRAINING) -> dict[int, list[str]]:
    """The offers of the training: {artisan id: [statuses, oldest first]}."""
    training = await training_of(app, code)
    async with app.sessionmaker() as session:
        rows = (await session.execute(
            select(Registration.artisan_id, SeatOffer.status).join(Registration)
            .where(SeatOffer.training_id == training.id).order_by(SeatOffer.id))).all()
    found: dict[int, list[str]] = {}
    for artisan_id, status in rows:
        found.setdefault(artisan_id, []).append(status)
    return found


async def seats_held(app: App, code: str = TRAINING) -> int:
    """Registered plus seats held by pending offers: never above the quota."""
    training = await training_of(app, code)
    async with app.sessionmaker() as session:
        registered = await session.scalar(select(func.count()).where(
            Registration.training_id == training.id, Registration.status == "registered"))
        held = await session.scalar(select(func.count()).where(
            SeatOffer.training_id == training.id, SeatOffer.status == "pending"))
    return int(registered or 0) + int(held or 0)


async def notices_to(app: App, artisan_id: int, prefix: str) -> list[OutboxMessage]:
    async with app.sessionmaker() as session:
        return list((await session.execute(select(OutboxMessage).where(
            OutboxMessage.artisan_id == artisan_id, OutboxMessage.dedupe_key.startswith(prefix))
            .order_by(OutboxMessage.id))).scalars())


def asking_moment(training: Training, days: int = 3) -> datetime:
    return training.starts_at - timedelta(days=days)
