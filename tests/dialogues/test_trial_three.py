"""Bad replies left by the second new-user trial, kept as dialogues: each asserts what was stored or changed
(a registration, a profile field, a subscription, a guide step, consent), never the wording."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from db.models import Artisan, Registration, Subscription
from tests.channels import ChannelChat, chatting, form_step
from tests.conftest import Clock
from tests.dialogues.test_answers import memory_of
from tests.test_privacy_everywhere import register


async def me(chat: ChannelChat) -> Artisan | None:
    async with chat.app.sessionmaker() as session:
        return (await session.execute(select(Artisan).where(Artisan.is_demo.is_(False)))).scalars().first()


async def subscriptions(chat: ChannelChat) -> set[tuple[str, str]]:
    async with chat.app.sessionmaker() as session:
        return {(s.craft, s.region) for s in (await session.execute(select(Subscription))).scalars()}


async def registered(chat: ChannelChat, code: str) -> str | None:
    """The status of this person's registration for `code` (not the demo registrants')."""
    from db.models import Training

    async with chat.app.sessionmaker() as session:
        return await session.scalar(
            select(Registration.status).join(Training).join(Artisan, Artisan.id == Registration.artisan_id)
            .where(Training.code == code, Artisan.is_demo.is_(False)))


async def to_phone_step(chat: ChannelChat) -> None:
    await chat.say("BTK-YK-01")
    await chat.tap("Daftar")
    await chat.tap("Setuju")
    await chat.say("Maria Goreti")
    assert (await form_step(chat) or "").endswith("phone")


@pytest.fixture(params=["console", "telegram"])
async def asked_for_a_number(request: pytest.FixtureRequest, database_url: str,
                             clock: Clock) -> AsyncIterator[ChannelChat]:
    """A person on a channel that asks for the phone number (WhatsApp knows it and skips the question)."""
    async with chatting(request.param, database_url, clock) as chat:
        yield chat


# --- the phone question -----------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["kirim nomor saya", "KIRIM NOMOR SAYA", "sorry i only have telegram, no phone number",
                                   "saya gak punya hp kak", "nanti aja ya nomornya"])
async def test_a_remark_at_the_phone_question_keeps_the_form(asked_for_a_number: ChannelChat, typed: str) -> None:
    chat = asked_for_a_number
    await to_phone_step(chat)
    await chat.say(typed)
    assert (await form_step(chat) or "").endswith("phone")  # asked again, nothing taken as a number
    person = await me(chat)
    assert person is None or person.phone is None
    await chat.say("0812 3344 5566")
    assert (await form_step(chat) or "").endswith("crafts")


# --- consent, changing one's mind ------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["eh iya deh setuju", "ya udah setuju", "oke kak lanjut", "NGGIH LANJUT"])
async def test_consent_after_refusing_it_goes_on(anywhere: ChannelChat, typed: str) -> None:
    await anywhere.say("BTK-YK-01")
    await anywhere.tap("Daftar")
    await anywhere.tap("Tidak setuju")
    assert await form_step(anywhere) is None
    await anywhere.say(typed)
    assert (await form_step(anywhere) or "").endswith("name")  # straight to the first question, already agreed
    for reply in ("Maria Goreti", "0812 7777 1111", "tenun", "Sleman", "lewati"):
        await anywhere.say(reply)
    await anywhere.say("ya daftar")
    assert await registered(anywhere, "BTK-YK-01") == "registered"
    person = await me(anywhere)
    assert person is not None and person.consent_at is not None


# --- registering by (nearly) the title ------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "code"), [
    ("mau daftar pelatihan pewarnaan batik zat warna alam", "BTK-YK-01"),
    ("daftar kelas ecoprint pounding steaming", "ECO-YK-01"),
    ("saya mau ikut workshop jualan online ecoprint", "ECO-ON-01"),
    ("DAFTAR PEWARNAAN BATIK ZAT WARNA ALAM", "BTK-YK-01"),
])
async def test_register_by_the_title(anywhere: ChannelChat, typed: str, code: str) -> None:
    await anywhere.say(typed)
    assert (await form_step(anywhere) or "").startswith("reg:")
    async with anywhere.app.sessionmaker() as session:
        from db.models import ChannelIdentity, Conversation

        data = await session.scalar(
            select(Conversation.data).join(ChannelIdentity, ChannelIdentity.artisan_id == Conversation.artisan_id)
            .where(ChannelIdentity.external_id == anywhere.user))
    assert (data or {}).get("form", {}).get("training") == code


async def test_a_search_naming_a_few_words_of_titles_stays_a_list(console: ChannelChat) -> None:
    await console.say("pelatihan batik di jogja")
    memory = await memory_of(console)
    assert memory.get("focus") == "list" and len(memory.get("list") or []) > 1


# --- deleting: a question at the confirmation ------------------------------------------------------------

@pytest.mark.parametrize("question", ["kalau dihapus pendaftaran saya gimana?", "apa bisa dibalikin lagi?",
                                      "what happens to my registration?"])
async def test_a_question_at_the_delete_confirmation_keeps_it(anywhere: ChannelChat, question: str) -> None:
    await register(anywhere)
    await anywhere.say("hapus data saya")
    await anywhere.say(question)
    assert await me(anywhere) is not None  # a question is no yes
    await anywhere.say("oh gitu, ya udah hapus aja")
    assert await me(anywhere) is None


@pytest.mark.parametrize("typed", ["oh gitu ya", "wah gitu ya", "hmm"])
async def test_i_see_is_no_yes_to_deleting(console: ChannelChat, typed: str) -> None:
    await register(console)
    await console.say("hapus data saya")
    await console.say(typed)
    assert await me(console) is not None


# --- the profile in words --------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "regency"), [("SAYA SEKARANG PINDAH KE KLUNGKUNG", "51.05"),
                                                ("sy udh pindah ke kab bantul kak", "34.02"),
                                                ("I moved to Gianyar", "51.04")])
async def test_a_move_changes_the_region(anywhere: ChannelChat, typed: str, regency: str) -> None:
    await register(anywhere)
    await anywhere.say(typed)
    person = await me(anywhere)
    assert person is not None and person.regency == regency


async def test_pindah_without_a_place_changes_nothing(console: ChannelChat) -> None:
    await register(console)
    before = (await me(console)).regency  # type: ignore[union-attr]
    await console.say("bisa pindah ke kelas lain?")
    assert (await me(console)).regency == before  # type: ignore[union-attr]


@pytest.mark.parametrize(("typed", "crafts"), [("tambah kerajinan kayu di profil saya", {"batik", "kayu"}),
                                               ("tambahkan tenun ke profil", {"batik", "tenun"}),
                                               ("hapus batik dari profil saya, ganti anyaman", None)])
async def test_crafts_added_in_words(console: ChannelChat, typed: str, crafts: set[str] | None) -> None:
    await register(console)  # crafts: batik
    await console.say(typed)
    person = await me(console)
    assert person is not None
    if crafts is not None:
        assert set(person.crafts or []) == crafts
    else:
        assert person.crafts  # never emptied by a change asked in words


# --- subscriptions in words ------------------------------------------------------------------------------

async def test_narrowing_a_subscription_in_words(console: ChannelChat) -> None:
    await console.say("langganan info batik")
    assert await subscriptions(console) == {("batik", "")}
    await console.say("khusus yg di jogja aja")
    assert await subscriptions(console) == {("batik", "34")}
    await console.say("tenun juga")
    assert await subscriptions(console) == {("batik", "34"), ("tenun", "34")}


@pytest.mark.parametrize(("typed", "left"), [("hapus yg pertama", {("tenun", "")}),
                                             ("hapus yang kedua", {("batik", "")}),
                                             ("HAPUS NOMOR 2", {("batik", "")})])
async def test_removing_a_subscription_by_its_place_in_the_list(console: ChannelChat, typed: str,
                                                                 left: set[tuple[str, str]]) -> None:
    await console.say("langganan info batik")
    await console.say("langganan info tenun")
    await console.say("langganan saya")
    await console.say(typed)
    assert await subscriptions(console) == left
    assert await me(console) is not None  # not the deletion of one's data


# --- guides in regional words ----------------------------------------------------------------------------

@pytest.mark.parametrize("question", ["biayane pinten", "sabaraha biayana?", "suwene pinten", "regane piro mas"])
async def test_a_regional_question_under_a_guide_keeps_the_step(console: ChannelChat, question: str) -> None:
    await console.say("cara daftar merek")
    await console.tap("Mulai")
    assert (await memory_of(console)).get("guide") == {"topic": "merek", "step": 1}
    await console.say(question)
    assert (await memory_of(console)).get("guide") == {"topic": "merek", "step": 1}
    assert (await memory_of(console)).get("focus") == "guide"
    await console.say("lanjut")
    assert (await memory_of(console)).get("guide") == {"topic": "merek", "step": 2}


# --- language and thanks ---------------------------------------------------------------------------------

@pytest.mark.parametrize("first", ["hi! any online ecoprint class?", "Hello, is there a batik class next month?",
                                   "any free weaving workshop in Bali?"])
async def test_an_english_first_message_sets_english(console: ChannelChat, first: str) -> None:
    await console.say(first)
    person = await me(console)
    assert person is not None and person.language == "en"


@pytest.mark.parametrize("first", ["ada kelas batik online?", "halo kak", "info pelatihan tenun di bali"])
async def test_an_indonesian_first_message_stays_indonesian(console: ChannelChat, first: str) -> None:
    await console.say(first)
    person = await me(console)
    assert person is not None and person.language == "id"


@pytest.mark.parametrize("typed", ["suksma", "suksma nggih", "matur suksma", "tarimo kasih"])
async def test_regional_thanks_are_thanks(console: ChannelChat, typed: str) -> None:
    from bot import nlu

    assert nlu.understand(typed).intent == "thanks"
    await console.say(typed)
    assert await form_step(console) is None


# --- the third trial's bad replies --------------------------------------------------------------------------

async def test_removing_a_subscription_by_its_craft_removes_only_that_one(console: ChannelChat) -> None:
    await console.say("langganan tenun di NTT")
    await console.say("langganan batik di jogja juga")
    await console.say("langganan saya")
    await console.say("hapus yg tenun")
    assert await subscriptions(console) == {("batik", "34")}


async def test_a_subscription_not_wanted_is_not_made(console: ChannelChat) -> None:
    await console.say("langganan info pelatihan tenun di NTT")
    await console.say("langganan saya")
    await console.say("yg batik di jogja ga usah deh")
    assert await subscriptions(console) == {("tenun", "53")}
    await console.say("tambahin batik di jogja")
    assert await subscriptions(console) == {("tenun", "53"), ("batik", "34")}


async def test_a_craft_chosen_in_words_then_narrowed(console: ChannelChat) -> None:
    await console.say("mau langganan")
    await console.say("tenun aja")
    assert await subscriptions(console) == {("tenun", "")}
    await console.say("yg di NTT")
    assert await subscriptions(console) == {("tenun", "53")}


async def test_a_number_typed_at_a_later_question_corrects_the_phone(console: ChannelChat) -> None:
    await to_phone_step(console)
    await console.say("0361 123456")  # a landline
    assert (await form_step(console) or "").endswith("crafts")
    await console.say("081999888777")  # "that was the office": the mobile number
    assert (await form_step(console) or "").endswith("crafts")
    for reply in ("bambu lan ukir kayu", "Bangli", "lewati", "ya daftar"):
        await console.say(reply)
    person = await me(console)
    assert person is not None and person.phone == "+6281999888777"
    assert person.crafts and "bambu" in person.crafts


@pytest.mark.parametrize(("typed", "field", "value"), [
    ("kerajinan saya sekarang kayu sama bambu", "crafts", ["kayu", "bambu"]),
    ("nama saya salah, harusnya Komang Adi Saputra", "full_name", "Komang Adi Saputra"),
])
async def test_a_change_said_under_the_profile(anywhere: ChannelChat, typed: str, field: str, value: object) -> None:
    await register(anywhere)
    await anywhere.say("profil")
    await anywhere.say(typed)
    person = await me(anywhere)
    assert person is not None
    got = getattr(person, field)
    assert (sorted(got) == sorted(value)) if isinstance(value, list) else got == value  # type: ignore[arg-type]


async def test_deleting_asked_at_the_confirmation_registers_nothing(anywhere: ChannelChat) -> None:
    await anywhere.say("BTK-YK-01")
    await anywhere.tap("Daftar")
    await anywhere.tap("Setuju")
    for _ in range(8):
        step = (await form_step(anywhere) or "").split(":")[-1]
        if step == "confirm":
            break
        await anywhere.say({"name": "Komang Adi", "phone": "0812 3456 7777", "crafts": "batik", "region": "Bangli",
                            "business": "lewati"}[step])
    await anywhere.say("hapus data saya")
    assert await registered(anywhere, "BTK-YK-01") is None  # "hapus" is no yes to "Kirim pendaftaran?"
    await anywhere.say("ya hapus")
    assert await me(anywhere) is None and await registered(anywhere, "BTK-YK-01") is None


async def test_deleting_asked_at_the_consent_question_is_the_deletion(console: ChannelChat) -> None:
    await console.say("halo")
    await console.say("profil")
    await console.tap("Ubah nama")  # the consent question comes first
    await console.say("hapus data saya")
    await console.say("ya hapus")
    assert await me(console) is None


@pytest.fixture(params=["console", "telegram"])
async def from_abroad(request: pytest.FixtureRequest, database_url: str, clock: Clock) -> AsyncIterator[ChannelChat]:
    """A participant from abroad (a Singapore number) on a channel that asks for the number."""
    async with chatting(request.param, database_url, clock) as chat:
        yield chat


async def test_a_participant_from_abroad_finds_and_registers(from_abroad: ChannelChat) -> None:
    chat = from_abroad
    await chat.say("any training open for foreigners from singapore?")
    listed = (await memory_of(chat)).get("list") or []
    assert "ECO-ON-ASEAN" in listed and all(code in ("ECO-ON-ASEAN", "PRH-YK-01") for code in listed)
    await chat.say("ECO-ON-ASEAN")
    await chat.say("register")
    for reply in ("yes", "Tan Mei Ling", "+65 9123 4567", "ecoprint and batik", "I live in Singapore", "none",
                  "yes register"):
        await chat.say(reply)
    assert await registered(chat, "ECO-ON-ASEAN") == "registered"
    person = await me(chat)
    assert person is not None and person.phone == "+6591234567" and person.regency is None
    assert person.language == "en"


@pytest.mark.parametrize(("moves", "step"), [(["lanjuik"], 1), (["lanjuik", "lanjuik"], 2),
                                             (["lanjut", "lanjut", "balik ke langkah sebelumnya"], 1),
                                             (["teraskeun"], 1)])
async def test_a_guide_followed_in_regional_words(console: ChannelChat, moves: list[str], step: int) -> None:
    await console.say("cara daftar merek")
    for move in moves:
        await console.say(move)
    assert (await memory_of(console)).get("guide") == {"topic": "merek", "step": step}


@pytest.mark.parametrize("question", ["biayane pinten?", "sabaraha biayana", "lokasine ning endi"])
async def test_a_regional_question_about_the_training_in_view(console: ChannelChat, question: str) -> None:
    await console.say("BTK-YK-01")
    await console.say(question)
    memory = await memory_of(console)
    assert memory.get("training") == "BTK-YK-01" and memory.get("focus") == "training"
    assert await form_step(console) is None
