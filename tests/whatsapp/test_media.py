"""Files on WhatsApp: uploaded to the media endpoint, then sent as an image or a document with the caption; the
options follow as their own message (an interactive message cannot carry an uploaded file)."""

from __future__ import annotations

from bot.core import Button, Reply
from bot.delivery import Media, Outgoing, reply_to_body
from tests.whatsapp.conftest import USER, WhatsApp

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def test_a_document_goes_with_its_filename_and_caption(whatsapp: WhatsApp) -> None:
    reply = Reply("Sertifikat Anda", (Button("Menu", "menu"),))
    media = Media("document", "sertifikat-KR-ABC234.pdf", PDF, "application/pdf")
    result = await whatsapp.channel.sender.send(Outgoing(0, "whatsapp", USER, reply_to_body(reply), media=media))
    document, options = whatsapp.fake.to(USER)
    assert document.type == "document" and document.body == "Sertifikat Anda"
    assert document.payload["document"]["filename"] == "sertifikat-KR-ABC234.pdf"
    uploaded = whatsapp.fake.media_of(document)
    assert uploaded.content == PDF and uploaded.media_type == "application/pdf"
    assert uploaded.filename == "sertifikat-KR-ABC234.pdf"
    assert options.type == "interactive:button" and options.options == [("menu", "Menu")]
    assert len(result.provider_message_ids) == 2 and not whatsapp.fake.violations


async def test_a_text_too_long_for_a_caption_follows_the_image(whatsapp: WhatsApp) -> None:
    text = "Tiket Anda KR-ABC234. " * 80  # 1,760 characters: over the caption's 1,024
    media = Media("image", "tiket.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")
    await whatsapp.channel.sender.send(Outgoing(0, "whatsapp", USER, reply_to_body(Reply(text)), media=media))
    image, *rest = whatsapp.fake.to(USER)
    assert image.type == "image" and "caption" not in image.payload["image"]
    assert " ".join(sent.body for sent in rest).split() == text.split()
    assert not whatsapp.fake.violations
