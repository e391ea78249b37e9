"""Registering by describing the training ("mau daftar yg rajut di bandung") instead of its code."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import ChannelIdentity, Conversation
from tests.channels import ChannelChat, form_step


async def registering_for(chat: ChannelChat) -> str | None:
    async with chat.app.sessionmaker() as session:
        data = await session.scalar(
            select(Conversation.data).join(ChannelIdentity, ChannelIdentity.artisan_id == Conversation.artisan_id)
            .where(ChannelIdentity.channel == chat.channel, ChannelIdentity.external_id == chat.user))
    return ((data or {}).get("form") or {}).get("training")


@pytest.mark.parametrize(("typed", "code"), [
    ("mau daftar yg rajut di bandung", "RJT-BDG-01"),
    ("DAFTAR DEUI NU RAJUT BANDUNG", "RJT-BDG-01"),
    ("aku mau ikut pelatihan rajut bandung kak, daftarin ya", "RJT-BDG-01"),
    ("i want to register for the knitting training in bandung", "RJT-BDG-01"),
])
async def test_a_described_training_that_matches_one_starts_its_registration(anywhere: ChannelChat, typed: str,
                                                                            code: str) -> None:
    await anywhere.say(typed)
    assert (await form_step(anywhere) or "").startswith("reg")
    assert await registering_for(anywhere) == code


async def test_a_description_matching_several_asks_which_with_register_buttons(console: ChannelChat) -> None:
    await console.say("daftar pelatihan batik")
    assert not (await form_step(console) or "").startswith("reg")  # not guessed
    await console.say("1")  # the first one offered
    assert (await form_step(console) or "").startswith("reg")
