"""Gender at registration, optional: asked on the confirmation (its buttons beside "Ya, daftar"), read in words ("cewek", "pr", "LK", "pria",
"female", "rahasia aja", "skip"), by its buttons, or skipped; stored on the person when the registration is sent
and shown in the registrants' export. Through console, Telegram and WhatsApp; the state is asserted."""

from __future__ import annotations

import pytest

from bot.services import exports
from tests.channels import ChannelChat, form_step
from tests.dialogues.test_forms import form, person
from tests.forms import answer_contact, open_form


async def to_gender(chat: ChannelChat) -> None:
    """Up to the confirmation, which asks the gender too."""
    await open_form(chat)
    await answer_contact(chat, "Sri Rahayu", "0812 2233 4455")
    await chat.say("batik")
    await chat.say("Sleman")
    await chat.say("Batik Sari")
    assert await form_step(chat) == "reg:confirm" and "gender" not in await form(chat)


@pytest.mark.parametrize("said, stored", [
    ("cewek", "female"), ("pr", "female"), ("wanita kak", "female"), ("saya ibu2", "female"), ("Perempuan", "female"),
    ("female", "female"), ("cowok", "male"), ("LK", "male"), ("pria", "male"), ("laki-laki", "male"),
    ("male", "male"), ("rahasia aja", "undisclosed"), ("skip", "undisclosed"), ("lewati aja kak", "undisclosed"),
    ("gak mau nyebut", "undisclosed"), ("prefer not to say", "undisclosed"),
])
async def test_gender_in_words(console: ChannelChat, said: str, stored: str) -> None:
    await to_gender(console)
    await console.say(said)
    assert (await form(console))["gender"] == stored
    assert await form_step(console) == "reg:confirm"


async def test_gender_in_words_everywhere_and_stored(anywhere: ChannelChat) -> None:
    await to_gender(anywhere)
    await anywhere.say("sy cewe kak")
    assert await form_step(anywhere) == "reg:confirm"
    await anywhere.tap("Ya, daftar")
    assert (await person(anywhere)).gender == "female"
    async with anywhere.app.sessionmaker() as session:
        rows = await exports.registrants(session, "BTK-YK-01", language="id")
    column = rows[0].index("Jenis kelamin")
    assert [row[column] for row in rows[1:] if row[4] == "Sri Rahayu"] == ["Perempuan"]


async def test_gender_skipped_by_button_everywhere(anywhere: ChannelChat) -> None:
    await to_gender(anywhere)
    await anywhere.tap("Tidak menyebut")
    await anywhere.tap("Ya, daftar")
    assert (await person(anywhere)).gender == "undisclosed"


async def test_skipped_by_registering(anywhere: ChannelChat) -> None:
    """Not answering it is skipping it: "Ya, daftar" registers, no gender stored."""
    await to_gender(anywhere)
    await anywhere.say("hmm apa ya")
    assert "gender" not in await form(anywhere) and await form_step(anywhere) == "reg:confirm"
    await anywhere.tap("Ya, daftar")
    registered = await person(anywhere)
    assert registered.gender is None and registered.full_name == "Sri Rahayu"


async def test_a_sentence_at_the_confirmation_is_no_gender(console: ChannelChat) -> None:
    await to_gender(console)
    await console.say("nomor saya salah, harusnya 0812 9999 1111")
    assert "gender" not in await form(console)


async def test_changed_at_the_confirmation(console: ChannelChat) -> None:
    await to_gender(console)
    await console.say("pria")
    assert (await form(console))["gender"] == "male" and await form_step(console) == "reg:confirm"
    await console.tap("Ubah jenis kelamin")
    assert await form_step(console) == "reg:gender"
    await console.say("wanita")
    assert (await form(console))["gender"] == "female" and await form_step(console) == "reg:confirm"
