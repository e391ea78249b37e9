"""Bad replies of the fourth new-user trial, kept as dialogues: each asserts what was stored or changed
(the registration's fields, the profile, subscriptions, a guide step, a list's filter), never the wording."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import Artisan, Registration, Subscription, Training
from tests.channels import ChannelChat, form_step
from tests.dialogues.test_answers import memory_of
from tests.test_privacy_everywhere import register


async def me(chat: ChannelChat) -> Artisan | None:
    async with chat.app.sessionmaker() as session:
        return (await session.execute(select(Artisan).where(Artisan.is_demo.is_(False)))).scalars().first()


async def mine(chat: ChannelChat, code: str) -> Registration | None:
    async with chat.app.sessionmaker() as session:
        return (await session.execute(
            select(Registration).join(Training).join(Artisan, Artisan.id == Registration.artisan_id)
            .where(Training.code == code, Artisan.is_demo.is_(False)))).scalars().first()


async def subscriptions(chat: ChannelChat) -> set[tuple[str, str]]:
    async with chat.app.sessionmaker() as session:
        return {(s.craft, s.region) for s in (await session.execute(select(Subscription))).scalars()}


async def to_confirmation(chat: ChannelChat, crafts: str = "batik dan perhiasan") -> None:
    await chat.say("BTK-YK-01")
    await chat.tap("Daftar")
    await chat.tap("Setuju")
    answers = {"name": "Nurul Aisyah", "phone": "0812 3456 7777", "crafts": crafts, "region": "Sleman",
               "business": "lewati"}
    for _ in range(8):
        step = (await form_step(chat) or "").split(":")[-1]
        if step == "confirm":
            return
        await chat.say(answers[step])
    raise AssertionError("the confirmation was never asked")


# --- changes said at the confirmation ---------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "field", "value"), [
    ("change my crafts to just batik", "crafts", ["batik"]),
    ("kerajinannya tenun aja deh", "crafts", ["tenun"]),
    ("wait, the name should be Nurul Aisyah Ahmad", "full_name", "Nurul Aisyah Ahmad"),
    ("bukan, nama saya Sri Wahyuni", "full_name", "Sri Wahyuni"),
])
async def test_a_change_said_at_the_confirmation_is_what_is_saved(anywhere: ChannelChat, typed: str, field: str,
                                                                    value: object) -> None:
    await to_confirmation(anywhere)
    await anywhere.say(typed)
    assert (await form_step(anywhere) or "").endswith("confirm")
    await anywhere.say("ya daftar")
    registration = await mine(anywhere, "BTK-YK-01")
    assert registration is not None and registration.status == "registered"
    person = await me(anywhere)
    assert person is not None and getattr(person, field) == value


async def test_a_plain_no_with_a_remark_at_the_confirmation_loses_nothing(console: ChannelChat) -> None:
    await to_confirmation(console)
    await console.say("bukan gitu maksudnya")  # not a cancel: the form stays
    assert (await form_step(console) or "").startswith("reg:")


@pytest.mark.parametrize("refusal", ["ga mau ah, ngapain data saya disimpen", "nggak, takut disalahgunakan",
                                     "no, I don't want that"])
async def test_a_refusal_with_a_reason_at_the_consent_stores_nothing(console: ChannelChat, refusal: str) -> None:
    await console.say("BTK-YK-01")
    await console.tap("Daftar")
    await console.say(refusal)
    assert await form_step(console) is None
    person = await me(console)
    assert person is None or person.consent_at is None


# --- the business name "there is none" in regional words ---------------------------------------------------

@pytest.mark.parametrize("none", ["ten wenten", "indak ado", "ten wenten nggih"])
async def test_no_business_in_regional_words(console: ChannelChat, none: str) -> None:
    await console.say("BTK-YK-01")
    await console.tap("Daftar")
    await console.tap("Setuju")
    for reply in ("Komang Adi", "0812 3456 7777", "ukir kayu", "Gianyar"):
        await console.say(reply)
    assert (await form_step(console) or "").endswith("business")
    await console.say(none)
    await console.say("ya daftar")
    person = await me(console)
    assert person is not None and person.business_name is None


# --- the profile ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "field", "value"), [
    ("nomor hp saya 0857-1122-3344", "phone", "+6285711223344"),
    ("wilayah saya jepara", "regency", "33.20"),
    ("usaha saya Mebel Ukir Slamet", "business_name", "Mebel Ukir Slamet"),
])
async def test_a_field_said_plainly_under_the_profile(console: ChannelChat, typed: str, field: str,
                                                      value: str) -> None:
    await register(console)
    await console.say("profil")
    await console.say(typed)
    person = await me(console)
    assert person is not None and getattr(person, field) == value


async def test_changes_said_while_the_consent_is_asked_are_all_saved(console: ChannelChat) -> None:
    await console.say("aku pindah ke kudus")  # no consent yet: asked first
    await console.say("kerajinan saya ukir kayu sama bambu")
    await console.say("usaha saya Mebel Ukir Slamet")
    person = await me(console)
    assert person is None or person.consent_at is None  # nothing kept before the yes
    await console.say("setuju")
    person = await me(console)
    assert person is not None and person.consent_at is not None
    assert person.regency == "33.19" and set(person.crafts or []) == {"kayu", "bambu"}
    assert person.business_name == "Mebel Ukir Slamet"


async def test_a_craft_change_under_a_list_changes_the_list_not_the_profile(console: ChannelChat) -> None:
    await console.say("pelatihan batik")
    await console.say("ganti ke kerajinan perak")
    memory = await memory_of(console)
    assert memory.get("focus") == "list" and (memory.get("shown") or {}).get("w", {}).get("c") == "perak"
    person = await me(console)
    assert person is not None and not person.crafts and person.consent_at is None


# --- someone else cancelling ---------------------------------------------------------------------------------

async def test_asking_about_others_cancelling_cancels_nothing(console: ChannelChat) -> None:
    await register(console)
    await console.say("kalo ada yg batal aku dikabarin ga?")
    await console.say("iya")  # whatever was asked, a yes here must not cancel the registration
    registration = await mine(console, "BTK-YK-01")
    assert registration is not None and registration.status == "registered"


# --- questions under a guide and about the training in view ---------------------------------------------------

@pytest.mark.parametrize("go_on", ["iya pandu", "yes guide me", "terusin"])
async def test_a_guide_started_in_words(console: ChannelChat, go_on: str) -> None:
    await console.say("cara daftar merek")
    await console.say(go_on)
    assert (await memory_of(console)).get("guide") == {"topic": "merek", "step": 1}


async def test_requirements_asked_under_a_guide_keep_the_step(console: ChannelChat) -> None:
    await console.say("cara daftar merek")
    await console.say("lanjut")
    await console.say("syaratnya apa aja")
    assert (await memory_of(console)).get("guide") == {"topic": "merek", "step": 1}
    await console.say("lanjut")
    assert (await memory_of(console)).get("guide") == {"topic": "merek", "step": 2}


@pytest.mark.parametrize("question", ["persyaratannya apa aja", "what do I need to join? any requirements"])
async def test_requirements_of_the_training_in_view(console: ChannelChat, question: str) -> None:
    await console.say("PRH-YK-01")
    await console.say(question)
    memory = await memory_of(console)
    assert memory.get("training") == "PRH-YK-01" and memory.get("focus") == "training"


async def test_online_asked_after_a_detail_filters_the_list(console: ChannelChat) -> None:
    await console.say("pelatihan batik")
    await console.say("2")
    await console.say("kalo yg online ada?")
    memory = await memory_of(console)
    assert memory.get("focus") == "list"
    async with console.app.sessionmaker() as session:
        modes = set((await session.execute(select(Training.mode).where(
            Training.code.in_(memory.get("list") or [])))).scalars())
    assert modes and modes <= {"online", "hybrid"}


# --- subscriptions --------------------------------------------------------------------------------------------

async def test_a_subscription_narrowed_by_its_region_then_widened_by_two_crafts(console: ChannelChat) -> None:
    await console.say("langganan info tenun")
    await console.say("daerah NTT")
    assert await subscriptions(console) == {("tenun", "53")}
    await console.say("eh tambahin ikat juga deh, sama anyaman")  # ikat is tenun: only anyaman is new
    assert await subscriptions(console) == {("tenun", "53"), ("anyaman", "53")}


async def test_two_subscriptions_asked_one_after_the_other_are_both_kept(console: ChannelChat) -> None:
    await console.say("langganan batik")
    await console.say("langganan perak di bali")
    assert await subscriptions(console) == {("batik", ""), ("perak", "51")}


# --- participants from abroad and greetings with a question ------------------------------------------------

@pytest.mark.parametrize("first", ["I am a silversmith from Penang, Malaysia. Any course I can join?",
                                   "show me all trainings open to foreign participants"])
async def test_trainings_open_to_participants_from_abroad(console: ChannelChat, first: str) -> None:
    await console.say(first)
    listed = (await memory_of(console)).get("list") or []
    async with console.app.sessionmaker() as session:
        languages = set((await session.execute(select(Training.language).where(
            Training.code.in_(listed)))).scalars())
    assert listed and languages == {"en"}


async def test_a_greeting_with_a_question_answers_the_question(console: ChannelChat) -> None:
    await console.say("om swastiastu, wenten pelatihan ukir kayu ring gianyar?")
    memory = await memory_of(console)
    assert (memory.get("shown") or {}).get("w", {}).get("c") == "kayu"
