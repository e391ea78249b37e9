"""Two-way confirmation and seats offered from the waitlist, on the console, Telegram and WhatsApp: the question
comes at its time, is answered in the person's own words, a no frees the seat for the first person waiting, an
offer is taken in words, or expires and passes on; people who said STOP are not asked."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.services.registrations import Registrations
from bot.services.trainings import TrainingCatalogue
from tests.attendance import (
    TRAINING,
    asking_moment,
    fill_up,
    notices_to,
    offers_by_person,
    person,
    register,
    registration_of,
    scheduler_pass,
    seats_held,
    training_of,
    waiting,
)
from tests.channels import ChannelChat
from tests.conftest import Clock
from tests.dialogues.test_answers import person_of


def clock_of(chat: ChannelChat) -> Clock:
    clock = chat.app.clock
    assert isinstance(clock, Clock)
    return clock


async def me(chat: ChannelChat) -> int:
    await chat.say("halo")
    found = await person_of(chat)
    assert found is not None
    return found.id


async def asked(chat: ChannelChat) -> int:
    """The person registered for the training and asked, at its moment (3 days before), whether they come."""
    artisan_id = await me(chat)
    assert (await register(chat.app, artisan_id)).status == "registered"
    training = await training_of(chat.app)
    clock_of(chat).now = asking_moment(training) - timedelta(hours=1)
    await scheduler_pass(chat.app)
    assert await notices_to(chat.app, artisan_id, "confirm:") == []  # not yet
    assert (await registration_of(chat.app, artisan_id)).confirmation is None
    clock_of(chat).now = asking_moment(training) + timedelta(minutes=1)
    counts = await scheduler_pass(chat.app)
    assert counts["confirm_asked"] >= 1
    [question] = await notices_to(chat.app, artisan_id, "confirm:")
    assert question.channel == chat.channel and question.external_id == chat.user
    code = (await registration_of(chat.app, artisan_id)).code
    assert [b["payload"] for b in question.body["buttons"]][:2] == [f"cf:{code}:y", f"cf:{code}:n"]
    assert await notices_to(chat.app, artisan_id, "reminder:") == []  # the reminder came with the question
    await scheduler_pass(chat.app)
    assert len(await notices_to(chat.app, artisan_id, "confirm:")) == 1  # asked once
    assert (await registration_of(chat.app, artisan_id)).confirmation == "asked"
    return artisan_id


@pytest.mark.parametrize("yes", ["iya insyaallah dtg", "nggih", "Siap hadir kak 🙏", "yes I'll be there"])
async def test_the_question_comes_at_its_time_and_a_yes_in_words_is_recorded(anywhere: ChannelChat,
                                                                             yes: str) -> None:
    artisan_id = await asked(anywhere)
    await anywhere.say(yes)
    registration = await registration_of(anywhere.app, artisan_id)
    assert registration.status == "registered" and registration.confirmation == "confirmed"


@pytest.mark.parametrize("no", ["ga bisa kak ada acara", "maaf berhalangan", "can't make it", "TIDAK BISA DATANG"])
async def test_a_no_in_words_cancels_after_one_more_question_and_offers_the_seat(anywhere: ChannelChat,
                                                                                 no: str) -> None:
    artisan_id = await asked(anywhere)
    await fill_up(anywhere.app)
    first, second = await waiting(anywhere.app, 2)
    await anywhere.say(no)
    assert (await registration_of(anywhere.app, artisan_id)).status == "registered"  # asked once more first
    assert await offers_by_person(anywhere.app) == {}
    await anywhere.say("iya")
    registration = await registration_of(anywhere.app, artisan_id)
    assert registration.status == "cancelled" and registration.confirmation == "declined"
    assert await offers_by_person(anywhere.app) == {first: ["pending"]}  # the first waiting, at once
    [offer] = await notices_to(anywhere.app, first, "offer:")
    assert offer.body["buttons"][0]["payload"] == f"of:{(await registration_of(anywhere.app, first)).code}:y"
    assert await notices_to(anywhere.app, second, "offer:") == []
    training = await training_of(anywhere.app)
    assert await seats_held(anywhere.app) == training.quota


async def test_keeping_the_seat_at_the_second_question_confirms(anywhere: ChannelChat) -> None:
    artisan_id = await asked(anywhere)
    await anywhere.say("Tidak bisa datang")  # the question's button, typed
    await anywhere.tap("Saya tetap datang")
    registration = await registration_of(anywhere.app, artisan_id)
    assert registration.status == "registered" and registration.confirmation == "confirmed"


async def offered(chat: ChannelChat) -> tuple[int, list[int]]:
    """The person on the full training's waitlist, first in line, and offered the seat someone freed; two more
    people wait behind them."""
    training = await fill_up(chat.app, free=1)
    holder_id = await person(chat.app, "Pemegang kursi", "holder-1")
    assert (await register(chat.app, holder_id)).status == "registered"  # the last free seat
    artisan_id = await me(chat)
    assert (await register(chat.app, artisan_id)).status == "waitlisted"
    behind = await waiting(chat.app, 2)
    code = (await registration_of(chat.app, holder_id)).code
    async with chat.app.sessionmaker() as session, session.begin():
        await Registrations(session, chat.app.clock(), chat.app.settings.policy).cancel(holder_id, code)
    assert await offers_by_person(chat.app) == {artisan_id: ["pending"]}
    assert await seats_held(chat.app) == training.quota
    async with chat.app.sessionmaker() as session:  # the catalogue shows no free seat: the offer holds it
        [view] = await TrainingCatalogue(session, chat.app.clock()).by_codes([TRAINING])
    assert view.seats_left == 0
    return artisan_id, behind


@pytest.mark.parametrize("take", ["mau", "ambil kak", "yes", "Ambil kursi"])
async def test_an_offer_taken_in_words_registers(anywhere: ChannelChat, take: str) -> None:
    artisan_id, behind = await offered(anywhere)
    await anywhere.say(take)
    registration = await registration_of(anywhere.app, artisan_id)
    assert registration.status == "registered" and registration.confirmation == "confirmed"
    assert await offers_by_person(anywhere.app) == {artisan_id: ["accepted"]}
    assert await seats_held(anywhere.app) == (await training_of(anywhere.app)).quota
    assert [(await registration_of(anywhere.app, b)).status for b in behind] == ["waitlisted", "waitlisted"]


async def test_an_offer_not_taken_expires_and_passes_to_the_next(anywhere: ChannelChat) -> None:
    artisan_id, (second, third) = await offered(anywhere)
    clock_of(anywhere).advance(hours=23)
    await scheduler_pass(anywhere.app)
    assert await offers_by_person(anywhere.app) == {artisan_id: ["pending"]}  # still holding
    clock_of(anywhere).advance(hours=2)
    counts = await scheduler_pass(anywhere.app)
    assert counts["offers_expired"] == 1
    assert await offers_by_person(anywhere.app) == {artisan_id: ["expired"], second: ["pending"]}
    await anywhere.say("mau kak")  # too late
    assert (await registration_of(anywhere.app, artisan_id)).status == "waitlisted"
    assert await offers_by_person(anywhere.app) == {artisan_id: ["expired"], second: ["pending"]}
    assert (await registration_of(anywhere.app, third)).status == "waitlisted"
    assert await seats_held(anywhere.app) == (await training_of(anywhere.app)).quota


async def test_an_accept_after_the_expiry_before_any_pass_passes_the_seat_on(anywhere: ChannelChat) -> None:
    artisan_id, (second, _third) = await offered(anywhere)
    clock_of(anywhere).advance(hours=25)
    await anywhere.say("ambil")
    assert (await registration_of(anywhere.app, artisan_id)).status == "waitlisted"
    assert await offers_by_person(anywhere.app) == {artisan_id: ["expired"], second: ["pending"]}


@pytest.mark.parametrize("no", ["ga usah kak", "no thanks"])
async def test_an_offer_declined_in_words_goes_to_the_next(anywhere: ChannelChat, no: str) -> None:
    artisan_id, (second, _third) = await offered(anywhere)
    await anywhere.say(no)
    assert await offers_by_person(anywhere.app) == {artisan_id: ["pending"]}  # asked once more
    await anywhere.say("iya")
    assert (await registration_of(anywhere.app, artisan_id)).status == "cancelled"
    assert await offers_by_person(anywhere.app) == {artisan_id: ["declined"], second: ["pending"]}


async def test_people_who_said_stop_are_not_asked(anywhere: ChannelChat) -> None:
    artisan_id = await me(anywhere)
    assert (await register(anywhere.app, artisan_id)).status == "registered"
    await anywhere.say("STOP")
    clock_of(anywhere).now = asking_moment(await training_of(anywhere.app)) + timedelta(hours=1)
    await scheduler_pass(anywhere.app)
    assert await notices_to(anywhere.app, artisan_id, "confirm:") == []
    assert (await registration_of(anywhere.app, artisan_id)).confirmation == "not_asked"
    await anywhere.say("iya datang")  # nothing to answer: no confirmation is recorded
    assert (await registration_of(anywhere.app, artisan_id)).confirmation == "not_asked"
