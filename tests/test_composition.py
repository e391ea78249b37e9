"""One composition root: the reminder policy comes from the settings and reaches every service, the chat and
the scheduler alike; the outbox has the channels' senders from the start."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import App, open_app
from bot.config import load_settings
from bot.services.registrations import Registrations
from bot.worker import build_scheduler
from db.models import Artisan, Broadcast, ChannelIdentity, Registration, Reminder, Training
from db.seed import seed_demo
from tests.conftest import Chat, Clock

CONFIGURED = timedelta(hours=5)  # KRIYA_REMINDER_OFFSETS=5h, none of the default offsets (3d, 1d, 2h)
SEAT_HOLDER = "6281200000011"
WAITING = "6281200000012"
TRAINING = "BTK-YK-01"
LATER = timedelta(days=800)  # the training moved past the two-year purge


@pytest.fixture
async def configured(database_url: str, clock: Clock) -> AsyncIterator[App]:
    settings = load_settings(env={"DATABASE_URL": database_url, "KRIYA_REMINDER_OFFSETS": "5h",
                                  "KRIYA_QUIET_HOURS": ""})
    async with open_app(settings, clock=clock, migrate=False) as app:
        yield app


async def one_seat_taken_one_waiting(app: App, chat: Chat) -> int:
    """The chatting person holds the last seat of the training; another waits. Returns who waits."""
    await chat.say("halo")
    async with app.sessionmaker() as session, session.begin():
        await seed_demo(session, app.clock())
        training = (await session.execute(select(Training).where(Training.code == TRAINING))).scalar_one()
        taken = await session.scalar(select(func.count()).where(Registration.training_id == training.id,
                                                                Registration.status == "registered"))
        training.quota, training.registration_deadline = int(taken or 0) + 1, None
        training.starts_at += LATER
        training.ends_at += LATER
        holder = await session.scalar(select(ChannelIdentity.artisan_id).where(ChannelIdentity.external_id == chat.user))
        waiting = Artisan(display_name="Wulan", language="id", created_at=app.clock(), updated_at=app.clock())
        session.add(waiting)
        await session.flush()
        session.add(ChannelIdentity(artisan_id=waiting.id, channel="console", external_id=WAITING,
                                    last_inbound_at=app.clock(), created_at=app.clock()))
        registrations = Registrations(session, app.clock(), app.settings.policy)
        assert holder is not None
        assert (await registrations.register(holder, training.id)).status == "registered"
        assert (await registrations.register(waiting.id, training.id)).status == "waitlisted"
    return waiting.id


async def promoted_offsets(app: App, artisan_id: int) -> set[timedelta]:
    async with app.sessionmaker() as session:
        status = await session.scalar(select(Registration.status).where(Registration.artisan_id == artisan_id))
        offsets = (await session.execute(
            select(Reminder.offset_seconds).where(Reminder.artisan_id == artisan_id, Reminder.status == "pending",
                                                  Reminder.kind == "before_start"))).scalars().all()
    assert status == "registered"
    return {timedelta(seconds=s) for s in offsets}


async def test_deleting_a_seat_holder_in_the_chat_promotes_with_the_configured_offsets(configured: App) -> None:
    chat = Chat(configured, user=SEAT_HOLDER)
    waiting = await one_seat_taken_one_waiting(configured, chat)
    await chat.say("hapus data saya")
    await chat.tap("Ya, hapus")
    await Chat(configured, user=WAITING).say("ambil kak")  # the seat offered to them
    assert await promoted_offsets(configured, waiting) == {CONFIGURED}


async def test_the_two_year_purge_promotes_with_the_configured_offsets(configured: App, clock: Clock) -> None:
    waiting = await one_seat_taken_one_waiting(configured, Chat(configured, user=SEAT_HOLDER))
    clock.advance(days=731)
    async with configured.sessionmaker() as session, session.begin():
        identity = (await session.execute(
            select(ChannelIdentity).where(ChannelIdentity.artisan_id == waiting))).scalar_one()
        identity.last_inbound_at = clock()  # the one waiting still writes; the seat holder fell silent
    counts = await build_scheduler(configured).run_pass()
    assert counts is not None and counts["purged"] == 1
    await Chat(configured, user=WAITING).say("mau")  # the seat offered to them
    assert await promoted_offsets(configured, waiting) == {CONFIGURED}


async def test_the_outbox_has_the_senders_of_the_channels(database_url: str, clock: Clock) -> None:
    settings = load_settings(env={"DATABASE_URL": database_url, "TELEGRAM_BOT_TOKEN": "123:COMPOSED",
                                  "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot"})
    async with open_app(settings, clock=clock, migrate=False, with_channels=True) as app:
        telegram = app.channel("telegram")
        assert telegram is not None
        assert app.outbox.senders == {"telegram": telegram.sender}
        assert app.outbox.limiters == {"telegram": telegram.limiter}


def test_cli_commands_run_from_the_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Each command is its subparser's `run`: exit codes as the contract says, the broadcast through services."""
    from bot.__main__ import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'kriya.db'}")
    assert main(["seed", "--demo"]) == 0
    assert main(["broadcast", "--text", "Info pameran", "--training", "NO-SUCH-1", "--yes"]) == 2
    assert main(["broadcast", "--text", "Info pameran", "--at", "kemarin", "--yes"]) == 2
    assert main(["broadcast", "--text", "Info pameran", "--training", "btk-yk-01", "--yes"]) == 0
    assert main(["registrations", "export", "--training", "NO-SUCH-1"]) == 2
    assert main(["trainings", "list"]) == 0
    out = capsys.readouterr().out
    assert "Recipients:" in out and "queued" in out and "BTK-YK-01" in out

    async def broadcasts() -> list[str | None]:
        from sqlalchemy.ext.asyncio import create_async_engine

        engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'kriya.db'}")
        try:
            async with engine.connect() as connection:
                return list((await connection.execute(select(Broadcast.training_code))).scalars())
        finally:
            await engine.dispose()

    assert asyncio.run(broadcasts()) == ["BTK-YK-01"]
