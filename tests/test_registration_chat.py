"""Registering by message: the first-time form, confirmation, refusals, waitlist, cancel, interruptions."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app import App
from db.models import Artisan, ConsentEvent, OutboxMessage, Registration, Training
from tests.conftest import Chat
from tests.forms import answer_the_rest


async def fill_form(chat: Chat, code: str = "BTK-YK-01", name: str = "Sari Wulandari", phone: str = "0812-3456-7890",
                    crafts: tuple[str, ...] = ("Batik", "Tenun"), region: str = "Sleman",
                    business: str | None = "Batik Sari Sleman") -> None:
    """Open the training and answer every question of the first registration (up to the summary)."""
    await chat.say(code)
    await chat.tap("Daftar")
    assert "Setuju" in chat.titles
    await chat.tap("Setuju")
    await chat.say(name)
    await chat.say(phone)
    await answer_the_rest(chat, crafts, region, business)


async def registrations_of(app: App, code: str) -> list[Registration]:
    async with app.sessionmaker() as session:
        return list((await session.execute(
            select(Registration).join(Training).join(Artisan, Artisan.id == Registration.artisan_id)
            .where(Training.code == code, Artisan.is_demo.is_(False)).order_by(Registration.id))).scalars())


async def test_first_registration_collects_the_profile_then_confirms(chat: Chat, demo_app: App) -> None:
    await fill_form(chat)
    text = chat.text
    assert "Mohon periksa pendaftaran Anda" in text
    for expected in ("BTK-YK-01", "Sari Wulandari", "+6281234567890", "Batik, Tenun", "Kabupaten Sleman",
                     "Batik Sari Sleman"):
        assert expected in text
    assert await registrations_of(demo_app, "BTK-YK-01") == []  # nothing is saved before the confirmation
    await chat.tap("Ya, daftar")
    assert "Pendaftaran berhasil! Kode pendaftaran Anda: KR-" in chat.text
    assert "pukul 08.00 WIB" in chat.text
    [registration] = await registrations_of(demo_app, "BTK-YK-01")
    assert registration.status == "registered"
    async with demo_app.sessionmaker() as session:
        person = (await session.execute(select(Artisan).where(Artisan.full_name == "Sari Wulandari"))).scalar_one()
        assert person.crafts == ["batik", "tenun"] and person.regency == "34.04" and person.consent_at is not None
        kinds = (await session.execute(select(ConsentEvent.kind))).scalars().all()
        assert "consent_given" in kinds


async def test_later_registrations_only_ask_to_confirm(chat: Chat) -> None:
    await fill_form(chat)
    await chat.tap("Ya, daftar")
    await chat.say("ECO-YK-01")
    await chat.tap("Daftar")
    assert "Mohon periksa pendaftaran Anda" in chat.text and "ECO-YK-01" in chat.text
    await chat.say("ya")
    assert "Pendaftaran berhasil" in chat.text
    await chat.say("/saya")
    assert "BTK-YK-01" in chat.text and "ECO-YK-01" in chat.text and "terdaftar" in chat.text


async def test_register_by_list_number_and_by_code(chat: Chat) -> None:
    await fill_form(chat)
    await chat.tap("Ya, daftar")
    await chat.say("pelatihan batik")
    third = chat.titles[2]
    await chat.say("daftar no 3")
    assert "Mohon periksa" in chat.text and third in chat.text
    await chat.tap("Batal")
    await chat.say("daftar BTK-YK-03")
    assert "BTK-YK-03" in chat.text


async def test_refusals_say_why(chat: Chat) -> None:
    await chat.send(payload="rg:KRM-BTL-01")  # deadline passed
    assert "pendaftaran" in chat.text.lower() and "sudah ditutup" in chat.text
    await chat.send(payload="rg:BTK-PKL-01")  # already held
    assert "sudah dimulai atau sudah lewat" in chat.text
    await fill_form(chat)
    await chat.tap("Ya, daftar")
    await chat.send(payload="rg:BTK-YK-01")
    assert "Anda sudah terdaftar di" in chat.text


async def test_a_full_training_puts_people_on_the_waitlist_and_offers_them_a_freed_seat(demo_app: App) -> None:
    first = Chat(demo_app, user="w1", name="Ani")
    await fill_form(first, "PWT-PGK-01")  # full in the demo
    await first.tap("Ya, daftar")
    assert "daftar tunggu nomor 1" in first.text
    second = Chat(demo_app, user="w2", name="Budi")
    await fill_form(second, "PWT-PGK-01")
    await second.tap("Ya, daftar")
    assert "daftar tunggu nomor 2" in second.text
    # A registered person cancels: the seat is offered to the first on the waitlist through the outbox.
    async with demo_app.sessionmaker() as session, session.begin():
        training = (await session.execute(select(Training).where(Training.code == "PWT-PGK-01"))).scalar_one()
        seat = (await session.execute(select(Registration).where(
            Registration.training_id == training.id, Registration.status == "registered").limit(1))).scalar_one()
        seat_owner = seat.artisan_id
    from bot.services.registrations import Registrations

    async with demo_app.sessionmaker() as session, session.begin():
        assert seat_owner is not None
        await Registrations(session, demo_app.clock(), demo_app.settings.policy).cancel(seat_owner, seat.code)
    async with demo_app.sessionmaker() as session:
        notices = (await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "notice"))).scalars().all()
    assert len(notices) == 1 and notices[0].external_id == "w1"
    assert notices[0].dedupe_key.startswith("offer:")
    await first.say("mau kak")  # takes the offered seat
    states = {r.artisan_id: r.status for r in await registrations_of(demo_app, "PWT-PGK-01")}
    assert sorted(states.values()).count("waitlisted") == 1
    await first.say("pelatihan saya")
    assert "Status: terdaftar" in first.text
    await second.say("pelatihan saya")
    assert "daftar tunggu nomor 1" in second.text


async def test_cancel_a_registration_with_confirmation(chat: Chat, demo_app: App) -> None:
    await fill_form(chat)
    await chat.tap("Ya, daftar")
    await chat.say("batal daftar")
    assert "Yakin membatalkan" in chat.text
    await chat.tap("Ya, batalkan")
    assert "sudah dibatalkan" in chat.text
    [registration] = await registrations_of(demo_app, "BTK-YK-01")
    assert registration.status == "cancelled"
    await chat.send(payload=f"rcy:{registration.code}")
    assert "tidak ditemukan atau sudah dibatalkan" in chat.text
    await chat.send(payload="rg:BTK-YK-01")  # registering again after cancelling works
    await chat.say("ya")
    assert "Pendaftaran berhasil" in chat.text


async def test_bad_answers_are_refused_politely_and_nothing_is_half_saved(chat: Chat, demo_app: App) -> None:
    await chat.send(payload="rg:BTK-YK-01")
    await chat.say("setuju")
    for bad in ("", "   ", "😀😀😀", "12345", "x" * 5000, "a"):
        if bad.strip():
            await chat.say(bad)
            assert "nama itu belum bisa saya pakai" in chat.text, bad
    await chat.say("Sari")
    await chat.say("12345")
    assert "sepertinya belum benar" in chat.text
    await chat.say("0812 3456 7890")
    await chat.tap("Selesai")
    assert "Pilih minimal satu kerajinan" in chat.text
    await chat.say("lukisan kaca")
    assert "tidak mengenali kerajinan" in chat.text
    await chat.say("batik")  # typed, it is the whole answer: the next question comes
    assert "kabupaten atau kota" in chat.text
    await chat.say("Atlantis Raya")
    assert "tidak menemukan kabupaten atau kota" in chat.text
    await chat.say("stop")  # STOP in the middle: messages stop, the form is dropped, nothing was saved
    assert "tidak akan mengirim pesan otomatis" in chat.text
    async with demo_app.sessionmaker() as session:
        person = (await session.execute(select(Artisan).where(Artisan.display_name == "Sari"))).scalar_one()
        assert person.full_name is None and person.phone is None and person.consent_at is None
        assert person.proactive_opt_out
    assert await registrations_of(demo_app, "BTK-YK-01") == []


async def test_a_question_in_the_middle_is_answered_then_the_form_goes_on(chat: Chat) -> None:
    await chat.send(payload="rg:BTK-YK-01")
    await chat.say("setuju")
    await chat.say("pelatihan batik bulan depan")
    assert "Pelatihan mendatang" in chat.text
    assert "Kita lanjutkan pendaftaran" in chat.replies[-1].text and "nama lengkap" in chat.replies[-1].text
    await chat.say("bantuan")
    assert "Cara memakai Kriya" in chat.text and "Kita lanjutkan pendaftaran" in chat.text
    await chat.say("Sari Wulandari")
    assert "nomor HP" in chat.text


async def test_menu_leaves_the_form_and_old_buttons_are_refused(chat: Chat) -> None:
    await chat.send(payload="rg:BTK-YK-01")
    await chat.say("menu")
    assert "Menu utama" in chat.text
    await chat.send(payload="rf:consent:yes")
    assert "sudah tidak berlaku" in chat.text


async def test_declining_consent_stores_nothing(chat: Chat, demo_app: App) -> None:
    await chat.send(payload="rg:BTK-YK-01")
    await chat.say("tidak")
    assert "tidak ada data yang disimpan" in chat.text
    async with demo_app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(ConsentEvent)) == 0


async def test_english_registration(demo_app: App) -> None:
    chat = Chat(demo_app, user="asean-9", language="en", name="Maya")
    await chat.say("PRH-YK-01")
    assert "Registration is closed" in chat.text  # the ASEAN class's deadline has passed
    await chat.send(payload="rg:BTK-YK-01")
    assert "Agree" in chat.titles
    await chat.say("yes")
    await chat.say("Maya Santos")
    await chat.say("+62 811 2233 4455")
    await chat.say("batik and weaving")
    await chat.say("Kota Yogyakarta")
    await chat.tap("Skip")
    assert "Please check your registration" in chat.text
    await chat.tap("Yes, register")
    assert "Registration successful" in chat.text


async def test_registration_from_a_whatsapp_number_skips_the_phone_question(demo_app: App) -> None:
    chat = Chat(demo_app, user="6281299990000", channel="whatsapp", name="Wati")
    await chat.send(payload="rg:BTK-YK-01", phone="+6281299990000")
    await chat.say("setuju")
    await chat.say("Wati Lestari")
    assert "Kerajinan apa" in chat.text
