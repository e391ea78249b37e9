"""Browsing upcoming trainings as a person would: lists, filters, paging, detail, codes, time zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.core import IncomingMessage
from handlers.training_lists import PAGE_SIZE
from tests.conftest import Chat, Clock


async def test_the_list_shows_upcoming_trainings_soonest_first(chat: Chat) -> None:
    await chat.say("/pelatihan")
    text = chat.text
    assert text.startswith("Pelatihan mendatang")
    assert "36 pelatihan, ditampilkan 1–5" in text
    assert "Data demo" in text
    assert "BTK-PKL-01" not in text  # past trainings are not listed
    assert chat.titles[PAGE_SIZE] == "Berikutnya"


async def test_paging_forward_and_back_asks_to_edit_the_message(chat: Chat) -> None:
    await chat.say("/pelatihan")
    first_page = chat.titles[:PAGE_SIZE]
    await chat.tap("Berikutnya")
    assert "ditampilkan 6–10" in chat.text
    assert chat.replies[0].replace
    assert not set(chat.titles[:PAGE_SIZE]) & set(first_page)
    await chat.tap("Sebelumnya")
    assert chat.titles[:PAGE_SIZE] == first_page


async def test_filter_by_craft_region_and_month_with_buttons(chat: Chat) -> None:
    await chat.say("/pelatihan")
    await chat.tap("Pilih kerajinan")
    assert "Kerajinan apa?" in chat.text
    await chat.tap("Kerajinan perak")
    assert "Pelatihan mendatang (Kerajinan perak)" in chat.text
    assert "PRK-GNR-01" in chat.text and "BTK-YK-01" not in chat.text
    await chat.tap("Pilih wilayah")
    await chat.tap("Bali")
    assert "(Kerajinan perak · Bali)" in chat.text
    assert "PRK-YK-01" not in chat.text
    await chat.tap("Pilih bulan")
    await chat.tap("Desember 2026")
    assert "(Kerajinan perak · Bali · Desember 2026)" in chat.text
    assert "PRK-GNR-01" in chat.text and "PRK-GNR-02" not in chat.text  # the export class is in January


async def test_detail_shows_the_time_in_the_zone_of_the_place(chat: Chat) -> None:
    await chat.say("PRK-GNR-01")  # Celuk, Gianyar, Bali: WITA
    text = chat.text
    assert "Mulai: Rabu, 9 Desember 2026 pukul 08.30 WITA" in text
    assert "Kabupaten Gianyar, Bali" in text
    assert "Biaya: gratis" in text
    assert "sisa 8 kursi" in text
    assert "Daftar" in chat.titles
    await chat.say("anyaman noken di papua")  # whatever the NLU says, a code always works:
    await chat.say("any-jap-01")
    assert "pukul 09.00 WIT" in chat.text and "Kota Jayapura" in chat.text


async def test_detail_of_a_full_a_closed_and_a_paid_training(chat: Chat) -> None:
    await chat.say("PWT-PGK-01")
    assert "sudah penuh (bisa masuk daftar tunggu)" in chat.text
    await chat.say("KRM-BTL-01")
    assert "Pendaftaran sudah ditutup" in chat.text and "Daftar" not in chat.titles
    await chat.say("ECO-YK-01")
    assert "Biaya: Rp350.000" in chat.text
    await chat.say("BTK-PKL-01")
    assert "sudah dimulai atau sudah lewat" in chat.text


async def test_an_unknown_code_is_answered_politely(chat: Chat) -> None:
    await chat.say("XYZ-AB-99")
    assert "tidak ditemukan" in chat.text and "XYZ-AB-99" in chat.text


async def test_choose_from_the_list_by_number_or_title(chat: Chat) -> None:
    await chat.say("/pelatihan")
    third = chat.titles[2]
    await chat.say("3")
    assert chat.text.startswith(third)
    await chat.say("/pelatihan")
    await chat.say(third.upper())
    assert chat.text.startswith(third)


async def test_empty_result_offers_the_nearest_alternatives(chat: Chat) -> None:
    await chat.send(payload="tl:c=pewter;p=51")  # pewter in Bali: none
    assert "Belum ada pelatihan mendatang untuk Pewter (timah) · Bali" in chat.text
    assert "Yang terdekat (Pewter (timah) · terdekat dari Bali)" in chat.text  # nearest places first
    assert "PWT-PGK-01" in chat.text


async def test_an_english_speaker_sees_english_dates(demo_app: App) -> None:
    chat = Chat(demo_app, user="asean-1", language="en")
    await chat.say("PRH-YK-01")
    assert "Jewelry Design and Marketing" in chat.text
    assert " at 08:00 WIB" in chat.text or " at 08:30 WIB" in chat.text or " WIB" in chat.text
    assert "Starts:" in chat.text


async def test_deep_link_start_opens_the_training(chat: Chat) -> None:
    await chat.say("/start BTK-YK-01")
    assert "Kode: BTK-YK-01" in chat.text


async def test_a_deadline_passes_with_time(chat: Chat, demo_app: App) -> None:
    await chat.say("BTK-YK-01")
    assert "Daftar" in chat.titles
    demo_app.clock.now = datetime(2026, 12, 2, 0, 0, tzinfo=UTC)  # type: ignore[attr-defined]
    msg = IncomingMessage(channel="console", user_id=chat.user, message_id="late", text="BTK-YK-01")
    replies = await demo_app.dispatcher.handle(msg)
    assert "Pendaftaran sudah ditutup" in replies[0].text


async def test_a_shared_location_shows_the_nearest_trainings(chat: Chat) -> None:
    from bot.core import Location

    await chat.send(location=Location(-8.52, 115.26))  # Ubud, Bali
    assert chat.text.startswith("Pelatihan terdekat dari lokasi Anda")
    first_line = chat.text.splitlines()[2]
    assert first_line.startswith("1. ")
    assert "Kabupaten Gianyar" in chat.text.split("\n\n")[1] or "Bali" in chat.text
    assert "pelatihan daring" in chat.text
    await chat.say("1")
    assert "WITA" in chat.text


async def test_when_unsure_kriya_asks_back_with_options(chat: Chat, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from bot import nlu

    heard = nlu.Understanding(text="?", intent="unknown", craft="batik", province="34", regency=None,
                              topic="merek", number=None, date_from=date(2026, 12, 1), date_to=date(2026, 12, 31),
                              confidence=0.3)
    monkeypatch.setattr(nlu, "understand", lambda text, today=None: heard)
    await chat.say("bikin batik jogja desember, mereknya gimana ya")
    assert "Apakah salah satu ini?" in chat.text
    assert chat.titles[:2] == ["Pelatihan Batik · Daerah Istimewa Yogyakarta", "Daftar Merek"]
    await chat.tap("Pelatihan Batik")
    assert "Pelatihan mendatang (Batik · Daerah Istimewa Yogyakarta · Desember 2026)" in chat.text
    monkeypatch.setattr(nlu, "understand", lambda text, today=None: nlu.Understanding(
        text="?", intent="unknown", craft=None, province=None, regency=None, topic=None, number=None,
        date_from=None, date_to=None, confidence=0.2))
    await chat.say("zzzz qqqq")
    assert "belum paham" in chat.text and "Pelatihan" in chat.titles


async def test_the_titles_read_for_naming_a_training_follow_the_catalogue(demo_app: App, clock: Clock) -> None:
    """The titles kept in the process are read again when a training is renamed, added or starts."""
    from bot.services.trainings import TrainingCatalogue
    from db.models import Training

    async def titles() -> dict[str, str]:
        async with demo_app.sessionmaker() as session:
            return {t.code: t.title for t in await TrainingCatalogue(session, clock()).titles()}

    first = await titles()
    code = next(iter(first))
    async with demo_app.sessionmaker() as session, session.begin():
        training = (await session.execute(select(Training).where(Training.code == code))).scalar_one()
        training.title = "Kelas Tenun Songket Motif Pucuk Rebung"  # (updated_at: the moment of the change)
    assert (await titles())[code] == "Kelas Tenun Songket Motif Pucuk Rebung"
    async with demo_app.sessionmaker() as session:
        soonest = min((await session.execute(select(Training.starts_at).where(Training.code.in_(first)))).scalars())
    clock.now = soonest + timedelta(minutes=1)  # the soonest one started: no longer upcoming
    assert len(await titles()) < len(first)
