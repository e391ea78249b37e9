"""Dialogues about trainings, typed the way artisans type: lists refined by follow-ups, paging in words, questions
about the training just shown, "daftar" meaning what was shown, codes as organizers print them.

Each conversation asserts what Kriya did (the list's trainings, the training whose fee was answered, the form
started and for which training), never the wording. The demo catalogue is dated from Monday 23 November 2026."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from db.models import ChannelIdentity, Conversation, Organizer, Training
from tests.channels import ChannelChat, form_step

ONLINE = {"BTK-ON-01", "BTK-ON-02", "ECO-ON-01", "ECO-ON-ASEAN", "RTN-ON-01", "ANY-TGS-01"}  # online, or hybrid (Tangerang Sel.)
PAID = {"BTK-YK-03", "ECO-YK-01", "KYU-JKT-01"}


def codes(text: str) -> list[str]:
    """The training codes of a list or detail, in order."""
    return re.findall(r"(?:Kode|Code): ([A-Za-z0-9._/-]+)", text)


def item(text: str, code: str) -> str:
    """The lines of one list item (from its number to its code)."""
    for block in text.split("\n\n"):
        if f": {code}" in block:
            return block
    raise AssertionError(f"{code} not listed in {text}")


async def conversation(chat: ChannelChat) -> tuple[str | None, dict[str, Any]]:
    """The person's conversation row: its state and its data (form answers, memory)."""
    async with chat.app.sessionmaker() as session:
        row = (await session.execute(
            select(Conversation.state, Conversation.data)
            .join(ChannelIdentity, ChannelIdentity.artisan_id == Conversation.artisan_id)
            .where(ChannelIdentity.channel == chat.channel, ChannelIdentity.external_id == chat.user)
        )).first()
    assert row is not None
    return row[0], dict(row[1] or {})


async def memory(chat: ChannelChat) -> dict[str, Any]:
    return dict((await conversation(chat))[1].get("memory") or {})


async def shown_filters(chat: ChannelChat) -> dict[str, str]:
    return dict((await memory(chat)).get("shown", {}).get("w") or {})


async def registering_for(chat: ChannelChat) -> str | None:
    """The training of the registration form being filled, None when no form is open."""
    state, data = await conversation(chat)
    if not (state or "").startswith("reg"):
        return None
    return str((data.get("form") or {}).get("training"))


async def add_training(chat: ChannelChat, code: str, like: str = "BTK-YK-01", **changes: Any) -> None:
    """A training with a code as an organizer printed it, copied from a demo training."""
    async with chat.app.sessionmaker() as session, session.begin():
        model = (await session.execute(select(Training).where(Training.code == like))).scalar_one()
        organizer = (await session.execute(select(Organizer).where(Organizer.id == model.organizer_id))).scalar_one()
        fields = {c.name: getattr(model, c.name) for c in Training.__table__.columns if c.name not in ("id", "code")}
        fields.update(changes)
        session.add(Training(code=code.upper(), **{**fields, "organizer_id": organizer.id}))


# --- lists refined by follow-ups ----------------------------------------------------------------

async def test_yg_batik_aja_after_the_whole_list(console: ChannelChat) -> None:
    await console.say("ada pelatihan apa aja kak")
    reply = await console.say("yg batik aja kak")
    assert codes(reply) and all(c.startswith("BTK-") for c in codes(reply))
    assert (await shown_filters(console)).get("c") == "batik"


async def test_di_jogja_deh_keeps_the_month_and_the_craft(console: ChannelChat) -> None:
    await console.say("pelatihan batik bulan depan")
    reply = await console.say("di jogja deh")
    assert set(codes(reply)) == {"BTK-YK-01", "BTK-YK-02", "BTK-YK-03", "BTK-ON-02"}  # the online one is Yogya's
    wanted = await shown_filters(console)
    assert (wanted["c"], wanted["p"], wanted["f"], wanted["t"]) == ("batik", "34", "20261201", "20261231")


async def test_pelatihan_online_ada(console: ChannelChat) -> None:
    reply = await console.say("pelatihan online ada?")
    assert codes(reply) and set(codes(reply)) <= ONLINE
    assert "BTK-ON-01" in codes(reply)


async def test_all_caps_then_yang_online_aja(console: ChannelChat) -> None:
    await console.say("PELATIHAN BATIK")
    reply = await console.say("YANG ONLINE AJA")
    assert set(codes(reply)) == {"BTK-ON-01", "BTK-ON-02"}


async def test_yang_gratis_aja_drops_the_paid_class(console: ChannelChat) -> None:
    first = await console.say("pelatihan batik jogja")
    assert "BTK-YK-03" in codes(first)
    reply = await console.say("yang gratis aja")
    assert codes(reply) and not set(codes(reply)) & PAID
    assert {"BTK-YK-01", "BTK-YK-02"} <= set(codes(reply))


async def test_ecoprint_gratisan_aja(console: ChannelChat) -> None:
    await console.say("ecoprint ada kak?")
    reply = await console.say("yg gratisan aja dong")
    assert codes(reply) == ["ECO-ON-01", "ECO-ON-ASEAN"]


async def test_bulan_depan_aja_keeps_the_craft(console: ChannelChat) -> None:
    await console.say("pelatihan tenun")
    reply = await console.say("bulan depan aja")
    assert set(codes(reply)) == {"TNN-MTK-01", "TNN-LTG-01"}
    assert (await shown_filters(console))["c"] == "tenun"


async def test_a_craft_after_a_region(console: ChannelChat) -> None:
    await console.say("pelatihan di bali")
    reply = await console.say("yg perak aja")
    assert set(codes(reply)) == {"PRK-GNR-01", "PRK-GNR-02"}


async def test_offline_aja_keeps_place_and_month(console: ChannelChat) -> None:
    await console.say("batik di jogja bulan depan")
    reply = await console.say("yang offline aja")
    assert set(codes(reply)) == {"BTK-YK-01", "BTK-YK-02", "BTK-YK-03"}
    assert (await shown_filters(console))["m"] == "off"


async def test_english_free_ones_only(console: ChannelChat) -> None:
    await console.say("any online training?")
    reply = await console.say("free ones only")
    assert codes(reply) and set(codes(reply)) <= ONLINE - PAID


async def test_a_new_question_is_a_new_list(console: ChannelChat) -> None:
    await console.say("pelatihan batik bulan depan")
    reply = await console.say("pelatihan tenun di lombok")
    assert codes(reply) == ["TNN-LTG-01"]


# --- lists: closed, full, deadline, nearest --------------------------------------------------------

async def test_a_closed_training_is_listed_as_closed(console: ChannelChat) -> None:
    reply = await console.say("pelatihan tenun")
    closed = item(reply, "TNN-MTK-01")  # deadline passed (and full)
    assert "ditutup" in closed and "sisa" not in closed


async def test_a_full_training_is_listed_as_full(console: ChannelChat) -> None:
    reply = await console.say("pelatihan pewter")
    full = item(reply, "PWT-PGK-01")
    assert "penuh" in full and "sisa" not in full


async def test_the_list_shows_the_deadline(console: ChannelChat) -> None:
    reply = await console.say("pelatihan batik jogja")
    assert "30 Nov" in item(reply, "BTK-YK-01")


async def test_terdekat_from_surabaya_ranks_by_place(console: ChannelChat) -> None:
    reply = await console.say("pelatihan terdekat dari surabaya")
    listed = codes(reply)
    assert listed[0] == "KLT-MGT-01"  # Magetan, East Java
    assert not set(listed) & ONLINE - {"ANY-TGS-01"}  # online trainings come after every place


async def test_nothing_in_bandung_offers_the_nearest_place(console: ChannelChat) -> None:
    reply = await console.say("pelatihan anyaman di bandung")
    assert codes(reply)[0] == "ANY-TGS-01"  # Tangerang Selatan (Banten) is nearer than Bali, Papua, Belitung


async def test_yang_terdekat_after_a_list_from_its_place(console: ChannelChat) -> None:
    await console.say("pelatihan perak")
    reply = await console.say("yang terdekat dari gianyar")
    assert codes(reply)[:2] == ["PRK-GNR-01", "PRK-GNR-02"]


# --- paging by words, numbers across pages ---------------------------------------------------------

async def test_lagi_then_seven_picks_item_seven(console: ChannelChat) -> None:
    await console.say("/pelatihan")
    page = await console.say("lagi")
    assert (await memory(console))["shown"]["o"] == 5
    seventh = codes(page)[1]
    assert "7. " in page
    detail = await console.say("7")
    assert codes(detail) == [seventh]


async def test_selanjutnya_then_sebelumnya(console: ChannelChat) -> None:
    first = await console.say("pelatihan")
    await console.say("selanjutnya")
    back = await console.say("sebelumnya")
    assert codes(back) == codes(first)
    assert (await memory(console))["shown"]["o"] == 0


async def test_next_next_then_twelve(console: ChannelChat) -> None:
    await console.say("/pelatihan")
    await console.say("next")
    page = await console.say("next")
    assert (await memory(console))["shown"]["o"] == 10
    detail = await console.say("12")
    assert codes(detail) == [codes(page)[1]]


async def test_berikutnya_kak(console: ChannelChat) -> None:
    await console.say("pelatihan")
    page = await console.say("berikutnya kak")
    assert (await memory(console))["shown"]["o"] == 5
    assert "6. " in page


async def test_balik_after_a_detail_shows_the_list_again(console: ChannelChat) -> None:
    await console.say("/pelatihan")
    page = await console.say("lagi")
    await console.say("8")
    again = await console.say("balik")
    assert codes(again) == codes(page)


async def test_lagi_dong_on_a_filtered_list_keeps_the_filter(console: ChannelChat) -> None:
    await console.say("pelatihan anyaman")
    reply = await console.say("ada lagi?")
    # five anyaman trainings fit on one page: "lagi" says so and keeps the filtered list
    assert set(codes(reply)) == {"ANY-YK-01", "ANY-BLT-01", "ANY-JAP-01", "ANY-TGS-01"}


# --- questions about the training just shown -------------------------------------------------------

async def test_biayanya_brp_after_a_detail(console: ChannelChat) -> None:
    await console.say("ECO-YK-01")
    assert "350.000" in await console.say("biayanya brp")


async def test_bayar_ga_kak(console: ChannelChat) -> None:
    await console.say("btk-yk-03")
    assert "150.000" in await console.say("bayar ga kak")


async def test_gratis_question_after_a_free_detail(console: ChannelChat) -> None:
    detail = await console.say("PRK-GNR-01")
    title = detail.splitlines()[0]
    reply = await console.say("gratis?")
    assert title in reply and "Rp" not in reply


async def test_how_much_does_it_cost(console: ChannelChat) -> None:
    await console.say("ECO-YK-01")
    assert "350,000" in await console.say("how much does it cost") or "350.000" in console.chat.text  # type: ignore[attr-defined]


async def test_bayarnya_kemana_names_the_organizer_contact(console: ChannelChat) -> None:
    await console.say("KYU-JKT-01")
    reply = await console.say("bayarnya kemana")
    assert "250.000" in reply and "workshop@demo.kriya.example" in reply


async def test_lokasinya_dimana(console: ChannelChat) -> None:
    await console.say("PRK-GNR-01")
    assert "Gianyar" in await console.say("lokasinya dimana")


async def test_alamatnya(console: ChannelChat) -> None:
    await console.say("ANY-JAP-01")
    assert "Jayapura" in await console.say("alamatnya?")


async def test_jam_berapa_in_the_training_zone(console: ChannelChat) -> None:
    await console.say("PRK-GNR-01")
    assert "08.30 WITA" in await console.say("jam berapa")


async def test_kapan_mulai(console: ChannelChat) -> None:
    await console.say("BTK-YK-01")
    assert "5 Desember 2026" in await console.say("kapan mulai")


async def test_sampai_tgl_brp(console: ChannelChat) -> None:
    await console.say("ECO-YK-01")
    assert "19 Desember 2026" in await console.say("sampai tgl brp")


async def test_daftarnya_sampai_kapan(console: ChannelChat) -> None:
    await console.say("BTK-YK-01")
    reply = await console.say("daftarnya sampai kapan")
    assert "30 November 2026" in reply
    assert await registering_for(console) is None  # a question, not a registration


async def test_deadline_of_a_closed_training(console: ChannelChat) -> None:
    await console.say("KRM-BTL-01")
    reply = await console.say("daftar sampai kapan kak")
    assert "ditutup" in reply and await registering_for(console) is None


async def test_sertifikatnya_dapat(console: ChannelChat) -> None:
    await console.say("BTK-YK-02")
    assert "BNSP" in await console.say("sertifikatnya dapat?")


async def test_cp_nya_siapa(console: ChannelChat) -> None:
    await console.say("PRH-AMB-01")
    assert "pelatihan-maluku@demo.kriya.example" in await console.say("cp nya siapa")


async def test_nomor_panitia(console: ChannelChat) -> None:
    await console.say("RTN-CRB-01")
    assert "Kab. Cirebon" in await console.say("nomor panitia")


async def test_masih_ada_kursi_when_full(console: ChannelChat) -> None:
    await console.say("PWT-PGK-01")
    reply = await console.say("masih ada kursi?")
    assert "penuh" in reply and "sisa" not in reply


async def test_masih_ada_kursi_counts_seats(console: ChannelChat) -> None:
    await console.say("BTK-YK-03")
    assert re.search(r"\b8\b", await console.say("masih ada kursi?"))


async def test_biaya_after_a_list_answers_each_item(console: ChannelChat) -> None:
    listed = codes(await console.say("pelatihan batik jogja"))
    reply = await console.say("biaya nya brp kak")
    assert "150.000" in reply
    assert len(re.findall(r"^\d+\. ", reply, re.MULTILINE)) == len(listed)


async def test_a_question_about_the_second_item(console: ChannelChat) -> None:
    listed = codes(await console.say("pelatihan ecoprint"))
    reply = await console.say("lokasi yang kedua dimana")
    assert ("Yogyakarta" in reply) == (listed[1] == "ECO-YK-01")


async def test_yang_kedua_opens_the_second(console: ChannelChat) -> None:
    listed = codes(await console.say("pelatihan batik jogja"))
    assert codes(await console.say("yang kedua")) == [listed[1]]


async def test_yang_itu_after_a_one_item_list(console: ChannelChat) -> None:
    await console.say("pelatihan pewter")
    assert codes(await console.say("yang itu")) == ["PWT-PGK-01"]


# --- "daftar" means what was shown; codes as printed ---------------------------------------------

async def test_daftar_after_a_detail(anywhere: ChannelChat) -> None:
    await anywhere.say("BTK-YK-01")
    await anywhere.say("daftar")
    assert (await form_step(anywhere) or "").startswith("reg")
    assert await registering_for(anywhere) == "BTK-YK-01"


async def test_daftar_code_starts_the_registration(anywhere: ChannelChat) -> None:
    reply = await anywhere.say("daftar BTK-YK-03")
    assert await registering_for(anywhere) == "BTK-YK-03"
    assert "Kode: BTK-YK-03" not in reply  # not the detail


async def test_mau_daftar_a_code_of_any_shape(anywhere: ChannelChat) -> None:
    await add_training(anywhere, "UJIREG-1")
    await anywhere.say("mau daftar UJIREG-1 kak")
    assert await registering_for(anywhere) == "UJIREG-1"


async def test_daftar_after_asking_the_fee(anywhere: ChannelChat) -> None:
    await anywhere.say("ECO-YK-01")
    await anywhere.say("biayanya brp")
    await anywhere.say("oke mau daftar")
    assert await registering_for(anywhere) == "ECO-YK-01"


async def test_mau_daftar_yang_itu_after_a_one_item_list(console: ChannelChat) -> None:
    await console.say("pelatihan kulit")
    await console.say("mau daftar yang itu")
    assert await registering_for(console) == "KLT-MGT-01"


async def test_daftar_yang_kedua(console: ChannelChat) -> None:
    listed = codes(await console.say("pelatihan batik jogja"))
    await console.say("mau daftar yang kedua")
    assert await registering_for(console) == listed[1]


async def test_daftar_after_a_longer_list_asks_which_then_a_number(console: ChannelChat) -> None:
    listed = codes(await console.say("pelatihan perak"))
    await console.say("daftar")
    assert await registering_for(console) is None
    await console.say("2")
    assert await registering_for(console) == listed[1]


async def test_a_long_code_with_letters_only(console: ChannelChat) -> None:
    await add_training(console, "UJIBAR-BALI", like="PRK-GNR-01")
    assert codes(await console.say("UJIBAR-BALI")) == ["UJIBAR-BALI"]
    await console.say("daftar ujibar-bali")
    assert await registering_for(console) == "UJIBAR-BALI"


async def test_a_code_longer_than_the_old_shape_registers_from_its_button(console: ChannelChat) -> None:
    await add_training(console, "UKIRJEPARA-2027", like="KYU-GNR-01")
    assert codes(await console.say("info ukirjepara-2027 dong")) == ["UKIRJEPARA-2027"]
    await console.tap("Daftar")
    assert await registering_for(console) == "UKIRJEPARA-2027"


async def test_a_code_with_dots_and_slashes(console: ChannelChat) -> None:
    await add_training(console, "BTK.YK/2027")
    assert codes(await console.say("kode btk.yk/2027")) == ["BTK.YK/2027"]


async def test_lower_case_code(console: ChannelChat) -> None:
    assert codes(await console.say("btk-yk-01")) == ["BTK-YK-01"]
    assert (await memory(console))["training"] == "BTK-YK-01"


async def test_an_unknown_code_is_not_a_training(console: ChannelChat) -> None:
    reply = await console.say("info BTK-YK-99")
    assert "BTK-YK-99" in reply and "training" not in await memory(console)


async def test_a_code_like_word_is_read_for_its_meaning(console: ChannelChat) -> None:
    reply = await console.say("pelatihan E-SMART IKM online ada?")
    assert codes(reply) and set(codes(reply)) <= ONLINE


async def test_a_question_in_the_middle_of_a_registration(console: ChannelChat) -> None:
    await console.say("daftar PRK-GNR-01")
    assert await registering_for(console) == "PRK-GNR-01"
    reply = await console.say("lokasinya dimana")
    assert "Gianyar" in reply
    assert await registering_for(console) == "PRK-GNR-01"  # the form goes on


async def test_a_list_after_the_deadline_passed(console: ChannelChat) -> None:
    console.app.clock.now += timedelta(days=8)  # type: ignore[attr-defined]  # BTK-YK-01 closed on 30 Nov
    reply = await console.say("pelatihan batik jogja")
    assert "ditutup" in item(reply, "BTK-YK-01")


@pytest.mark.parametrize("thanks", ["oke kak makasih", "ok", "sip"])
async def test_an_ok_under_a_list_is_not_a_page_turn(console: ChannelChat, thanks: str) -> None:
    await console.say("pelatihan")
    before = (await memory(console)).get("shown", {}).get("o")
    await console.say(thanks)
    assert (await memory(console)).get("shown", {}).get("o") == before
