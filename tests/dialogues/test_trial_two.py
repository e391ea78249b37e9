"""Bad replies of the second new-user trial, kept as dialogues: each asserts what was stored or changed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import Artisan, Registration
from tests.channels import ChannelChat, form_step
from tests.forms import answer_contact, open_form
from tests.test_privacy_everywhere import register


async def me(chat: ChannelChat) -> Artisan | None:
    async with chat.app.sessionmaker() as session:
        return (await session.execute(select(Artisan).where(Artisan.is_demo.is_(False)))).scalars().first()


async def registration_status(chat: ChannelChat) -> str | None:
    async with chat.app.sessionmaker() as session:
        return await session.scalar(select(Registration.status).where(Registration.code.like("KR-%")))


async def test_hapus_data_saya_under_a_cancel_question_does_not_cancel(anywhere: ChannelChat) -> None:
    await register(anywhere)
    await anywhere.say("pelatihan saya")
    await anywhere.tap("Batalkan")  # "Yakin membatalkan …?"
    await anywhere.say("hapus data saya")  # another request, not a yes to the cancellation
    assert await registration_status(anywhere) == "registered"
    await anywhere.say("ya hapus")
    assert await me(anywhere) is None  # the deletion asked for, after its own confirmation


@pytest.mark.parametrize("typed", ["ya batalkan", "iya daftar"])
async def test_a_different_verb_does_not_confirm_a_deletion(console: ChannelChat, typed: str) -> None:
    await register(console)
    await console.say("hapus data saya")
    await console.say(typed)  # "ya batalkan": cancel what? not a yes to deleting
    assert await me(console) is not None


@pytest.mark.parametrize(("answer", "stored"), [("gak punya usaha, masih ikut juragan", None),
                                                ("GAK PUNYA USAHA KAK", None),
                                                ("Tidak Ada Duanya Batik Jaya", "Tidak Ada Duanya Batik Jaya")])
async def test_no_business_with_a_reason_is_skipped(console: ChannelChat, answer: str, stored: str | None) -> None:
    await open_form(console)
    await answer_contact(console, "Maria Goreti", "0812 7777 1111")
    await console.say("tenun")
    await console.say("Sleman")
    assert (await form_step(console) or "").endswith("business")
    await console.say(answer)
    assert (await form_step(console) or "").endswith("confirm")
    await console.say("ya daftar")
    person = await me(console)
    assert person is not None and person.business_name == stored


@pytest.mark.parametrize(("typed", "name"), [("sa pu nama Maria Goreti da Silva", "Maria Goreti da Silva"),
                                             ("beta pung nama Yohanes Tanate", "Yohanes Tanate")])
async def test_eastern_indonesian_name_framing(console: ChannelChat, typed: str, name: str) -> None:
    await open_form(console)
    await console.say(typed)
    assert not (await form_step(console) or "").endswith("name")
    async with console.app.sessionmaker() as session:
        from db.models import ChannelIdentity, Conversation

        data = await session.scalar(select(Conversation.data).join(
            ChannelIdentity, ChannelIdentity.artisan_id == Conversation.artisan_id))
    assert (data or {}).get("form", {}).get("name") == name
