"""Attachments: a Reply's file survives the outbox body, is made at send time from its source, and only a seat
has a ticket; the console names the file. On SQLite and PostgreSQL."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from bot.app import App
from bot.channels.console import render_json, render_text
from bot.core import Attachment, Button, Reply
from bot.delivery import reply_from_body, reply_to_body
from bot.services.attachments import AttachmentUnavailable, render
from bot.services.tickets import ticket_attachment, ticket_png
from db.models import Registration


def test_an_attachment_goes_through_the_outbox_body_as_a_reference() -> None:
    reply = Reply("Tiket Anda: KR-ABC234", (Button("Menu", "menu"),), attachment=ticket_attachment("KR-ABC234"))
    body = reply_to_body(reply)
    assert body["attachment"] == {"kind": "image", "source": "ticket:KR-ABC234", "filename": "tiket-KR-ABC234.png"}
    assert reply_from_body(body) == reply
    assert reply_from_body({"text": "lama"}).attachment is None  # rows written before attachments
    assert reply_from_body({"text": "x", "attachment": {"kind": "video", "source": "a:b"}}).attachment is None


def test_the_console_prints_the_text_and_names_the_file() -> None:
    reply = Reply("Tiket Anda: KR-ABC234", attachment=Attachment("image", "ticket:KR-ABC234", "tiket-KR-ABC234.png"))
    assert render_text(reply).splitlines() == ["Tiket Anda: KR-ABC234", "📎 tiket-KR-ABC234.png"]
    assert '"attachment"' in render_json(reply) and "ticket:KR-ABC234" in render_json(reply)


@pytest.mark.parametrize("code", ["KR-ABC234", "KR-ZZZZZZ", "KR-23456"])
def test_the_ticket_png_scans_back_to_its_code(code: str) -> None:
    with Image.open(io.BytesIO(ticket_png(code))) as image:
        assert image.format == "PNG" and image.width >= 400 and image.height > image.width  # the code under it
        assert [found.text for found in zxingcpp.read_barcodes(image)] == [code]
        band = image.convert("L").crop((0, image.width, image.width, image.height))
        assert band.getextrema()[0] < 64  # the code is printed in the band under the symbol


async def test_only_a_seat_has_a_ticket(demo_app: App) -> None:
    async with demo_app.sessionmaker() as session, session.begin():
        registration = (await session.execute(select(Registration).where(
            Registration.status == "registered").limit(1))).scalar_one()
        png, media_type = await render(session, f"ticket:{registration.code.lower()}")  # as typed: any case
        assert media_type == "image/png" and png.startswith(b"\x89PNG")
        for status in ("waitlisted", "cancelled"):
            registration.status = status
            await session.flush()
            with pytest.raises(AttachmentUnavailable):
                await render(session, f"ticket:{registration.code}")
        for source in ("ticket:KR-NOPE99", "nothing:KR-ABC234", "ticket:", "ticket"):
            with pytest.raises(AttachmentUnavailable):
                await render(session, source)
