"""The person's profile as a reply: their fields, and the buttons to change them or delete their data."""

from __future__ import annotations

from bot.context import HandlerContext
from bot.core import Button, Reply
from bot.crafts import craft_name
from bot.i18n import _
from bot.regions import region_name
from handlers.training_memory import PROFILE, remember


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
    remember(ctx, PROFILE, buttons)  # "nomor hp saya …" next is about the person, not a training
    return Reply("\n".join(lines), buttons)
