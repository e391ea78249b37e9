"""What the aftercare tests share: a registrant's rows, a check-in at the door, the end of a training, one
scheduler pass and the outbox sent."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.app import App
from bot.scheduler import Scheduler
from bot.services.checkins import local_day
from bot.services.reminders import Policy
from db.models import (
    AftercareAnswer,
    Artisan,
    Certificate,
    ChannelIdentity,
    CheckIn,
    OutboxMessage,
    Registration,
    Training,
)
from tests.channels import ChannelChat
from tests.conftest import Clock

PUBLIC_URL = "https://kriya.example.id"
POLICY = Policy(public_url=PUBLIC_URL)


async def registration_of(chat: ChannelChat, training_code: str) -> Registration:
    async with chat.app.sessionmaker() as session:
        return (await session.execute(
            select(Registration).join(Training).join(ChannelIdentity,
                                                     ChannelIdentity.artisan_id == Registration.artisan_id)
            .where(Training.code == training_code, ChannelIdentity.channel == chat.channel,
                   ChannelIdentity.external_id == chat.user))).scalar_one()


async def training(app: App, code: str) -> Training:
    async with app.sessionmaker() as session:
        return (await session.execute(select(Training).where(Training.code == code))).scalar_one()


async def check_in(app: App, registration_id: int, at: datetime) -> None:
    """The person's ticket scanned at the door at `at` (as the check-in page records it)."""
    async with app.sessionmaker() as session, session.begin():
        registration = await session.get(Registration, registration_id)
        assert registration is not None
        found = await session.get(Training, registration.training_id)
        assert found is not None
        session.add(CheckIn(registration_id=registration_id, checked_in_at=at, day=local_day(found, at)))


async def after_the_end(app: App, clock: Clock, code: str, hours: float = 2.5) -> None:
    """Move the clock to `hours` after the training ended."""
    found = await training(app, code)
    clock.now = found.ends_at + timedelta(hours=hours)


_SCHEDULERS: dict[int, Scheduler] = {}


async def scheduler_pass(app: App, clock: Clock) -> dict[str, int]:
    """One pass of the app's one scheduler (the same holder of the lease, whichever way the clock moved)."""
    scheduler = _SCHEDULERS.get(id(app.sessionmaker))
    if scheduler is None or scheduler.sessionmaker is not app.sessionmaker:
        scheduler = _SCHEDULERS[id(app.sessionmaker)] = Scheduler(app.sessionmaker, clock, POLICY, interval=30)
    counts = await scheduler.run_pass()
    assert counts is not None
    return counts


async def answer_of(app: App, registration_id: int) -> AftercareAnswer | None:
    async with app.sessionmaker() as session:
        return (await session.execute(
            select(AftercareAnswer).where(AftercareAnswer.registration_id == registration_id))).scalar_one_or_none()


async def certificate_of(app: App, registration_id: int) -> Certificate | None:
    async with app.sessionmaker() as session:
        return (await session.execute(
            select(Certificate).where(Certificate.registration_id == registration_id))).scalar_one_or_none()


async def aftercare_rows(app: App, registration_id: int) -> list[OutboxMessage]:
    """The outbox rows of the questions and certificate of one registration."""
    async with app.sessionmaker() as session:
        return list((await session.execute(
            select(OutboxMessage).where(OutboxMessage.dedupe_key.in_(
                [f"{kind}:{registration_id}:after" for kind in ("certificate", "feedback", "absence")]))
            .order_by(OutboxMessage.id))).scalars())


async def person_of(app: App, artisan_id: int) -> Artisan:
    async with app.sessionmaker() as session:
        return await session.get_one(Artisan, artisan_id)
