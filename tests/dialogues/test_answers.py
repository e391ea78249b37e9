"""Answering Kriya's questions in one's own words: yes, no, next, back and "which one", the way artisans type them
(slang, Javanese and Sundanese, English, typos, ALL CAPS, emoji). Each conversation checks what it left in the
database (a registration and its status, a cancellation, a deletion, consent, a guide step), never the wording.
Registration, cancellation and deletion run on every channel (console, Telegram, WhatsApp)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.services.registrations import Registrations
from db.models import Artisan, ChannelIdentity, Conversation, Registration, Training
from tests.channels import ChannelChat, form_step

NAME = "Sri Rahayu Lestari"
PHONE = "0812-2233-4455"
FORM_ANSWERS = {"name": NAME, "phone": PHONE, "crafts": "batik", "region": "Sleman", "business": "Batik Sekar Arum"}


# --- reading the state ------------------------------------------------------------------------------------

async def person_of(chat: ChannelChat) -> Artisan | None:
    async with chat.app.sessionmaker() as session:
        return await session.scalar(
            select(Artisan).join(ChannelIdentity, ChannelIdentity.artisan_id == Artisan.id)
            .where(ChannelIdentity.channel == chat.channel, ChannelIdentity.external_id == chat.user))


async def statuses(chat: ChannelChat) -> dict[str, str]:
    """The person's registrations: {training code: status}."""
    person = await person_of(chat)
    if person is None:
        return {}
    async with chat.app.sessionmaker() as session:
        rows = await session.execute(select(Training.code, Registration.status).join(Training)
                                     .where(Registration.artisan_id == person.id))
        return {code: status for code, status in rows.all()}


async def memory_of(chat: ChannelChat) -> dict[str, Any]:
    person = await person_of(chat)
    assert person is not None
    async with chat.app.sessionmaker() as session:
        data = await session.scalar(select(Conversation.data).where(Conversation.artisan_id == person.id))
    return dict((data or {}).get("memory") or {})


async def step(chat: ChannelChat) -> str:
    return (await form_step(chat) or "").split(":")[-1]


# --- getting somewhere ------------------------------------------------------------------------------------

async def up_to(chat: ChannelChat, wanted: str, consent: str = "setuju", code: str = "BTK-YK-01") -> None:
    """Open a training, start registering and answer every question up to the step `wanted`."""
    await chat.say(code)
    await chat.tap("Daftar")
    await answer_until(chat, wanted, consent)


async def answer_until(chat: ChannelChat, wanted: str, consent: str = "setuju") -> None:
    """Answer the registration's questions (whatever the form asks) until it asks `wanted`."""
    for _ in range(12):
        current = await step(chat)
        if current == wanted:
            return
        if current == "consent":
            await chat.say(consent)
        elif current == "crafts":
            await chat.say(FORM_ANSWERS["crafts"])
            if await step(chat) == "crafts":
                await chat.say("selesai")
        else:
            assert current in FORM_ANSWERS, f"unexpected step {current!r}"
            await chat.say(FORM_ANSWERS[current])
    raise AssertionError(f"never reached {wanted!r} (at {await step(chat)!r})")


async def registered(chat: ChannelChat, *codes: str) -> None:
    """The person (greeted once, so they exist) is registered for `codes`."""
    await chat.say("halo")
    person = await person_of(chat)
    assert person is not None
    async with chat.app.sessionmaker() as session, session.begin():
        for code in codes:
            training = await session.scalar(select(Training).where(Training.code == code))
            assert training is not None
            await Registrations(session, chat.app.clock(), chat.app.settings.policy).register(person.id, training.id)
    assert set((await statuses(chat)).values()) <= {"registered", "waitlisted"}


# --- registration: consent and the last confirmation, on every channel ------------------------------------

CONFIRMING = [
    ("oke kak", "ya daftar"),
    ("iya setuju", "iya daftar"),
    ("setuju kak", "daftar"),
    ("SETUJUUU", "IYA KAK"),
    ("nggih", "nggih, daftar"),
    ("muhun", "sumuhun"),
    ("yes please", "sure"),
    ("👍", "✅"),
    ("stuju", "oke kirim"),
    ("boleh", "sip lah"),
]


@pytest.mark.parametrize(("consent", "confirm"), CONFIRMING)
async def test_consent_and_confirm_in_own_words_register(anywhere: ChannelChat, consent: str, confirm: str) -> None:
    await up_to(anywhere, "confirm", consent=consent)
    person = await person_of(anywhere)
    assert person is not None
    await anywhere.say(confirm)
    assert await statuses(anywhere) == {"BTK-YK-01": "registered"}
    person = await person_of(anywhere)
    assert person is not None and person.consent_at is not None and person.full_name == NAME
    assert await form_step(anywhere) is None


@pytest.mark.parametrize("confirm", ["ya daftar", "iya daftar", "daftar"])
async def test_a_yes_with_the_verb_is_never_a_new_registration(console: ChannelChat, confirm: str) -> None:
    """The bug of issue 11: "ya daftar" at the last step restarted the form and threw the answers away."""
    await up_to(console, "confirm")
    await console.say(confirm)
    await console.say("ok makasih kak")
    assert await statuses(console) == {"BTK-YK-01": "registered"}
    assert await form_step(console) is None


@pytest.mark.parametrize("refusal", ["ga setuju ah", "tidak setuju", "mboten", "henteu", "no thanks", "❌",
                                     "gak mau", "NGGAK"])
async def test_declining_consent_in_own_words_stores_nothing(console: ChannelChat, refusal: str) -> None:
    await up_to(console, "consent")
    await console.say(refusal)
    person = await person_of(console)
    assert person is not None and person.consent_at is None and person.full_name is None
    assert await statuses(console) == {}
    assert await form_step(console) is None


@pytest.mark.parametrize("consent", ["oke kak", "ok", "sip", "iya kak 🙏", "mangga"])
async def test_an_ok_at_consent_is_consent_not_thanks(console: ChannelChat, consent: str) -> None:
    await up_to(console, "consent")
    await console.say(consent)
    assert await step(console) not in ("", "consent")  # the form goes on to the first field
    await answer_until(console, "confirm")
    await console.say("ya")
    person = await person_of(console)
    assert person is not None and person.consent_at is not None
    assert await statuses(console) == {"BTK-YK-01": "registered"}


@pytest.mark.parametrize("no", ["ga jadi", "gak jadi daftar", "tidak"])
async def test_no_at_the_confirmation_registers_nothing(console: ChannelChat, no: str) -> None:
    await up_to(console, "confirm")
    await console.say(no)
    assert await statuses(console) == {}
    assert await form_step(console) is None


# --- cancelling a registration, on every channel ----------------------------------------------------------

@pytest.mark.parametrize("yes", ["ya", "iya", "ya batalkan", "batalkan", "iya kak 🙏", "nggih", "YES"])
async def test_cancelling_is_confirmed_in_own_words(anywhere: ChannelChat, yes: str) -> None:
    await registered(anywhere, "BTK-YK-01")
    await anywhere.say("batalkan pendaftaran saya")
    assert await statuses(anywhere) == {"BTK-YK-01": "registered"}  # asked first
    await anywhere.say(yes)
    assert await statuses(anywhere) == {"BTK-YK-01": "cancelled"}


@pytest.mark.parametrize("no", ["ga jadi", "gak usah", "tidak kak", "mboten", "not now"])
async def test_not_cancelling_keeps_the_seat(anywhere: ChannelChat, no: str) -> None:
    await registered(anywhere, "BTK-YK-01")
    await anywhere.say("batalkan pendaftaran saya")
    await anywhere.say(no)
    assert await statuses(anywhere) == {"BTK-YK-01": "registered"}


@pytest.mark.parametrize(("which", "cancelled"), [
    ("yang kedua", "ECO-YK-01"), ("nomor 2", "ECO-YK-01"), ("no 2", "ECO-YK-01"), ("nu kadua", "ECO-YK-01"),
    ("yang pertama aja kak", "BTK-YK-01"), ("sing kaping telu", "BTK-YK-02"), ("YANG KETIGA", "BTK-YK-02"),
])
async def test_which_registration_to_cancel_by_its_ordinal(console: ChannelChat, which: str, cancelled: str) -> None:
    await registered(console, "BTK-YK-01", "ECO-YK-01", "BTK-YK-02")  # listed by date: BTK-YK-01, ECO, BTK-YK-02
    await console.say("batalkan pendaftaran")
    await console.say(which)
    await console.say("iya")
    assert {code for code, status in (await statuses(console)).items() if status == "cancelled"} == {cancelled}


# --- deleting one's data, on every channel ----------------------------------------------------------------

@pytest.mark.parametrize("yes", ["ya hapus", "iya hapus aja", "hapus", "YA", "👍", "nggih", "sumuhun kak"])
async def test_deleting_is_confirmed_in_own_words(anywhere: ChannelChat, yes: str) -> None:
    await registered(anywhere, "BTK-YK-01")
    await anywhere.say("hapus data saya")
    assert await person_of(anywhere) is not None  # asked first
    await anywhere.say(yes)
    assert await person_of(anywhere) is None


@pytest.mark.parametrize("no", ["ga jadi", "gak usah kak", "jangan", "mboten", "no thanks"])
async def test_not_deleting_keeps_everything(anywhere: ChannelChat, no: str) -> None:
    await registered(anywhere, "BTK-YK-01")
    await anywhere.say("hapus data saya")
    await anywhere.say(no)
    assert await person_of(anywhere) is not None
    assert await statuses(anywhere) == {"BTK-YK-01": "registered"}


# --- certification guides by words ------------------------------------------------------------------------

@pytest.mark.parametrize("start", ["mulai", "lanjut", "ok", "iya kak", "mau", "MULAI", "gas"])
async def test_a_guide_starts_in_own_words(console: ChannelChat, start: str) -> None:
    await console.say("cara sertifikasi bnsp")
    assert (await memory_of(console)).get("guide") == {"topic": "bnsp", "step": 0}
    await console.say(start)
    assert (await memory_of(console)).get("guide") == {"topic": "bnsp", "step": 1}


@pytest.mark.parametrize("onward", ["lanjut", "berikutnya", "next", "selanjutnya", "terus?", "ok", "lanjuuut kak",
                                    "LANJUT", "oke lanjut", "sip"])
async def test_a_guide_goes_on_in_own_words(console: ChannelChat, onward: str) -> None:
    await console.say("cara sertifikasi bnsp")
    await console.tap("Mulai langkah 1")
    await console.say(onward)
    assert (await memory_of(console)).get("guide") == {"topic": "bnsp", "step": 2}
    await console.say(onward)
    assert (await memory_of(console)).get("guide") == {"topic": "bnsp", "step": 3}


@pytest.mark.parametrize("back", ["sebelumnya", "kembali", "back", "balik kak"])
async def test_a_guide_goes_back_in_own_words(console: ChannelChat, back: str) -> None:
    await console.say("cara sertifikasi nib")
    await console.say("lanjut")
    await console.say("lanjut")
    assert (await memory_of(console)).get("guide") == {"topic": "nib", "step": 2}
    await console.say(back)
    assert (await memory_of(console)).get("guide") == {"topic": "nib", "step": 1}


async def test_mulai_in_a_guide_is_not_mulai_but_mulai_elsewhere_is(console: ChannelChat) -> None:
    await console.say("STOP")
    person = await person_of(console)
    assert person is not None and person.proactive_opt_out
    await console.say("cara daftar merek")
    await console.say("mulai")
    assert (await memory_of(console)).get("guide", {}).get("step") == 1
    person = await person_of(console)
    assert person is not None and person.proactive_opt_out  # still stopped: "mulai" was the guide's
    await console.say("menu")
    await console.say("mulai lagi dong kak")
    person = await person_of(console)
    assert person is not None and not person.proactive_opt_out


@pytest.mark.parametrize("resume", ["mulai", "MULAI", "mulai lagi dong kak", "mulai lagi kak"])
async def test_mulai_outside_a_guide_turns_messages_back_on(console: ChannelChat, resume: str) -> None:
    await console.say("stop")
    await console.say(resume)
    person = await person_of(console)
    assert person is not None and not person.proactive_opt_out


@pytest.mark.parametrize("onward", ["lanjut", "next kak", "ok"])
async def test_market_tips_page_on_in_own_words(console: ChannelChat, onward: str) -> None:
    await console.say("tips harga jual")
    topic = (await memory_of(console)).get("tip", {}).get("topic")
    assert topic
    await console.say(onward)
    assert (await memory_of(console)).get("tip") == {"topic": topic, "page": 2}
