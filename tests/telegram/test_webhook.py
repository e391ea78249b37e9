"""The Telegram webhook end to end: real HTTP into Kriya, python-telegram-bot out to the fake Bot API."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import select

from bot.channels.telegram import TelegramChannel
from bot.config import ConfigError
from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Location, Reply, SharedContact
from db.models import ChannelIdentity, InboundMessage, OutboxMessage
from tests.telegram.conftest import CHAT, SECRET, Kriya, telegram_settings
from tests.telegram.fake_bot_api import FakeBotApi


def spy_on_dispatcher(kriya: Kriya) -> list[IncomingMessage]:
    """Record every IncomingMessage the channel hands to the dispatcher."""
    seen: list[IncomingMessage] = []
    dispatcher = kriya.app.dispatcher
    original = dispatcher.handle_queued

    async def handle_queued(msg: IncomingMessage) -> Any:
        seen.append(msg)
        return await original(msg)

    dispatcher.handle_queued = handle_queued  # type: ignore[method-assign]
    return seen


def buttons_of(params: dict[str, Any]) -> list[dict[str, Any]]:
    markup = params.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard") or markup.get("keyboard") or [] for b in row]


@pytest.mark.catalogue
async def test_start_greets_with_the_menu_as_an_inline_keyboard(kriya: Kriya) -> None:
    await kriya.send(kriya.fake.message(CHAT, "/start", first_name="Sari"))
    [sent] = kriya.fake.sent(CHAT)
    assert sent["text"].startswith("Halo, Sari! Saya Kriya")
    titles = [b["text"] for b in buttons_of(sent)]
    assert titles[:2] == ["Pelatihan", "Sertifikasi"]
    assert all(b["callback_data"] and len(b["callback_data"].encode()) <= 64 for b in buttons_of(sent))
    assert "parse_mode" not in sent  # plain text: nothing in a training title can break the markup


async def test_the_menu_is_set_in_indonesian_and_english_at_start(kriya: Kriya) -> None:
    assert kriya.fake.calls[0].method == "getMe"
    default, english = kriya.fake.commands[""], kriya.fake.commands["en"]
    names = ["start", "menu", "pelatihan", "sertifikasi", "tips", "bahasa", "bantuan"]
    assert [c["command"] for c in default] == names == [c["command"] for c in english]
    assert dict((c["command"], c["description"]) for c in default)["pelatihan"] == "Pelatihan mendatang"
    assert dict((c["command"], c["description"]) for c in english)["pelatihan"] == "Upcoming trainings"


async def test_first_contact_takes_the_language_from_telegram(kriya: Kriya) -> None:
    await kriya.send(kriya.fake.message(CHAT, "/start", first_name="Ann", language_code="en-GB"))
    assert kriya.fake.sent(CHAT)[-1]["text"].startswith("Hello, Ann! I'm Kriya")
    await kriya.send(kriya.fake.message(CHAT + 1, "/start", language_code="jv"))  # unsupported: Indonesian
    assert kriya.fake.sent(CHAT + 1)[-1]["text"].startswith("Halo")


@pytest.mark.catalogue
async def test_browsing_answers_every_tap_and_pages_by_editing(kriya: Kriya) -> None:
    fake = kriya.fake
    await kriya.send(fake.message(CHAT, "/start"))
    tap = fake.tap(CHAT, "Pelatihan")
    await kriya.send(tap)
    assert fake.answered_callbacks == [tap["callback_query"]["id"]]
    listing = fake.sent(CHAT)[-1]
    assert listing["text"].startswith("Pelatihan mendatang")
    list_message_id = fake.calls_to("sendMessage")[-1].result["message_id"]

    sends_before = len(fake.sent(CHAT))
    tap = fake.tap(CHAT, "Berikutnya")
    await kriya.send(tap)
    assert len(fake.sent(CHAT)) == sends_before  # no new message: the list was edited in place
    [edit] = fake.edits(CHAT)
    assert int(edit["message_id"]) == list_message_id
    assert "ditampilkan 6–10" in edit["text"]
    assert "Sebelumnya" in [b["text"] for b in buttons_of(edit)]
    assert fake.answered_callbacks[-1] == tap["callback_query"]["id"]
    assert len(fake.answered_callbacks) == 2


@pytest.mark.catalogue
async def test_the_same_page_tapped_twice_is_not_an_error(kriya: Kriya) -> None:
    fake = kriya.fake
    await kriya.send(fake.message(CHAT, "/pelatihan"))
    await kriya.send(fake.tap(CHAT, "Berikutnya"))
    await kriya.send(fake.tap(CHAT, "Sebelumnya"))
    message_id, button = fake.button(CHAT, "Berikutnya")
    await kriya.send(fake.callback(CHAT, button["callback_data"], message_id))
    await kriya.send(fake.callback(CHAT, button["callback_data"], message_id))  # a double tap
    refused = fake.calls_to("editMessageText", ok=False)
    assert len(refused) == 1 and "not modified" in refused[0].result["description"]
    async with kriya.app.sessionmaker() as session:
        statuses = (await session.scalars(select(OutboxMessage.status))).all()
    assert set(statuses) == {"sent"}


@pytest.mark.catalogue
async def test_a_message_that_can_no_longer_be_edited_gets_a_new_one(kriya: Kriya) -> None:
    fake = kriya.fake
    await kriya.send(fake.message(CHAT, "/pelatihan"))
    tap = fake.tap(CHAT, "Berikutnya")
    fake.forget_message(CHAT, tap["callback_query"]["message"]["message_id"])
    await kriya.send(tap)
    assert fake.calls_to("editMessageText", ok=False)
    assert "ditampilkan 6–10" in fake.sent(CHAT)[-1]["text"]


@pytest.mark.catalogue
async def test_a_deep_link_opens_its_training(kriya: Kriya) -> None:
    await kriya.send(kriya.fake.message(CHAT, "/start BTK-YK-01"))
    [sent] = kriya.fake.sent(CHAT)
    assert "Kode: BTK-YK-01" in sent["text"]
    assert "Daftar" in [b["text"] for b in buttons_of(sent)]


async def test_a_shared_contact_reaches_the_dispatcher_as_the_persons_own(kriya: Kriya) -> None:
    seen = spy_on_dispatcher(kriya)
    await kriya.send(kriya.fake.contact(CHAT, "+62 812-3456-7890", user_id=CHAT, first_name="Sari",
                                        last_name="Dewi"))
    await kriya.send(kriya.fake.contact(CHAT, "+6281111111111", user_id=999, first_name="Budi"))
    await kriya.send(kriya.fake.contact(CHAT, "+6282222222222", user_id=None, first_name="Tanpa Akun"))
    own, foreign, unlinked = seen
    assert own.contact == SharedContact(phone="6281234567890", name="Sari Dewi")
    assert own.user_id == str(CHAT) and own.message_id.startswith("m")
    for other in (foreign, unlinked):  # someone else's number is never taken as the person's
        assert other.contact is None and other.media == "contact"
    assert len(kriya.fake.sent(CHAT)) == 3  # each acknowledged


async def test_a_shared_location_reaches_the_dispatcher(kriya: Kriya) -> None:
    seen = spy_on_dispatcher(kriya)
    await kriya.send(kriya.fake.location(CHAT, -7.797068, 110.370529))
    assert seen[0].location == Location(latitude=-7.797068, longitude=110.370529)
    assert kriya.fake.sent(CHAT)


async def test_contact_and_location_buttons_become_a_reply_keyboard(kriya: Kriya) -> None:
    async def ask_number(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
        return [Reply("Boleh minta nomor HP Anda?", (
            Button("Kirim nomor saya", "phone", kind="contact"),
            Button("Kirim lokasi", "where", kind="location"),
            Button("Menu", "menu"),
        ))]

    kriya.app.dispatcher.router.command("nomor", ask_number)
    await kriya.send(kriya.fake.message(CHAT, "/nomor"))
    markup = kriya.fake.sent(CHAT)[-1]["reply_markup"]
    assert markup["keyboard"][0] == [{"text": "Kirim nomor saya", "request_contact": True}]
    assert markup["keyboard"][1] == [{"text": "Kirim lokasi", "request_location": True}]
    assert markup["keyboard"][2] == [{"text": "Menu"}]
    assert markup["one_time_keyboard"] is True and markup["resize_keyboard"] is True

    await kriya.send(kriya.fake.message(CHAT, "Menu"))  # a plain option of the keyboard, typed by it
    assert kriya.fake.sent(CHAT)[-1]["text"].startswith("Menu utama")



async def test_media_is_acknowledged_politely(kriya: Kriya) -> None:
    await kriya.send(kriya.fake.photo(CHAT))
    assert "belum bisa membaca gambar" in kriya.fake.sent(CHAT)[-1]["text"]
    await kriya.send(kriya.fake.message(CHAT, sticker={"file_id": "s", "file_unique_id": "s", "type": "regular",
                                                       "width": 512, "height": 512, "is_animated": False,
                                                       "is_video": False}))
    await kriya.send(kriya.fake.message(CHAT, voice={"file_id": "v", "file_unique_id": "v", "duration": 3}))
    assert len(kriya.fake.sent(CHAT)) == 3


@pytest.mark.parametrize("update", [
    lambda fake: fake.message(CHAT, "/start", kind="edited_message"),
    lambda fake: fake.message(-100123, "/start", kind="channel_post", chat_type="channel"),
    lambda fake: fake.message(-4001, "/start", chat_type="group", from_id=CHAT),
    lambda fake: fake.message(-1004001, "/pelatihan", chat_type="supergroup", from_id=CHAT),
    lambda fake: fake.message(CHAT, new_chat_title="x"),  # a service message
    lambda fake: {"update_id": 1, "my_chat_member": {"chat": {"id": CHAT, "type": "private"},
                                                      "from": {"id": CHAT, "is_bot": False, "first_name": "S"},
                                                      "date": 0,
                                                      "old_chat_member": {"status": "member",
                                                                          "user": {"id": 123, "is_bot": True,
                                                                                   "first_name": "K"}},
                                                      "new_chat_member": {"status": "kicked", "until_date": 0,
                                                                          "user": {"id": 123, "is_bot": True,
                                                                                   "first_name": "K"}}}},
], ids=["edited", "channel-post", "group", "supergroup", "service", "my-chat-member"])
async def test_what_kriya_does_not_handle_is_ignored_safely(kriya: Kriya, update: Any) -> None:
    response = await kriya.post(update(kriya.fake))
    await kriya.settle()
    assert response.status_code == 200
    assert await kriya.count(InboundMessage) == 0
    assert not kriya.fake.sent()


@pytest.mark.parametrize(("secret", "status"), [(None, 401), ("wrong-secret", 403), (SECRET[:-1], 403),
                                                 ("", 403)])
async def test_the_webhook_needs_the_secret(kriya: Kriya, secret: str | None, status: int,
                                            caplog: pytest.LogCaptureFixture) -> None:
    response = await kriya.post(kriya.fake.message(CHAT, "/start"), secret=secret)
    await kriya.settle()
    assert response.status_code == status
    assert await kriya.count(InboundMessage) == 0
    assert await kriya.count(OutboxMessage) == 0
    assert not kriya.fake.sent()
    assert len(kriya.channel.recent) == 0  # not even remembered as seen


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'{"message": {}}', b'{"update_id": "7"}'])
async def test_a_malformed_update_is_refused(kriya: Kriya, raw: bytes) -> None:
    response = await kriya.post(None, raw=raw)
    assert response.status_code == 400
    assert await kriya.count(InboundMessage) == 0


async def test_only_post_is_routed(kriya: Kriya) -> None:
    response = await kriya.http.get(kriya.url + "/telegram/webhook")
    assert response.status_code == 405


async def test_the_same_update_is_handled_once(kriya: Kriya) -> None:
    seen = spy_on_dispatcher(kriya)
    update = kriya.fake.message(CHAT, "/start")
    await kriya.send(update)
    await kriya.send(update)  # Telegram re-delivers when it did not see our 200
    assert len(seen) == 1  # dropped in memory, before the database
    kriya.channel.recent.clear()  # as after a restart: the database still knows it
    await kriya.send(update)
    assert len(seen) == 2
    assert len(kriya.fake.sent(CHAT)) == 1
    assert await kriya.count(InboundMessage) == 1


async def test_a_tap_delivered_twice_is_handled_and_answered_once(kriya: Kriya) -> None:
    await kriya.send(kriya.fake.message(CHAT, "/start"))
    tap = kriya.fake.tap(CHAT, "Sertifikasi")
    await kriya.send(tap)
    await kriya.send(tap)
    assert len(kriya.fake.answered_callbacks) == 1
    assert len(kriya.fake.sent(CHAT)) == 2


async def test_the_webhook_answers_before_the_reply_is_sent(kriya: Kriya) -> None:
    kriya.fake.delay = 0.3  # a slow Bot API must not hold up Telegram's webhook call
    response = await kriya.post(kriya.fake.message(CHAT, "/start"))
    assert response.status_code == 200
    assert not kriya.fake.sent(CHAT)
    assert await kriya.count(OutboxMessage) == 1  # but the reply is safely in the outbox already
    await kriya.fake.wait_until(lambda: kriya.fake.sent(CHAT))


async def test_a_long_reply_is_split_with_the_buttons_on_the_last_part(kriya: Kriya) -> None:
    paragraph = "Batik tulis adalah warisan budaya. " * 30  # about 1050 characters: three fit in a message
    text = "\n\n".join(f"{i}. {paragraph.strip()}" for i in range(1, 8))

    async def long_answer(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
        return [Reply(text, (Button("Menu", "menu"),))]

    kriya.app.dispatcher.router.command("panjang", long_answer)
    await kriya.send(kriya.fake.message(CHAT, "/panjang"))
    parts = kriya.fake.sent(CHAT)
    assert len(parts) == 3
    assert all(len(p["text"]) <= 4096 for p in parts)
    assert [p["text"][:2] for p in parts] == ["1.", "4.", "7."]  # cut between paragraphs
    assert "\n\n".join(p["text"] for p in parts) == text
    assert [bool(p.get("reply_markup")) for p in parts] == [False, False, True]
    async with kriya.app.sessionmaker() as session:
        row = (await session.scalars(select(OutboxMessage))).one()
    assert row.status == "sent" and len(row.body["provider_ids"]) == 3


async def test_the_webhook_refuses_to_start_without_a_secret(fake: FakeBotApi, database_url: str) -> None:
    async def no_deliver(items: Any) -> None:
        return None

    settings = telegram_settings(database_url, fake, telegram_webhook_secret=None)
    channel = TelegramChannel(settings, dispatcher=None, deliver=no_deliver)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        channel.routes()
    bad = TelegramChannel(telegram_settings(database_url, fake, telegram_webhook_secret="has space"),
                          dispatcher=None, deliver=no_deliver)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="A-Z"):
        bad.routes()
    await channel.stop()
    await bad.stop()


async def test_the_bot_token_stays_out_of_the_logs(kriya: Kriya, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await kriya.send(kriya.fake.message(CHAT, "/start"))
    assert "sendMessage" in caplog.text
    assert "123:TEST" not in caplog.text


async def test_channel_uses_the_configured_rate_limits(kriya: Kriya) -> None:
    limiter = kriya.channel.limiter
    settings = kriya.app.settings
    assert (limiter.per_second, limiter.per_chat_per_second) == (settings.telegram_rate,
                                                                 settings.telegram_chat_rate)
    assert kriya.app.outbox.limiters["telegram"] is limiter
    assert kriya.app.outbox.senders["telegram"] is kriya.channel.sender


async def test_identity_is_the_chat(kriya: Kriya) -> None:
    await kriya.send(kriya.fake.message(CHAT, "halo"))
    async with kriya.app.sessionmaker() as session:
        identity = (await session.scalars(select(ChannelIdentity))).one()
    assert (identity.channel, identity.external_id) == ("telegram", str(CHAT))
