"""The person's profile: view, edit one field, and delete all their data after a confirmation."""

from __future__ import annotations

import logging

from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.crafts import craft_name
from bot.i18n import _
from bot.regions import region_name
from bot.router import Route
from handlers.registration import edit_field, edit_request, start_edit

logger = logging.getLogger(__name__)

EDITABLE = ("name", "phone", "crafts", "region", "business")


def profile_reply(ctx: HandlerContext, heading: str | None = None) -> Reply:
    person = ctx.person
    lines = [heading, ""] if heading else []
    lines += [
        _("Profil Anda:"),
        _("Nama: {name}").format(name=person.full_name or "-"),
        _("Nomor HP: {phone}").format(phone=person.phone or "-"),
        _("Kerajinan: {craft}").format(craft=", ".join(craft_name(c) for c in person.crafts or []) or "-"),
        _("Kabupaten/kota: {region}").format(region=region_name(person.regency) or "-"),
        _("Nama usaha: {business}").format(business=person.business_name or "-"),
        _("Bahasa: {language}").format(language="Bahasa Indonesia" if person.language == "id" else "English"),
        _("Pesan otomatis (pengingat, info pelatihan): {state}").format(
            state=_("berhenti (ketik MULAI untuk menyalakan)") if person.proactive_opt_out else _("aktif")),
    ]
    buttons = (
        Button(_("Ubah nama"), "pe:name"),
        Button(_("Ubah nomor HP"), "pe:phone"),
        Button(_("Ubah kerajinan"), "pe:crafts"),
        Button(_("Ubah wilayah"), "pe:region"),
        Button(_("Ubah nama usaha"), "pe:business"),
        Button(_("Hapus data saya"), "del"),
        Button(_("Menu"), "menu"),
    )
    return Reply("\n".join(lines), buttons)


async def show_profile(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Show what Kriya keeps about the person, with buttons to change it; a change asked for in words ("ganti nama
    usaha jadi Celuk Silver Art", "ubah wilayah", a button's title typed) starts that change."""
    wanted = edit_request(msg)
    if wanted is not None and wanted[0] in EDITABLE:
        return await edit_field(ctx, wanted[0], wanted[1], msg=msg)
    return [profile_reply(ctx)]


def edit_in_words(msg: IncomingMessage, ctx: HandlerContext) -> Route | None:
    """A follow-up reader for the router: a profile change asked for in words from anywhere ("ubah wilayah ke
    denpasar", which the NLU does not read as the profile), to register with `router.context(...)`."""
    wanted = edit_request(msg)
    return Route(show_profile) if wanted is not None and wanted[0] in EDITABLE else None


async def edit_profile(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Ask for the new value of one profile field."""
    field = ctx.args[0] if ctx.args else ""
    if field not in EDITABLE:
        return [profile_reply(ctx)]
    return await start_edit(ctx, field)


async def ask_delete(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Explain what deleting means and ask to confirm."""
    text = "\n\n".join((
        _("Anda ingin menghapus data Anda dari Kriya?"),
        _("Yang dihapus: nama, nomor HP, kerajinan, wilayah, nama usaha, langganan, dan percakapan. Pendaftaran "
          "ke pelatihan yang belum dimulai dibatalkan. Penyelenggara hanya menyimpan jumlah peserta tanpa nama."),
        _("Ini tidak bisa dibatalkan."),
    ))
    yes, no = Button(_("Ya, hapus data saya"), "dely", answer="yes"), Button(_("Tidak"), "menu", answer="no")
    return [Reply(text, (yes, no))]


async def delete_data(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Delete the person's data (after they confirmed)."""
    await ctx.services.privacy.delete_person(ctx.person)
    ctx.state.clear()
    ctx.state.memory.clear()
    return [Reply(_("Data Anda sudah dihapus. Terima kasih sudah memakai Kriya. Bila menulis lagi, Anda akan "
                    "mulai sebagai pengguna baru."))]
