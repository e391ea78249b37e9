"""Deleting a person's data, asked in the chat or by the two-year purge, leaves no trace of them in any table,
on every channel (UU PDP 27/2022)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.scheduler import Scheduler
from bot.services.reminders import Policy
from db.models import Artisan, Base, OutboxMessage, Registration, Training
from tests.channels import CHANNELS, ChannelChat, chatting, form_step
from tests.conftest import Clock

NAME = "Sulastri Wijayakusuma"
PHONE = "0812-9876-5432"
BUSINESS = "Batik Parangkusumo Lestari"


@pytest.fixture(params=CHANNELS)
async def person(request: pytest.FixtureRequest, database_url: str, clock: Clock) -> AsyncIterator[ChannelChat]:
    async with chatting(request.param, database_url, clock) as chat:
        yield chat


def traces(chat: ChannelChat) -> list[str]:
    """What identifies the person: their name, business, phone (in any format) and their id on the channel."""
    return [NAME, BUSINESS, "81298765432", chat.user]


async def everything(app: App) -> list[tuple[str, str]]:
    """Every value of every row of every table, as text: (table, value)."""
    found = []
    async with app.sessionmaker() as session:
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                for value in row:
                    if value is not None:
                        found.append((table.name, json.dumps(value) if isinstance(value, dict | list) else str(value)))
    return found


async def left_of(app: App, wanted: list[str]) -> list[tuple[str, str]]:
    return [(table, value) for table, value in await everything(app) if any(w in value for w in wanted)]


async def register(chat: ChannelChat, code: str = "BTK-YK-01", expect: str = "registered") -> None:
    """Open a training and answer the first registration's questions, whatever the channel asks; the registration
    ends `expect` (a full training's is waitlisted)."""
    await chat.say(code)
    await chat.tap("Daftar")
    await chat.tap("Setuju")
    answers = {"name": NAME, "phone": PHONE, "region": "Sleman", "business": BUSINESS}
    for _ in range(10):
        step = (await form_step(chat) or "").split(":")[-1]
        if step == "crafts":
            await chat.tap("Batik")
            await chat.tap("Selesai")
        elif step == "confirm":
            await chat.tap("Ya, daftar")
            break
        else:
            assert step in answers, step
            await chat.say(answers[step])
    async with chat.app.sessionmaker() as session:
        status = await session.scalar(
            select(Registration.status).join(Training).join(Artisan, Artisan.id == Registration.artisan_id)
            .where(Training.code == code, Artisan.full_name == NAME))
    assert status == expect


async def scheduler_pass(app: App, clock: Clock) -> dict[str, int] | None:
    return await Scheduler(app.sessionmaker, clock, Policy(), interval=30).run_pass()


async def sent_to(chat: ChannelChat) -> int:
    """How many messages the platform (or the console) delivered to the person so far."""
    async with chat.app.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(OutboxMessage)
                                        .where(OutboxMessage.status == "sent")) or 0)


async def test_deleting_my_data_leaves_nothing_that_identifies_me(person: ChannelChat, clock: Clock) -> None:
    await register(person)
    await person.say("langganan batik")
    assert await left_of(person.app, traces(person))  # the check can see the person while they are there
    await person.say("hapus data saya")
    await person.tap("Ya, hapus")
    async with person.app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Artisan).where(Artisan.is_demo.is_(False))) == 0
        if person.channel != "console":  # the confirmation went out (then its row is scrubbed)
            confirmation = (await session.execute(
                select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(1))).scalar_one()
            assert confirmation.status == "sent" and confirmation.artisan_id is None
    assert await left_of(person.app, traces(person)) == []  # at once, not only after the next scheduler pass
    clock.advance(seconds=30)
    await scheduler_pass(person.app, clock)
    assert await left_of(person.app, traces(person)) == []
    async with person.app.sessionmaker() as session:  # the seat is free again, the count stays anonymous
        statuses = (await session.execute(
            select(Registration.status).join(Training)
            .where(Training.code == "BTK-YK-01", Registration.artisan_id.is_(None)))).scalars().all()
    assert "cancelled" in statuses


async def test_people_silent_for_two_years_are_purged_without_a_trace(person: ChannelChat, clock: Clock) -> None:
    await register(person, code="BTK-YK-01")
    await person.say("terima kasih")
    clock.advance(days=731)
    counts: dict[str, Any] | None = await scheduler_pass(person.app, clock)
    assert counts is not None and counts["purged"] == 1
    assert await left_of(person.app, traces(person)) == []
