"""Follow-ups 1, 3 and 6 months after a training, through console, Telegram and WhatsApp: a person registers in
the chat, is checked in at the door, and is asked once at each of 1, 3 and 6 months (the test clock moves; the
scheduler's pass is run twice to show it asks once), at a polite local hour; answers typed the way artisans write
are stored per follow-up; "gak usah tanya2 lagi" and STOP stop the rest; a registrant who did not come, or who
deleted their data, gets none. The state is asserted (rows, outbox keys), never the wording."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.regions import zone_of
from bot.scheduler import Scheduler
from bot.services.reminders import Policy
from db.models import CheckIn, FollowUp, OutboxMessage, Registration, Training
from tests.channels import ChannelChat, form_step
from tests.dialogues.test_forms import person
from tests.forms import DEMO_CODE, fill_form


async def _registered(chat: ChannelChat, attended: bool = True) -> Registration:
    """Registered for the demo training in the chat; checked in at its door when `attended`."""
    await fill_form(chat, "Sri Rahayu", "0812 2233 4455")
    await chat.say("cewek")  # the gender, asked on the confirmation
    await chat.tap("Ya, daftar")
    someone = await person(chat)
    async with chat.app.sessionmaker() as session, session.begin():
        registration = (await session.execute(
            select(Registration).join(Training).where(Training.code == DEMO_CODE,
                                                      Registration.artisan_id == someone.id))).scalar_one()
        if attended:
            session.add(CheckIn(registration_id=registration.id, checked_in_at=chat.app.clock(),
                                day=chat.app.clock().date()))
    return registration


async def _pass(chat: ChannelChat) -> None:
    await Scheduler(chat.app.sessionmaker, chat.app.clock, Policy(), interval=30).run_pass()  # type: ignore[arg-type]


async def _followups(chat: ChannelChat, registration: Registration) -> dict[int, FollowUp]:
    async with chat.app.sessionmaker() as session:
        return {f.months: f for f in (await session.execute(
            select(FollowUp).where(FollowUp.registration_id == registration.id))).scalars()}


async def _asked(chat: ChannelChat) -> list[OutboxMessage]:
    async with chat.app.sessionmaker() as session:
        return list((await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "followup")
                                           .order_by(OutboxMessage.id))).scalars())


async def _to_due(chat: ChannelChat, registration: Registration, months: int) -> None:
    """The test clock at a follow-up's moment, and the scheduler's pass run (twice: it asks once)."""
    due = (await _followups(chat, registration))[months].due_at
    chat.app.clock.now = due + timedelta(minutes=5)  # type: ignore[attr-defined]
    await _pass(chat)
    await _pass(chat)


async def _after_training(chat: ChannelChat) -> None:
    async with chat.app.sessionmaker() as session:
        ends = await session.scalar(select(Training.ends_at).where(Training.code == DEMO_CODE))
    assert ends is not None
    chat.app.clock.now = ends + timedelta(hours=1)  # type: ignore[attr-defined]
    await _pass(chat)


async def test_asked_at_one_three_six_months_and_answered_in_words(anywhere: ChannelChat) -> None:
    registration = await _registered(anywhere)
    assert (await person(anywhere)).gender == "female"
    await _pass(anywhere)
    assert await _followups(anywhere, registration) == {}  # the training has not even started
    await _after_training(anywhere)
    planned = await _followups(anywhere, registration)
    assert sorted(planned) == [1, 3, 6] and {f.status for f in planned.values()} == {"pending"}
    assert await _asked(anywhere) == []
    for months, f in planned.items():  # at ten in the morning of the training's zone
        local = f.due_at.astimezone(zone_of("34.71").zone)
        assert (local.hour, local.minute) == (10, 0)
        assert f.due_at - planned[1].due_at >= timedelta(days=28 * (months - 1))

    await _to_due(anywhere, registration, 1)
    [first] = await _asked(anywhere)
    assert first.dedupe_key == f"followup:{registration.id}:1" and first.channel == anywhere.channel
    assert 7 <= first.not_before.astimezone(zone_of("34.71").zone).hour < 21  # not in quiet hours
    assert await form_step(anywhere) == "fu:sales"
    await anywhere.say("naik dikit kak")
    await anywhere.say("NIB sama merk udah, bnsp belum")
    await anywhere.say("udah jualan di shopee")
    answered = (await _followups(anywhere, registration))[1]
    assert (answered.status, answered.sales, answered.certifications, answered.online) == (
        "answered", "up", ["merek", "nib"], True)
    assert await form_step(anywhere) is None

    await _to_due(anywhere, registration, 3)
    assert [row.dedupe_key for row in await _asked(anywhere)] == [
        f"followup:{registration.id}:1", f"followup:{registration.id}:3"]
    await anywhere.say("sama aja kak, sepi")  # two readings: asked again
    assert (await _followups(anywhere, registration))[3].sales is None
    await anywhere.say("gak naik gak turun")
    await anywhere.say("blm ada")
    await anywhere.say("belum, masih offline")
    third = (await _followups(anywhere, registration))[3]
    assert (third.sales, third.certifications, third.online) == ("same", [], False)

    await _to_due(anywhere, registration, 6)
    assert len(await _asked(anywhere)) == 3
    await anywhere.say("gak usah tanya2 lagi")
    sixth = (await _followups(anywhere, registration))[6]
    assert sixth.status == "stopped" and sixth.sales is None and await form_step(anywhere) is None


async def test_stop_stops_the_follow_ups(anywhere: ChannelChat) -> None:
    registration = await _registered(anywhere)
    await _after_training(anywhere)
    await _to_due(anywhere, registration, 1)
    assert len(await _asked(anywhere)) == 1
    await anywhere.say("STOP")
    assert await form_step(anywhere) is None
    await _to_due(anywhere, registration, 3)
    await _to_due(anywhere, registration, 6)
    assert len(await _asked(anywhere)) == 1  # nothing after STOP
    statuses = {m: f.status for m, f in (await _followups(anywhere, registration)).items()}
    assert statuses == {1: "asked", 3: "skipped", 6: "skipped"}


async def test_no_show_gets_none(anywhere: ChannelChat) -> None:
    registration = await _registered(anywhere, attended=False)
    await _after_training(anywhere)
    anywhere.app.clock.advance(days=200)  # type: ignore[attr-defined]
    await _pass(anywhere)
    assert await _followups(anywhere, registration) == {} and await _asked(anywhere) == []


async def test_deleted_data_gets_none(anywhere: ChannelChat) -> None:
    registration = await _registered(anywhere)
    await _after_training(anywhere)
    await anywhere.say("hapus data saya")
    await anywhere.tap("Ya, hapus")
    async with anywhere.app.sessionmaker() as session:
        assert (await session.get(Registration, registration.id)).artisan_id is None  # type: ignore[union-attr]
    anywhere.app.clock.advance(days=200)  # type: ignore[attr-defined]
    await _pass(anywhere)
    assert await _asked(anywhere) == []
    assert {f.status for f in (await _followups(anywhere, registration)).values()} <= {"skipped"}


async def test_answered_by_buttons_on_telegram(database_url: str, clock: object) -> None:
    """The question sent by the outbox to the fake Bot API carries its buttons; tapping them answers (several
    certifications, then Done)."""
    from tests.channels import TelegramChat, chatting

    async with chatting("telegram", database_url, clock) as chat:  # type: ignore[arg-type]
        assert isinstance(chat, TelegramChat)
        registration = await _registered(chat)
        await _after_training(chat)
        await _to_due(chat, registration, 1)
        assert await chat.app.outbox.run_once() >= 1  # sent to the fake Bot API
        await chat.tap("Turun")
        await chat.tap("BNSP")
        await chat.tap("Batikmark")
        await chat.tap("Selesai")
        await chat.tap("Tidak")
        answered = (await _followups(chat, registration))[1]
        assert (answered.sales, answered.certifications, answered.online) == ("down", ["bnsp", "batikmark"], False)


async def test_a_forged_or_foreign_button_records_nothing(console: ChannelChat) -> None:
    """fu:<id> of someone else's follow-up, or a value no button carries, changes no row."""
    registration = await _registered(console)
    await _after_training(console)
    await _to_due(console, registration, 1)
    mine = (await _followups(console, registration))[1]
    chat = console.chat  # type: ignore[attr-defined]
    await chat.send(payload=f"fu:{mine.id}:sales:sky")  # no such answer: refused by the route's spec
    await chat.send(payload=f"fu:{mine.id + 1}:sales:up")  # another (unasked) follow-up
    assert (await _followups(console, registration))[1].sales is None
    await chat.send(payload=f"fu:{mine.id}:sales:same")
    assert (await _followups(console, registration))[1].sales == "same"
