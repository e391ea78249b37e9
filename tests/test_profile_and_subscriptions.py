"""Profile view and edit, data deletion, subscriptions, STOP and MULAI, and the organizers' export."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from bot.app import App
from bot.services.exports import registrants
from db.models import Artisan, ChannelIdentity, ConsentEvent, Registration, Subscription, Training
from tests.conftest import Chat
from tests.test_registration_chat import fill_form


async def registered(chat: Chat) -> None:
    await fill_form(chat)
    await chat.tap("Ya, daftar")


async def test_profile_shows_and_edits_one_field(chat: Chat, demo_app: App) -> None:
    await registered(chat)
    await chat.say("profil saya")
    assert "Nama: Sari Wulandari" in chat.text and "Kabupaten Sleman" in chat.text
    await chat.tap("Ubah wilayah")
    await chat.say("Kabupaten Gianyar")
    assert "Tersimpan." in chat.text and "Kabupaten Gianyar" in chat.text
    await chat.tap("Ubah nomor HP")
    await chat.say("bukan nomor")
    assert "sepertinya belum benar" in chat.text
    await chat.say("0813 1111 2222")
    assert "+6281311112222" in chat.text
    async with demo_app.sessionmaker() as session:
        person = (await session.execute(select(Artisan).where(Artisan.full_name == "Sari Wulandari"))).scalar_one()
        assert person.regency == "51.04" and person.province == "51"


async def test_editing_the_profile_asks_for_consent_first(chat: Chat) -> None:
    await chat.send(payload="pe:name")
    assert "Setuju" in chat.titles
    await chat.tap("Setuju")
    await chat.say("Rina Ayu")
    assert "Nama: Rina Ayu" in chat.text


async def test_delete_my_data_keeps_only_anonymous_counts(chat: Chat, demo_app: App) -> None:
    await registered(chat)
    await chat.say("langganan batik")
    await chat.say("hapus data saya")
    assert "tidak bisa dibatalkan" in chat.text
    await chat.tap("Ya, hapus data saya")
    assert "Data Anda sudah dihapus" in chat.text
    async with demo_app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).where(Artisan.full_name == "Sari Wulandari")) == 0
        assert await session.scalar(select(func.count()).where(ChannelIdentity.external_id == chat.user)) == 0
        assert await session.scalar(select(func.count()).select_from(Subscription)) == 0
        anonymous = (await session.execute(
            select(Registration).join(Training).where(Training.code == "BTK-YK-01", Registration.artisan_id.is_(None))
        )).scalars().all()
        assert [r.status for r in anonymous] == ["cancelled"]  # the seat went back, the count stays
        kinds = (await session.execute(select(ConsentEvent.kind).where(ConsentEvent.artisan_id.is_(None)))).scalars()
        assert "data_deleted" in set(kinds)
    await chat.say("halo")  # writing again starts fresh
    assert "Halo" in chat.text and "Sari" in chat.text  # display name from the channel, not the deleted profile


async def test_subscribe_list_and_remove(chat: Chat, demo_app: App) -> None:
    await chat.say("langganan info pelatihan tenun")
    assert "Tenun" in chat.text and "seluruh Indonesia" in chat.text
    await chat.send(payload="sub:batik:34")
    assert "Batik · Daerah Istimewa Yogyakarta" in chat.text
    await chat.send(payload="sub:batik:34")
    assert "sudah berlangganan" in chat.text
    await chat.say("/langganan")
    assert "1. Tenun" in chat.text and "2. Batik" in chat.text
    await chat.tap("Hapus 1")
    assert "Langganan Tenun · seluruh Indonesia sudah dihapus" in chat.text
    async with demo_app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Subscription)) == 1
        kinds = list((await session.execute(select(ConsentEvent.kind).order_by(ConsentEvent.id))).scalars())
    assert kinds == ["subscribed", "subscribed", "unsubscribed"]


async def test_stop_and_mulai_from_any_state(chat: Chat, demo_app: App) -> None:
    await chat.send(payload="rg:BTK-YK-01")
    await chat.say("BERHENTI")
    assert "tidak akan mengirim pesan otomatis" in chat.text
    await chat.say("Sari")  # the form was left: this is not taken as a name
    assert "nama lengkap" not in chat.text
    await chat.say("MULAI")
    assert "menyala lagi" in chat.text
    async with demo_app.sessionmaker() as session:
        person = (await session.execute(select(Artisan).where(Artisan.display_name == "Sari"))).scalar_one()
        assert not person.proactive_opt_out
        events = list((await session.execute(select(ConsentEvent.kind, ConsentEvent.channel, ConsentEvent.detail)
                                             .order_by(ConsentEvent.id))).all())
    assert [e[0] for e in events] == ["opt_out", "opt_in"]
    assert events[0][1] == "console" and "BERHENTI" in events[0][2]


async def test_export_lists_registrants_for_organizers(chat: Chat, demo_app: App) -> None:
    await registered(chat)
    async with demo_app.sessionmaker() as session:
        rows = await registrants(session, "btk-yk-01")
    assert rows[0][:3] == ("training", "registration", "status")
    assert len(rows) == 2  # demo placeholders are not exported
    assert rows[1][0] == "BTK-YK-01" and rows[1][4] == "Sari Wulandari" and rows[1][5] == "+6281234567890"
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    assert "Batik Sari Sleman" in text.getvalue()
