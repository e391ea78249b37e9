"""The person's profile: view, edit one field, and delete all their data after a confirmation."""

from __future__ import annotations

import logging
import re

from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.i18n import _
from bot.nlu import answers, asking
from bot.router import Route
from handlers import fields_crafts, form_fields, form_reading
from handlers.profile_view import profile_reply
from handlers.registration_answers import edit_field, edit_request, start_edit
from handlers.training_memory import PROFILE, in_view

logger = logging.getLogger(__name__)

EDITABLE = ("name", "phone", "crafts", "region", "business")


# "saya sekarang pindah ke Klungkung", "I moved to Bali": a new region said as a move.
_MOVED = re.compile(r"(?i)\b(?:pindah|pindahan|moved?|relocated?|sekarang\s+(?:tinggal|domisili|di))\b"
                    r"(?:\s+(?:ke|di|to|in|dari\s+\S+\s+ke))?\s+(?P<place>\S.*)$")
# "tambah kerajinan kayu di profil saya", "hapus ecoprint dari profil": crafts added or taken away in the profile.
_CRAFT_CHANGE = frozenset({"tambah", "tambahkan", "tambahin", "add", "hapus", "buang", "remove", "kurangi"})
_PROFILE = frozenset({"profil", "profile", "profilku", "kerajinanku"})
_ABOUT_SUBSCRIPTIONS = frozenset({"langganan", "langganannya", "berlangganan", "langgananku", "subscription",
                                  "subscriptions", "subscribed"})


# "kerajinan saya sekarang kayu sama bambu", "usaha saya sekarang namanya Batik Sekar": a field and its new value.
_WRONG = frozenset({"salah", "keliru", "typo", "wrong", "mistake"})  # a value of one's own said to be wrong


def _refines_the_list(msg: IncomingMessage, ctx: HandlerContext, field: str) -> bool:
    """Under a list of trainings "ganti ke kerajinan perak" changes the list, not one's profile (that takes a
    "saya" or "profil")."""
    focus = ctx.state.memory.get("focus")
    return (field in ("crafts", "region") and focus == "list"
            and not set(form_fields.words_of(msg.text or "")) & form_reading.ONESELF)


def _profile_in_view(ctx: HandlerContext) -> bool:
    """Whether the last reply was the profile (its "Ubah …" buttons)."""
    return in_view(ctx) == PROFILE


def _names_a_place(text: str) -> bool:
    """Whether `text` names a region ("Klungkung", "kab. bantul"), not "kelas lain" after "pindah ke"."""
    from bot.nlu import gazetteer, normalize

    return gazetteer.find_region(("di", *normalize(text).split())) is not None


def profile_request(msg: IncomingMessage, ctx: HandlerContext) -> tuple[str, str] | None:
    """The profile field a typed message asks to change, with the new value when given: "ganti nama usaha jadi
    Celuk Silver Art", "ubah wilayah", "saya pindah ke Klungkung", "tambah kerajinan kayu di profil saya"; right
    under the profile also "nama saya salah, harusnya …" and "kerajinan saya sekarang kayu sama bambu"."""
    if set(form_reading.words_of(msg.text or "")) & _ABOUT_SUBSCRIPTIONS:
        return None  # "ubah langganannya jadi cuma wilayah NTT" changes a subscription (handlers/subscriptions.py)
    wanted = edit_request(msg)
    if wanted is not None and wanted[0] in EDITABLE:
        return None if _refines_the_list(msg, ctx, wanted[0]) else wanted
    text = msg.text or "" if msg.payload is None else ""
    if _profile_in_view(ctx):
        wanted = form_fields.change_request(text) or form_fields.field_and_value(text)
        if wanted is not None and wanted[0] in EDITABLE:
            return wanted
    wanted = form_fields.change_request(text)
    words = set(form_reading.words_of(text))
    if wanted is not None and wanted[0] in EDITABLE and wanted[1] and words & _WRONG and words & form_reading.ONESELF:
        return wanted  # "eh nomor hp sy salah ketik, yg bener 0813 3721 9989": one's own, the right value given
    moved = _MOVED.search(text)
    if moved and _names_a_place(moved.group("place")):
        return "region", moved.group("place").strip(" .!")
    if words & _CRAFT_CHANGE and (words & _PROFILE or "kerajinan" in words) and fields_crafts.crafts_in(text)[0]:
        return "crafts", text
    return None


async def show_profile(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Show what Kriya keeps about the person, with buttons to change it; a change asked for in words (see
    `profile_request`, or a button's title typed) starts that change."""
    wanted = profile_request(msg, ctx)
    if wanted is not None:
        return await edit_field(ctx, wanted[0], wanted[1], msg=msg)
    return [profile_reply(ctx)]


def edit_in_words(msg: IncomingMessage, ctx: HandlerContext) -> Route | None:
    """A follow-up reader for the router: a profile change asked for in words from anywhere ("ubah wilayah ke
    denpasar", "saya pindah ke Klungkung", which the NLU may not read as the profile)."""
    return Route(show_profile) if profile_request(msg, ctx) is not None else None


async def edit_profile(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Ask for the new value of one profile field."""
    field = ctx.args[0] if ctx.args else ""
    if field not in EDITABLE:
        return [profile_reply(ctx)]
    return await start_edit(ctx, field)


# "hapus 1" where no option is numbered so: one of a list, never all of one's data.
_DELETE_A_NUMBER = re.compile(r"(?i)^\s*(?:hapus|hapuskan|hapusin|delete|remove)\s+(?:no\.?\s*|nomor\s+|yg\s+|yang\s+)?\d+\s*$")


async def ask_delete(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Explain what deleting means and ask to confirm ("hapus 1" asks what is meant instead)."""
    if msg.payload is None and _DELETE_A_NUMBER.match(msg.text or ""):
        return [Reply(_("Hapus yang mana? Untuk menghapus langganan kabar pelatihan, buka \"Langganan saya\". Untuk "
                        "menghapus semua data Anda dari Kriya, pilih \"Hapus data saya\"."),
                      (Button(_("Langganan saya"), "subs"), Button(_("Hapus data saya"), "del"),
                       Button(_("Menu"), "menu")))]
    text = "\n\n".join((
        _("Anda ingin menghapus data Anda dari Kriya?"),
        _("Yang dihapus: nama, nomor HP, kerajinan, wilayah, nama usaha, langganan, dan percakapan. Pendaftaran "
          "ke pelatihan yang belum dimulai dibatalkan. Penyelenggara hanya menyimpan jumlah peserta tanpa nama."),
        _("Ini tidak bisa dibatalkan."),
    ))
    yes, no = Button(_("Ya, hapus data saya"), "dely", answer="yes"), Button(_("Tidak"), "menu", answer="no")
    return [Reply(text, (yes, no))]


_IF_SO = re.compile(r"(?i)^\W*(?:(?:kalo|kalau|klo|kl)\s+(?:gt|gitu|begitu|gtu)|if\s+so|then)\b")  # "kalo gt jgn dulu"


def question_at_delete(msg: IncomingMessage, ctx: HandlerContext) -> Route | None:
    """A follow-up reader: a question under "Anda ingin menghapus data Anda?" ("kalau dihapus pendaftaran saya
    gimana?") gets the explanation and the question again, not the fallback."""
    options = ctx.state.memory.get("options") or []
    if msg.payload or not any(o[1] == "dely" for o in options) or answers.meaning(msg.text or ""):
        return None
    text = (msg.text or "").strip()
    asked, _mark, after = text.rpartition("?")
    if asked and answers.meaning(_IF_SO.sub("", after)) == "no":
        return Route(keep_data)  # "pendaftaran sy ikut kehapus jg ya? kalo gt jgn dulu": the answer, and nothing deleted
    return Route(ask_delete) if text.endswith("?") or set(asking.words(text)) & asking.QUESTION_WORDS else None


async def keep_data(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """A question about deleting followed by a no: what deleting would have done, and that nothing was deleted."""
    return [Reply("\n\n".join((
        _("Yang dihapus bila Anda setuju: nama, nomor HP, kerajinan, wilayah, nama usaha, langganan, dan percakapan; "
          "pendaftaran ke pelatihan yang belum dimulai ikut dibatalkan."),
        _("Baik, tidak ada yang dihapus. Data dan pendaftaran Anda tetap tersimpan."))),
        (Button(_("Pelatihan saya"), "my"), Button(_("Menu"), "menu")))]


async def delete_data(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Delete the person's data (after they confirmed)."""
    await ctx.services.privacy.delete_person(ctx.person)
    ctx.state.clear()
    ctx.state.memory.clear()
    return [Reply(_("Data Anda sudah dihapus. Terima kasih sudah memakai Kriya. Bila menulis lagi, Anda akan "
                    "mulai sebagai pengguna baru."))]
