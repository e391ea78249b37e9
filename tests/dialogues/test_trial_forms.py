"""Dialogues from the trial: what a tester typed into the registration form and the profile, and the state it must
leave (the stored business name, the crafts list, consent, the form step, registration rows), never the wording."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import Training
from tests.channels import ChannelChat, form_step
from tests.dialogues.test_answers import person_of, registered
from tests.dialogues.test_forms import begin, form, person, registration, to_region, to_summary


async def registered_with_profile(chat: ChannelChat) -> None:
    """Registered for BTK-YK-01 with crafts batik and ecoprint, business Batik Sari, Sleman."""
    await to_region(chat)
    await chat.say("ecoprint juga")
    await chat.say("Sleman")
    await chat.say("Batik Sari")
    await chat.tap("Ya, daftar")
    assert (await person(chat)).crafts == ["batik", "ecoprint"]
    assert await form_step(chat) is None


async def contact_of(chat: ChannelChat, code: str) -> str:
    async with chat.app.sessionmaker() as session:
        training = await session.scalar(select(Training).where(Training.code == code))
        assert training is not None
        return training.contact


# --- 1. no business name, in many languages -------------------------------------------------------

@pytest.mark.parametrize("none", ["HENTEU AYA", "teu aya", "mboten wonten", "ora ono", "ndak ada", "belum punya",
                                  "nggak punya usaha", "no business name", "none yet"])
async def test_no_business_name_in_own_words(console: ChannelChat, none: str) -> None:
    await to_region(console)
    await console.say("Sleman")
    await console.say(none)
    assert (await form(console))["business"] is True  # asked, none given
    assert await form_step(console) == "reg:confirm"


async def test_henteu_aya_registers_without_a_business_name(anywhere: ChannelChat) -> None:
    await to_region(anywhere)
    await anywhere.say("Sleman")
    await anywhere.say("HENTEU AYA")
    await anywhere.tap("Ya, daftar")
    assert (await registration(anywhere)) is not None
    assert (await person(anywhere)).business_name is None


# --- 2. a business name is kept as written -----------------------------------------------------------

@pytest.mark.parametrize(("typed", "kept"), [
    ("Toko Kulit Bu Sri", "Toko Kulit Bu Sri"),
    ("Tokoku Batik", "Tokoku Batik"),
    ("Usaha Mandiri Kulit", "Usaha Mandiri Kulit"),
    ("Brandon Craft", "Brandon Craft"),
    ("nama usaha saya Toko Kulit Bu Sri", "Toko Kulit Bu Sri"),
    ("usaha saya Kulit Bu Sri", "Kulit Bu Sri"),
    ("nama tokonya Kulit Sri", "Kulit Sri"),
])
async def test_business_name_kept_as_written(console: ChannelChat, typed: str, kept: str) -> None:
    await to_region(console)
    await console.say("Sleman")
    await console.say(typed)
    assert (await form(console))["business"] == kept


async def test_toko_kulit_bu_sri_is_stored(anywhere: ChannelChat) -> None:
    await to_region(anywhere)
    await anywhere.say("Sleman")
    await anywhere.say("Toko Kulit Bu Sri")
    await anywhere.tap("Ya, daftar")
    assert (await person(anywhere)).business_name == "Toko Kulit Bu Sri"


@pytest.mark.parametrize(("typed", "kept"), [
    ("Bu Sri Wahyuni", "Bu Sri Wahyuni"),
    ("Kusuma Dewi", "Kusuma Dewi"),
    ("Imelda Sari", "Imelda Sari"),
    ("Sylvia Putri", "Sylvia Putri"),
    ("saya Kusuma Dewi", "Kusuma Dewi"),
])
async def test_name_never_cut_inside_a_word(console: ChannelChat, typed: str, kept: str) -> None:
    await begin(console)
    await console.say(typed)
    assert (await form(console))["name"] == kept


# --- 3. consent in English; "register" is not agreeing -----------------------------------------------

@pytest.mark.parametrize("yes", ["yes I agree", "i agree", "yes, I do", "sure, go ahead"])
async def test_consent_in_english(anywhere: ChannelChat, yes: str) -> None:
    await anywhere.say("BTK-YK-01")
    await anywhere.tap("Daftar")
    assert await form_step(anywhere) == "reg:consent"
    await anywhere.say(yes)
    assert await form_step(anywhere) == "reg:name"
    assert (await form(anywhere)).get("consent") is True


async def test_register_at_the_consent_question_is_not_agreeing(anywhere: ChannelChat) -> None:
    await anywhere.say("BTK-YK-01")
    await anywhere.tap("Daftar")
    await anywhere.say("register")
    assert await form_step(anywhere) == "reg:consent"
    assert "consent" not in await form(anywhere)
    await anywhere.tap("Setuju")
    assert await form_step(anywhere) == "reg:name"


# --- 4. a foreign number for a training not open to international participants ---------------------

async def test_foreign_number_refusal_gives_the_organizer_contact(console: ChannelChat) -> None:
    await begin(console)
    await console.say("Sri Rahayu")
    text = await console.say("+60 12-345 6789")
    assert "phone" not in await form(console)
    assert await form_step(console) == "reg:phone"
    assert await contact_of(console, "BTK-YK-01") in text


async def test_no_indonesian_number_only_malaysian(console: ChannelChat) -> None:
    await begin(console)
    await console.say("Sri Rahayu")
    text = await console.say("I don't have an Indonesian number, only Malaysian")
    assert "phone" not in await form(console)
    assert await form_step(console) == "reg:phone"
    assert await contact_of(console, "BTK-YK-01") in text


# --- 5. adding and removing crafts ---------------------------------------------------------------

@pytest.mark.parametrize(("typed", "crafts"), [
    ("tambah tenun jg", ["batik", "tenun", "ecoprint"]),
    ("tenun juga", ["batik", "tenun", "ecoprint"]),
    ("also weaving", ["batik", "tenun", "ecoprint"]),
    ("plus kayu", ["batik", "ecoprint", "kayu"]),
    ("hapus ecoprint", ["batik"]),
    ("bukan ecoprint", ["batik"]),
    ("tenun dan kayu", ["tenun", "kayu"]),
])
async def test_profile_crafts_added_removed_or_replaced(console: ChannelChat, typed: str,
                                                        crafts: list[str]) -> None:
    await registered_with_profile(console)
    await console.say("profil")
    await console.tap("Ubah kerajinan")
    await console.say(typed)
    assert (await person(console)).crafts == crafts
    assert await form_step(console) is None


async def test_crafts_added_at_the_confirmation(anywhere: ChannelChat) -> None:
    await registered_with_profile(anywhere)
    await anywhere.say("BTK-YK-03")
    await anywhere.tap("Daftar")
    assert await form_step(anywhere) == "reg:confirm"
    await anywhere.tap("Ubah kerajinan")
    await anywhere.say("tambah tenun jg")
    assert await form_step(anywhere) == "reg:confirm"
    await anywhere.tap("Ya, daftar")
    assert (await registration(anywhere, "BTK-YK-03")) is not None
    assert (await person(anywhere)).crafts == ["batik", "tenun", "ecoprint"]


# --- 6. profile edits in words, from anywhere ---------------------------------------------------------

async def test_ganti_nama_usaha_jadi_from_anywhere(console: ChannelChat) -> None:
    await registered_with_profile(console)
    await console.say("ganti nama usaha jadi Celuk Silver Art")
    assert (await person(console)).business_name == "Celuk Silver Art"
    assert await form_step(console) is None


async def test_ganti_nama_usaha_before_consent(console: ChannelChat) -> None:
    await console.say("halo")
    await console.say("ganti nama usaha jadi Celuk Silver Art")
    assert await form_step(console) == "reg:consent"
    assert (await person(console)).consent_at is None
    await console.tap("Setuju")
    someone = await person(console)
    assert someone.business_name == "Celuk Silver Art" and someone.consent_at is not None
    assert await form_step(console) is None


async def test_ubah_wilayah_ke_denpasar(console: ChannelChat) -> None:
    await registered_with_profile(console)
    await console.say("ubah wilayah ke denpasar")
    assert (await person(console)).regency == "51.71"
    assert await form_step(console) is None


async def test_ubah_nomor_hp_asks_for_it(console: ChannelChat) -> None:
    await registered_with_profile(console)
    await console.say("ubah nomor hp")
    assert await form_step(console) == "reg:phone"
    await console.say("0813 1111 2222")
    assert (await person(console)).phone == "+6281311112222"


@pytest.mark.parametrize(("title", "step"), [("ubah nama usaha", "reg:business"), ("ubah wilayah", "reg:region"),
                                             ("Ubah kerajinan", "reg:crafts")])
async def test_typing_a_profile_button_title_opens_the_edit(console: ChannelChat, title: str, step: str) -> None:
    await registered_with_profile(console)
    await console.say("profil")
    await console.say(title)
    assert await form_step(console) == step


async def test_another_edit_typed_during_an_edit(console: ChannelChat) -> None:
    await registered_with_profile(console)
    await console.say("profil")
    await console.tap("Ubah nama usaha")
    await console.say("ubah wilayah ke denpasar")
    someone = await person(console)
    assert someone.business_name == "Batik Sari" and someone.regency == "51.71"


async def test_a_profile_title_typed_after_the_profile_interrupted_an_edit(console: ChannelChat) -> None:
    """The profile shown in the middle of an edit, then the form's question: typing a title of the profile's
    buttons opens that edit (the options kept are the form's, so the form reads it) and saves nothing else."""
    await registered_with_profile(console)
    await console.say("profil")
    await console.tap("Ubah nama usaha")
    await console.say("ganti nama usaha jadi Celuk Silver Art")
    assert (await person(console)).business_name == "Celuk Silver Art"
    await console.say("profil")
    await console.tap("Ubah nama usaha")
    await console.say("profil")
    await console.say("ubah wilayah")
    assert await form_step(console) == "reg:region"
    assert (await person(console)).business_name == "Celuk Silver Art"


# --- 7. deleting "semuanya"; "eh salah, ga jadi" at the confirmation ----------------------------------

async def test_iya_hapus_aja_semuanya_deletes(anywhere: ChannelChat) -> None:
    await registered(anywhere, "BTK-YK-01")
    await anywhere.say("hapus data saya")
    assert await person_of(anywhere) is not None
    await anywhere.say("iya hapus aja semuanya")
    assert await person_of(anywhere) is None


async def test_eh_salah_ga_jadi_at_the_confirmation_cancels(anywhere: ChannelChat) -> None:
    await to_summary(anywhere)
    await anywhere.say("eh salah, ga jadi")
    assert await form_step(anywhere) is None
    assert await registration(anywhere) is None
    assert (await person(anywhere)).full_name is None
