"""What trial seven left for later: the later of two topics ("udh punya NIB, skrg mau daftarin merek"), an island
as the place ("di kalimantan"), what one must bring or use ("hrs pk laptop gk"), one's own place on a waitlist
("urutan ke brp"), and questions right after registering about the training just joined ("what time is that in
Singapore?"). Each asserts the state or the training's own data in the answer, never the wording."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.nlu import understand
from bot.regions import island_of
from db.models import Registration, Subscription
from tests.channels import ChannelChat, chatting
from tests.conftest import Clock
from tests.dialogues.test_answers import answer_until, memory_of, person_of, statuses, step
from tests.test_privacy_everywhere import register


@pytest.mark.parametrize(("typed", "topic"), [
    ("udh punya NIB, skrg mau daftarin merek", "merek"),
    ("sudah punya nib gimana cara daftar merek", "merek"),
    ("already have NIB, how to register a trademark", "merek"),
    ("saya punya merek, mau bnsp", "bnsp"),
    ("belum punya NIB, gimana caranya", "nib"),  # not yet had: it is the one asked about
    ("mau NIB dan merek", "nib"),  # both wanted: the first, as before
])
def test_the_topic_asked_is_not_the_one_already_had(typed: str, topic: str) -> None:
    assert understand(typed).topic == topic


async def test_the_guide_of_the_topic_asked(anywhere: ChannelChat) -> None:
    await anywhere.say("udh punya NIB, skrg mau daftarin merek")
    assert ((await memory_of(anywhere)).get("guide") or {}).get("topic") == "merek"


@pytest.mark.parametrize(("province", "island"), [
    ("64", "kalimantan"), ("21", "sumatera"), ("11", "sumatera"), ("34", "jawa"), ("52", "nusa-tenggara"),
    ("73", "sulawesi"), ("81", "maluku"), ("94", "papua"), ("", None), (None, None)])
def test_islands_by_province_codes(province: str | None, island: str | None) -> None:
    assert island_of(province) == island


@pytest.mark.parametrize(("typed", "island"), [
    ("pelatihan di kalimantan", "kalimantan"), ("ada pelatihan di SULAWESI gk", "sulawesi"),
    ("training in borneo?", "kalimantan"), ("pelatihan tenun di pulau jawa", "jawa")])
async def test_an_island_filters_the_list(anywhere: ChannelChat, typed: str, island: str) -> None:
    await anywhere.say(typed)
    memory = await memory_of(anywhere)
    shown = memory.get("shown") or {}
    wanted = shown.get("w") or {}
    assert wanted.get("l") == island or (shown and "l" not in wanted and wanted != {})  # or its nearest alternative
    async with anywhere.app.sessionmaker() as session:
        from db.models import Training
        provinces = (await session.execute(select(Training.province).where(
            Training.code.in_([str(c) for c in memory.get("list") or []])))).scalars().all()
    if wanted.get("l") == island:
        assert provinces and all(island_of(p) == island for p in provinces)


async def test_a_narrower_place_replaces_the_island(console: ChannelChat) -> None:
    await console.say("pelatihan di kalimantan")
    await console.say("yg di hulu sungai utara aja")
    wanted = ((await memory_of(console)).get("shown") or {}).get("w") or {}
    assert "l" not in wanted and wanted.get("r")


@pytest.mark.parametrize("typed", ["hrs pk laptop gk", "harus bawa apa aja kak", "do i need a laptop?",
                                   "wajib pakai smartphone?"])
async def test_what_to_bring_is_the_trainings_requirements(anywhere: ChannelChat, typed: str) -> None:
    await anywhere.say("ECO-ON-01")
    reply = await anywhere.say(typed)
    assert "ponsel pintar" in reply or "smartphone" in reply.lower()  # the training's own requirement text


async def _waitlisted(chat: ChannelChat) -> str:
    await register(chat, "BTK-YK-02", expect="waitlisted")  # full: the person is put on its waitlist
    person = await person_of(chat)
    assert person is not None and (await statuses(chat)).get("BTK-YK-02") == "waitlisted"
    async with chat.app.sessionmaker() as session:
        code = await session.scalar(select(Registration.code).where(Registration.artisan_id == person.id))
    assert code
    return code


@pytest.mark.parametrize("typed", ["urutan ke brp kak", "nanti kl ada yg batal sy dikabari?", "what is my position"])
async def test_ones_place_on_the_waitlist(anywhere: ChannelChat, typed: str) -> None:
    code = await _waitlisted(anywhere)
    reply = await anywhere.say(typed)
    assert code in reply  # the answer is about the person's own waitlisted registration
    assert (await statuses(anywhere)).get("BTK-YK-02") == "waitlisted"  # and changes nothing


async def test_the_time_abroad_right_after_registering(anywhere: ChannelChat) -> None:
    await _waitlisted(anywhere)
    reply = await anywhere.say("what time is that in Singapore?")
    assert "09.00" in reply  # 08.00 WIB is 09.00 in Singapore
    assert (await memory_of(anywhere)).get("training") == "BTK-YK-02"


@pytest.mark.parametrize("typed", ["nomor ini aja kak", "pake nomor yg ini", "same number as this one", "NOMER INI"])
@pytest.mark.parametrize("chat_on", ["console", "telegram"])  # WhatsApp knows the number: it is never asked
async def test_this_number_is_asked_to_be_typed_or_shared(database_url: str, clock: Clock, chat_on: str,
                                                          typed: str) -> None:
    async with chatting(chat_on, database_url, clock) as chat:
        await chat.say("daftar BTK-YK-01")
        await answer_until(chat, "phone")
        await chat.say(typed)
        assert await step(chat) == "phone"  # asked again, nothing taken as a number
        assert (await memory_of(chat)).get("focus") != "list"  # not read as a search ("nomor" as a list number)
        await chat.say("0812 2233 4455")
        assert await step(chat) != "phone"


async def subscribed(chat: ChannelChat) -> set[str]:
    person = await person_of(chat)
    if person is None:
        return set()
    async with chat.app.sessionmaker() as session:
        rows = await session.execute(select(Subscription.craft).where(Subscription.artisan_id == person.id))
        return {str(craft) for craft in rows.scalars().all()}


async def test_one_crafts_news_stopped_then_another_in_few_words(anywhere: ChannelChat) -> None:
    await anywhere.say("langganan batik")
    await anywhere.say("langganan tenun")
    assert await subscribed(anywhere) == {"batik", "tenun"}
    await anywhere.say("cuma gk mau kabar batik lagi")
    assert await subscribed(anywhere) == {"tenun"}
    await anywhere.say("yg tenun jg gausah")
    assert await subscribed(anywhere) == set()


@pytest.mark.parametrize("typed", ["langganan batik bisa gak?", "bisa langganan batik ga?", "BISA LANGGANAN BATIK GK?"])
async def test_asking_whether_one_can_subscribe_subscribes(anywhere: ChannelChat, typed: str) -> None:
    await anywhere.say(typed)
    assert await subscribed(anywhere) == {"batik"}


async def test_stopping_news_one_does_not_get_changes_nothing(anywhere: ChannelChat) -> None:
    await anywhere.say("langganan tenun")
    await anywhere.say("cuma gk mau kabar batik")
    assert await subscribed(anywhere) == {"tenun"}
    assert (await memory_of(anywhere)).get("focus") != "list"  # not a list of batik trainings


async def conversation_form(chat: ChannelChat) -> dict[str, object]:
    """The answers of the form being filled, as stored with the conversation."""
    from db.models import Conversation

    person = await person_of(chat)
    assert person is not None
    async with chat.app.sessionmaker() as session:
        data = await session.scalar(select(Conversation.data).where(Conversation.artisan_id == person.id))
    return dict((data or {}).get("form") or {})
