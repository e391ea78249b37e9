"""Chatting with Kriya on WhatsApp end to end: signed webhooks in, replies at the fake Graph API out."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.whatsapp_render import CONTACT_ID
from db.models import Artisan, ChannelIdentity, InboundMessage
from tests.whatsapp.conftest import (
    USER,
    VERIFY_TOKEN,
    WhatsApp,
    chose,
    count,
    inbound,
    text,
)

MENU = ["tl", "cert", "tip", "lang"]


async def test_the_verification_handshake_echoes_the_challenge(whatsapp: WhatsApp) -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
    answer = await whatsapp.client.get("/whatsapp/webhook", params=params)
    assert answer.status_code == 200
    assert answer.text == "1158201444"
    assert answer.headers["content-type"].startswith("text/plain")
    wrong = await whatsapp.client.get("/whatsapp/webhook", params={**params, "hub.verify_token": "guess"})
    assert wrong.status_code == 403
    not_subscribe = await whatsapp.client.get("/whatsapp/webhook", params={**params, "hub.mode": "unsubscribe"})
    assert not_subscribe.status_code == 403


async def test_halo_gets_the_menu_as_a_list_because_four_options_are_more_than_three_buttons(
    whatsapp: WhatsApp,
) -> None:
    sent = await whatsapp.say("halo")
    assert len(sent) == 1
    menu = sent[0]
    assert menu.to == USER
    assert menu.type == "interactive:list"
    assert "Halo, Sari!" in menu.body
    assert [option_id for option_id, _title in menu.options] == MENU
    assert [title for _id, title in menu.options] == ["Pelatihan", "Sertifikasi", "Tips pasar", "Bahasa / Language"]
    assert menu.payload["interactive"]["action"]["button"] == "Lihat pilihan"
    async with whatsapp.app.sessionmaker() as session:
        identity = (
            await session.execute(select(ChannelIdentity).where(ChannelIdentity.channel == "whatsapp"))
        ).scalar_one()
        person = await session.get_one(Artisan, identity.artisan_id)
    assert person.display_name == "Sari" and person.phone == "+" + USER
    assert identity.channel == "whatsapp" and identity.external_id == USER
    assert identity.last_inbound_at == whatsapp.clock()


async def test_a_list_reply_then_a_button_reply(whatsapp: WhatsApp) -> None:
    await whatsapp.say("halo")
    trainings = await whatsapp.send(chose("tl", "Pelatihan"))
    assert len(trainings) == 1 and trainings[0].type == "interactive:list"
    body, rows = trainings[0].body, trainings[0].payload["interactive"]["action"]["sections"][0]["rows"]
    assert body.startswith("Pelatihan mendatang") and "BTK-ON-01" in body
    assert len(rows) == 9
    first = rows[0]
    assert first["id"] == "td:BTK-ON-01"
    assert first["title"].endswith("…") and len(first["title"]) <= 24
    assert first["description"].startswith("Studio Batik Daring: Mengenali Kualitas Malam Batik")

    detail = await whatsapp.send(chose("td:BTK-ON-01", first["title"]))
    last = detail[-1]
    assert last.type == "interactive:button"
    assert last.options == [("rg:BTK-ON-01", "Daftar"), ("tl:c=batik", "Pelatihan lain"), ("menu", "Menu")]
    assert all(part.type == "text" for part in detail[:-1])
    assert "Kode: BTK-ON-01" in "".join(part.body for part in detail)

    menu = await whatsapp.send(chose("menu", "Menu", kind="button_reply"))
    assert menu[-1].type == "interactive:list" and [o for o, _t in menu[-1].options] == MENU
    assert "Menu utama" in menu[-1].body


async def test_more_than_ten_options_go_as_numbered_text_and_the_number_chooses(whatsapp: WhatsApp) -> None:
    await whatsapp.send(chose("tl", "Pelatihan"))
    crafts = await whatsapp.send(chose("tf:c:", "Pilih kerajinan"))
    assert [part.type for part in crafts] == ["text"]
    body = crafts[0].body
    assert "Kerajinan apa?" in body
    assert "\n1. Anyaman\n" in body and "\n3. Batik\n" in body and "\n14. Tenun\n" in body
    assert "Balas dengan nomor pilihan Anda." in body
    batik = await whatsapp.say("3")
    assert batik[-1].type == "interactive:list"
    assert "Pelatihan mendatang (Batik)" in batik[-1].body


async def test_a_quoted_text_reply_and_a_template_quick_reply_are_read(whatsapp: WhatsApp) -> None:
    quoted = await whatsapp.send(inbound("reply_text_message.json", text={"body": "menu"}))
    assert "Menu utama" in quoted[-1].body
    quick = await whatsapp.send(inbound("template_quick_reply_button.json", button={"payload": "tl", "text": "Lihat"}))
    assert quick[-1].body.startswith("Pelatihan mendatang")


async def test_a_location_is_read_and_answered(whatsapp: WhatsApp) -> None:
    sent = await whatsapp.send(inbound("location_message.json", location={
        "latitude": -7.7956, "longitude": 110.3695, "name": "Malioboro", "address": "Yogyakarta"}))
    assert len(sent) >= 1 and sent[-1].to == USER
    assert await count(whatsapp.app, InboundMessage) == 1


async def test_a_shared_contact_and_the_send_my_number_option_are_answered(whatsapp: WhatsApp) -> None:
    card = {"name": {"formatted_name": "Budi Perajin", "first_name": "Budi"},
            "phones": [{"phone": "+62 812-3456-7891", "wa_id": "6281234567891", "type": "CELL"}]}
    sent = await whatsapp.send(inbound("text_message.json", type="contacts", contacts=[card]))
    assert sent and sent[-1].to == USER
    mine = await whatsapp.send(chose(CONTACT_ID, "Kirim nomor saya", kind="button_reply"))
    assert mine and await count(whatsapp.app, InboundMessage) == 2


async def test_an_image_is_acknowledged_politely(whatsapp: WhatsApp) -> None:
    sent = await whatsapp.send(inbound("image_message.json"))
    assert "belum bisa membaca gambar" in sent[-1].body
    assert [option_id for option_id, _t in sent[-1].options] == MENU


async def test_the_same_message_delivered_twice_is_answered_once(whatsapp: WhatsApp) -> None:
    update = text("halo", wamid="wamid.same-one")
    first = await whatsapp.send(update)
    again = await whatsapp.send(update)
    assert len(first) == 1 and again == []
    whatsapp.channel.inbox.seen.clear()  # a restarted process forgets; the database does not
    assert await whatsapp.send(update) == []
    assert await count(whatsapp.app, InboundMessage) == 1


async def test_two_people_at_once_each_get_their_own_answers_in_order(whatsapp: WhatsApp) -> None:
    other = "6289876543210"
    batch = text("halo")
    batch["entry"][0]["changes"][0]["value"]["messages"] += [
        text("menu")["entry"][0]["changes"][0]["value"]["messages"][0],
        text("halo", user=other)["entry"][0]["changes"][0]["value"]["messages"][0],
    ]
    sent = await whatsapp.send(batch)
    mine = [s for s in sent if s.to == USER]
    assert len(mine) == 2 and "Halo" in mine[0].body and "Menu utama" in mine[1].body
    assert len([s for s in sent if s.to == other]) == 1
