"""When the questions after a training go: after the end, at a polite hour in the person's own zone, never for a
training long over or cancelled, never to the waitlisted or cancelled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.app import App
from db.models import OutboxMessage, Registration, Training
from tests.aftercare_helpers import aftercare_rows, answer_of, check_in, scheduler_pass, training
from tests.conftest import Clock
from tests.test_certificates import registrant

CODE = "KYU-JKT-01"  # Jakarta (WIB)


async def ends_at(app: App, moment: datetime) -> None:
    async with app.sessionmaker() as session, session.begin():
        item = (await session.execute(select(Training).where(Training.code == CODE))).scalar_one()
        item.starts_at, item.ends_at = moment - timedelta(hours=10), moment


async def test_a_question_due_at_night_waits_for_the_persons_morning(demo_app: App, clock: Clock) -> None:
    end = datetime(2026, 12, 24, 13, 0, tzinfo=UTC)  # 20.00 WIB; two hours later is 22.00 WIB, 23.00 WITA
    await ends_at(demo_app, end)
    person = await registrant(demo_app, CODE, "Made Wiratama")
    async with demo_app.sessionmaker() as session, session.begin():  # lives in Gianyar, Bali (WITA)
        from db.models import Artisan
        artisan = await session.get_one(Artisan, person.artisan_id)
        artisan.province, artisan.regency = "51", "51.04"
    await check_in(demo_app, person.id, end - timedelta(hours=8))
    clock.now = end + timedelta(hours=2, minutes=30)
    await scheduler_pass(demo_app, clock)
    morning = datetime(2026, 12, 24, 23, 0, tzinfo=UTC)  # 07.00 WITA on the 25th
    answer = await answer_of(demo_app, person.id)
    assert answer is not None and answer.asked_at == morning
    rows = await aftercare_rows(demo_app, person.id)
    assert rows and all(row.not_before == morning for row in rows)


async def test_not_before_two_hours_after_the_end(demo_app: App, clock: Clock) -> None:
    person = await registrant(demo_app, CODE, "Siti Aminah")
    found = await training(demo_app, CODE)
    clock.now = found.ends_at + timedelta(minutes=30)
    await scheduler_pass(demo_app, clock)
    assert await answer_of(demo_app, person.id) is None
    clock.now = found.ends_at + timedelta(hours=2, minutes=1)
    await scheduler_pass(demo_app, clock)
    assert await answer_of(demo_app, person.id) is not None


async def test_long_over_cancelled_waitlisted_are_not_asked(demo_app: App, clock: Clock) -> None:
    late = await registrant(demo_app, CODE, "Dewi Late")
    found = await training(demo_app, CODE)
    clock.now = found.ends_at + timedelta(days=8)  # Kriya was off for a week: too late to ask
    await scheduler_pass(demo_app, clock)
    assert await answer_of(demo_app, late.id) is None

    clock.now = found.ends_at - timedelta(days=1)
    waiting = await registrant(demo_app, CODE, "Wati Waiting")
    gone = await registrant(demo_app, CODE, "Gani Gone")
    async with demo_app.sessionmaker() as session, session.begin():
        (await session.get_one(Registration, waiting.id)).status = "waitlisted"
        (await session.get_one(Registration, gone.id)).status = "cancelled"
    clock.now = found.ends_at + timedelta(hours=3)
    await scheduler_pass(demo_app, clock)
    assert await answer_of(demo_app, waiting.id) is None and await answer_of(demo_app, gone.id) is None

    async with demo_app.sessionmaker() as session, session.begin():
        other = (await session.execute(select(Training).where(Training.code == "BTK-YK-01"))).scalar_one()
        other.status = "cancelled"
        cancelled_training = other.ends_at
    asked = await registrant(demo_app, "BTK-YK-01", "Asih Cancelled")
    clock.now = cancelled_training + timedelta(hours=3)
    await scheduler_pass(demo_app, clock)
    assert await answer_of(demo_app, asked.id) is None
    async with demo_app.sessionmaker() as session:
        assert await session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.dedupe_key.like(f"%:{asked.id}:after"))) is None
