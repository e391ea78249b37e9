"""What the fourth trial left, and the fifth found: each asserts what was stored, shown or switched (a person's
language, a deletion, the facts of the training in view), never the wording."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot import content
from bot.i18n import LANGUAGES
from db.models import Subscription, Training
from handlers.menu import MISSES
from tests.channels import ChannelChat, form_step
from tests.dialogues.test_answers import FORM_ANSWERS, answer_until, memory_of, registered, statuses, up_to
from tests.dialogues.test_trial_four import me, mine
from tests.test_privacy_everywhere import register


async def training(chat: ChannelChat, code: str) -> Training:
    async with chat.app.sessionmaker() as session:
        return (await session.execute(select(Training).where(Training.code == code))).scalar_one()


# --- the language a person switches to ------------------------------------------------------------------------

async def test_english_after_indonesian_is_answered_in_english_and_back(anywhere: ChannelChat) -> None:
    await anywhere.say("halo kak, ada pelatihan batik?")
    assert (await me(anywhere)).language == "id"  # type: ignore[union-attr]
    await anywhere.say("ok thanks, delete my data please")
    assert (await me(anywhere)).language == "en"  # type: ignore[union-attr]
    await anywhere.tap("Yes")  # the English button: the question was asked in English
    assert await me(anywhere) is None or (await me(anywhere)).display_name is None  # type: ignore[union-attr]


async def test_back_to_indonesian_when_the_person_is(console: ChannelChat) -> None:
    await console.say("hello, is there any batik training next month?")
    assert (await me(console)).language == "en"  # type: ignore[union-attr]
    await console.say("saya mau yang di jogja aja kak")
    assert (await me(console)).language == "id"  # type: ignore[union-attr]


async def test_a_chosen_language_stays(console: ChannelChat) -> None:
    await console.say("halo")
    await console.say("bahasa inggris")
    assert (await me(console)).language == "en"  # type: ignore[union-attr]
    await console.say("saya mau pelatihan batik di jogja")
    assert (await me(console)).language == "en"  # type: ignore[union-attr]


async def test_an_english_answer_in_a_form_does_not_switch(console: ChannelChat) -> None:
    await console.say("BTK-YK-01")
    await console.tap("Daftar")
    await console.tap("Setuju")
    await console.say("Nurul Aisyah")
    await console.say("0812 3456 7777")
    await console.say("batik")
    await console.say("Sleman")
    await console.say("Batik for you and the world")  # a business name, not a language
    person = await me(console)
    assert person is not None and person.language == "id"


# --- why registration is closed --------------------------------------------------------------------------

@pytest.mark.parametrize("question", ["why is registration closed?", "kok ditutup sih", "kenapa ga bisa daftar?",
                                      "KENAPA UDAH TUTUP"])
async def test_why_registration_is_closed_names_the_deadline(anywhere: ChannelChat, question: str) -> None:
    await anywhere.say("PRH-YK-01")  # the demo's training whose deadline passed three days ago
    reply = await anywhere.say(question)
    closed = await training(anywhere, "PRH-YK-01")
    assert closed.contact in reply  # the answer about this training, with whom to ask
    assert closed.registration_deadline is not None
    deadline = closed.registration_deadline.astimezone(ZoneInfo("Asia/Jakarta"))
    assert f" {deadline.day} " in reply and str(deadline.year) in reply  # and the deadline's date


async def test_a_closed_training_shows_no_seats_left(anywhere: ChannelChat) -> None:
    detail = await anywhere.say("PRH-YK-01")
    assert "sisa" not in detail.casefold() and "seats left" not in detail.casefold()


# --- common questions about a guide's content ------------------------------------------------------------

@pytest.mark.parametrize(("question", "topic", "key"), [
    ("kalo ga punya npwp gmn", "nib", "npwp"),
    ("BELUM PUNYA NPWP BISA GA KAK", "nib", "npwp"),
    ("what is KBLI?", "nib", "kbli"),
    ("kbli itu apa sih", "nib", "kbli"),
    ("kalau gagal ujian bisa ulang?", "bnsp", "retake"),
    ("klo ga lulus uji kompetensi gmn?", "bnsp", "retake"),
    ("what if I fail the test", "bnsp", "retake"),
])
async def test_a_guide_question_is_answered_from_its_guide(anywhere: ChannelChat, question: str, topic: str,
                                                           key: str) -> None:
    reply = await anywhere.say(question)
    expected = {content.guides_in(language)[topic]["questions"][key]["answer"].strip() for language in LANGUAGES}
    assert any(answer in reply for answer in expected)


async def test_a_guide_question_under_a_guide_keeps_its_step(anywhere: ChannelChat) -> None:
    await anywhere.say("sertifikasi bnsp")
    await anywhere.tap("1")  # step 1
    await anywhere.say("kalau gagal ujian bisa ulang?")
    assert memory_of_guide(await memory_of(anywhere)) == ("bnsp", 1)
    await anywhere.say("lanjut")
    assert memory_of_guide(await memory_of(anywhere)) == ("bnsp", 2)


async def test_a_guide_question_in_a_form_comes_back_to_the_question(console: ChannelChat) -> None:
    await console.say("BTK-YK-01")
    await console.tap("Daftar")
    await console.tap("Setuju")
    step = await form_step(console)
    await console.say("kalo ga punya npwp gmn")
    assert await form_step(console) == step
    await console.say("Nurul Aisyah")
    assert await form_step(console) != step


def memory_of_guide(memory: dict[str, object]) -> tuple[object, object]:
    where = memory.get("guide")
    assert isinstance(where, dict)
    return where.get("topic"), where.get("step")


# --- an unsure "enough" asks before it stops everything ---------------------------------------------------

@pytest.mark.parametrize("enough", ["udah cukup", "UDAH CUKUP"])
async def test_enough_stops_no_messages(anywhere: ChannelChat, enough: str) -> None:
    """(Read as an unsure unsubscribe before issue 16's NLU: then the stop is asked, never done unasked.)"""
    await anywhere.say("pelatihan batik")
    await anywhere.say(enough)
    assert not (await me(anywhere)).proactive_opt_out  # type: ignore[union-attr]
    await anywhere.say("ga")
    assert not (await me(anywhere)).proactive_opt_out  # type: ignore[union-attr]


@pytest.mark.parametrize("stop", ["STOP", "jangan kirim pesan lagi", "berhenti kirim pesan"])
async def test_a_clear_stop_still_stops_at_once(console: ChannelChat, stop: str) -> None:
    await console.say("pelatihan batik")
    await console.say(stop)
    assert (await me(console)).proactive_opt_out  # type: ignore[union-attr]


# --- a verb typed in the other language than the buttons' ---------------------------------------------------

@pytest.mark.parametrize(("first", "yes"), [
    ("batalkan pendaftaran saya", "yes cancel it"),      # buttons in Indonesian, the answer in English
    ("cancel my registration please", "ya batalin aja"),  # answered in English, the yes in Indonesian
])
async def test_a_yes_with_the_verb_in_the_other_language(anywhere: ChannelChat, first: str, yes: str) -> None:
    await registered(anywhere, "BTK-YK-01")
    await anywhere.say(first)
    assert await statuses(anywhere) == {"BTK-YK-01": "registered"}  # asked first
    await anywhere.say(yes)
    assert await statuses(anywhere) == {"BTK-YK-01": "cancelled"}


# --- a longer question that names the list's own craft again --------------------------------------------------

@pytest.mark.parametrize("question", ["ok what about the ecoprint class, is there a certificate?",
                                      "trus kalo yg ecoprint itu dapet sertifikat ga kak?"])
async def test_a_question_naming_the_lists_craft_is_about_the_list(anywhere: ChannelChat, question: str) -> None:
    await anywhere.say("ada pelatihan ecoprint online?")
    shown = list((await memory_of(anywhere)).get("list") or [])
    assert len(shown) >= 2
    reply = await anywhere.say(question)
    for code in shown:  # each training of the list answered about, not a new list nor "which number?"
        assert (await training(anywhere, code)).contact in reply
    assert list((await memory_of(anywhere)).get("list") or []) == shown


# --- the fifth trial's data-risky replies ------------------------------------------------------------------------

async def subscribed(chat: ChannelChat) -> set[str]:
    async with chat.app.sessionmaker() as session:
        person = await me(chat)
        assert person is not None
        rows = await session.execute(select(Subscription.craft).where(Subscription.artisan_id == person.id))
        return {craft or "" for craft in rows.scalars()}


@pytest.mark.parametrize("stop", ["kak tolong jgn kirimin sy pesan2 otomatis lg ya, sy lg sibuk",
                                  "please don't send me any more messages", "ga usah kirim2 kabar lagi ya kak"])
async def test_dont_send_stops_messages(anywhere: ChannelChat, stop: str) -> None:
    await anywhere.say("langganan batik")
    await anywhere.say(stop)
    assert (await me(anywhere)).proactive_opt_out  # type: ignore[union-attr]


@pytest.mark.parametrize("resume", ["sy udh gk sibuk, kirimin lg kabar2nya ya", "ok kirimin lagi pesannya kak"])
async def test_send_again_resumes_messages(anywhere: ChannelChat, resume: str) -> None:
    await anywhere.say("langganan batik")
    await anywhere.say("STOP")
    assert (await me(anywhere)).proactive_opt_out  # type: ignore[union-attr]
    await anywhere.say(resume)
    assert not (await me(anywhere)).proactive_opt_out  # type: ignore[union-attr]


async def test_no_more_news_of_a_craft_drops_that_subscription(anywhere: ChannelChat) -> None:
    await anywhere.say("langganan batik")
    await anywhere.say("langganan anyaman")
    await anywhere.say("sy gk mau dikabari anyaman lagi")
    assert await subscribed(anywhere) == {"batik"}
    assert not (await me(anywhere)).proactive_opt_out  # type: ignore[union-attr]


async def test_a_region_change_in_the_form_is_its_answer(anywhere: ChannelChat) -> None:
    await up_to(anywhere, "region")
    await anywhere.say("Bandung")  # Kabupaten or Kota? asked back
    await anywhere.say("ganti wilayah saya ke Kab. Bandung Barat")
    assert (await form_step(anywhere) or "").endswith(("business", "confirm"))  # the form goes on
    await answer_until(anywhere, "confirm")
    await anywhere.say("ya daftar")
    registration = await mine(anywhere, "BTK-YK-01")
    assert registration is not None and registration.status == "registered"
    person = await me(anywhere)
    assert person is not None and person.regency == "32.17" and person.full_name == FORM_ANSWERS["name"]


@pytest.mark.parametrize(("typed", "field", "value"), [
    ("eh salah, nama lengkap saya I Made Sukarta", "full_name", "I Made Sukarta"),
    ("nama saya salah, harusnya Nurul Aisyah pake h", "full_name", "Nurul Aisyah"),
    ("nomornya salah, harusnya 0813 1111 2222", "phone", "+6281311112222"),
])
async def test_an_earlier_answer_corrected_at_a_later_question(anywhere: ChannelChat, typed: str, field: str,
                                                               value: str) -> None:
    await up_to(anywhere, "region")
    await anywhere.say(typed)
    assert (await form_step(anywhere) or "").endswith("region")  # the question it was at, asked again
    await answer_until(anywhere, "confirm")
    await anywhere.say("ya daftar")
    person = await me(anywhere)
    assert person is not None and getattr(person, field) == value
    assert (await mine(anywhere, "BTK-YK-01")) is not None


@pytest.mark.parametrize(("typed", "crafts"), [("batik, eh salah, maksudnya tenun", ["tenun"]),
                                               ("TENUN EH KELIRU YG BENER BATIK", ["batik"])])
async def test_a_correction_inside_an_answer_keeps_what_follows(console: ChannelChat, typed: str,
                                                                crafts: list[str]) -> None:
    await up_to(console, "crafts")
    await console.say(typed)
    if (await form_step(console) or "").endswith("crafts"):
        await console.say("selesai")
    await answer_until(console, "confirm")
    await console.say("ya daftar")
    person = await me(console)
    assert person is not None and person.crafts == crafts


@pytest.mark.parametrize(("typed", "field", "value"), [
    ("nama sy salah ketik, harusnya Nurul Aisyah pake h", "full_name", "Nurul Aisyah"),
    ("usaha saya tutup, hapus aja nama usahanya", "business_name", None),
    ("ganti nama usaha jd Daun Lestari Craft", "business_name", "Daun Lestari Craft"),
])
async def test_profile_changes_in_sentences(anywhere: ChannelChat, typed: str, field: str, value: str | None) -> None:
    await register(anywhere)
    await anywhere.say("profil sy")
    await anywhere.say(typed)
    person = await me(anywhere)
    assert person is not None and getattr(person, field) == value


# --- the waitlist in own words ---------------------------------------------------------------------------------

@pytest.mark.parametrize("join", ["yaudah masuk daftar tunggu aja", "ok put me on the waiting list",
                                  "MAU IKUT DAFTAR TUNGGU KAK"])
async def test_joining_the_waitlist_of_the_training_in_view(anywhere: ChannelChat, join: str) -> None:
    await anywhere.say("BTK-YK-02")  # the demo's full training
    await anywhere.say(join)
    assert (await form_step(anywhere) or "").startswith("reg:")  # the registration (to the waitlist) starts
    await answer_until(anywhere, "confirm", consent="setuju")
    await anywhere.say("ya daftar")
    registration = await mine(anywhere, "BTK-YK-02")
    assert registration is not None and registration.status == "waitlisted"


async def test_a_question_about_the_waitlist_starts_nothing(anywhere: ChannelChat) -> None:
    await anywhere.say("BTK-YK-02")
    reply = await anywhere.say("kalo daftar tunggu nanti dikabari gk?")
    assert await form_step(anywhere) is None and await mine(anywhere, "BTK-YK-02") is None
    assert (await training(anywhere, "BTK-YK-02")).title in reply  # answered about that training


# --- subscriptions and the profile, said in sentences ----------------------------------------------------

async def subscriptions_of(chat: ChannelChat) -> set[tuple[str, str]]:
    async with chat.app.sessionmaker() as session:
        rows = await session.execute(select(Subscription.craft, Subscription.region))
        return {(c or "", r or "") for c, r in rows.tuples()}


async def test_a_subscription_changed_in_words_is_not_the_profile(anywhere: ChannelChat) -> None:
    await anywhere.say("berlangganan info pelatihan tenun")
    await anywhere.say("ubah langganannya jadi cuma wilayah NTT")
    assert await subscriptions_of(anywhere) == {("tenun", "53")}
    assert await form_step(anywhere) is None  # no profile edit was started


async def test_a_region_of_ones_own_after_subscribing_is_the_profile(console: ChannelChat) -> None:
    await console.say("langganan tenun")
    await console.say("ubah wilayah saya ke sleman")
    assert await subscriptions_of(console) == {("tenun", "")}


async def test_an_earlier_buttons_title_still_chooses_it_under_a_form_question(anywhere: ChannelChat) -> None:
    await anywhere.say("langganan batik")
    await anywhere.say("langganan tenun")
    await anywhere.say("ubah wilayah saya ke sleman")  # a profile change: the consent question is asked
    await anywhere.say("langganan saya")  # the list, then the consent question again
    await anywhere.say("hapus 1")  # the list's "Hapus 1", not "hapus data saya"
    assert await subscriptions_of(anywhere) == {("tenun", "")}
    assert await me(anywhere) is not None


# --- leaving and refusing in own words ---------------------------------------------------------------------

@pytest.mark.parametrize("leave", ["gk jadi, batal aja daftarnya", "EH GA JADI DEH KAK", "batal aja ya"])
async def test_leaving_the_form_in_own_words(anywhere: ChannelChat, leave: str) -> None:
    await up_to(anywhere, "crafts")
    await anywhere.say(leave)
    assert await form_step(anywhere) is None
    assert await mine(anywhere, "BTK-YK-01") is None


async def test_not_cancelling_after_all_keeps_the_form(console: ChannelChat) -> None:
    await up_to(console, "crafts")
    await console.say("tidak jadi batal")
    assert await form_step(console) is not None


@pytest.mark.parametrize("refusal", ["hmm gk setuju deh data sy disimpen", "gak setuju ah", "hmm ga setuju"])
async def test_a_negated_agreement_at_the_consent_is_a_no(anywhere: ChannelChat, refusal: str) -> None:
    await up_to(anywhere, "consent")
    await anywhere.say(refusal)
    assert await form_step(anywhere) is None
    person = await me(anywhere)
    assert person is None or person.consent_at is None


# --- one of one's registrations described in words --------------------------------------------------------

MONTHS = "jan feb mar apr mei jun jul agu sep okt nov des".split()


@pytest.mark.parametrize("which", ["yg tgl {day}", "yg malam batik gk jadi ikut deh, batalin aja"])
async def test_a_registration_described_in_words_is_the_one_cancelled(anywhere: ChannelChat, which: str) -> None:
    await registered(anywhere, "BTK-ON-01", "BTK-ON-02")  # the demo's "Malam Batik" class and another
    starts = (await training(anywhere, "BTK-ON-01")).starts_at.astimezone(ZoneInfo("Asia/Jakarta"))
    await anywhere.say("saya mau batal ikut pelatihan")
    await anywhere.say(which.format(day=f"{starts.day} {MONTHS[starts.month - 1]}"))
    assert await statuses(anywhere) == {"BTK-ON-01": "registered", "BTK-ON-02": "registered"}  # asked first
    await anywhere.say("iya yakin")
    assert await statuses(anywhere) == {"BTK-ON-01": "cancelled", "BTK-ON-02": "registered"}


# --- participants from abroad ----------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "phone"), [("my number is 012 345 6789 (malaysia)", "+60123456789"),
                                              ("9123 4567, singapore number", "+6591234567")])
async def test_a_local_foreign_number_with_its_country(console: ChannelChat, typed: str, phone: str) -> None:
    await console.say("ECO-ON-ASEAN")
    await console.say("register")
    await console.say("yes")
    await console.say("Aisha Rahman")
    await console.say(typed)
    assert (await form_step(console) or "").endswith("crafts")
    await console.say("weaving")
    if (await form_step(console) or "").endswith("crafts"):
        await console.say("done")
    await console.say("George Town, Penang")  # a town abroad: no Indonesian regency asked for again
    assert not (await form_step(console) or "").endswith("region")
    await answer_until(console, "confirm")
    await console.say("yes register")
    person = await me(console)
    assert person is not None and person.phone == phone and person.regency is None
    assert (await mine(console, "ECO-ON-ASEAN")) is not None


async def test_a_local_number_without_a_country_is_still_asked_again(console: ChannelChat) -> None:
    await console.say("ECO-ON-ASEAN")
    await console.say("register")
    await console.say("yes")
    await console.say("Aisha Rahman")
    await console.say("012 345")
    assert (await form_step(console) or "").endswith("phone")


# --- an acknowledgement before a question -----------------------------------------------------------------

async def test_ok_thanks_then_a_question_answers_the_question(anywhere: ChannelChat) -> None:
    await anywhere.say("sertifikasi nib")
    await anywhere.say("ok mulai")
    assert memory_of_guide(await memory_of(anywhere)) == ("nib", 1)
    await anywhere.say("ok makasih. kalo batikmark itu apa")
    assert memory_of_guide(await memory_of(anywhere)) == ("batikmark", 0)


@pytest.mark.parametrize("others", ["ADA YG LAIN GK YG MIRIP", "ada yg mirip ga kak", "any similar ones?"])
async def test_others_like_the_training_in_view(anywhere: ChannelChat, others: str) -> None:
    await anywhere.say("KRM-BTL-01")  # a ceramics training whose registration has closed
    await anywhere.say(others)
    memory = await memory_of(anywhere)
    assert memory.get("focus") == "list" and (memory.get("shown") or {}).get("w", {}).get("c") == "keramik"


# --- several things asked at once, and the time abroad -----------------------------------------------------

async def test_two_questions_in_one_message_are_both_answered(anywhere: ChannelChat) -> None:
    await anywhere.say("ECO-ON-ASEAN")
    reply = await anywhere.say("is it free? and what time in Malaysia time?")
    starts = (await training(anywhere, "ECO-ON-ASEAN")).starts_at.astimezone(ZoneInfo("Asia/Kuala_Lumpur"))
    assert starts.strftime("%H.%M") in reply  # the time in Malaysia
    assert reply.count("ASEAN") >= 2  # the fee's line and the time's line, both about that training


async def test_kapan_ditutup_is_the_deadline_only(anywhere: ChannelChat) -> None:
    await anywhere.say("BTK-YK-01")
    reply = await anywhere.say("kapan ditutup?")
    closes = (await training(anywhere, "BTK-YK-01")).registration_deadline
    assert closes is not None and str(closes.astimezone(ZoneInfo("Asia/Jakarta")).day) in reply
    assert len([line for line in reply.splitlines() if line.strip()]) == 1  # one answer, not the time too


# --- questions about one's data or eligibility inside the form ------------------------------------------

@pytest.mark.parametrize(("at", "question"), [
    ("name", "bentar, ini nanti data saya dikasih ke siapa aja?"),
    ("region", "data saya apa aja yg disimpen?"),
    ("crafts", "kalo bukan anggota kelompok boleh ikut gk?"),
])
async def test_a_question_inside_the_form_is_answered_and_the_step_kept(anywhere: ChannelChat, at: str,
                                                                        question: str) -> None:
    await up_to(anywhere, at)
    await anywhere.say(question)
    assert (await form_step(anywhere) or "").endswith(at)  # the question is not taken as the answer
    await answer_until(anywhere, "confirm")
    await anywhere.say("ya daftar")
    person = await me(anywhere)
    assert person is not None and person.full_name == FORM_ANSWERS["name"] and person.regency is not None


async def test_why_the_phone_is_asked_keeps_the_step(console: ChannelChat) -> None:  # (WhatsApp asks no phone)
    await up_to(console, "phone")
    await console.say("knp hrs ksh nomor hp?")
    assert (await form_step(console) or "").endswith("phone")


async def test_deleting_ones_data_in_the_form_is_no_question(console: ChannelChat) -> None:
    await up_to(console, "region")
    await console.say("hapus data saya")
    assert (await console.say("ya hapus")) and await me(console) is None


@pytest.mark.parametrize("refusing", [
    "ibu mau ikut pelatihan batik tapi jangan yang online karena ibu tidak bisa pakai zoom",
    "pelatihan batik yg bukan online ada?",
])
async def test_not_online_lists_the_ones_held_in_person(anywhere: ChannelChat, refusing: str) -> None:
    await anywhere.say(refusing)
    memory = await memory_of(anywhere)
    assert (memory.get("shown") or {}).get("w", {}).get("m") == "off"
    async with anywhere.app.sessionmaker() as session:
        modes = set((await session.execute(select(Training.mode).where(
            Training.code.in_(memory.get("list") or [])))).scalars())
    assert modes and "online" not in modes


async def test_start_typed_after_stop_resumes_messages(anywhere: ChannelChat) -> None:
    await anywhere.say("halo")
    await anywhere.say("STOP")
    await anywhere.say("start")
    assert not (await me(anywhere)).proactive_opt_out  # type: ignore[union-attr]


# --- the sixth trial's data-risky replies --------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "business"), [("usaha sy namanya Batik Sekar Arum", "Batik Sekar Arum"),
                                                 ("no business name, skip", None),
                                                 ("gak ada, lewati aja", None)])
async def test_the_business_answer_without_its_framing(anywhere: ChannelChat, typed: str,
                                                       business: str | None) -> None:
    await up_to(anywhere, "business")
    await anywhere.say(typed)
    assert (await form_step(anywhere) or "").endswith("confirm")
    await anywhere.say("ya daftar")
    person = await me(anywhere)
    assert person is not None and person.business_name == business


@pytest.mark.parametrize(("at", "question"), [("business", "eh knp hrs ksh nama usaha?"),
                                              ("region", "knp hrs bawa KTP NTB, sy org Sumbawa tp KTP nya Bali"),
                                              ("name", "kok harus nama sesuai KTP sih?")])
async def test_a_question_at_a_free_text_step_is_no_answer(anywhere: ChannelChat, at: str, question: str) -> None:
    await up_to(anywhere, at)
    await anywhere.say(question)
    assert (await form_step(anywhere) or "").endswith(at)
    await answer_until(anywhere, "confirm")
    await anywhere.say("ya daftar")
    person = await me(anywhere)
    assert person is not None and person.full_name == FORM_ANSWERS["name"]
    assert person.regency == "34.04" and person.business_name in (FORM_ANSWERS["business"], None)


@pytest.mark.parametrize("not_a_name", ["matur nuwun", "anyaman, eh salah maksudnya tenun ikat", "hatur nuhun kak"])
async def test_thanks_or_crafts_at_the_name_question_are_no_name(anywhere: ChannelChat, not_a_name: str) -> None:
    await up_to(anywhere, "name")
    await anywhere.say(not_a_name)
    assert (await form_step(anywhere) or "").endswith("name")


async def test_agreeing_after_refusing_still_works(console: ChannelChat) -> None:
    await up_to(console, "consent")
    await console.say("tidak setuju")
    await console.say("saya setuju, lanjutkan")
    assert (await form_step(console) or "").endswith(("name", "phone", "crafts", "region", "business", "confirm"))


async def test_hapus_1_under_the_profile_deletes_nothing(anywhere: ChannelChat) -> None:
    await register(anywhere)
    await anywhere.say("profil")
    await anywhere.say("hapus 1")
    await anywhere.say("ya")
    assert await me(anywhere) is not None


@pytest.mark.parametrize("leave", ["gk jadi deh kak, sy batal daftar",
                                   "ntar dulu kak, sy tanya istri dulu. batalin dulu aja ya"])
async def test_leaving_after_a_remark(console: ChannelChat, leave: str) -> None:
    await up_to(console, "phone")
    await console.say(leave)
    assert await form_step(console) is None


async def test_a_refusal_whose_remark_negates_again(console: ChannelChat) -> None:
    await up_to(console, "consent")
    await console.say("wah gk deh, sy gk mau data sy disimpen2")
    assert await form_step(console) is None


# --- the sixth trial's other bad replies ---------------------------------------------------------------------

@pytest.mark.parametrize("steps", ["what are the steps", "langkahnya gimana kak", "CARANYA GIMANA"])
async def test_asking_for_the_steps_under_a_guides_overview_starts_them(anywhere: ChannelChat, steps: str) -> None:
    await anywhere.say("sertifikasi merek")
    await anywhere.say(steps)
    assert memory_of_guide(await memory_of(anywhere)) == ("merek", 1)


async def test_a_question_the_guide_cannot_answer_keeps_its_step(anywhere: ChannelChat) -> None:
    await anywhere.say("sertifikasi bnsp")
    await anywhere.say("lanjut")
    reply = await anywhere.say("ujiannya susah gk?")
    assert content.guides()["bnsp"]["help"].strip()[:30] in reply  # whom to ask
    await anywhere.say("lanjut")
    assert memory_of_guide(await memory_of(anywhere)) == ("bnsp", 2)


@pytest.mark.parametrize("why", ["lho kok gk bisa daftar, pelatihannya kan tgl 13 baru mulai",
                                 "kenapa ditutup, kan pelatihannya masih tgl 13"])
async def test_why_closed_with_the_trainings_own_date(anywhere: ChannelChat, why: str) -> None:
    await anywhere.say("PRH-YK-01")
    reply = await anywhere.say(why)
    assert (await training(anywhere, "PRH-YK-01")).contact in reply


@pytest.mark.parametrize("thanks", ["thanks a lot!", "thank you so much", "makasih banyak kak 🙏"])
async def test_thanks_in_many_words_is_thanks(anywhere: ChannelChat, thanks: str) -> None:
    await anywhere.say("pelatihan batik")
    await anywhere.say(thanks)
    assert await form_step(anywhere) is None  # nothing started, and no "not understood" was counted
    assert MISSES not in await memory_of(anywhere)


async def test_joining_the_queue_in_its_own_word(console: ChannelChat) -> None:
    await console.say("BTK-YK-02")
    await console.say("ya udh daftarin sy ke antriannya kak")
    assert (await form_step(console) or "").startswith("reg:")


@pytest.mark.parametrize("vague", ["ya udah gpp", "ok deh"])
async def test_a_vague_yes_after_refusing_asks_the_consent_again(console: ChannelChat, vague: str) -> None:
    await up_to(console, "consent")
    await console.say("tidak setuju")
    await console.say(vague)
    assert (await form_step(console) or "").endswith("consent")  # asked again, not taken as agreement
    person = await me(console)
    assert person is None or person.consent_at is None
    await console.say("setuju")
    assert not (await form_step(console) or "").endswith("consent")


# --- subscriptions changed in words -------------------------------------------------------------------------

async def test_narrowed_to_a_place_and_not_the_whole_country(anywhere: ChannelChat) -> None:
    await anywhere.say("langganan kabar pelatihan ukir kayu")
    await anywhere.say("yg di jepara aja kak, jgn seluruh indonesia")
    assert await subscriptions_of(anywhere) == {("kayu", "33.20")}


@pytest.mark.parametrize("remove_all", ["actually remove all of them", "hapus semuanya aja kak"])
async def test_every_subscription_removed_in_words(anywhere: ChannelChat, remove_all: str) -> None:
    await anywhere.say("langganan kayu")
    await anywhere.say("langganan rotan")
    await anywhere.say("langganan saya")
    await anywhere.say(remove_all)
    assert await subscriptions_of(anywhere) == set()
    assert not (await me(anywhere)).proactive_opt_out  # type: ignore[union-attr]  # (only the news, not STOP)


@pytest.mark.parametrize("asked", ["KAPAN DIKIRIM PENGINGATNYA?", "when will i be reminded?"])
async def test_when_reminders_come_is_answered_from_the_policy(anywhere: ChannelChat, asked: str) -> None:
    await anywhere.say("BTK-YK-01")
    reply = await anywhere.say(asked)
    quiet = anywhere.app.settings.policy.quiet_hours
    assert quiet is not None and f"{quiet[0]:02d}" in reply and f"{quiet[1]:02d}" in reply


async def test_an_unsure_unsubscribe_asks_before_stopping(console: ChannelChat,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The NLU unsure (under SURE_TO_STOP) that a message about messages means STOP: asked, then done on a yes."""
    from bot import router
    from bot.nlu.understanding import Understanding
    from handlers.subscriptions import SURE_TO_STOP

    real = router.nlu.understand

    def unsure(text: str, **kwargs: object) -> Understanding:
        if text == "udah cukup":
            return Understanding(text, "unsubscribe", None, None, None, None, None, None, None, SURE_TO_STOP / 2)
        return real(text, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(router.nlu, "understand", unsure)
    await console.say("pelatihan batik")
    await console.say("udah cukup")
    assert not (await me(console)).proactive_opt_out  # type: ignore[union-attr]
    await console.say("ga")
    assert not (await me(console)).proactive_opt_out  # type: ignore[union-attr]
    await console.say("udah cukup")
    await console.say("iya")
    assert (await me(console)).proactive_opt_out  # type: ignore[union-attr]


# --- the seventh trial -----------------------------------------------------------------------------------------

async def test_yes_at_the_business_question_is_no_business_name(anywhere: ChannelChat) -> None:
    await up_to(anywhere, "business")
    await anywhere.say("ya")
    assert (await form_step(anywhere) or "").endswith("business")


async def test_thanks_under_a_tip_turns_no_page(anywhere: ChannelChat) -> None:
    await anywhere.say("tips harga")
    before = await memory_of(anywhere)
    await anywhere.say("makasih ya")
    assert MISSES not in await memory_of(anywhere)
    assert (await memory_of(anywhere)).get("options") != before.get("options")  # thanks answered, not page 2


@pytest.mark.parametrize("resume", ["ok turn them back on", "nyalain lagi dong"])
async def test_turning_messages_back_on_in_words(anywhere: ChannelChat, resume: str) -> None:
    await anywhere.say("halo")
    await anywhere.say("STOP")
    await anywhere.say(resume)
    assert not (await me(anywhere)).proactive_opt_out  # type: ignore[union-attr]


async def test_daftar_at_the_consent_keeps_the_registration(anywhere: ChannelChat) -> None:
    await up_to(anywhere, "consent")
    await anywhere.say("daftar")
    assert (await form_step(anywhere) or "").endswith("consent")


@pytest.mark.parametrize("first", ["register ECO-ON-ASEAN pls", "register ECO-ON-ASEAN"])
async def test_registering_in_english_is_answered_in_english(console: ChannelChat, first: str) -> None:
    await console.say(first)
    assert (await me(console)).language == "en"  # type: ignore[union-attr]
    assert (await form_step(console) or "").startswith("reg:")


async def test_why_closed_already(anywhere: ChannelChat) -> None:
    await anywhere.say("KRM-BTL-01")
    reply = await anywhere.say("kenapa udh ditutup? kan blm mulai")
    assert (await training(anywhere, "KRM-BTL-01")).contact in reply


# --- follow-ups under a guide, in words ---------------------------------------------------------------------

async def test_what_next_and_the_one_before_under_a_guide(anywhere: ChannelChat) -> None:
    await anywhere.say("sertifikasi nib")
    await anywhere.say("trs abis itu ngapain")
    assert memory_of_guide(await memory_of(anywhere)) == ("nib", 1)
    await anywhere.say("lanjut")
    await anywhere.say("balik lg ke yg td")
    assert memory_of_guide(await memory_of(anywhere)) == ("nib", 1)


@pytest.mark.parametrize("question", ["ujiannya dmn", "klo ditolak gmn"])
async def test_a_question_under_a_guide_keeps_it(anywhere: ChannelChat, question: str) -> None:
    await anywhere.say("sertifikasi bnsp")
    await anywhere.say("lanjut")
    await anywhere.say(question)
    assert memory_of_guide(await memory_of(anywhere)) == ("bnsp", 1)
    await anywhere.say("terus")
    assert memory_of_guide(await memory_of(anywhere)) == ("bnsp", 2)


async def test_a_search_under_a_guide_is_still_a_search(anywhere: ChannelChat) -> None:
    await anywhere.say("sertifikasi bnsp")
    await anywhere.say("pelatihan batik di jogja dmn aja")
    assert (await memory_of(anywhere)).get("focus") == "list"
