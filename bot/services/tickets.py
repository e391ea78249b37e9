"""Tickets: a registration's code is its ticket, shown as a QR image (the code printed under it) for the door."""

from __future__ import annotations

import asyncio
import io
import logging

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Attachment
from db.models import Registration

logger = logging.getLogger(__name__)

PREFIX = "ticket"  # an attachment's source "ticket:<registration code>"
MEDIA_TYPE = "image/png"
TICKETED = "registered"  # only a held seat has a ticket: waitlisted and cancelled registrations have none
QR_ERROR = "q"  # recovers a quarter of the code: a cracked phone screen or a glare still scans
MODULE_PIXELS = 20  # pixels per QR module: a 9-character code is ~580 px wide, easy to scan from a screen
QUIET_ZONE = 4  # modules of white around the symbol, as ISO/IEC 18004 asks
TEXT_BAND = 80  # pixels under the symbol (with the lower half of its quiet zone) for the code printed as text
FONT_SIZE = 64


def ticket_source(code: str) -> str:
    return f"{PREFIX}:{code}"


def ticket_attachment(code: str) -> Attachment:
    """The ticket of a registration, as a reply's attachment (rendered when it is sent)."""
    return Attachment("image", ticket_source(code), f"tiket-{code}.png")


def ticket_png(code: str) -> bytes:
    """A PNG of the QR symbol of `code`, with `code` printed under it."""
    import segno  # imported when a ticket is drawn, not at every start-up
    from PIL import Image, ImageDraw, ImageFont

    qr = segno.make(code, error=QR_ERROR, micro=False, boost_error=False)
    symbol = io.BytesIO()
    qr.save(symbol, kind="png", scale=MODULE_PIXELS, border=QUIET_ZONE)
    symbol.seek(0)
    with Image.open(symbol) as drawn:
        square = drawn.convert("L")
    canvas = Image.new("L", (square.width, square.height + TEXT_BAND), 255)
    canvas.paste(square, (0, 0))
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=FONT_SIZE)  # bundled with Pillow: nothing is fetched
    left, top, right, bottom = draw.textbbox((0, 0), code, font=font)
    x = (canvas.width - (right - left)) // 2 - left
    y = square.height - MODULE_PIXELS * 2 + (TEXT_BAND - (bottom - top)) // 2 - top  # in the quiet zone's lower half
    draw.text((x, y), code, fill=0, font=font)
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


async def render_ticket(session: AsyncSession, code: str) -> tuple[bytes, str]:
    """The renderer of "ticket:<code>": the QR of a registration that holds a seat (LookupError otherwise)."""
    found = (await session.execute(
        select(Registration.code, Registration.status).where(func.upper(Registration.code) == code.upper())
    )).first()
    if found is None:
        raise LookupError("no registration with that ticket")
    if found.status != TICKETED:
        raise LookupError(f"a {found.status} registration has no ticket")
    return await asyncio.to_thread(ticket_png, found.code), MEDIA_TYPE  # ~25 ms of CPU: off the event loop
