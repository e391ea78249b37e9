"""Subscriptions to news of trainings (by craft and/or region), STOP and MULAI for every proactive message."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Protocol

from bot import payloads
from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.crafts import CRAFTS, craft_name
from bot.i18n import _
from bot.regions import region_name
from bot.router import Route
from handlers.fields_crafts import crafts_in
from handlers.form_reading import ONESELF

logger = logging.getLogger(__name__)

# How sure the NLU must be that a message about messages in general means STOP before it is done unasked.
SURE_TO_STOP = 0.6


def _describe(craft: str, region: str) -> str:
    what = craft_name(craft) if craft else _("semua kerajinan")
    where = region_name(region) if region else _("seluruh Indonesia")
    return f"{what} · {where}"


_CRAFT_AND_REGION = payloads.args(payloads.or_empty(payloads.craft), payloads.or_empty(payloads.region))
# The subscribe buttons: `sub` (choices), or `sub:<craft>:<region>` with at least one of the two.
SUBSCRIBE_BUTTONS = payloads.either(payloads.NO_ARGS, lambda given: any(given) and _CRAFT_AND_REGION(given))


# Words (normalised) that tell what a message about subscriptions asks for, when no craft or place is named.
_LISTING = frozenset({"lihat", "cek", "apa", "mana", "list", "show", "which", "what", "my", "daftarnya"})
_RESUMING = frozenset({"mulai", "resume", "lagi", "again", "kembali", "restart", "nyalakan", "nyalain", "aktifkan",
                       "aktifin", "hidupkan", "idupin", "on"})
_EVERY = frozenset({"semua", "semuanya", "all", "everything", "seluruh", "sekaligus"})
_ABOUT_SUBSCRIPTIONS = frozenset({"langganan", "berlangganan", "subscription", "subscriptions", "subscribe",
                                  "unsubscribe", "daftar", "list", "mailing"})


IN_VIEW = "subscription"  # memory: the id of the subscription just made or shown, for "yg di jogja aja"
# Words that narrow or widen the subscription in view ("khusus yg di jogja aja", "batik juga"), and words that make
# the message a search of trainings instead ("pelatihan batik di jogja ada?").
_NARROWING = frozenset({"khusus", "aja", "saja", "hanya", "cuma", "only", "just", "ganti", "ubah", "jadi", "yg", "yang",
                        "daerah", "wilayah", "region", "area", "provinsi", "kabupaten", "kota"})
_CHANGING = frozenset({"ganti", "ubah", "jadi", "jadiin", "change", "ubahin", "gantiin", "switch"})
_ALSO = frozenset({"juga", "jg", "tambah", "tambahkan", "tambahin", "tambahi", "add", "also", "too", "sama"})
_DROPPING = frozenset({"hapus", "hapuskan", "hapusin", "buang", "remove", "delete", "hentikan", "stop", "berhenti",
                       "batal", "batalkan", "tidak", "jangan", "usah", "no", "not", "dont", "unsubscribe", "keluar",
                       "gausah", "gaush", "gaperlu", "nggausah"})
_SUBSCRIBING = frozenset({"langganan", "berlangganan", "subscribe", "subscription", "ikuti", "follow"})
_SEARCHING = frozenset({"pelatihan", "kursus", "kelas", "training", "course", "class", "workshop", "ada", "jadwal",
                        "kapan", "when", "any"})


_NOT_EVERYWHERE = re.compile(r"(?i)\b(?:jgn|jangan|bukan|ga|gak|gk|tidak|not)\s+(?:yg\s+|yang\s+|the\s+)?"
                             r"(?:seluruh|semua|all|whole)(?:\s+(?:indonesia|wilayah|daerah|region|country))?")


def _whole_country_refused(ctx: HandlerContext) -> set[str]:
    """The words of "jgn seluruh indonesia" in "yg di jepara aja kak, jgn seluruh indonesia": a narrowing, whose
    negation is about the whole country, not about the place named."""
    text = " ".join(_words(ctx))
    return {w for found in _NOT_EVERYWHERE.finditer(text) for w in found.group(0).casefold().split()}


def remove_all_in_words(msg: IncomingMessage, ctx: HandlerContext) -> Route | None:
    """A router context: under one's subscriptions, "hapus semua", "actually remove all of them"."""
    options = ctx.state.memory.get("options") or []
    if msg.payload or not any(o[1] == "unsuball" for o in options):
        return None
    words = set(_words(ctx))
    return Route(unsubscribe_all) if words & _DROPPING and words & _EVERY else None


# What the NLU reads, surely enough, as another request than changing a subscription just made.
_ANOTHER_REQUEST = frozenset({"human", "help", "certification", "market_tips", "register", "my_registrations",
                              "delete_data", "cancel_registration", "profile", "language"})
ANOTHER_REQUEST_CONFIDENCE = 0.6


def narrow_in_words(msg: IncomingMessage, ctx: HandlerContext) -> Route | None:
    """A follow-up reader for the router: right after a subscription was made or shown, a craft or place said as
    a narrowing ("khusus yg di jogja aja", "batik aja", "tenun juga") changes that subscription (or adds one)."""
    options = ctx.state.memory.get("options") or []
    if msg.payload or not any(o[1] == "subs" or o[1].startswith("unsub:") for o in options):
        return None
    u = ctx.understanding
    if u is None or not (u.craft or u.regency or u.province):
        return None
    words = set(_words(ctx)) - _whole_country_refused(ctx)
    if words & ONESELF and not words & _SUBSCRIBING:
        return None  # "ubah wilayah saya ke sleman" is about the person (handlers/profile.py)
    if words & _DROPPING:
        return Route(unsubscribe)  # "hapus yg tenun", "yg batik di jogja ga usah deh"
    if u.intent in _ANOTHER_REQUEST and u.confidence >= ANOTHER_REQUEST_CONFIDENCE:
        return None  # "kalo mau ngomong sama orang dinas perindustrian jepara gmn": a person to talk to, no news
    if not words & (_NARROWING | _ALSO) or (words & (_SEARCHING | _SUBSCRIBING) and not words & _CHANGING):
        return None  # "langganan tenun" is one more subscription, asked for as such; "ubah langganannya jadi …" not
    return Route(narrow)


async def narrow(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Change the subscription in view to the craft or place named (the other one kept), or add one ("juga")."""
    u = ctx.understanding
    craft, region = (u.craft or "", u.regency or u.province or "") if u else ("", "")
    found = await ctx.services.subscriptions.of(ctx.person.id)
    in_view = next((s for s in found if s.id == ctx.state.memory.get(IN_VIEW)), found[0] if len(found) == 1 else None)
    if in_view is None:
        return await _follow(ctx, craft, region)
    also = bool(set(_words(ctx)) & _ALSO)
    named = crafts_in(msg.text or "")[0] if also else []
    if len(named) > 1:  # "tambahin ikat juga deh, sama anyaman": one more subscription for each craft
        for more in named[:-1]:
            await ctx.services.subscriptions.add(ctx.person.id, more, region or in_view.region)
        craft = named[-1]
    craft, region = craft or in_view.craft, region or in_view.region
    if not also and (craft, region) != (in_view.craft, in_view.region):
        await ctx.services.subscriptions.remove(ctx.person.id, in_view.id)
    return await _follow(ctx, craft, region)


def _words(ctx: HandlerContext) -> list[str]:
    from bot.nlu import normalize

    return normalize(ctx.understanding.text).split() if ctx.understanding else []


def _asks_for_list(words: list[str]) -> bool:
    """'langganan saya', 'langganannya apa aja', 'cek langganan', 'my subscriptions'."""
    after = dict(zip(words, [*words[1:], ""], strict=True))
    return bool(set(words) & _LISTING) or after.get("langganan") == "saya" or "subscriptions" in words


async def subscribe(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Follow the craft and region asked for; 'langganan saya' lists, 'mulai lagi' resumes; else offer choices."""
    if ctx.args:  # from a button: sub:<craft>:<region>
        craft = ctx.args[0] if ctx.args[0] in CRAFTS else ""
        region = ctx.args[1] if len(ctx.args) > 1 and region_name(ctx.args[1]) else ""
    else:
        u = ctx.understanding
        craft, region = (u.craft or "", u.regency or u.province or "") if u else ("", "")
    if not craft and not region and not ctx.args:
        words = _words(ctx)
        if _asks_for_list(words):
            return await list_subscriptions(msg, ctx)
        if set(words) & _RESUMING:
            return await start_messages(msg, ctx)
        return [_choices(ctx)]
    if craft and not region and not ctx.args and set(_words(ctx)) & _RESUMING and any(
            s.craft == craft for s in await ctx.services.subscriptions.of(ctx.person.id)):
        return await start_messages(msg, ctx)  # "MULAI lg, sy rindu kabar songket": the one she has, resumed
    named = crafts_in(msg.text or "")[0] if not ctx.args and craft else []
    if len(named) > 1:  # "sy mau dikabarin kalo ada pelatihan tenun sama batik": one subscription for each craft
        return await _follow(ctx, named[-1], region, more=named[:-1])
    return await _follow(ctx, craft, region)


async def _follow(ctx: HandlerContext, craft: str, region: str, more: list[str] | None = None) -> list[Reply]:
    """Subscribe to (craft, region) (and to the `more` crafts in that region) and say so; the subscription is kept
    in view for a narrowing follow-up."""
    others = [c for c in more or [] if c != craft]
    for other in others:
        await ctx.services.subscriptions.add(ctx.person.id, other, region)
    added = await ctx.services.subscriptions.add(ctx.person.id, craft, region) or bool(others)
    followed = [s for s in await ctx.services.subscriptions.of(ctx.person.id) if (s.craft, s.region) == (craft, region)]
    if followed:
        ctx.state.memory[IN_VIEW] = followed[0].id
    lines = [
        (_("Siap! Anda akan dikabari pelatihan baru untuk: {what}.") if added
         else _("Anda sudah berlangganan: {what}.")).format(
            what=", ".join(_describe(c, region) for c in [*others, craft]))
    ]
    if ctx.person.proactive_opt_out:
        await ctx.services.privacy.opt_in(ctx.person, "subscribe")
        lines.append(_("Pesan otomatis kami nyalakan lagi."))
    lines.append(_("Ketik STOP kapan saja untuk berhenti menerima semua pesan otomatis."))
    return [Reply("\n".join(lines), (Button(_("Langganan saya"), "subs"), Button(_("Menu"), "menu")))]


def _choices(ctx: HandlerContext) -> Reply:
    person = ctx.person
    buttons = [Button(craft_name(c), payloads.make("sub", c, person.regency or "")) for c in person.crafts or []]
    buttons += [Button(craft_name(c), payloads.make("sub", c, "")) for c in CRAFTS if c not in (person.crafts or [])]
    if person.regency:
        buttons.insert(0, Button(_("Semua di {region}").format(region=region_name(person.regency)),
                                 payloads.make("sub", "", person.regency)))
    text = _("Kabar pelatihan apa yang ingin Anda terima? Pilih kerajinan, atau tulis misalnya: langganan "
             "pelatihan tenun di NTT.")
    if person.proactive_opt_out:  # "lho sy cm gk mau iklan, info pelatihan tetep mau": STOP stopped everything
        text = _("Saat ini semua pesan otomatis berhenti (STOP), termasuk kabar pelatihan dan pengingat. Ketik MULAI "
                 "untuk menyalakannya lagi; kabar pelatihan yang Anda pilih di bawah juga menyalakannya.") + "\n\n" + text
    return Reply(text, (*buttons, Button(_("Menu"), "menu")))


async def list_subscriptions(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Show the person's subscriptions with a button to remove each (and all of them)."""
    found = await ctx.services.subscriptions.of(ctx.person.id)
    if not found:
        return [Reply(_("Anda belum berlangganan kabar pelatihan."),
                      (Button(_("Berlangganan"), "sub"), Button(_("Menu"), "menu")))]
    lines = [_("Langganan Anda:")] + [f"{i}. {_describe(s.craft, s.region)}" for i, s in enumerate(found, 1)]
    if len(found) == 1:
        ctx.state.memory[IN_VIEW] = found[0].id
    if ctx.person.proactive_opt_out:
        lines.append(_("Saat ini semua pesan otomatis berhenti. Ketik MULAI untuk menyalakannya."))
    buttons = [Button(_("Hapus {n}").format(n=i), payloads.make("unsub", s.id)) for i, s in enumerate(found, 1)]
    if len(found) > 1:
        buttons.append(Button(_("Hapus semua"), payloads.make("unsuball")))
    return [Reply("\n".join(lines), (*buttons, Button(_("Berlangganan"), "sub"), Button(_("Menu"), "menu")))]


class _Followed(Protocol):
    craft: str
    region: str


def _removed(removed: Sequence[_Followed]) -> list[Reply]:
    what = "; ".join(_describe(s.craft, s.region) for s in removed)
    return [Reply(_("Langganan {what} sudah dihapus.").format(what=what),
                  (Button(_("Langganan saya"), "subs"), Button(_("Menu"), "menu")))]


async def unsubscribe_all(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Remove every subscription of the person (the "Hapus semua" button)."""
    removed = await ctx.services.subscriptions.remove_where(ctx.person.id)
    return _removed(removed) if removed else await list_subscriptions(msg, ctx)


async def unsubscribe(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Remove subscriptions: by button, the craft or place named, all of them ("semua", "keluar dari daftar info",
    the only one); a message about messages in general ("jangan kirim pesan lagi") is STOP."""
    subscriptions = ctx.services.subscriptions
    if ctx.args and ctx.args[0].isdigit():
        removed = await subscriptions.remove(ctx.person.id, int(ctx.args[0]))
        return _removed([removed]) if removed else await list_subscriptions(msg, ctx)
    u = ctx.understanding
    if u and (u.craft or u.province):
        matched = await subscriptions.remove_where(ctx.person.id, craft=u.craft, province=u.province)
        if matched:
            return _removed(matched)
        wanted = _describe(u.craft or "", u.regency or u.province or "")
        return [Reply(_("Anda tidak berlangganan {what}.").format(what=wanted)), *await list_subscriptions(msg, ctx)]
    words = set(_words(ctx))
    if not words & _ABOUT_SUBSCRIPTIONS:
        if u is not None and u.confidence < SURE_TO_STOP:
            return [_ask_to_stop()]  # "udah cukup" may be "that's all, thanks": stopping is asked, not assumed
        return await stop_messages(msg, ctx)
    found = await subscriptions.of(ctx.person.id)
    if not found:
        return [Reply(_("Anda tidak punya langganan kabar pelatihan, jadi tidak ada yang perlu dihapus. Untuk "
                        "menghentikan semua pesan otomatis (juga pengingat), ketik STOP."),
                      (Button(_("Hentikan semua pesan"), "stop"), Button(_("Menu"), "menu")))]
    if len(found) == 1 or words & _EVERY or words & {"daftar", "list", "mailing"}:
        return _removed(await subscriptions.remove_where(ctx.person.id))
    return await list_subscriptions(msg, ctx)


def _ask_to_stop() -> Reply:
    return Reply(_("Mau berhenti menerima pesan otomatis dari Kriya (pengingat, kabar pelatihan, pengumuman)?"),
                 (Button(_("Ya, hentikan"), "stop", answer="yes"), Button(_("Tidak"), "menu", answer="no")))


async def stop_messages(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """STOP / BERHENTI: no more proactive messages of any kind, from any state, at once."""
    ctx.state.clear()
    how = "button" if msg.payload else f"keyword {(msg.text or '').strip()[:20]}"
    await ctx.services.privacy.opt_out(ctx.person, how)
    return [Reply(_("Baik, Kriya tidak akan mengirim pesan otomatis lagi (pengingat, kabar pelatihan, "
                    "pengumuman). Anda tetap bisa bertanya kapan saja. Ketik MULAI untuk menyalakannya lagi."))]


async def start_messages(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """MULAI: proactive messages are welcome again."""
    changed = await ctx.services.privacy.opt_in(ctx.person, f"keyword {(msg.text or '').strip()[:20]}")
    text = (_("Pesan otomatis sudah menyala lagi. Terima kasih!") if changed
            else _("Pesan otomatis Anda memang sudah menyala."))
    return [Reply(text, (Button(_("Langganan saya"), "subs"), Button(_("Menu"), "menu")))]
