"""The training a registration is for: by code, by description or the one shown; asking which."""

from __future__ import annotations

from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.i18n import _
from bot.nlu.codes import code_candidates, is_valid_code
from bot.services.trainings import TrainingFilter, TrainingView
from handlers.titles import named_by_title
from handlers.training_detail import _not_found
from handlers.training_filters import code_payload
from handlers.training_lists import PAGE_SIZE
from handlers.training_memory import _page_offset, pick_from_list


async def training_meant(msg: IncomingMessage, ctx: HandlerContext) -> TrainingView | None:
    """The training a registration is for: the button's or typed code, a list number, the one-item list or the
    detail just shown ("daftar", "mau daftar yang itu")."""
    catalogue = ctx.services.trainings
    given = [a for a in ctx.args if a and is_valid_code(a)]
    if given:
        found = await catalogue.by_codes(given)
        return found[0] if found else None
    text = msg.text or ""
    if ctx.understanding is not None and text:
        candidates = code_candidates(text)
        if candidates:
            found = await catalogue.by_codes(candidates)
            return found[0] if found else None
        picked = pick_from_list(ctx)
        if picked:
            return await catalogue.by_code(picked)
        u = ctx.understanding
        if u.craft or u.province or u.regency or u.date_from:  # "daftar yg rajut di bandung": as described
            return await _described(ctx)
    memory = ctx.state.memory
    shown = memory.get("list") or []
    if memory.get("focus") == "list":
        return await catalogue.by_code(str(shown[0])) if len(shown) == 1 else None
    code = memory.get("training")
    return await catalogue.by_code(str(code)) if code else None


DESCRIBED = "described"  # in memory: the open trainings matching a registration asked for by description


async def _described(ctx: HandlerContext) -> TrainingView | None:
    """The one open training matching what the person described (craft, place, dates), preferring the ones
    shown lately; None with the matches kept in memory when there are several or none."""
    u = ctx.understanding
    assert u is not None
    found = await ctx.services.trainings.search(TrainingFilter(
        craft=u.craft, province=u.province, regency=u.regency, date_from=u.date_from, date_to=u.date_to))
    open_ = [t for t in found if t.registration_open(ctx.now)]
    titled = named_by_title(u.text, open_)
    if titled is not None:
        return titled
    shown = {str(c) for c in ctx.state.memory.get("list") or []} | {str(ctx.state.memory.get("training") or "")}
    lately = [t for t in open_ if t.code in shown]
    chosen = lately if len(lately) == 1 else open_
    if len(chosen) == 1:
        return chosen[0]
    ctx.state.memory[DESCRIBED] = [t.code for t in chosen[:PAGE_SIZE]]
    return None


def which_training(msg: IncomingMessage, ctx: HandlerContext, codes: list[str] | None = None) -> list[Reply]:
    """Ask which training to register for: the ones matching a description, the list in view by its titles,
    or by code."""
    candidates = codes if codes is not None else [a for a in ctx.args if a] or code_candidates(msg.text or "")
    if candidates:
        return _not_found(candidates[0])
    memory = ctx.state.memory
    described = memory.pop(DESCRIBED, None)
    if isinstance(described, list):
        if not described:
            return [Reply(_("Belum ada pelatihan yang masih membuka pendaftaran seperti itu. Lihat daftar "
                            "pelatihan untuk pilihan lain."), (Button(_("Lihat pelatihan"), "tl"),))]
        text = _("Ada beberapa pelatihan seperti itu. Yang mana?")
        return [Reply(text, tuple(Button(code, code_payload("rg", code)) for code in described))]
    shown = [str(c) for c in memory.get("list") or []]
    if memory.get("focus") == "list" and len(shown) > 1:
        offset = _page_offset(ctx)
        text = _("Pelatihan yang mana? Ketik nomornya ({first} sampai {last}) atau pilih:").format(
            first=offset + 1, last=offset + len(shown))
        return [Reply(text, tuple(Button(code, code_payload("rg", code)) for code in shown))]
    return [Reply(_("Pelatihan mana yang ingin Anda ikuti? Ketik kodenya (misalnya BTK-YK-01) atau pilih dari "
                    "daftar pelatihan."), (Button(_("Lihat pelatihan"), "tl"),))]
