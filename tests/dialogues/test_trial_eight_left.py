"""What the last trial still found wrong: an LSP asked for under a certification guide ("LSP utk tenun ada gk? sy di
jepara"), a search by a title's words ("pelatihan pewarna alam"), two answers in one message ("setuju. tp
sertifikatnya dapet gk?", "eh gk jd deh, tp stop kabar anyaman aja"), keeping a registration at its cancel question
("eh gk jadi deh kak, tetep ikut"), and a form's question asked twice after its own answer. Each asserts the state
(registration rows, consent, subscriptions, the list or guide step in view, the form step), never the wording."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot import content
from bot.nlu import answers
from bot.nlu.stems import title_has
from db.models import Subscription, Training
from tests.channels import ChannelChat
from tests.dialogues.test_answers import answer_until, memory_of, person_of, registered, statuses, step, up_to
from tests.dialogues.test_stop_twenty_left import conversation_form, subscribed

# --- an LSP under a certification guide ------------------------------------------------------------


async def crafts_of(chat: ChannelChat, codes: list[str]) -> dict[str, str]:
    async with chat.app.sessionmaker() as session:
        rows = await session.execute(select(Training.code, Training.craft).where(Training.code.in_(codes)))
        return dict(rows.tuples().all())


@pytest.mark.parametrize(("typed", "craft"), [
    ("LSP utk tenun ada gk? sy di jepara", "tenun"),
    ("LSP TENUN DI JEPARA ADA?", "tenun"),
    ("ada lsp buat batik gk kak?", "batik"),
    ("is there a certification body for weaving? I live in Jepara", "tenun"),
])
async def test_an_lsp_asked_under_the_guide_keeps_its_step(anywhere: ChannelChat, typed: str, craft: str) -> None:
    await anywhere.say("cara dapet sertifikat BNSP")
    await anywhere.say("lanjut")
    await anywhere.say("lanjut")
    assert (await memory_of(anywhere)).get("guide") == {"topic": "bnsp", "step": 2}
    reply = await anywhere.say(typed)
    memory = await memory_of(anywhere)
    assert memory.get("guide") == {"topic": "bnsp", "step": 2} and memory.get("focus") == "guide"  # not lost
    shown = [str(c) for c in memory.get("list") or []]
    assert shown and set((await crafts_of(anywhere, shown)).values()) == {craft}  # that craft's trainings
    assert all(code in reply for code in shown)
    bodies = [b["name"] for b in content.bodies() if craft in b["crafts"]]
    assert all(name in reply for name in bodies)  # the LSPs Kriya knows for it (none for tenun)
    await anywhere.say("lanjut")
    assert (await memory_of(anywhere)).get("guide") == {"topic": "bnsp", "step": 3}  # and the guide goes on


async def test_an_lsp_asked_first_lists_that_crafts_trainings_nearest(console: ChannelChat) -> None:
    await console.say("LSP utk tenun ada gk? sy di jepara")
    shown = [str(c) for c in (await memory_of(console)).get("list") or []]
    assert set((await crafts_of(console, shown)).values()) == {"tenun"}
    assert "guide" not in await memory_of(console)


# --- title words in a search ------------------------------------------------------------------------

async def titles_of(chat: ChannelChat, codes: list[str]) -> list[str]:
    async with chat.app.sessionmaker() as session:
        return list((await session.execute(select(Training.title).where(Training.code.in_(codes)))).scalars())


@pytest.mark.parametrize("typed", ["pelatihan pewarna alam", "ada kelas warna alam gk kak", "PELATIHAN PEWARNAAN ALAM",
                                   "natural dye training", "pelatihan pewarna alam dong kak"])
async def test_title_words_find_the_trainings_with_them(anywhere: ChannelChat, typed: str) -> None:
    await anywhere.say(typed)
    memory = await memory_of(anywhere)
    wanted = (memory.get("shown") or {}).get("w") or {}
    words = tuple(str(wanted.get("w") or "").split("+"))
    assert set(words) >= {"alam"} and "c" not in wanted
    shown = [str(c) for c in memory.get("list") or []]
    assert "BTK-YK-01" in shown  # Pelatihan Pewarnaan Batik dengan Zat Warna Alam
    assert all(title_has(title, ("warna", "alam")) for title in await titles_of(anywhere, shown))


async def test_title_words_nowhere_near_offer_the_closest(anywhere: ChannelChat) -> None:
    await anywhere.say("pelatihan pewarna alam di jepara")
    memory = await memory_of(anywhere)
    wanted = (memory.get("shown") or {}).get("w") or {}
    assert "r" not in wanted and wanted.get("n") == "33.20" and "pewarna" in str(wanted.get("w"))  # loosened place
    shown = [str(c) for c in memory.get("list") or []]
    assert shown and all(title_has(t, ("pewarna", "alam")) for t in await titles_of(anywhere, shown))


async def test_title_words_none_has_together_offer_each(console: ChannelChat) -> None:
    await console.say("pelatihan kemasan ekspor")
    memory = await memory_of(console)
    wanted = (memory.get("shown") or {}).get("w") or {}
    assert wanted.get("w") == "kemasan,ekspor"  # one of the words: the close ones
    titles = await titles_of(console, [str(c) for c in memory.get("list") or []])
    assert titles and all(title_has(t, ("kemasan", "ekspor"), every=False) for t in titles)


async def test_a_title_word_list_refined_keeps_the_words(console: ChannelChat) -> None:
    await console.say("pelatihan pewarna alam")
    await console.say("yg online aja")
    memory = await memory_of(console)
    wanted = (memory.get("shown") or {}).get("w") or {}
    assert wanted.get("m") == "on" and wanted.get("w") == "pewarna+alam"
    assert memory.get("list") == ["BTK-ON-02"]


@pytest.mark.parametrize("typed", ["pelatihan batik di jogja", "ada pelatihan apa aja kak minggu ini",
                                   "pelatihan online gratis", "pelatihan kerajinan tangan"])
async def test_searches_without_title_words_are_as_before(console: ChannelChat, typed: str) -> None:
    await console.say(typed)
    assert "w" not in (((await memory_of(console)).get("shown") or {}).get("w") or {})


# --- two answers in one message -------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["setuju. tp sertifikatnya dapet gk?", "setuju kak, tapi sertifikatnya dapet gk?",
                                   "iya setuju. sertifikatnya dapet gk?", "I agree. But do I get a certificate?"])
async def test_consent_and_a_question_both_done(anywhere: ChannelChat, typed: str) -> None:
    await anywhere.say("daftar BTK-YK-01")
    assert await step(anywhere) == "consent"
    await anywhere.say(typed)
    assert (await conversation_form(anywhere)).get("consent") is True  # recorded
    assert await step(anywhere) == "name"  # and the form goes on
    memory = await memory_of(anywhere)
    assert not set(map(str, memory.get("earlier") or [])) & {str(o) for o in memory.get("options") or []}  # once
    await answer_until(anywhere, "confirm")
    await anywhere.tap("Ya, daftar")
    assert (await statuses(anywhere)).get("BTK-YK-01") == "registered"


async def _two_subscriptions(chat: ChannelChat) -> None:
    await chat.say("langganan anyaman")
    await chat.say("langganan batik")
    assert await subscribed(chat) == {"anyaman", "batik"}


@pytest.mark.parametrize("typed", ["eh gk jd deh, tp stop kabar anyaman aja", "gk jadi deh, tapi stop kabar anyaman aja",
                                   "ga usah kak. stop kabar anyaman aja"])
async def test_no_at_deleting_then_one_crafts_news_stopped(anywhere: ChannelChat, typed: str) -> None:
    await _two_subscriptions(anywhere)
    await anywhere.say("hapus data saya")
    await anywhere.say(typed)
    assert await person_of(anywhere) is not None  # nothing deleted
    assert await subscribed(anywhere) == {"batik"}  # only anyaman's news stopped


async def test_no_at_cancelling_then_one_crafts_news_stopped(anywhere: ChannelChat) -> None:
    await registered(anywhere, "BTK-YK-01")
    await _two_subscriptions(anywhere)
    await anywhere.say("batal pendaftaran")
    await anywhere.say("eh gk jd deh, tp stop kabar anyaman aja")
    assert (await statuses(anywhere)).get("BTK-YK-01") == "registered"
    assert await subscribed(anywhere) == {"batik"}


async def test_no_at_consent_then_one_crafts_news_stopped(anywhere: ChannelChat) -> None:
    await _two_subscriptions(anywhere)
    await anywhere.say("daftar BTK-YK-01")
    await anywhere.say("ga setuju, tp stop kabar anyaman aja")
    assert await step(anywhere) == ""  # the registration left, nothing stored
    assert (await statuses(anywhere)) == {}
    assert await subscribed(anywhere) == {"batik"}
    async with anywhere.app.sessionmaker() as session:
        rows = (await session.execute(select(Subscription.craft))).scalars().all()
    assert list(rows) == ["batik"]


@pytest.mark.parametrize(("typed", "parts"), [
    ("eh gk jd deh, tp stop kabar anyaman aja", ("eh gk jd deh", "stop kabar anyaman aja")),
    ("setuju. tp sertifikatnya dapet gk?", ("setuju", "sertifikatnya dapet gk?")),
    ("ya, biayanya berapa?", None),  # one question ("ya" only begins it)
    ("gk jadi, tetep ikut", None),  # the same no twice
    ("bukan merek kak, BATIKMARK. lama prosesnya brp?", None),  # a correction
    ("ok. makasih kak", None),
])
def test_an_answer_and_what_follows(typed: str, parts: tuple[str, str] | None) -> None:
    assert answers.answer_and_rest(typed) == parts


# --- keeping a registration at its cancel question --------------------------------------------------

@pytest.mark.parametrize("typed", ["eh gk jadi deh kak, tetep ikut", "ga jadi batal kak, tetap ikut",
                                   "gk jd batal, ttp dateng kok", "no, I still want to join", "Tidak"])
async def test_keeping_the_registration_in_own_words(anywhere: ChannelChat, typed: str) -> None:
    await registered(anywhere, "BTK-YK-01")
    await anywhere.say("batal pendaftaran")
    assert any(str(o[1]).startswith("rcy:") for o in (await memory_of(anywhere)).get("options") or [])
    await anywhere.say(typed)
    assert (await statuses(anywhere)).get("BTK-YK-01") == "registered"  # nothing cancelled
    options = (await memory_of(anywhere)).get("options") or []
    assert not any(str(o[1]).startswith(("rcy:", "rck:")) for o in options)  # answered: kept, not asked again
    await anywhere.say("ya")
    assert (await statuses(anywhere)).get("BTK-YK-01") == "registered"  # a yes after it cancels nothing


@pytest.mark.parametrize("typed", ["eh gk jadi deh kak, tetep ikut", "ga jadi batal kak, tetap ikut",
                                   "no, I still want to join", "gak jadi, tetep ikut aja"])
def test_keeping_after_a_no_is_no(typed: str) -> None:
    assert answers.meaning(typed) == "no"


# --- the form's question once -----------------------------------------------------------------------

async def asked_once(chat: ChannelChat) -> bool:
    """The question in view is not also in an earlier reply of the same turn."""
    memory = await memory_of(chat)
    earlier = {str(o[1]) for o in memory.get("earlier") or [] if len(o) > 1}
    return not earlier & {str(o[1]) for o in memory.get("options") or [] if len(o) > 1 and o[1]}


@pytest.mark.parametrize("answer", ["perempuan", "cowok", "tap"])
async def test_gender_at_the_confirmation_asks_it_once(anywhere: ChannelChat, answer: str) -> None:
    await up_to(anywhere, "confirm")
    if answer == "tap":
        await anywhere.tap("Perempuan")
    else:
        await anywhere.say(answer)
    assert await step(anywhere) == "confirm"
    assert (await conversation_form(anywhere)).get("gender") == ("male" if answer == "cowok" else "female")
    assert await asked_once(anywhere)


async def test_a_craft_tapped_asks_the_crafts_once(anywhere: ChannelChat) -> None:
    await up_to(anywhere, "crafts")
    await anywhere.tap("Batik")
    assert await step(anywhere) == "crafts"
    assert await asked_once(anywhere)


@pytest.mark.parametrize("at", ["consent", "name"])
async def test_the_same_registration_asked_again_asks_once(console: ChannelChat, at: str) -> None:
    await up_to(console, at)
    await console.say("daftar BTK-YK-01")
    assert await asked_once(console)


@pytest.mark.parametrize("question", ["biayanya brp?", "lokasinya dimana?", "apa itu NIB?"])
async def test_a_question_mid_form_then_the_question_once(anywhere: ChannelChat, question: str) -> None:
    await up_to(anywhere, "name")  # (WhatsApp knows the number: the phone is never asked there)
    await anywhere.say(question)
    assert await step(anywhere) == "name"
    assert await asked_once(anywhere)


@pytest.mark.parametrize("typed", ["kalo ga punya npwp gmn", "kalau tidak setuju gimana?", "if I don't have an NPWP how?"])
def test_a_question_about_not_having_is_no_refusal(typed: str) -> None:
    assert answers.meaning(typed) is None


async def test_a_question_under_a_guide_mid_form_keeps_the_form(anywhere: ChannelChat) -> None:
    await up_to(anywhere, "name")
    await anywhere.say("apa itu NIB?")
    await anywhere.say("kalo ga punya npwp gmn")
    assert await step(anywhere) == "name"  # not read as "no" to the guide's question (the menu)


@pytest.mark.parametrize("typed", ["ya. tp nama saya salah", "iya, tapi nomornya ganti ya", "ya daftar. tp nanti dulu"])
def test_a_yes_with_a_reservation_is_read_whole(typed: str) -> None:
    assert answers.answer_and_rest(typed) is None


async def test_a_yes_with_a_correction_at_the_confirmation_sends_nothing(anywhere: ChannelChat) -> None:
    await up_to(anywhere, "confirm")
    await anywhere.say("ya. tp nama saya salah")
    assert (await statuses(anywhere)) == {}  # not sent with the wrong name
