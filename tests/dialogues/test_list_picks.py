"""One training of the list in view named by its price, a superlative or its title's words, the way people
point at an item they saw ("yg paling murah", "sing rp150rb niku", "yg e-smart itu"): the training shown, or
registered for, is the one meant; asserted from the conversation's memory and state, never the wording."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from db.models import Conversation
from handlers.list_picks import price_in
from tests.channels import ChannelChat, form_step
from tests.dialogues.test_answers import memory_of, person_of


async def conversation_data(chat: ChannelChat) -> dict[str, Any]:
    person = await person_of(chat)
    assert person is not None
    async with chat.app.sessionmaker() as session:
        data = await session.scalar(select(Conversation.data).where(Conversation.artisan_id == person.id))
    return dict(data or {})


@pytest.mark.parametrize(("typed", "amount"), [
    ("sing rp150rb niku", 150_000), ("yg Rp 150.000", 150_000), ("yang 150 ribu", 150_000), ("150k aja", 150_000),
    ("RP150RB", 150_000), ("yg 1,5 jt", 1_500_000), ("yg 1.5 jt", 1_500_000), ("yang rp 75.000 itu", 75_000),
    ("yang kedua", None), ("tgl 15", None), ("yg 3 hari", None),
])
def test_prices_as_people_write_them(typed: str, amount: int | None) -> None:
    assert price_in(typed) == amount


@pytest.mark.parametrize("typed", ["sing rp150rb niku", "yg 150 ribu", "YANG RP150.000 ITU", "the 150k one"])
async def test_a_training_named_by_its_fee(anywhere: ChannelChat, typed: str) -> None:
    await anywhere.say("pelatihan batik")
    await anywhere.say(typed)
    memory = await memory_of(anywhere)
    assert memory.get("focus") == "training" and memory.get("training") == "BTK-YK-03"  # the one at Rp150.000


@pytest.mark.parametrize("typed", ["yg e-smart itu", "yang e smart", "yg e-Smart IKM tuh"])
async def test_a_training_named_by_its_title_words(anywhere: ChannelChat, typed: str) -> None:
    await anywhere.say("pelatihan ecoprint")
    await anywhere.say(typed)
    memory = await memory_of(anywhere)
    assert memory.get("focus") == "training" and memory.get("training") == "ECO-ON-01"


async def test_title_words_of_several_trainings_name_none(console: ChannelChat) -> None:
    await console.say("pelatihan batik")
    await console.say("yg warna alam")  # two batik titles say "warna alam"
    assert (await memory_of(console)).get("focus") != "training"


@pytest.mark.parametrize("typed", ["daftar yg paling awal", "mau ikut yang paling duluan kak", "sign up for the earliest"])
async def test_registering_for_the_earliest(anywhere: ChannelChat, typed: str) -> None:
    await anywhere.say("pelatihan ecoprint")
    await anywhere.say(typed)
    step = await form_step(anywhere)
    assert step is not None and step.startswith("reg:")
    assert (await conversation_data(anywhere))["form"]["training"] == "ECO-ON-01"  # the first to start


@pytest.mark.parametrize("typed", ["yg paling mahal", "YG TERMAHAL brp biayanya", "the most expensive one"])
async def test_the_priciest(anywhere: ChannelChat, typed: str) -> None:
    await anywhere.say("pelatihan batik")
    await anywhere.say(typed)
    assert (await memory_of(anywhere)).get("training") == "BTK-YK-03"  # the one batik training with a fee


async def test_the_cheapest_of_several_free_ones_is_the_free_list(anywhere: ChannelChat) -> None:
    await anywhere.say("pelatihan batik")
    await anywhere.say("yg paling murah aja")
    shown = (await memory_of(anywhere)).get("shown") or {}
    assert shown.get("w", {}).get("g") == "1" and shown.get("w", {}).get("c") == "batik"


async def test_the_last_of_the_list(anywhere: ChannelChat) -> None:
    await anywhere.say("pelatihan batik")
    listed = list((await memory_of(anywhere)).get("list") or [])
    await anywhere.say("yg terakhir itu kak")
    assert (await memory_of(anywhere)).get("training") == "BTK-YK-02" and "BTK-YK-02" in listed  # 4 Jan, the last


async def test_a_fee_no_training_has_keeps_the_list(console: ChannelChat) -> None:
    await console.say("pelatihan batik")
    await console.say("yg 999rb")
    memory = await memory_of(console)
    assert memory.get("focus") == "list" and (memory.get("shown") or {}).get("w", {}).get("c") == "batik"


async def test_refining_still_refines(anywhere: ChannelChat) -> None:
    await anywhere.say("pelatihan")
    await anywhere.say("yg batik aja")
    assert ((await memory_of(anywhere)).get("shown") or {}).get("w", {}).get("c") == "batik"
