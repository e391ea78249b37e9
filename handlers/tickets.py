"""Tickets in the chat: "tiket saya", "mana tiketnya kak", "my ticket pls" send the QR of every seat one holds."""

from __future__ import annotations

from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.i18n import _, format_when
from bot.regions import zone_of
from bot.router import Route
from bot.services.registrations import RegistrationView
from bot.services.tickets import TICKETED, ticket_attachment
from handlers.training_filters import _has, words_of

MAX_TICKETS = 5  # tickets sent at once; more upcoming seats than this are rare, and listed under "pelatihan saya"
# Words that ask for one's ticket, and words that make it a question about a price ("harga tiketnya brp").
TICKET_WORDS = frozenset({"tiket", "tiketnya", "tiketku", "tiket2", "tikit", "tiketny", "etiket", "e-tiket", "ticket",
                          "tickets", "ticketnya", "e-ticket", "eticket", "qr", "qrnya", "qr-nya", "qrcode", "barcode",
                          "barcodenya", "karcis", "karcisnya"})
PRICE_WORDS = frozenset({"harga", "hrg", "biaya", "biayanya", "berapa", "brp", "bayar", "beli", "price", "cost",
                         "how much", "gratis", "free", "murah", "mahal"})


def asked_in_words(msg: IncomingMessage, ctx: HandlerContext) -> Route | None:
    """A router context: a message that asks for one's ticket ("tiket saya", "TIKET", "mana tiketnya kak")."""
    if msg.payload or not msg.text or len(msg.text) > 80:
        return None
    words = words_of(msg.text)
    if _has(words, TICKET_WORDS) and not _has(words, PRICE_WORDS):
        return Route(show_tickets)
    return None


def ticket_reply(item: RegistrationView, buttons: tuple[Button, ...] = ()) -> Reply:
    """One registration's ticket: its QR image, captioned with the code and the training."""
    zone = zone_of(item.regency or item.province)
    caption = "\n".join((
        _("Tiket Anda: {registration}").format(registration=item.code),
        _("{title}, mulai {when}.").format(title=item.training_title,
                                           when=format_when(item.starts_at, zone.zone, zone.name)),
        ticket_use(),
    ))
    return Reply(caption, buttons, attachment=ticket_attachment(item.code))


ONLINE = "online"  # a training's mode: taken part in from afar (hybrid ones have a door too)


def ticket_use(mode: str = "") -> str:
    """What the ticket is for: shown at the door, or (online) kept for the organizer's roll call."""
    if mode == ONLINE:
        return _("Simpan kode ini: panitia bisa memintanya saat pelatihan daring berlangsung. Link untuk bergabung "
                 "dikirim oleh penyelenggara.")
    return _("Tunjukkan QR ini (atau sebutkan kodenya) kepada panitia saat datang.")


def ticket_replies(found: list[RegistrationView], buttons: tuple[Button, ...] = ()) -> list[Reply]:
    """The tickets of the seats among `found` (waitlisted registrations have none), `buttons` on the last."""
    seated = [item for item in found if item.status == TICKETED][:MAX_TICKETS]
    return [ticket_reply(item, buttons if number == len(seated) else ()) for number, item in enumerate(seated, 1)]


async def show_tickets(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Send the QR ticket of each upcoming seat; say why there is none (the waitlist, no registration)."""
    found = await ctx.services.registrations.upcoming_for(ctx.person.id)
    buttons = (Button(_("Pelatihan saya"), "my"), Button(_("Menu"), "menu"))
    waiting = [item for item in found if item.status == "waitlisted"]
    notes = [_("{title} ({registration}): Anda di daftar tunggu nomor {n}. Tiketnya kami kirim bila Anda dapat "
               "kursi.").format(title=item.training_title, registration=item.code, n=item.waitlist_position)
             for item in waiting]
    tickets = ticket_replies(found, () if notes else buttons)
    if tickets and not notes:
        return tickets
    if not tickets and not notes:
        return [Reply(_("Anda belum punya tiket: Anda belum terdaftar di pelatihan mendatang."),
                      (Button(_("Lihat pelatihan"), "tl"), Button(_("Menu"), "menu")))]
    return [*tickets, Reply("\n".join(notes), buttons)]
