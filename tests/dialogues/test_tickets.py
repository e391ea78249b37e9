"""The ticket: a registration's code as a QR image, sent on a confirmed registration, on asking for it in words
and when a waitlisted person gets a seat; through the console, Telegram and WhatsApp, and never to the waitlist."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from bot.services.attachments import AttachmentUnavailable, render
from bot.services.registrations import Registrations
from db.models import OutboxMessage, Registration, Training
from tests.channels import TELEGRAM_CHAT, ChannelChat, ConsoleChat, TelegramChat, WhatsAppChat, chatting
from tests.conftest import Clock
from tests.test_privacy_everywhere import register

FULL = "PWT-PGK-01"  # full in the demo catalogue: a registration there is waitlisted


def decoded(png: bytes) -> list[str]:
    """The texts of the QR symbols in a PNG (zxing-cpp reads it as a phone's camera would)."""
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert min(image.size) >= 400  # large enough to scan from a phone screen
        return [found.text for found in zxingcpp.read_barcodes(image) if found.format == zxingcpp.BarcodeFormat.QRCode]


async def tickets_received(chat: ChannelChat) -> list[tuple[str, bytes]]:
    """(caption, PNG) of every image the person received, as the platform received it (the console: as rendered)."""
    if isinstance(chat, TelegramChat):
        return [(str(p.get("caption", "")), p["photo"].content) for p in chat.kriya.fake.files(TELEGRAM_CHAT)]
    if isinstance(chat, WhatsAppChat):
        fake = chat.harness.fake
        return [(sent.body, fake.media_of(sent).content) for sent in fake.to(chat.user) if sent.type == "image"]
    assert isinstance(chat, ConsoleChat)
    shown = []
    for reply in chat.sent_replies:
        if reply.attachment is not None:
            assert reply.attachment.kind == "image" and reply.attachment.filename.endswith(".png")
            async with chat.app.sessionmaker() as session:
                try:
                    png, media_type = await render(session, reply.attachment.source)
                except AttachmentUnavailable:  # a ticket given earlier, of a registration cancelled since
                    png, media_type = b"", "image/png"
            assert media_type == "image/png"
            shown.append((reply.text, png))
    return shown


async def registration_of(chat: ChannelChat, training: str) -> Registration:
    async with chat.app.sessionmaker() as session:
        return (await session.execute(
            select(Registration).join(Training).where(Training.code == training, Registration.code.like("KR-%"))
            .order_by(Registration.id.desc()).limit(1))).scalar_one()


async def test_registering_sends_the_ticket_as_a_qr_image(anywhere: ChannelChat) -> None:
    await register(anywhere)
    code = (await registration_of(anywhere, "BTK-YK-01")).code
    [(caption, png)] = await tickets_received(anywhere)
    assert code in caption
    assert decoded(png) == [code]


@pytest.mark.parametrize("typed", ["tiket saya", "mana tiketnya kak", "TIKET", "my ticket pls"])
async def test_asking_for_the_ticket_in_words_sends_it_again(anywhere: ChannelChat, typed: str) -> None:
    await register(anywhere)
    code = (await registration_of(anywhere, "BTK-YK-01")).code
    before = len(await tickets_received(anywhere))
    text = await anywhere.say(typed)
    after = await tickets_received(anywhere)
    assert len(after) == before + 1 and code in text
    assert decoded(after[-1][1]) == [code]


async def test_my_registrations_carry_the_ticket(anywhere: ChannelChat) -> None:
    await register(anywhere)
    code = (await registration_of(anywhere, "BTK-YK-01")).code
    before = len(await tickets_received(anywhere))
    text = await anywhere.say("pelatihan saya")
    after = await tickets_received(anywhere)
    assert len(after) == before + 1 and decoded(after[-1][1]) == [code]
    assert text.count(code) >= 2  # the caption, and the list's line


async def test_a_waitlisted_person_gets_no_ticket_until_a_seat_frees(anywhere: ChannelChat) -> None:
    await register(anywhere, FULL, expect="waitlisted")
    await anywhere.say("tiket saya")
    assert await tickets_received(anywhere) == []
    waiting = await registration_of(anywhere, FULL)
    async with anywhere.app.sessionmaker() as session, session.begin():  # a seat holder cancels: the person moves up
        seat = (await session.execute(select(Registration).where(
            Registration.training_id == waiting.training_id, Registration.status == "registered").limit(1))).scalar_one()
        assert seat.artisan_id is not None
        await Registrations(session, anywhere.app.clock(), anywhere.app.settings.policy).cancel(seat.artisan_id,
                                                                                                 seat.code)
    if anywhere.channel != "console":  # (the console has no outbox sender)
        assert await anywhere.app.outbox.run_once() == 1  # the offer of the freed seat
    assert await tickets_received(anywhere) == []  # an offered seat is no seat yet
    await anywhere.say("ambil kak")  # the seat taken: the ticket comes with it
    [(caption, png)] = await tickets_received(anywhere)
    assert waiting.code in caption and decoded(png) == [waiting.code]


async def test_a_cancelled_registration_has_no_ticket(anywhere: ChannelChat) -> None:
    await register(anywhere)
    registration = await registration_of(anywhere, "BTK-YK-01")
    await anywhere.say(f"batal {registration.code}")
    await anywhere.say("ya")
    assert (await registration_of(anywhere, "BTK-YK-01")).status == "cancelled"
    before = len(await tickets_received(anywhere))
    await anywhere.say("tiket saya")
    assert len(await tickets_received(anywhere)) == before


@pytest.fixture(params=("telegram", "whatsapp"))
async def platform(request: pytest.FixtureRequest, database_url: str, clock: Clock) -> AsyncIterator[ChannelChat]:
    """One person on Telegram or WhatsApp, whose files go through a platform's upload."""
    async with chatting(request.param, database_url, clock) as chat:
        yield chat


def break_uploads(chat: ChannelChat, times: int, final: bool = False) -> None:
    """The platform fails the next `times` uploads of a photo: for now (5xx) or for good (refused)."""
    if isinstance(chat, TelegramChat):
        if final:
            chat.kriya.fake.fail("sendPhoto", 400, "Bad Request: PHOTO_INVALID_DIMENSIONS", times=times)
        else:
            chat.kriya.fake.fail("sendPhoto", 502, "Bad Gateway", times=times)
    else:
        assert isinstance(chat, WhatsAppChat)
        chat.harness.fake.fail_uploads(131053 if final else 131000, status=400 if final else 500, times=times)


async def ticket_row(chat: ChannelChat) -> OutboxMessage:
    async with chat.app.sessionmaker() as session:
        rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    [row] = [row for row in rows if (row.body.get("attachment") or {}).get("source", "").startswith("ticket:")]
    return row


async def test_a_failed_upload_is_recorded_retried_and_sent_once(platform: ChannelChat, clock: Clock) -> None:
    break_uploads(platform, times=2)
    await register(platform)
    code = (await registration_of(platform, "BTK-YK-01")).code
    assert await tickets_received(platform) == []
    row = await ticket_row(platform)
    assert row.status == "pending" and row.attempts == 1 and row.last_error  # recorded, to be tried again
    for _attempt in range(2):
        clock.now = max(clock.now, (await ticket_row(platform)).not_before)
        await platform.app.outbox.run_once()
    row = await ticket_row(platform)
    assert row.status == "sent" and row.attempts == 3 and row.last_error is None
    [(caption, png)] = await tickets_received(platform)
    assert code in caption and decoded(png) == [code]
    clock.advance(minutes=10)
    assert await platform.app.outbox.run_once() == 0
    assert len(await tickets_received(platform)) == 1  # never twice


async def test_a_refused_file_sends_the_text_and_says_so(platform: ChannelChat) -> None:
    break_uploads(platform, times=1, final=True)
    await register(platform)
    code = (await registration_of(platform, "BTK-YK-01")).code
    assert await tickets_received(platform) == []
    row = await ticket_row(platform)
    assert row.status == "sent" and row.last_error and "text sent alone" in row.last_error  # not silent
    text = await platform.say("tiket saya")  # asked again, the ticket comes
    [(caption, png)] = await tickets_received(platform)
    assert code in text and code in caption and decoded(png) == [code]
