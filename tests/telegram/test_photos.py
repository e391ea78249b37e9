"""Files on Telegram: the fake Bot API refuses photos as Telegram does, and the sender captions the file with the
reply's text (a text too long for a caption follows the file) and keeps the keyboard."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest
from PIL import Image
from telegram import Bot, InputFile
from telegram.error import BadRequest

from bot.channels.telegram_sender import TelegramSender
from bot.core import Button, Reply
from bot.delivery import Media, Outgoing, reply_to_body
from bot.ratelimit import RateLimiter
from bot.services.tickets import ticket_png
from tests.telegram.conftest import CHAT, TOKEN
from tests.telegram.fake_bot_api import FakeBotApi


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height), 255).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
async def bot(fake: FakeBotApi) -> AsyncIterator[Bot]:
    fake.known_chats.add(CHAT)
    async with Bot(TOKEN, base_url=fake.base_url) as running:
        yield running


async def test_the_fake_refuses_photos_as_telegram_does(fake: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_photo(CHAT, InputFile(png(300, 300), filename="a.png"), caption="ok")
    assert sent.photo[-1].width == 300 and sent.caption == "ok"
    [params] = fake.files(CHAT)
    assert params["photo"].content == png(300, 300) and params["photo"].filename == "a.png"
    with pytest.raises(BadRequest, match=r"(?i)photo_invalid_dimensions"):
        await bot.send_photo(CHAT, InputFile(png(21, 1), filename="thin.png"))  # ratio over 20
    with pytest.raises(BadRequest, match=r"(?i)photo_invalid_dimensions"):
        await bot.send_photo(CHAT, InputFile(png(6000, 4001), filename="huge.png"))  # sides over 10,000
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_photo(CHAT, InputFile(png(300, 300), filename="a.png"), caption="x" * 1025)
    with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
        await bot.send_photo(CHAT, InputFile(b"not an image at all", filename="a.png"))
    assert len(fake.files(CHAT)) == 1


@pytest.mark.parametrize("length", [200, 3000])
async def test_the_ticket_goes_as_a_captioned_photo_with_its_buttons(fake: FakeBotApi, bot: Bot, length: int) -> None:
    sender = TelegramSender(bot, RateLimiter(1000, 1000))
    text = ("Tiket Anda: KR-ABC234 " * 200)[:length].strip()
    reply = Reply(text, (Button("Pelatihan saya", "my"), Button("Menu", "menu")))
    media = Media("image", "tiket-KR-ABC234.png", ticket_png("KR-ABC234"), "image/png")
    result = await sender.send(Outgoing(1, "telegram", str(CHAT), reply_to_body(reply), media=media))
    shown = fake.shown(CHAT)
    assert shown[0]["photo"].content == media.content
    if length <= 1024:  # the caption is the text, the keyboard is on the photo
        assert len(shown) == 1 and shown[0]["caption"] == text
        assert [b["callback_data"] for b in shown[0]["reply_markup"]["inline_keyboard"][0]] == ["my", "menu"]
    else:  # the photo first, the text after it with the keyboard
        assert "caption" not in shown[0] and "reply_markup" not in shown[0]
        assert " ".join(p["text"] for p in shown[1:]).split() == text.split()  # all of it, in order
        assert "reply_markup" in shown[-1]
    assert len(result.provider_message_ids) == len(shown) and result.note is None


async def test_a_document_goes_with_send_document(fake: FakeBotApi, bot: Bot) -> None:
    sender = TelegramSender(bot, RateLimiter(1000, 1000))
    pdf = b"%PDF-1.4\n%%EOF\n"
    media = Media("document", "sertifikat-KR-ABC234.pdf", pdf, "application/pdf")
    reply = Reply("Sertifikat Anda", (Button("Menu", "menu"),))
    await sender.send(Outgoing(2, "telegram", str(CHAT), reply_to_body(reply), media=media))
    [params] = fake.files(CHAT, method="sendDocument")
    assert params["document"].content == pdf and params["document"].filename == "sertifikat-KR-ABC234.pdf"
    assert params["caption"] == "Sertifikat Anda" and "inline_keyboard" in params["reply_markup"]
    assert not fake.files(CHAT)  # no photo
