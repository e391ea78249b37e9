"""Loading the demo catalogue again leaves it exactly as the first time, and never touches real data."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app import App
from db.models import Artisan, Base, Registration, Training
from db.seed import seed_demo
from tests.conftest import Chat
from tests.forms import fill_form


async def counts(app: App) -> dict[str, int]:
    async with app.sessionmaker() as session:
        return {table.name: int(await session.scalar(select(func.count()).select_from(table)) or 0)
                for table in Base.metadata.sorted_tables}


async def seats(app: App) -> dict[str, int]:
    async with app.sessionmaker() as session:
        rows = await session.execute(
            select(Training.code, func.count(Registration.id)).join(Registration)
            .where(Registration.status == "registered").group_by(Training.code))
        return dict(rows.all())  # type: ignore[arg-type]


async def seed(app: App) -> None:
    async with app.sessionmaker() as session, session.begin():
        await seed_demo(session, app.clock())


async def test_seeding_twice_is_the_same_as_once(app: App) -> None:
    await seed(app)
    once, seats_once = await counts(app), await seats(app)
    await seed(app)
    await seed(app)
    assert await counts(app) == once
    assert await seats(app) == seats_once


async def test_reseeding_keeps_real_registrations(demo_app: App) -> None:
    chat = Chat(demo_app, user="6281211110000")
    await fill_form(chat, name="Sri Rahayu", phone="0812 1111 0000")
    await chat.tap("Ya, daftar")
    before = await seats(demo_app)
    async with demo_app.sessionmaker() as session:
        real = await session.scalar(select(func.count()).select_from(Registration).join(Artisan)
                                    .where(Artisan.is_demo.is_(False)))
    assert real == 1
    await seed(demo_app)
    assert await seats(demo_app) == before
    async with demo_app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Registration).join(Artisan)
                                    .where(Artisan.is_demo.is_(False))) == 1
