"""Dialogues: the registration form answered in one's own words (framing, slang, typos, ALL CAPS, English),
several crafts at once, ambiguous places asked back, one field changed at the confirmation, questions in the
middle of the form, and foreign participants. Each asserts the resulting state, never the wording of replies.
Registration flows run on every channel (`anywhere`); WhatsApp knows the phone number, so it skips that step."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from db.models import Artisan, ChannelIdentity, Conversation, Registration, Training
from tests.channels import ChannelChat, form_step
from tests.forms import DEMO_CODE, answer_contact, open_form

# --- reading the state ---------------------------------------------------------------------------

async def person(chat: ChannelChat) -> Artisan:
    async with chat.app.sessionmaker() as session:
        return (await session.execute(
            select(Artisan).join(ChannelIdentity, ChannelIdentity.artisan_id == Artisan.id)
            .where(ChannelIdentity.channel == chat.channel, ChannelIdentity.external_id == chat.user)
        )).scalar_one()


async def form(chat: ChannelChat) -> dict[str, Any]:
    """The answers the form holds so far."""
    async with chat.app.sessionmaker() as session:
        data = await session.scalar(
            select(Conversation.data).join(ChannelIdentity, ChannelIdentity.artisan_id == Conversation.artisan_id)
            .where(ChannelIdentity.channel == chat.channel, ChannelIdentity.external_id == chat.user))
    return dict((data or {}).get("form") or {})


async def registration(chat: ChannelChat, code: str = "BTK-YK-01") -> Registration | None:
    someone = await person(chat)
    async with chat.app.sessionmaker() as session:
        return (await session.execute(
            select(Registration).join(Training).where(Training.code == code, Registration.artisan_id == someone.id)
        )).scalar_one_or_none()


async def open_international_training(chat: ChannelChat) -> None:
    """The demo's ASEAN training (in English) has its deadline passed; open it again for these dialogues."""
    async with chat.app.sessionmaker() as session, session.begin():
        await session.execute(update(Training).where(Training.code == "PRH-YK-01").values(
            registration_deadline=chat.app.clock() + timedelta(days=20)))


# --- getting to a step ---------------------------------------------------------------------------

async def begin(chat: ChannelChat, code: str = DEMO_CODE) -> None:
    """Open the training, choose to register, agree: the form asks the name."""
    await open_form(chat, code)
    assert await form_step(chat) == "reg:name"


async def to_crafts(chat: ChannelChat, name: str = "Sri Rahayu", phone: str = "0812 2233 4455") -> None:
    await begin(chat)
    await answer_contact(chat, name, phone)
    assert await form_step(chat) == "reg:crafts"


async def to_region(chat: ChannelChat) -> None:
    await to_crafts(chat)
    await chat.say("batik")
    assert await form_step(chat) == "reg:region"


async def to_summary(chat: ChannelChat) -> None:
    await to_region(chat)
    await chat.say("Sleman")
    await chat.say("Batik Sari")
    assert await form_step(chat) == "reg:confirm"


# --- names ---------------------------------------------------------------------------------------

async def test_name_framed_nama_saya(anywhere: ChannelChat) -> None:
    await begin(anywhere)
    await anywhere.say("nama saya Sri Rahayu")
    assert (await form(anywhere))["name"] == "Sri Rahayu"
    assert await form_step(anywhere) == ("reg:crafts" if anywhere.channel == "whatsapp" else "reg:phone")


async def test_name_slang_nama_sy(anywhere: ChannelChat) -> None:
    await begin(anywhere)
    await anywhere.say("nama sy sri wahyuni")
    assert (await form(anywhere))["name"] == "Sri Wahyuni"


async def test_name_saya_and_courtesy(console: ChannelChat) -> None:
    await begin(console)
    await console.say("saya Sri kak")
    assert (await form(console))["name"] == "Sri"


async def test_name_all_caps(console: ChannelChat) -> None:
    await begin(console)
    await console.say("SRI RAHAYU NINGSIH")
    assert (await form(console))["name"] == "Sri Rahayu Ningsih"


async def test_name_in_english(console: ChannelChat) -> None:
    await begin(console)
    await console.say("my name is Maya Santos")
    assert (await form(console))["name"] == "Maya Santos"


async def test_a_sentence_is_not_a_name(console: ChannelChat) -> None:
    await begin(console)
    await console.say("saya mau tanya dulu")
    assert "name" not in await form(console)
    assert await form_step(console) == "reg:name"


# --- phone numbers -------------------------------------------------------------------------------

async def test_phone_framed_nomor_saya(console: ChannelChat) -> None:
    await begin(console)
    await console.say("Sri Rahayu")
    await console.say("nomor saya 0812-2233-4455")
    assert (await form(console))["phone"] == "+6281222334455"
    assert await form_step(console) == "reg:crafts"


async def test_phone_wa_prefix(console: ChannelChat) -> None:
    await begin(console)
    await console.say("Sri Rahayu")
    await console.say("wa 081222334455")
    assert (await form(console))["phone"] == "+6281222334455"


async def test_phone_hp_colon_international_format(anywhere: ChannelChat) -> None:
    await begin(anywhere)
    await anywhere.say("Sri Rahayu")
    if anywhere.channel == "whatsapp":
        assert await form_step(anywhere) == "reg:crafts"  # the number WhatsApp gives is taken
        assert (await person(anywhere)).phone == "+6281398765432"
        return
    await anywhere.say("hp: +62 812-2233-4455")
    assert (await form(anywhere))["phone"] == "+6281222334455"


async def test_foreign_number_refused_for_an_indonesian_training(console: ChannelChat) -> None:
    await begin(console)
    await console.say("Sri Rahayu")
    await console.say("+60 12-345 6789")
    assert "phone" not in await form(console)
    assert await form_step(console) == "reg:phone"


# --- crafts --------------------------------------------------------------------------------------

async def test_two_crafts_with_sama(anywhere: ChannelChat) -> None:
    await to_crafts(anywhere)
    await anywhere.say("batik sama tenun")
    assert (await form(anywhere))["crafts"] == ["batik", "tenun"]
    assert await form_step(anywhere) == "reg:region"


async def test_three_crafts_with_commas(anywhere: ChannelChat) -> None:
    await to_crafts(anywhere)
    await anywhere.say("batik, tenun dan anyaman")
    assert (await form(anywhere))["crafts"] == ["batik", "tenun", "anyaman"]


async def test_crafts_slang_and_typo(console: ChannelChat) -> None:
    await to_crafts(console)
    await console.say("sy perajin batikk sm rotan kak")
    assert (await form(console))["crafts"] == ["batik", "rotan"]


async def test_typed_craft_that_is_a_button_then_the_region(anywhere: ChannelChat) -> None:
    await to_crafts(anywhere)
    await anywhere.say("Batik")
    await anywhere.say("kota pekalongan")
    data = await form(anywhere)
    assert data["crafts"] == ["batik"] and data["region"] == "33.75"
    assert await form_step(anywhere) == "reg:business"


async def test_buttons_then_udah_itu_aja(anywhere: ChannelChat) -> None:
    await to_crafts(anywhere)
    await anywhere.tap("Batik")
    await anywhere.tap("Tenun")
    assert await form_step(anywhere) == "reg:crafts"
    await anywhere.say("udah itu aja")
    assert (await form(anywhere))["crafts"] == ["batik", "tenun"]
    assert await form_step(anywhere) == "reg:region"


async def test_button_then_a_place_finishes_the_crafts(anywhere: ChannelChat) -> None:
    await to_crafts(anywhere)
    await anywhere.tap("Anyaman")
    await anywhere.say("Kota Yogyakarta")
    data = await form(anywhere)
    assert data["crafts"] == ["anyaman"] and data["region"] == "34.71"


async def test_numbers_keep_their_meaning_after_a_choice(console: ChannelChat) -> None:
    await to_crafts(console)
    await console.say("1")  # Batik
    await console.say("2")  # still Perhiasan: the list did not renumber
    await console.say("selesai")
    assert (await form(console))["crafts"] == ["batik", "perhiasan"]


async def test_tapping_a_chosen_craft_again_unchooses_it(console: ChannelChat) -> None:
    await to_crafts(console)
    await console.tap("Batik")
    await console.tap("Tenun")
    await console.tap("✓ Batik")
    await console.say("sudah")
    assert (await form(console))["crafts"] == ["tenun"]


async def test_selesai_with_nothing_chosen_keeps_asking(console: ChannelChat) -> None:
    await to_crafts(console)
    await console.say("SELESAI")
    assert "crafts" not in await form(console)
    assert await form_step(console) == "reg:crafts"


async def test_another_craft_at_the_region_step_is_added(console: ChannelChat) -> None:
    await to_region(console)
    await console.say("tenun juga")
    assert (await form(console))["crafts"] == ["batik", "tenun"]
    assert await form_step(console) == "reg:region"


# --- places --------------------------------------------------------------------------------------

async def test_selesai_is_never_a_regency(anywhere: ChannelChat) -> None:
    await to_region(anywhere)
    await anywhere.say("selesai")
    assert "region" not in await form(anywhere)
    assert await form_step(anywhere) == "reg:region"
    await anywhere.say("Sleman")
    assert (await form(anywhere))["region"] == "34.04"


async def test_pekalongan_is_asked_back(anywhere: ChannelChat) -> None:
    await to_region(anywhere)
    await anywhere.say("pekalongan")
    assert "region" not in await form(anywhere)
    await anywhere.tap("Kabupaten Pekalongan")
    assert (await form(anywhere))["region"] == "33.26"
    assert await form_step(anywhere) == "reg:business"


async def test_batang_is_a_regency_not_a_cancel(anywhere: ChannelChat) -> None:
    await to_region(anywhere)
    await anywhere.say("batang")
    assert (await form(anywhere))["region"] == "33.25"
    assert await form_step(anywhere) == "reg:business"


async def test_tinggal_di_kab_pekalongan(console: ChannelChat) -> None:
    await to_region(console)
    await console.say("tinggal di kab pekalongan")
    assert (await form(console))["region"] == "33.26"


async def test_saya_di_sleman(console: ChannelChat) -> None:
    await to_region(console)
    await console.say("saya di Sleman")
    assert (await form(console))["region"] == "34.04"


async def test_province_first_then_the_regency(console: ChannelChat) -> None:
    await to_region(console)
    await console.say("jogja")
    assert "region" not in await form(console) and (await form(console)).get("province_hint") == "34"
    await console.say("bantul")
    assert (await form(console))["region"] == "34.02"


async def test_kota_written_in_caps(console: ChannelChat) -> None:
    await to_region(console)
    await console.say("KOTA PEKALONGAN")
    assert (await form(console))["region"] == "33.75"


# --- business --------------------------------------------------------------------------------------

async def test_business_framed(anywhere: ChannelChat) -> None:
    await to_region(anywhere)
    await anywhere.say("Sleman")
    await anywhere.say("usaha saya Batik Sari")
    assert (await form(anywhere))["business"] == "Batik Sari"
    assert await form_step(anywhere) == "reg:confirm"


async def test_no_business_gak_ada(console: ChannelChat) -> None:
    await to_region(console)
    await console.say("Sleman")
    await console.say("gak ada kak")
    assert (await form(console))["business"] is True  # asked, none given
    assert await form_step(console) == "reg:confirm"


# --- cancelling ----------------------------------------------------------------------------------

async def test_batalkan_pendaftaran_leaves_the_form(anywhere: ChannelChat) -> None:
    await to_region(anywhere)
    await anywhere.say("batalkan pendaftaran")
    assert await form_step(anywhere) is None
    assert await registration(anywhere) is None
    assert (await person(anywhere)).full_name is None


async def test_gak_jadi_daftar_leaves_the_form(anywhere: ChannelChat) -> None:
    await begin(anywhere)
    await anywhere.say("gak jadi daftar")
    assert await form_step(anywhere) is None
    assert await registration(anywhere) is None


# --- changing one field at the confirmation ----------------------------------------------------

async def test_change_the_phone_by_button(console: ChannelChat) -> None:
    await to_summary(console)
    await console.tap("Ubah nomor")
    assert await form_step(console) == "reg:phone"
    await console.say("0813 1111 2222")
    assert await form_step(console) == "reg:confirm"
    data = await form(console)
    assert data["phone"] == "+6281311112222" and data["name"] == "Sri Rahayu" and data["region"] == "34.04"
    await console.tap("Ya, daftar")
    assert (await registration(console)) is not None
    assert (await person(console)).phone == "+6281311112222"


async def test_change_the_name_by_button_everywhere(anywhere: ChannelChat) -> None:
    await to_summary(anywhere)
    await anywhere.tap("Ubah nama")
    await anywhere.say("Sri Lestari")
    assert await form_step(anywhere) == "reg:confirm"
    await anywhere.tap("Ya, daftar")
    found = await registration(anywhere)
    assert found is not None and found.status == "registered"
    someone = await person(anywhere)
    assert someone.full_name == "Sri Lestari" and someone.crafts == ["batik"] and someone.regency == "34.04"
    assert someone.business_name == "Batik Sari"


async def test_nomornya_salah_asks_the_phone_again(console: ChannelChat) -> None:
    await to_summary(console)
    await console.say("nomornya salah")
    assert await form_step(console) == "reg:phone"
    await console.say("wa 0857 1234 5678")
    assert await form_step(console) == "reg:confirm"
    assert (await form(console))["phone"] == "+6285712345678"


async def test_ganti_nama_jadi_changes_it_at_once(console: ChannelChat) -> None:
    await to_summary(console)
    await console.say("ganti nama jadi Sri Handayani")
    assert await form_step(console) == "reg:confirm"
    assert (await form(console))["name"] == "Sri Handayani"


async def test_change_the_crafts_replaces_them(console: ChannelChat) -> None:
    await to_summary(console)
    await console.tap("Ubah kerajinan")
    await console.say("tenun")
    assert await form_step(console) == "reg:confirm"
    assert (await form(console))["crafts"] == ["tenun"]


async def test_change_the_region_asks_back_when_ambiguous(anywhere: ChannelChat) -> None:
    await to_summary(anywhere)
    await anywhere.tap("Ubah wilayah")
    await anywhere.say("pekalongan")
    await anywhere.tap("Kota Pekalongan")
    assert await form_step(anywhere) == "reg:confirm"
    await anywhere.tap("Ya, daftar")
    assert (await person(anywhere)).regency == "33.75"


# --- questions in the middle of the form ---------------------------------------------------------

async def test_fee_question_at_the_name_step(anywhere: ChannelChat) -> None:
    await begin(anywhere)
    await anywhere.say("biayanya berapa?")
    assert await form_step(anywhere) == "reg:name" and "name" not in await form(anywhere)
    await anywhere.say("Sri Rahayu")
    assert (await form(anywhere))["name"] == "Sri Rahayu"


async def test_gratis_question_at_the_consent_step(console: ChannelChat) -> None:
    await console.say("BTK-YK-01")
    await console.tap("Daftar")
    text = await console.say("itu gratis?")
    assert await form_step(console) == "reg:consent"
    assert len(text) < 400  # answered and asked again in a line, not the whole consent text
    await console.say("setuju")
    assert await form_step(console) == "reg:name"


async def test_location_question_at_the_region_step(console: ChannelChat) -> None:
    await to_region(console)
    await console.say("lokasinya dimana")
    assert await form_step(console) == "reg:region" and "region" not in await form(console)


async def test_start_question_at_the_crafts_step(console: ChannelChat) -> None:
    await to_crafts(console)
    text = await console.say("kapan mulainya")
    assert await form_step(console) == "reg:crafts" and "crafts" not in await form(console)
    assert "08.00" in text  # from the training's own data


async def test_fee_of_a_paid_training(console: ChannelChat) -> None:
    await begin(console, "BTK-YK-03")
    text = await console.say("bayarnya berapa kak?")
    assert await form_step(console) == "reg:name"
    assert "Rp" in text


# --- whole journeys ------------------------------------------------------------------------------

async def test_a_whole_registration_in_slang(anywhere: ChannelChat) -> None:
    await begin(anywhere)
    await anywhere.say("nama sy ani lestari")
    if anywhere.channel != "whatsapp":
        await anywhere.say("no hp 0857-1234-5678")
    await anywhere.say("batik sm tenun")
    await anywhere.say("di bantul")
    await anywhere.say("-")
    await anywhere.tap("Ya, daftar")
    found = await registration(anywhere)
    assert found is not None and found.status == "registered"
    someone = await person(anywhere)
    assert someone.full_name == "Ani Lestari" and someone.crafts == ["batik", "tenun"]
    assert someone.regency == "34.02" and someone.business_name is None
    assert await form_step(anywhere) is None


async def test_a_full_training_waitlists_after_the_form(anywhere: ChannelChat) -> None:
    await begin(anywhere, "PWT-PGK-01")
    await anywhere.say("NAMA SAYA BUDI SANTOSO")
    if anywhere.channel != "whatsapp":
        await anywhere.say("0812 9999 8888")
    await anywhere.say("pewter")
    await anywhere.say("kota pangkal pinang")
    await anywhere.tap("Lewati")
    await anywhere.tap("Ya, daftar")
    found = await registration(anywhere, "PWT-PGK-01")
    assert found is not None and found.status == "waitlisted"
    assert (await person(anywhere)).regency == "19.71"


async def test_profile_edit_reads_framing(console: ChannelChat) -> None:
    await to_summary(console)
    await console.tap("Ya, daftar")
    await console.say("profil")
    await console.tap("Ubah wilayah")
    await console.say("saya di kab batang")
    assert (await person(console)).regency == "33.25"
    await console.tap("Ubah nama")
    await console.say("nama saya Rina Ayu")
    assert (await person(console)).full_name == "Rina Ayu"
    assert await form_step(console) is None


# --- foreign participants ------------------------------------------------------------------------

async def test_english_first_message_sets_the_language(anywhere: ChannelChat) -> None:
    await anywhere.say("hi, i want to register for the jewelry design training")
    assert (await person(anywhere)).language == "en"


async def test_indonesian_first_message_keeps_indonesian(anywhere: ChannelChat) -> None:
    await anywhere.say("halo kak mau daftar pelatihan batik")
    assert (await person(anywhere)).language == "id"


async def test_singapore_number_on_the_asean_training(console: ChannelChat) -> None:
    await open_international_training(console)
    await console.say("hi, i want to register for the jewelry design training")  # the open ones are offered
    await console.tap("PRH-YK-01")
    assert (await form_step(console) or "").startswith("reg")
    await console.tap("Agree")
    text = await console.say("my name is Mei Ling Tan")
    assert "KTP" not in text
    await console.say("+65 9123 4567")
    assert (await form(console))["phone"] == "+6591234567"
    await console.say("jewelry")
    await console.say("Kota Yogyakarta")
    await console.tap("Skip")
    await console.tap("Yes, register")
    found = await registration(console, "PRH-YK-01")
    assert found is not None and found.status == "registered"
    assert (await person(console)).phone == "+6591234567"


async def test_malaysian_number_on_the_asean_training_everywhere(anywhere: ChannelChat) -> None:
    await open_international_training(anywhere)
    await open_form(anywhere, "PRH-YK-01")
    await anywhere.say("Nurul Aisyah")
    if anywhere.channel != "whatsapp":
        await anywhere.say("+60 12-345 6789")
        assert (await form(anywhere))["phone"] == "+60123456789"
    await anywhere.say("perhiasan")
    await anywhere.say("Kota Yogyakarta")
    await anywhere.tap("Lewati")
    await anywhere.tap("Ya, daftar")
    found = await registration(anywhere, "PRH-YK-01")
    assert found is not None and found.status == "registered"
