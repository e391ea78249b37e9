"""The confirmation question and the reminder due at the same time come as one message (bot/services/asking.py):
the registrant gets one message 3 days before with the reminder's facts and the question's buttons, answers it as
before, and still gets the 1-day and 2-hour reminders; a question on a day of its own comes alone, the reminders at
their own times. On the console, Telegram and WhatsApp (outside the 24-hour window: the confirm template)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.app import App, open_app
from bot.config import Settings
from bot.i18n import format_when, use_language
from bot.regions import zone_of
from bot.services.asking import MERGED
from bot.services.timing import in_quiet_hours
from db.models import Artisan, OutboxMessage, Reminder, Training
from db.seed import seed_demo
from tests.attendance import TRAINING, register, registration_of, scheduler_pass, training_of
from tests.channels import TELEGRAM_CHAT, WHATSAPP_USER, ChannelChat, ConsoleChat, TelegramChat, WhatsAppChat
from tests.conftest import Chat, Clock
from tests.dialogues.test_answers import person_of
from tests.whatsapp.conftest import quick_reply

DAY = timedelta(days=1)


async def me(chat: ChannelChat) -> int:
    await chat.say("halo")
    found = await person_of(chat)
    assert found is not None
    return found.id


async def rows_to(app: App, artisan_id: int) -> list[OutboxMessage]:
    """The proactive messages queued for the person (replies aside), oldest first."""
    async with app.sessionmaker() as session:
        return list((await session.execute(select(OutboxMessage).where(
            OutboxMessage.artisan_id == artisan_id, OutboxMessage.kind != "reply").order_by(OutboxMessage.id))).scalars())


async def reminders_of(app: App, artisan_id: int) -> dict[int, str]:
    """The person's reminders before the start: {offset in seconds: status}."""
    async with app.sessionmaker() as session:
        return dict((await session.execute(select(Reminder.offset_seconds, Reminder.status).where(
            Reminder.artisan_id == artisan_id, Reminder.kind == "before_start"))).tuples().all())


async def due_at(app: App, artisan_id: int, offset: timedelta) -> datetime:
    async with app.sessionmaker() as session:
        return (await session.execute(select(Reminder.due_at).where(
            Reminder.artisan_id == artisan_id, Reminder.offset_seconds == int(offset.total_seconds())))).scalar_one()


def received(chat: ChannelChat) -> list[str]:
    """What the platform took for the person, one entry a message (a template: its JSON); the console: nothing."""
    if isinstance(chat, TelegramChat):
        return [str(p.get("text", p.get("caption", ""))) + json.dumps(p.get("reply_markup") or "")
                for p in chat.kriya.fake.shown(TELEGRAM_CHAT)]
    if isinstance(chat, WhatsAppChat):
        return [json.dumps(s.payload, ensure_ascii=False) for s in chat.harness.fake.to(WHATSAPP_USER)]
    return []


async def answer(chat: ChannelChat, payload: str, title: str) -> None:
    """Tap a button of the proactive message: on WhatsApp the template's quick reply (its payload)."""
    if isinstance(chat, ConsoleChat):
        chat.sent_replies += await chat.chat.send(payload=payload)
    elif isinstance(chat, WhatsAppChat):
        await chat._send(quick_reply(payload, title, user=WHATSAPP_USER, wamid=chat.wamid()))
    else:
        await chat.tap(title)


def when_shown(training: Training) -> str:
    """The start as a reminder shows it: in the training's own zone, in Indonesian."""
    zone = zone_of(training.regency or training.province)
    with use_language("id"):
        return format_when(training.starts_at, zone.zone, zone.name)


async def one_message_at_three_days(chat: ChannelChat) -> tuple[int, str, OutboxMessage]:
    """Registered, then 3 days before: exactly one message, the reminder's facts with the question's buttons."""
    clock = chat.app.clock
    assert isinstance(clock, Clock)
    artisan_id = await me(chat)
    assert (await register(chat.app, artisan_id)).status == "registered"
    code = (await registration_of(chat.app, artisan_id)).code
    training = await training_of(chat.app)
    before = len(received(chat))
    clock.now = training.starts_at - 3 * DAY - timedelta(hours=1)
    await scheduler_pass(chat.app)
    assert await rows_to(chat.app, artisan_id) == []
    clock.now = training.starts_at - 3 * DAY + timedelta(minutes=1)
    counts = await scheduler_pass(chat.app)
    assert counts["confirm_asked"] == 1 and counts["reminders_joined"] == 1
    await chat.app.outbox.run_once()
    for _later in range(3):  # more passes: nothing more
        clock.advance(minutes=20)
        await scheduler_pass(chat.app)
        await chat.app.outbox.run_once()
    [question] = await rows_to(chat.app, artisan_id)
    assert question.dedupe_key.startswith("confirm:")
    for fact in (training.title, when_shown(training), training.venue, code):
        assert fact in question.body["text"]
    assert [b["payload"] for b in question.body["buttons"]][:2] == [f"cf:{code}:y", f"cf:{code}:n"]
    assert (await reminders_of(chat.app, artisan_id))[int(3 * DAY.total_seconds())] == MERGED
    platform = received(chat)[before:]
    if isinstance(chat, ConsoleChat):
        assert platform == []
    else:
        assert question.status == "sent"
        [message] = platform  # one message, not two
        for fact in (training.title, when_shown(training), training.venue, code, f"cf:{code}:y", f"cf:{code}:n"):
            assert fact in message, fact
    if isinstance(chat, WhatsAppChat):  # silent for days: outside the window, as the confirm template
        template = json.loads(message)["template"]
        assert template["name"] == "kriya_confirm"
        assert [b["parameters"][0]["payload"] for b in template["components"] if b["type"] == "button"] == [
            f"cf:{code}:y", f"cf:{code}:n"]
    return artisan_id, code, question


async def test_one_message_at_three_days_a_yes_confirms_and_the_later_reminders_still_go(
        anywhere: ChannelChat) -> None:
    artisan_id, code, _question = await one_message_at_three_days(anywhere)
    await answer(anywhere, f"cf:{code}:y", "Ya, saya datang")
    assert (await registration_of(anywhere.app, artisan_id)).confirmation == "confirmed"
    clock = anywhere.app.clock
    assert isinstance(clock, Clock)
    training = await training_of(anywhere.app)
    for offset in (DAY, timedelta(hours=2)):
        before = len(received(anywhere))
        clock.now = await due_at(anywhere.app, artisan_id, offset) + timedelta(minutes=1)  # after quiet hours
        assert (await scheduler_pass(anywhere.app))["queued"] == 1
        await anywhere.app.outbox.run_once()
        if not isinstance(anywhere, ConsoleChat):
            [reminder] = received(anywhere)[before:]
            assert training.title in reminder and "cf:" not in reminder
    statuses = await reminders_of(anywhere.app, artisan_id)
    assert statuses == {int(3 * DAY.total_seconds()): MERGED, int(DAY.total_seconds()): "queued", 7200: "queued"}
    assert [row.dedupe_key.split(":")[0] for row in await rows_to(anywhere.app, artisan_id)] == [
        "confirm", "reminder", "reminder"]


async def test_a_no_to_the_one_message_cancels_after_asking_once_more(anywhere: ChannelChat) -> None:
    artisan_id, code, _question = await one_message_at_three_days(anywhere)
    await answer(anywhere, f"cf:{code}:n", "Tidak bisa datang")
    assert (await registration_of(anywhere.app, artisan_id)).status == "registered"  # asked once more
    await anywhere.tap("Ya, batalkan")
    registration = await registration_of(anywhere.app, artisan_id)
    assert registration.status == "cancelled" and registration.confirmation == "declined"
    clock = anywhere.app.clock
    assert isinstance(clock, Clock)
    clock.now = (await training_of(anywhere.app)).starts_at - DAY + timedelta(minutes=1)
    await scheduler_pass(anywhere.app)
    assert [row.dedupe_key.split(":")[0] for row in await rows_to(anywhere.app, artisan_id)] == ["confirm"]


# --- the console, with settings of its own -------------------------------------------------------------------

@pytest.fixture
async def make_app(database_url: str, clock: Clock) -> AsyncIterator[object]:
    """An app with the demo catalogue and the reminder offsets (and quiet hours: none by default) a test gives."""
    opened: list[object] = []

    async def make(offsets: tuple[timedelta, ...] = (3 * DAY, DAY, timedelta(hours=2)),
                   quiet_hours: tuple[int, int] | None = None) -> App:
        manager = open_app(Settings(database_url=database_url, reminder_offsets=offsets, quiet_hours=quiet_hours),
                           clock=clock, migrate=False)
        app = await manager.__aenter__()
        opened.append(manager)
        async with app.sessionmaker() as session, session.begin():
            await seed_demo(session, clock())
        return app

    yield make
    for manager in reversed(opened):
        await manager.__aexit__(None, None, None)  # type: ignore[attr-defined]


async def registered(app: App, confirm_days: int | None = None, user: str = "console-1") -> int:
    chat = Chat(app, user=user)
    await chat.say("halo")
    async with app.sessionmaker() as session, session.begin():
        person = (await session.execute(select(Artisan).order_by(Artisan.id.desc()).limit(1))).scalar_one()
        await session.execute(update(Training).where(Training.code == TRAINING).values(
            confirm_days=confirm_days, registration_deadline=None))
    assert (await register(app, person.id)).status == "registered"
    return person.id


async def passes_until(app: App, clock: Clock, moments: list[timedelta]) -> None:
    """Scheduler passes at each moment before the start (and one a minute after)."""
    training = await training_of(app)
    for before in moments:
        for shift in (timedelta(0), timedelta(minutes=1)):
            clock.now = training.starts_at - before + shift
            await scheduler_pass(app)


@pytest.mark.parametrize("days", [5, 2])
async def test_a_question_on_a_day_of_its_own_comes_alone_and_the_reminders_at_their_times(
        make_app, clock: Clock, days: int) -> None:  # type: ignore[no-untyped-def]
    app = await make_app()
    artisan_id = await registered(app, confirm_days=days)
    code = (await registration_of(app, artisan_id)).code
    moments = sorted([timedelta(days=days), 3 * DAY, DAY, timedelta(hours=2)], reverse=True)
    await passes_until(app, clock, moments)
    rows = await rows_to(app, artisan_id)
    kinds = [row.dedupe_key.split(":")[0] for row in rows]
    assert kinds == ["confirm" if m == timedelta(days=days) else "reminder" for m in moments]
    question = rows[kinds.index("confirm")]
    assert [b["payload"] for b in question.body["buttons"]] == [f"cf:{code}:y", f"cf:{code}:n"]  # the question alone
    assert all("cf:" not in json.dumps(row.body) for row in rows if row is not question)
    assert set((await reminders_of(app, artisan_id)).values()) == {"queued"}


async def test_a_reminder_a_few_hours_before_the_question_waits_for_it(make_app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    """Reminders at 75 hours (3 hours before the question) and 70 hours: both go with the question, at its time."""
    app = await make_app(offsets=(timedelta(hours=75), timedelta(hours=70), DAY))
    artisan_id = await registered(app)
    training = await training_of(app)
    clock.now = training.starts_at - timedelta(hours=75) + timedelta(minutes=1)
    counts = await scheduler_pass(app)
    assert counts["held"] == 1 and await rows_to(app, artisan_id) == []  # waits for the question
    clock.advance(hours=1)
    assert (await scheduler_pass(app))["held"] == 0  # not looked at again before the question's moment
    await passes_until(app, clock, [3 * DAY, timedelta(hours=70), DAY])
    rows = await rows_to(app, artisan_id)
    assert [row.dedupe_key.split(":")[0] for row in rows] == ["confirm", "reminder"]
    assert rows[0].not_before == training.starts_at - 3 * DAY and training.venue in rows[0].body["text"]
    assert await reminders_of(app, artisan_id) == {75 * 3600: MERGED, 70 * 3600: MERGED, 86400: "queued"}


async def test_registered_after_the_question_the_reminder_goes_alone(make_app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    """Registered between the question's moment (72 hours) and a reminder at 70 hours: not asked, reminded."""
    app = await make_app(offsets=(timedelta(hours=70), DAY))
    training = await training_of(app)
    clock.now = training.starts_at - timedelta(hours=71)
    artisan_id = await registered(app)
    await passes_until(app, clock, [timedelta(hours=70)])
    assert [row.dedupe_key.split(":")[0] for row in await rows_to(app, artisan_id)] == ["reminder"]
    assert (await registration_of(app, artisan_id)).confirmation == "not_asked"


# Trainings at 07.30 in their own zone: 3 days before is 05.30 WIB for a WIT training, quiet hours in Java.
@pytest.mark.parametrize("training_region", ["34.71", "51.71", "91.71"], ids=["WIB", "WITA", "WIT"])
@pytest.mark.parametrize("person_region", ["34.71", "51.71", "91.71"], ids=["WIB", "WITA", "WIT"])
async def test_one_message_in_every_zone_after_the_persons_quiet_hours(
        make_app, clock: Clock, training_region: str, person_region: str) -> None:  # type: ignore[no-untyped-def]
    app = await make_app(quiet_hours=(21, 7))
    artisan_id = await registered(app)
    training = await training_of(app)
    zone = zone_of(training_region).zone
    local = training.starts_at.astimezone(zone).replace(hour=7, minute=30)
    async with app.sessionmaker() as session, session.begin():
        await session.execute(update(Artisan).where(Artisan.id == artisan_id).values(
            province=person_region.split(".")[0], regency=person_region))
        await session.execute(update(Training).where(Training.code == TRAINING).values(
            province=training_region.split(".")[0], regency=training_region, starts_at=local))
        from bot.services.reminders import ReminderPlanner

        await ReminderPlanner(session, clock(), app.settings.policy).replan_training(training.id)
    training = await training_of(app)
    for hours in range(0, 12):  # passes every hour from the question's moment on
        clock.now = training.starts_at - 3 * DAY + timedelta(hours=hours, minutes=1)
        await scheduler_pass(app)
    [question] = await rows_to(app, artisan_id)
    assert question.dedupe_key.startswith("confirm:") and when_shown(training) in question.body["text"]
    assert zone_of(training_region).name in question.body["text"]
    person = zone_of(person_region).zone
    assert not in_quiet_hours(question.not_before, person, app.settings.policy.quiet_hours)
    assert question.not_before - (training.starts_at - 3 * DAY) < timedelta(hours=3)
    assert (await reminders_of(app, artisan_id))[int(3 * DAY.total_seconds())] == MERGED
