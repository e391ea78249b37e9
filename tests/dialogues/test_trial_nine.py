"""What the ninth trial found (new users, each reply graded): each asserts what was stored, kept or shown (a
registration and its gender, a subscription kept, a phone number changed, the guide's step), never the wording."""

from __future__ import annotations

import pytest

from tests.channels import ChannelChat, form_step
from tests.dialogues.test_answers import memory_of, person_of, statuses
from tests.dialogues.test_gender import to_gender
from tests.dialogues.test_trial_eight import subscribed


@pytest.mark.parametrize(("said", "stored"), [
    ("laki2, ya daftar", "male"),
    ("cewek, kirim aja", "female"),
    ("ya daftar, sy perempuan", "female"),
    ("LK YA DAFTAR", "male"),
])
async def test_gender_and_yes_in_one_answer_registers(anywhere: ChannelChat, said: str, stored: str) -> None:
    """The trial's data-risky one: "laki2, ya daftar" at the confirmation started the registration over."""
    await to_gender(anywhere)
    await anywhere.say(said)
    assert (await statuses(anywhere)) == {"BTK-YK-01": "registered"}
    person = await person_of(anywhere)
    assert person is not None and person.gender == stored and person.full_name == "Sri Rahayu"


async def test_gender_and_yes_in_english_registers(anywhere: ChannelChat) -> None:
    anywhere.language = "en"
    await to_gender(anywhere)
    await anywhere.say("male. yes register")
    assert (await statuses(anywhere)) == {"BTK-YK-01": "registered"}
    person = await person_of(anywhere)
    assert person is not None and person.gender == "male"


@pytest.mark.parametrize("said", ["mau daftar", "daftar aja kak", "yaudah daftar", "register me"])
async def test_wanting_to_register_while_registering_keeps_the_answers(console: ChannelChat, said: str) -> None:
    await to_gender(console)
    await console.say(said)
    if await statuses(console):  # taken as the yes: sent, with the answers
        person = await person_of(console)
        assert person is not None and person.full_name == "Sri Rahayu"
        assert await statuses(console) == {"BTK-YK-01": "registered"}
    else:  # or asked again: never the consent again, with the answers gone
        assert await form_step(console) == "reg:confirm"
        from tests.dialogues.test_forms import form
        assert (await form(console)).get("name") == "Sri Rahayu"


@pytest.mark.parametrize("asked", ["kalo sy stop, langganan tenun sy masih ada gk kak?",
                                   "langganan tenun sy masih ada kan?",
                                   "if I stop, do I still have my weaving subscription?"])
async def test_asking_about_a_subscription_keeps_it(anywhere: ChannelChat, asked: str) -> None:
    await anywhere.say("langganan tenun di NTT")
    before = await subscribed(anywhere)
    assert before == {"tenun:53"}
    await anywhere.say("STOP")
    await anywhere.say(asked)
    assert await subscribed(anywhere) == before
    person = await person_of(anywhere)
    assert person is not None and person.proactive_opt_out  # STOP still holds


async def test_stopping_a_craft_in_so_many_words_still_removes_it(anywhere: ChannelChat) -> None:
    await anywhere.say("langganan tenun di NTT")
    await anywhere.say("berhenti langganan tenun")
    assert await subscribed(anywhere) == set()


@pytest.mark.parametrize("said", ["eh nomor hp sy salah ketik, yg bener 0813 3721 9989",
                                  "nomor sy salah kak, harusnya 081337219989"])
async def test_own_number_said_wrong_after_registering_is_changed(anywhere: ChannelChat, said: str) -> None:
    await to_gender(anywhere)
    await anywhere.tap("Ya, daftar")
    await anywhere.say(said)
    person = await person_of(anywhere)
    assert person is not None and person.phone == "+6281337219989"
    assert (await statuses(anywhere)) == {"BTK-YK-01": "registered"}


@pytest.mark.parametrize("said", ["nya atos, daftar wae", "yaudah daftar aja", "ya udah, daftar"])
async def test_all_right_then_register_under_a_detail_registers(console: ChannelChat, said: str) -> None:
    """ "Ya sudah" is "all right then", not "already": it was read as "my registrations"."""
    await console.say("BTK-YK-01")
    await console.say(said)
    assert (await form_step(console) or "").startswith("reg:")


async def test_a_question_about_the_guides_step_is_answered_by_the_step(anywhere: ChannelChat) -> None:
    await anywhere.say("cara daftar merek gmn?")
    await anywhere.say("1")
    assert (await memory_of(anywhere)).get("guide") == {"topic": "merek", "step": 1}
    reply = await anywhere.say('kalo nama merek sy "Ukir Jati Mulyo" udh ada yg pake gmn? bisa dicekin gk mas')
    assert "pdki-indonesia.dgip.go.id" in reply  # the step's own way to check the name
    assert (await memory_of(anywhere)).get("guide") == {"topic": "merek", "step": 1}
    await anywhere.say("lanjut")
    assert (await memory_of(anywhere)).get("guide") == {"topic": "merek", "step": 2}


async def test_resuming_with_a_followed_craft_adds_no_subscription(anywhere: ChannelChat) -> None:
    await anywhere.say("yo lah, kabari se kalau ado songket di sumatera barat")
    assert await subscribed(anywhere) == {"tenun:13"}
    await anywhere.say("STOP")
    await anywhere.say("MULAI lg uni, sy rindu kabar songket 😅")
    person = await person_of(anywhere)
    assert person is not None and not person.proactive_opt_out
    assert await subscribed(anywhere) == {"tenun:13"}  # hers, resumed; no nationwide one added


@pytest.mark.parametrize("said", ["stop dulu lah, banyak bana pesan", "STOP DULU KAK, kebanyakan pesan"])
async def test_a_message_opening_with_stop_stops(anywhere: ChannelChat, said: str) -> None:
    await anywhere.say("langganan tenun di NTT")
    await anywhere.say(said)
    person = await person_of(anywhere)
    assert person is not None and person.proactive_opt_out


@pytest.mark.parametrize("said", ["ok makasih kak, udh cukup", "thanks, that is helpful!", "makasih banyak ya, tabe"])
async def test_thanks_with_a_closing_is_thanks(console: ChannelChat, said: str) -> None:
    from tests.dialogues.test_dead_ends import MENU, payloads, seen
    await console.say("tips jualan online dong")
    await console.say(said)
    assert (await seen(console)).misses == 0
    assert MENU <= payloads(console)


@pytest.mark.parametrize(("asked", "aspect"), [
    ("sy dr makale, ada penginapan gk disediakan? kalo gk ada sy pulang pergi aja", "lodging"),
    ("ada tempat nginap gk buat peserta dr luar rantepao?", "lodging"),
    ("penginapan disediakan gk?", "lodging"),
])
async def test_a_question_the_data_cannot_answer_sends_to_the_organizer(anywhere: ChannelChat, asked: str,
                                                                        aspect: str) -> None:
    await anywhere.say("ada pelatihan ukir di sulawesi?")
    await anywhere.say("1")
    training = (await memory_of(anywhere)).get("training")
    reply = await anywhere.say(asked)
    assert (await memory_of(anywhere)).get("training") == training  # still about it
    assert "Disperindag Kabupaten Toraja Utara" in reply  # its organizer, to ask


async def test_when_the_link_comes_for_an_online_training(anywhere: ChannelChat) -> None:
    await anywhere.say("ECO-ON-01")
    reply = await anywhere.say("link zoomnya kapan dikirim bang?")
    assert "esmart" in reply.casefold()  # its organizer's contact: they send the link
    assert (await memory_of(anywhere)).get("training") == "ECO-ON-01"


@pytest.mark.parametrize("asked", ["JAUH BGT MAGETAN. KALO YG DI JABAR ADA GAK, KULIT ATAU APA AJA DEH",
                                   "kalo yg di jabar ada gak, kulit atau apa aja deh"])
async def test_another_place_any_craft_under_a_detail_is_a_search(anywhere: ChannelChat, asked: str) -> None:
    await anywhere.say("KAK SAYA PENGRAJIN KULIT DI GARUT ADA PELATIHAN KULIT GAK BULAN JANUARI")
    await anywhere.say("1")
    await anywhere.say(asked)
    wanted = ((await memory_of(anywhere)).get("shown") or {}).get("w") or {}
    assert wanted.get("p") == "32" and "c" not in wanted


async def test_all_online_ones_not_only_weaving_drops_the_craft(anywhere: ChannelChat) -> None:
    anywhere.language = "en"
    await anywhere.say("Hi, I am a songket weaver from Terengganu, Malaysia. Are there any online trainings I can join?")
    await anywhere.say("what about all online ones, not only weaving? and is it in english?")
    wanted = ((await memory_of(anywhere)).get("shown") or {}).get("w") or {}
    assert wanted.get("m") == "on" and "c" not in wanted


@pytest.mark.parametrize(("said", "name"), [("asmanipun kulo Darmi Sutarni", "Darmi Sutarni"),
                                            ("nami abdi Asep Sunandar", "Asep Sunandar"),
                                            ("nama tiang I Ketut Arsana", "I Ketut Arsana")])
async def test_my_name_is_in_regional_words(console: ChannelChat, said: str, name: str) -> None:
    from tests.dialogues.test_answers import answer_until
    from tests.dialogues.test_stop_twenty_left import conversation_form
    await console.say("daftar BTK-YK-01")
    await answer_until(console, "name")
    await console.say(said)
    assert (await conversation_form(console)).get("name") == name


async def test_name_number_and_craft_in_one_answer(anywhere: ChannelChat) -> None:
    from tests.dialogues.test_answers import answer_until
    from tests.dialogues.test_stop_twenty_left import conversation_form
    await anywhere.say("daftar KYU-GNR-01")
    await answer_until(anywhere, "name")
    await anywhere.say("nama tiang I Ketut Arsana nomor hp nya 081338001122 sy pengukir kayu di gianyar")
    form = await conversation_form(anywhere)
    assert form.get("name") == "I Ketut Arsana" and form.get("crafts") == ["kayu"]
    if anywhere.channel != "whatsapp":  # (WhatsApp knows the number: it never asks it)
        assert form.get("phone") == "+6281338001122"
    assert await form_step(anywhere) == "reg:region"


async def test_consent_with_the_name_in_one_answer(anywhere: ChannelChat) -> None:
    from tests.dialogues.test_stop_twenty_left import conversation_form
    await anywhere.say("daftar BTK-YK-01")
    await anywhere.say("setuju, nama sy Lalu Rahmat Hidayat hp 081907123456")
    form = await conversation_form(anywhere)
    assert form.get("consent") is True and form.get("name") == "Lalu Rahmat Hidayat"
    assert await form_step(anywhere) not in ("reg:consent", "reg:name")


@pytest.mark.parametrize(("said", "crafts"), [
    ("please tell me when there are new weaving trainings", {"tenun"}),
    ("Can you update me about weaving and natural dye trainings?", {"tenun"}),
    ("mau dapat kabar kalau ada pelatihan tenun di NTT", {"tenun"}),
])
async def test_asking_to_be_told_subscribes(anywhere: ChannelChat, said: str, crafts: set[str]) -> None:
    await anywhere.say(said)
    assert {s.split(":")[0] for s in await subscribed(anywhere)} == crafts


async def test_if_there_is_one_i_join_is_a_search_not_a_subscription(anywhere: ChannelChat) -> None:
    await anywhere.say("kalau ada pelatihan batik di jogja sy mau ikut")
    assert await subscribed(anywhere) == set()
    assert ((await memory_of(anywhere)).get("shown") or {}).get("w", {}).get("c") == "batik"


async def test_tais_is_woven(anywhere: ChannelChat) -> None:
    anywhere.language = "en"
    await anywhere.say("Hello, I weave tais in Dili, Timor-Leste. Can I join trainings in Indonesia? Is there "
                       "anything in NTT near the border?")
    assert ((await memory_of(anywhere)).get("shown") or {}).get("w", {}).get("c") == "tenun"


async def test_a_question_then_no_at_deleting_keeps_everything(anywhere: ChannelChat) -> None:
    await anywhere.say("daftar BTK-YK-01")
    from tests.dialogues.test_answers import answer_until
    await answer_until(anywhere, "confirm")
    await anywhere.tap("Ya, daftar")
    await anywhere.say("hapus semua data sy dong")
    await anywhere.say("eh tp pendaftaran sy yg kemarin ikut kehapus jg ya? kalo gt jgn dulu")
    person = await person_of(anywhere)
    assert person is not None and person.full_name == "Sri Rahayu Lestari"
    assert await statuses(anywhere) == {"BTK-YK-01": "registered"}
    assert "dely" not in {o[1] for o in (await memory_of(anywhere)).get("options") or []}  # not asked again


async def test_can_i_register_under_a_detail_starts_registering(anywhere: ChannelChat) -> None:
    await anywhere.say("selamat siang, sa mama perajin noken dari jayapura. ada pelatihan kah?")
    await anywhere.say("1")
    training = (await memory_of(anywhere)).get("training")
    await anywhere.say("kaka, sa tra punya hp sendiri, pake hp anak. bisa daftar kah?")
    from tests.dialogues.test_stop_twenty_left import conversation_form
    assert (await form_step(anywhere) or "").startswith("reg:")
    assert (await conversation_form(anywhere)).get("training") == training


async def test_already_registered_under_a_detail_registers_nothing(console: ChannelChat) -> None:
    await console.say("BTK-YK-01")
    await console.say("sy udh daftar kemarin, kok blm ada kabar?")
    assert not (await form_step(console) or "").startswith("reg:")


async def test_online_also_fine_if_none_is_no_in_person_filter(anywhere: ChannelChat) -> None:
    await anywhere.say("horas! sy penenun ulos di toba, mau tanya pelatihan tenun di sumut ada gk? kalo gk ada yg "
                       "online jg boleh")
    wanted = ((await memory_of(anywhere)).get("shown") or {}).get("w") or {}
    assert wanted.get("c") == "tenun" and "m" not in wanted


def _answer(topic: str, key: str) -> str:
    from bot import content
    return str(content.guides_in("id")[topic]["questions"][key]["answer"]).strip()


@pytest.mark.parametrize(("opening", "asked", "answered"), [
    ("mbak gmn sih caranya dapet batikmark? sy batik cap pekalongan",
     "sy cap dicampur tulis mbak, jadi dapetnya yg warna apa? trus merek hrs udh jadi sertifikat blm?",
     [("batikmark", "colour"), ("batikmark", "trademark")]),
    ("TKDN itu apa ya, perlu gk buat jual ke hotel?", "jadi kalo cuma jual ke hotel swasta gk wajib ya?",
     [("tkdn", "required")]),
    ("EH KAK SY JADI PENGEN TAU CARA BIKIN MEREK BUAT JAKET KULIT SY", "JADI NIB DULU APA MEREK DULU KAK??",
     [("nib", "order")]),
])
async def test_questions_under_a_guide_answered_from_its_content(anywhere: ChannelChat, opening: str, asked: str,
                                                                 answered: list[tuple[str, str]]) -> None:
    await anywhere.say(opening)
    reply = await anywhere.say(asked)
    for topic, key in answered:
        assert _answer(topic, key) in reply  # the guide's own answer, every one asked


@pytest.mark.parametrize("asked", ["abdi ti tasik, tiasa ngiring nu online teu? da syaratna kedah urang tangsel",
                                   "sy dr tasik, boleh ikut yg online gk? syaratnya kan harus domisili tangsel"])
async def test_may_i_join_in_sundanese_is_the_requirements(anywhere: ChannelChat, asked: str) -> None:
    await anywhere.say("punten, abdi hoyong ikut pelatihan anyaman nu online sareng gratis, aya?")
    await anywhere.say("1")
    training = (await memory_of(anywhere)).get("training")
    reply = await anywhere.say(asked)
    assert training == "ANY-TGS-01" and "Tangerang Selatan" in reply  # its own requirement


# --- trial ten's data-risky ones ---------------------------------------------------------------------------

async def test_a_form_of_address_after_the_consent_is_no_name(anywhere: ChannelChat) -> None:
    from tests.dialogues.test_stop_twenty_left import conversation_form
    await anywhere.say("daftar BTK-YK-01")
    await anywhere.say("setuju bapa")
    form = await conversation_form(anywhere)
    assert form.get("consent") is True and "name" not in form
    assert await form_step(anywhere) == "reg:name"


async def test_a_remark_before_the_name_is_not_the_name(anywhere: ChannelChat) -> None:
    from tests.dialogues.test_answers import answer_until
    from tests.dialogues.test_stop_twenty_left import conversation_form
    anywhere.language = "en"
    await anywhere.say("register BTK-YK-01")
    await answer_until(anywhere, "name", consent="yes")
    await anywhere.say("i already told you. Marco Dela Cruz")
    assert (await conversation_form(anywhere)).get("name") == "Marco Dela Cruz"


async def test_skipping_the_business_then_asking_stores_no_business(anywhere: ChannelChat) -> None:
    from tests.dialogues.test_answers import answer_until
    from tests.dialogues.test_stop_twenty_left import conversation_form
    await anywhere.say("daftar ANY-TGS-01")
    await answer_until(anywhere, "business")
    await anywhere.say("lewati. eh kumaha lamun abdi teu domisili tangsel, ditolak moal?")
    business = (await conversation_form(anywhere)).get("business")
    assert business in (True, None)  # skipped: the question is no business name


async def test_asking_for_a_person_right_after_subscribing_adds_no_subscription(anywhere: ChannelChat) -> None:
    await anywhere.say("ok deh. langganan info pelatihan ukir jawa tengah aja")
    before = await subscribed(anywhere)
    assert before == {"kayu:33"}
    await anywhere.say("eh mas satu lagi, kalo mau ngomong sama orang dinas perindustrian jepara gmn")
    assert await subscribed(anywhere) == before


@pytest.mark.parametrize("said", ["nggih mulai", "yuk mulai kak", "ok start"])
async def test_starting_a_guide_in_words_is_the_guide_not_resuming(anywhere: ChannelChat, said: str) -> None:
    await anywhere.say("STOP")
    await anywhere.say("cara daftar merek")
    await anywhere.say(said)
    assert (await memory_of(anywhere)).get("guide") == {"topic": "merek", "step": 1}
    person = await person_of(anywhere)
    assert person is not None and person.proactive_opt_out  # STOP still holds
