"""Many people take the last seats at once: nobody is over-booked, nobody is lost."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select, update

from bot.app import App
from bot.services.registrations import Registrations
from db.models import Artisan, Registration, Training


@pytest.mark.parametrize("people", [40])
async def test_concurrent_registrations_never_overbook(demo_app: App, people: int) -> None:
    async with demo_app.sessionmaker() as session, session.begin():
        training = (await session.execute(select(Training).where(Training.code == "BTK-YK-01"))).scalar_one()
        taken = await session.scalar(select(func.count()).where(Registration.training_id == training.id,
                                                                Registration.status == "registered"))
        await session.execute(update(Training).where(Training.id == training.id).values(quota=taken + 3))
        persons = [Artisan(display_name=f"p{i}", crafts=[]) for i in range(people)]
        session.add_all(persons)
        await session.flush()
        ids = [p.id for p in persons]
        training_id, quota = training.id, taken + 3

    async def register(artisan_id: int) -> str:
        async with demo_app.sessionmaker() as session, session.begin():
            registration = await Registrations(session, demo_app.clock(), demo_app.settings.policy).register(artisan_id, training_id)
            return registration.status

    statuses = await asyncio.gather(*(register(i) for i in ids))
    async with demo_app.sessionmaker() as session:
        registered = await session.scalar(select(func.count()).where(Registration.training_id == training_id,
                                                                     Registration.status == "registered"))
        mine = await session.scalar(select(func.count()).where(Registration.artisan_id.in_(ids)))
    assert registered == quota
    assert statuses.count("registered") == 3 and statuses.count("waitlisted") == people - 3
    assert mine == people
