"""The person's upcoming registrations, and cancelling one (asked first)."""

from __future__ import annotations

from bot import payloads
from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.i18n import _, format_when
from bot.regions import zone_of

# --- my registrations and cancelling ------------------------------------------------------------

async def show_my_registrations(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """List the person's upcoming registrations with their status."""
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
        buttons.append(Button(_("Batalkan {code}").format(code=item.code), payloads.make("rc", item.code)))
    ctx.state.memory["list"] = [item.training_code for item in found]
    return [Reply("\n".join(lines), (*buttons, Button(_("Menu"), "menu")))]


async def cancel_registration(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Ask to confirm cancelling a registration (by button, or the list of registrations)."""
    code = ctx.args[0] if ctx.args else None
    if not code:
        found = await ctx.services.registrations.upcoming_for(ctx.person.id)
        if len(found) != 1:
            return await show_my_registrations(msg, ctx)
        code = found[0].code
    yes, no = Button(_("Ya, batalkan"), payloads.make("rcy", code), answer="yes"), Button(_("Tidak"), "my", answer="no")
    return [Reply(_("Yakin membatalkan pendaftaran {code}? Kursi Anda akan diberikan ke orang berikutnya.").format(
        code=code), (yes, no))]


async def confirm_cancel(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Cancel the registration; the first person on the waitlist moves up."""
    code = ctx.args[0] if ctx.args else ""
    cancelled = await ctx.services.registrations.cancel(ctx.person.id, code)
    if cancelled is None:
        return [Reply(_("Pendaftaran {code} tidak ditemukan atau sudah dibatalkan.").format(code=code),
                      (Button(_("Pelatihan saya"), "my"),))]
    return [Reply(_("Pendaftaran {code} sudah dibatalkan.").format(code=code),
                  (Button(_("Pelatihan saya"), "my"), Button(_("Menu"), "menu")))]
