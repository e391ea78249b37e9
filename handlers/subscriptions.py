"""Subscriptions to news of trainings (by craft and/or region), STOP and MULAI for every proactive message."""

from __future__ import annotations

import logging

from bot import payloads
from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.crafts import CRAFTS, craft_name
from bot.i18n import _
from bot.regions import region_name

logger = logging.getLogger(__name__)


def _describe(craft: str, region: str) -> str:
    what = craft_name(craft) if craft else _("semua kerajinan")
    where = region_name(region) if region else _("seluruh Indonesia")
    return f"{what} · {where}"


_CRAFT_AND_REGION = payloads.args(payloads.or_empty(payloads.craft), payloads.or_empty(payloads.region))
# The subscribe buttons: `sub` (choices), or `sub:<craft>:<region>` with at least one of the two.
SUBSCRIBE_BUTTONS = payloads.either(payloads.NO_ARGS, lambda given: any(given) and _CRAFT_AND_REGION(given))


async def subscribe(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Follow the craft and region asked for, or offer choices."""
    if ctx.args:  # from a button: sub:<craft>:<region>
        craft = ctx.args[0] if ctx.args[0] in CRAFTS else ""
        region = ctx.args[1] if len(ctx.args) > 1 and region_name(ctx.args[1]) else ""
    else:
        u = ctx.understanding
        craft, region = (u.craft or "", u.regency or u.province or "") if u else ("", "")
    if not craft and not region and not ctx.args:
        return [_choices(ctx)]
    added = await ctx.services.subscriptions.add(ctx.person.id, craft, region)
    lines = [
        (_("Siap! Anda akan dikabari pelatihan baru untuk: {what}.") if added
         else _("Anda sudah berlangganan: {what}.")).format(what=_describe(craft, region))
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
    return Reply(text, (*buttons, Button(_("Menu"), "menu")))


async def list_subscriptions(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Show the person's subscriptions with a button to remove each."""
    found = await ctx.services.subscriptions.of(ctx.person.id)
    if not found:
        return [Reply(_("Anda belum berlangganan kabar pelatihan."),
                      (Button(_("Berlangganan"), "sub"), Button(_("Menu"), "menu")))]
    lines = [_("Langganan Anda:")] + [f"{i}. {_describe(s.craft, s.region)}" for i, s in enumerate(found, 1)]
    if ctx.person.proactive_opt_out:
        lines.append(_("Saat ini semua pesan otomatis berhenti. Ketik MULAI untuk menyalakannya."))
    buttons = [Button(_("Hapus {n}").format(n=i), payloads.make("unsub", s.id)) for i, s in enumerate(found, 1)]
    return [Reply("\n".join(lines), (*buttons, Button(_("Berlangganan"), "sub"), Button(_("Menu"), "menu")))]


async def unsubscribe(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Remove one subscription (by button or the craft named), else show the list."""
    found = await ctx.services.subscriptions.of(ctx.person.id)
    target = None
    if ctx.args and ctx.args[0].isdigit():
        target = int(ctx.args[0])
    elif ctx.understanding and (ctx.understanding.craft or ctx.understanding.province):
        u = ctx.understanding
        matches = [s for s in found if (not u.craft or s.craft == u.craft)
                   and (not u.province or s.region.split(".")[0] == u.province)]
        target = matches[0].id if len(matches) == 1 else None
    if target is None:
        return await list_subscriptions(msg, ctx)
    removed = await ctx.services.subscriptions.remove(ctx.person.id, target)
    if removed is None:
        return await list_subscriptions(msg, ctx)
    return [Reply(_("Langganan {what} sudah dihapus.").format(what=_describe(removed.craft, removed.region)),
                  (Button(_("Langganan saya"), "subs"), Button(_("Menu"), "menu")))]


async def stop_messages(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """STOP / BERHENTI: no more proactive messages of any kind, from any state, at once."""
    ctx.state.clear()
    await ctx.services.privacy.opt_out(ctx.person, f"keyword {(msg.text or '').strip()[:20]}")
    return [Reply(_("Baik, Kriya tidak akan mengirim pesan otomatis lagi (pengingat, kabar pelatihan, "
                    "pengumuman). Anda tetap bisa bertanya kapan saja. Ketik MULAI untuk menyalakannya lagi."))]


async def start_messages(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """MULAI: proactive messages are welcome again."""
    changed = await ctx.services.privacy.opt_in(ctx.person, f"keyword {(msg.text or '').strip()[:20]}")
    text = (_("Pesan otomatis sudah menyala lagi. Terima kasih!") if changed
            else _("Pesan otomatis Anda memang sudah menyala."))
    return [Reply(text, (Button(_("Langganan saya"), "subs"), Button(_("Menu"), "menu")))]
