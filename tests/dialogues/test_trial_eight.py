"""What the eighth trial found (31 new users, 228 replies graded): each asserts what was stored, shown or asked
(a subscription, a phone number, a guide's topic, the training answered about), never the wording."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import Subscription
from tests.channels import ChannelChat, chatting
from tests.conftest import Clock
from tests.dialogues.test_answers import answer_until, memory_of, person_of, step


async def subscribed(chat: ChannelChat) -> set[str]:
    person = await person_of(chat)
    if person is None:
        return set()
    async with chat.app.sessionmaker() as session:
        rows = await session.execute(select(Subscription.craft, Subscription.region)
                                     .where(Subscription.artisan_id == person.id))
        return {f"{craft}:{region}" for craft, region in rows.all()}


async def test_asking_for_information_is_a_list_not_a_subscription(anywhere: ChannelChat) -> None:
    await anywhere.say("punten, abdi ti garut, hoyong terang info pelatihan batik garutan")
    assert await subscribed(anywhere) == set()  # nothing kept without being asked
    assert ((await memory_of(anywhere)).get("shown") or {}).get("w")  # the trainings, nearest to Garut


@pytest.mark.parametrize(("typed", "crafts"), [
    ("sy mau dikabarin kalo ada pelatihan tenun sama batik", {"tenun", "batik"}),
    ("langganan info pelatihan batik sama ecoprint", {"batik", "ecoprint"}),
    ("LANGGANAN TENUN DAN ANYAMAN", {"tenun", "anyaman"}),
])
async def test_two_crafts_asked_at_once_are_both_followed(anywhere: ChannelChat, typed: str, crafts: set[str]) -> None:
    await anywhere.say(typed)
    assert {s.split(":")[0] for s in await subscribed(anywhere)} == crafts


async def test_stop_all_messages_in_a_sentence_stops_them(anywhere: ChannelChat) -> None:
    await anywhere.say("hello, subscribe me to batik news")
    await anywhere.say("Actually please stop all messages. STOP")
    person = await person_of(anywhere)
    assert person is not None and person.proactive_opt_out


@pytest.mark.parametrize("chat_on", ["console", "telegram"])  # WhatsApp never asks the number
async def test_a_number_corrected_in_the_same_answer(database_url: str, clock: Clock, chat_on: str) -> None:
    async with chatting(chat_on, database_url, clock) as chat:
        await chat.say("daftar BTK-YK-01")
        await answer_until(chat, "phone")
        await chat.say("nomer sy 085712345678 kak, eh salah 085712345679")
        assert await step(chat) != "phone"
        person = await person_of(chat)
        assert person is not None
        from tests.dialogues.test_stop_twenty_left import conversation_form
        assert (await conversation_form(chat)).get("phone") == "+6285712345679"


@pytest.mark.parametrize("typed", ["sy gk punya KTP NTB, sy org bali. boleh gk?",
                                   "KTP bali boleh gk ikut yg lombok?? jawab dong kak",
                                   "daftar, tp sy gk punya KTP ntb gmn?"])
async def test_may_i_join_is_the_trainings_requirements(anywhere: ChannelChat, typed: str) -> None:
    await anywhere.say("TNN-LTG-01")
    reply = await anywhere.say(typed)
    assert "KTP NTB" in reply and "Disperindag Prov. NTB" in reply  # its own requirement and its organizer


async def test_a_listed_training_named_by_its_place_with_a_question(anywhere: ChannelChat) -> None:
    await anywhere.say("pelatihan tenun dekat jogja")
    reply = await anywhere.say("yaudah yg sikka aja deh… brp lama pelatihannya?")
    assert "Sikka" in reply and ("WITA" in reply)  # the Sikka training's own start and end, in its zone
    assert (await memory_of(anywhere)).get("training") == "TNN-SKA-01"


async def test_registering_for_a_listed_training_by_a_shortened_title(anywhere: ChannelChat) -> None:
    await anywhere.say("pelatihan batik")
    await anywhere.say("iya daftar yg pewarna alam")
    from tests.dialogues.test_list_picks import conversation_data
    assert (await conversation_data(anywhere))["form"]["training"] == "BTK-YK-01"


@pytest.mark.parametrize("typed", ["Batikmark itu gimana dapetinnya, syaratnya apa aja", "batikmark gmn caranya"])
async def test_a_certification_named_is_its_guide(anywhere: ChannelChat, typed: str) -> None:
    await anywhere.say(typed)
    assert ((await memory_of(anywhere)).get("guide") or {}).get("topic") == "batikmark"


async def test_a_corrected_guide_topic_with_a_question(anywhere: ChannelChat) -> None:
    await anywhere.say("cara daftar merek")
    await anywhere.say("bukan merek kak, BATIKMARK. lama prosesnya brp?")
    assert ((await memory_of(anywhere)).get("guide") or {}).get("topic") == "batikmark"


async def test_the_same_craft_elsewhere_under_a_detail(anywhere: ChannelChat) -> None:
    await anywhere.say("KRM-BTL-01")
    await anywhere.say("trus gerabah di tempat lain ada gk? gpp jauh")
    memory = await memory_of(anywhere)
    wanted = (memory.get("shown") or {}).get("w") or {}
    assert memory.get("focus") == "list" and wanted.get("c") and not wanted.keys() & {"p", "r", "n", "l"}


async def test_the_certificate_of_the_training_in_view(anywhere: ChannelChat) -> None:
    await anywhere.say("KRM-LBR-01")
    await anywhere.say("sertifikatnya dapet gk kak? trus daftar")
    memory = await memory_of(anywhere)
    assert memory.get("training") == "KRM-LBR-01" and memory.get("focus") == "training"  # not the guides' menu
    assert not memory.get("guide")


async def test_register_please_with_a_question_under_a_detail(anywhere: ChannelChat) -> None:
    await anywhere.say("ECO-ON-ASEAN")
    await anywhere.say("Register please. Do I need an Indonesian phone number? I only have +63 917 123 4567")
    from tests.dialogues.test_list_picks import conversation_data
    assert (await conversation_data(anywhere))["form"]["training"] == "ECO-ON-ASEAN"


async def test_changing_ones_mind_under_a_list_is_the_list(anywhere: ChannelChat) -> None:
    await anywhere.say("pelatihan batik di jogja")
    await anywhere.say("eh bentar kak, sy ganti aja deh, mau yg tenun aja, ada di jogja?")
    memory = await memory_of(anywhere)
    assert memory.get("focus") == "list" and ((memory.get("shown") or {}).get("w") or {}).get("c") == "tenun"


async def test_a_remark_then_going_on_under_a_tip(anywhere: ChannelChat) -> None:
    await anywhere.say("tips ekspor")
    await anywhere.say("lanjut")
    page = ((await memory_of(anywhere)).get("tip") or {}).get("page")
    await anywhere.say("ulos kan bukan kayu bang 😅 lanjut")
    assert ((await memory_of(anywhere)).get("tip") or {}).get("page") == page + 1


async def test_another_guides_step_named_under_a_guide(anywhere: ChannelChat) -> None:
    await anywhere.say("cara daftar NIB")
    await anywhere.say("oke sy udh punya NIB ternyata, lanjut merek langkah 3")
    assert (await memory_of(anywhere)).get("guide") == {"topic": "merek", "step": 3}
