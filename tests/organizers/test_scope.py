"""Isolation fails closed: an organizer-side session sees one organizer's rows, or raises without a scope."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select, text, update

from bot.app import App
from bot.organizers.scope import ScopeMissing, organizer_sessionmaker, scoped
from db.models import Broadcast, CheckIn, Registration, StaffAccount, Training
from tests.conftest import NOW
from tests.organizers.conftest import World, training


async def test_a_session_without_a_scope_raises_on_every_query(app: App, world: World) -> None:
    maker = organizer_sessionmaker(app.engine)
    async with maker() as session:
        for query in (select(Training), select(Registration), select(func.count()).select_from(Training),
                      select(Broadcast), select(StaffAccount), select(CheckIn)):
            with pytest.raises(ScopeMissing):
                await session.execute(query)
        with pytest.raises(ScopeMissing):
            await session.get(Training, 1)


async def test_a_scoped_session_sees_only_its_organizers_rows(app: App, world: World) -> None:
    maker = organizer_sessionmaker(app.engine)
    async with scoped(maker, world.one.organizer_id) as session:
        codes = set((await session.execute(select(Training.code))).scalars())
        assert codes == set(world.one.trainings)
        registrations = (await session.execute(select(Registration))).scalars().all()
        assert {r.code for r in registrations} == {"KR-YK1", "KR-YK2", "KR-YK3"}
        counted = await session.scalar(select(func.count()).select_from(Registration))
        assert counted == 3
        counted = await session.scalar(select(func.count(Registration.id)).where(Registration.status == "registered"))
        assert counted == 2
        joined = (await session.execute(
            select(Registration.code).join(Training, Training.id == Registration.training_id))).scalars().all()
        assert set(joined) == {"KR-YK1", "KR-YK2", "KR-YK3"}
        staff = set((await session.execute(select(StaffAccount.email))).scalars())
        assert staff == set(world.one.emails.values())
        other = await session.scalar(select(Training.id).where(Training.code == "BL-1"))
        assert other is None


async def test_get_update_and_delete_stay_inside_the_scope(app: App, world: World) -> None:
    async with app.sessionmaker() as plain:
        foreign_id = await plain.scalar(select(Training.id).where(Training.code == "BL-1"))
    maker = organizer_sessionmaker(app.engine)
    async with scoped(maker, world.one.organizer_id) as session, session.begin():
        assert await session.get(Training, foreign_id) is None
        await session.execute(update(Training).values(title="diubah"))
    async with app.sessionmaker() as plain:
        titles = dict((await plain.execute(select(Training.code, Training.title))).all())
    assert titles["YK-1"] == "diubah" and titles["BL-1"] != "diubah"


async def test_raw_sql_and_foreign_writes_are_refused(app: App, world: World) -> None:
    maker = organizer_sessionmaker(app.engine)
    async with scoped(maker, world.one.organizer_id) as session:
        with pytest.raises(ScopeMissing):
            await session.execute(text("SELECT code FROM trainings"))
        with pytest.raises(ScopeMissing):
            await session.execute(Training.__table__.select())
    async with scoped(maker, world.one.organizer_id) as session:
        session.add(training("SNEAK-1", world.two.organizer_id, 3))
        with pytest.raises(ScopeMissing):
            await session.flush()
    async with scoped(maker, world.one.organizer_id) as session:
        with pytest.raises(ScopeMissing):
            await session.execute(insert(Training).values(
                code="SNEAK-2", title="x", craft="batik", organizer_id=world.two.organizer_id, province="34",
                venue="x", mode="offline", starts_at=NOW, ends_at=NOW, fee=0, contact="x", description="x",
                language="id", status="published", is_demo=False, published_at=NOW, updated_at=NOW))
    async with scoped(maker, world.one.organizer_id) as session:
        session.add(Broadcast(text="halo", send_at=NOW, organizer_id=world.two.organizer_id))
        with pytest.raises(ScopeMissing):
            await session.flush()


async def test_the_chat_side_stays_unscoped(app: App, world: World) -> None:
    async with app.sessionmaker() as session:
        codes = set((await session.execute(select(Training.code))).scalars())
        assert codes == set(world.one.trainings) | set(world.two.trainings)
        assert await session.scalar(text("SELECT count(*) FROM registrations")) == 6


async def test_check_ins_are_scoped_through_their_registration(app: App, world: World) -> None:
    async with app.sessionmaker() as plain, plain.begin():
        for code in ("KR-YK1", "KR-BL1"):
            registration_id = await plain.scalar(select(Registration.id).where(Registration.code == code))
            plain.add(CheckIn(registration_id=registration_id, day=NOW.date(), checked_in_at=NOW))
    maker = organizer_sessionmaker(app.engine)
    async with scoped(maker, world.two.organizer_id) as session:
        seen = (await session.execute(select(CheckIn.registration_id))).scalars().all()
        own = await session.scalar(select(Registration.id).where(Registration.code == "KR-BL1"))
    assert seen == [own]
