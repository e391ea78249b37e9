"""The person's upcoming registrations, and cancelling one (asked first)."""

from __future__ import annotations

from bot import payloads
from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.i18n import _, format_when
from bot.regions import zone_of
from bot.router import Route
from bot.services.registrations import RegistrationView
from handlers.tickets import ticket_replies
from handlers.titles import distinctive

# --- my registrations and cancelling ------------------------------------------------------------

async def show_my_registrations(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """List the person's upcoming registrations with their status, after the QR ticket of each seat."""
    found = await ctx.services.registrations.upcoming_for(ctx.person.id)
    if not found:
        return [Reply(_("Anda belum terdaftar di pelatihan mendatang."), (Button(_("Lihat pelatihan"), "tl"),
                                                                           Button(_("Menu"), "menu")))]
    lines = [_("Pelatihan Anda:"), ""]
    buttons = []
    for number, item in enumerate(found, 1):
        zone = zone_of(item.regency or item.province)
        status = (_("terdaftar") if item.status == "registered"
                  else _("daftar tunggu nomor {n}").format(n=item.waitlist_position))
        lines.append(f"{number}. {item.training_title} ({item.training_code})")
        lines.append("   " + format_when(item.starts_at, zone.zone, zone.name))
        lines.append("   " + _("Status: {status} · kode {registration}").format(status=status,
                                                                                registration=item.code))
        if item.status == "registered":
            lines.append("   " + _("Tiket: {registration} (QR di atas)").format(registration=item.code))
        buttons.append(Button(_("Batalkan {code}").format(code=item.code), payloads.make("rc", item.code)))
    ctx.state.memory["list"] = [item.training_code for item in found]
    ctx.state.memory[MINE] = _entries(found)
    return [*ticket_replies(found), Reply("\n".join(lines), (*buttons, Button(_("Menu"), "menu")))]


MINE = "registrations"  # memory: [code, title, local start date] of the registrations just listed


def _entries(found: list[RegistrationView]) -> list[list[str]]:
    return [[item.code, item.training_title,
             item.starts_at.astimezone(zone_of(item.regency or item.province).zone).date().isoformat()]
            for item in found]


def described(msg: IncomingMessage, ctx: HandlerContext, entries: list[list[str]]) -> str | None:
    """The one registration of `entries` a message describes by words of its training's title ("yg malam batik")
    or by its start date ("yg tgl 3 des"), or None."""
    typed = distinctive(msg.text or "")
    scored = sorted(((len(typed & distinctive(title)), code) for code, title, _day in entries), reverse=True)
    if scored and scored[0][0] and (len(scored) == 1 or scored[1][0] < scored[0][0]):
        return scored[0][1]
    u = ctx.understanding
    if u is not None and u.date_from and (u.date_to is None or u.date_to == u.date_from):
        on_that_day = [code for code, _title, day in entries if day == u.date_from.isoformat()]
        if len(on_that_day) == 1:
            return on_that_day[0]
    return None


def pick_in_words(msg: IncomingMessage, ctx: HandlerContext) -> Route | None:
    """A router context: under the list of one's registrations, one of them described in words is the one to
    cancel ("yg tgl 3 des", "yg malam batik gk jadi ikut deh")."""
    options = ctx.state.memory.get("options") or []
    entries = ctx.state.memory.get(MINE) or []
    if msg.payload or not msg.text or not any(o[1].startswith("rc:") for o in options):
        return None
    code = described(msg, ctx, entries)
    return Route(cancel_registration, [code]) if code else None


async def cancel_registration(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Ask to confirm cancelling a registration (by button, one of them described, or the list of them)."""
    code = ctx.args[0] if ctx.args else None
    if not code:
        found = await ctx.services.registrations.upcoming_for(ctx.person.id)
        code = described(msg, ctx, _entries(found)) if len(found) > 1 and msg.payload is None else None
        if code is None and len(found) != 1:
            return await show_my_registrations(msg, ctx)
        code = code or found[0].code
    yes = Button(_("Ya, batalkan"), payloads.make("rcy", code), answer="yes")
    no = Button(_("Tidak"), payloads.make("rck", code), answer="no")  # kept, and said so
    return [Reply(_("Yakin membatalkan pendaftaran {code}? Kursi Anda akan diberikan ke orang berikutnya.").format(
        code=code), (yes, no))]


async def keep_registration(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """"Tidak" (or "eh gk jadi deh kak, tetep ikut") at "cancel your registration?": nothing is cancelled."""
    code = ctx.args[0] if ctx.args else ""
    kept = [r for r in await ctx.services.registrations.upcoming_for(ctx.person.id) if r.code == code]
    if not kept:
        return await show_my_registrations(msg, ctx)
    return [Reply(_("Baik, pendaftaran {code} ({title}) tetap berlaku. Tidak ada yang dibatalkan.").format(
        code=code, title=kept[0].training_title), (Button(_("Pelatihan saya"), "my"), Button(_("Menu"), "menu")))]


async def confirm_cancel(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Cancel the registration; the first person on the waitlist moves up."""
    code = ctx.args[0] if ctx.args else ""
    cancelled = await ctx.services.registrations.cancel(ctx.person.id, code)
    if cancelled is None:
        return [Reply(_("Pendaftaran {code} tidak ditemukan atau sudah dibatalkan.").format(code=code),
                      (Button(_("Pelatihan saya"), "my"),))]
    return [Reply(_("Pendaftaran {code} sudah dibatalkan.").format(code=code),
                  (Button(_("Pelatihan saya"), "my"), Button(_("Menu"), "menu")))]
