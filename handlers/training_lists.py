"""Training lists: pages of five, their buttons, paging, filters chosen by button, the nearest ones."""

from __future__ import annotations

import calendar
from datetime import date

from bot import payloads
from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.crafts import craft_name
from bot.i18n import _, format_month, format_short_day
from bot.regions import provinces_by_distance, region_name
from bot.services.trainings import TrainingFilter
from handlers.training_filters import (
    ALL_WORDS,
    ANY_WORD,
    LIST_KEYS,
    _describe,
    _merge,
    _to_filter,
    code_payload,
    decode,
)
from handlers.training_memory import _remember
from handlers.training_text import list_line

PAGE_SIZE = 5


# --- lists --------------------------------------------------------------------------------------

def _list_payload(wanted: dict[str, str]) -> str:
    """A list payload for these filters; optional keys dropped when it would not fit in 64 bytes."""
    wanted = {k: v for k, v in wanted.items() if v}
    for drop in ("", "p", "g", "m", "n", "f"):
        if drop == "p" and "r" not in wanted:
            continue
        if drop == "f":
            wanted.pop("t", None)
        wanted.pop(drop, None)
        payload = "tl:" + payloads.encode_filters(dict(wanted))
        if len(payload.encode()) <= payloads.MAX_PAYLOAD_BYTES:
            return payload.rstrip(":")
    return "tl"


def _filter_buttons(base: dict[str, str]) -> list[Button]:
    encoded = _list_payload(base)[3:]  # "tl:" off: the filters, shortened like the list's own payloads
    buttons = [
        Button(_("Pilih kerajinan"), payloads.make("tf", "c", encoded)),
        Button(_("Pilih wilayah"), payloads.make("tf", "p", encoded)),
        Button(_("Pilih bulan"), payloads.make("tf", "m", encoded)),
    ]
    if base:
        buttons.append(Button(_("Semua pelatihan"), payloads.make("tl")))
    return buttons


def _arrange(offset: int, items: list[Button], others: list[Button]) -> list[Button]:
    """Buttons so that the item numbered N is the N-th option where possible (typing "7" on page 2 picks item 7):
    on page 2 the five other buttons come first; from page 3 on the options stop before the first number, so the
    page's numbers are read from the list memory."""
    if offset <= 0 or not items:
        return items + others
    if offset <= len(others) + 1:
        if len(others) < offset:
            others = [*others, Button(_("Menu"), "menu")]
        return others[:offset] + items + others[offset:]
    return items + others[: max(offset - len(items), 0)]


async def _render_list(ctx: HandlerContext, wanted: dict[str, str], replace: bool = False,
                       note: str | None = None) -> list[Reply]:
    offset = int(wanted.get("o", "0")) if wanted.get("o", "0").isdigit() else 0
    query = _to_filter(wanted)
    page = await ctx.services.trainings.page(query, offset, PAGE_SIZE)
    if not page.items:
        return await _render_empty(ctx, wanted, query)
    described = _describe(query)
    header = _("Pelatihan mendatang") + (f" ({described})" if described else "")
    shown = _("1 pelatihan:") if page.total == 1 else _("{total} pelatihan, ditampilkan {first}–{last}:").format(
        total=page.total, first=page.offset + 1, last=page.offset + len(page.items)
    )
    lines = ([note, ""] if note else []) + [header, shown, ""]
    lines += [list_line(page.offset + i, t, ctx) + "\n" for i, t in enumerate(page.items, 1)]
    if any(t.is_demo for t in page.items):
        lines.append(_("(Data demo untuk mencoba Kriya, bukan jadwal resmi.)"))
    lines.append(_("Ketik nomornya untuk melihat detail."))
    base = {k: v for k, v in wanted.items() if k != "o"}
    codes = [t.code for t in page.items]
    ctx.state.memory["list"] = codes
    ctx.state.memory["shown"] = {"w": base, "o": page.offset, "n": page.total, "k": codes}
    items = [Button(t.title, code_payload("td", t.code), description=format_short_day(t.local_start_date()))
             for t in page.items]
    nav = []
    if page.offset > 0:
        nav.append(Button(_("Sebelumnya"), _list_payload({**base, "o": str(max(page.offset - PAGE_SIZE, 0))}),
                          answer="back"))
    if page.offset + PAGE_SIZE < page.total:
        nav.append(Button(_("Berikutnya"), _list_payload({**base, "o": str(page.offset + PAGE_SIZE)}),
                          answer="next"))
    buttons = _arrange(page.offset, items, nav + _filter_buttons(base))
    _remember(ctx, "list", buttons)
    return [Reply("\n".join(lines), tuple(buttons), replace=replace)]


async def _render_empty(ctx: HandlerContext, wanted: dict[str, str], query: TrainingFilter) -> list[Reply]:
    described = _describe(query)
    text = (
        _("Belum ada pelatihan mendatang untuk {what}.").format(what=described)
        if described
        else _("Belum ada pelatihan mendatang saat ini.")
    )
    # Nearest alternatives: loosen the month first, then the place (nearest places first), then the kind, the craft.
    current = {k: v for k, v in wanted.items() if k != "o"}
    # Title words: one of them is enough before none is asked.
    for drop in (("f", "t"), ("p", "r", "l"), ("m", "g"), (ANY_WORD,), ("w",), ("c",)):
        looser = {k: v for k, v in current.items() if k not in drop}
        if drop == (ANY_WORD,) and ALL_WORDS in current.get("w", ""):
            looser["w"] = current["w"].replace(ALL_WORDS, ANY_WORD)
        if looser == current:
            continue
        if drop == ("p", "r", "l") and "n" not in looser:
            looser["n"] = current.get("r") or current.get("p") or ""
        looser = {k: v for k, v in looser.items() if v}
        found = await ctx.services.trainings.search(_to_filter(looser))
        if found:
            alternatives = found[:3]
            codes = [t.code for t in alternatives]
            ctx.state.memory["list"] = codes
            ctx.state.memory["shown"] = {"w": looser, "o": 0, "n": len(found), "k": codes}
            what = _describe(_to_filter(looser)) or _("semua pelatihan")
            lines = [text, "", _("Yang terdekat ({what}):").format(what=what), ""]
            lines += [list_line(i, t, ctx) + "\n" for i, t in enumerate(alternatives, 1)]
            buttons = [Button(t.title, code_payload("td", t.code)) for t in alternatives]
            buttons.append(Button(_("Lihat semua"), _list_payload(looser)))
            _remember(ctx, "list", buttons)
            return [Reply("\n".join(lines).rstrip(), tuple(buttons))]
    ctx.state.memory.pop("shown", None)
    return [Reply(text + " " + _("Coba lagi nanti, ya."), tuple(_filter_buttons({})))]


async def list_trainings(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """List upcoming trainings with the filters of the payload (a page of five)."""
    wanted = decode(ctx.args[0]) if ctx.args else {}
    return await _render_list(ctx, wanted, replace=bool(msg.payload and "o" in wanted))


async def refine_list(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """The last list again with a filter changed by a follow-up ("yg batik aja", "bulan depan aja")."""
    old = (ctx.state.memory.get("shown") or {}).get("w") or {}
    pairs = (part.split("=", 1) for part in (ctx.args[0] if ctx.args else "").split(";") if "=" in part)
    new = {k: v for k, v in pairs if k in LIST_KEYS}  # read by `follow_up` from the message, not a payload
    return await _render_list(ctx, _merge(old, new, ctx))


async def turn_page(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """The next or previous page of the last list, asked in words ("lagi", "sebelumnya", "balik")."""
    shown = ctx.state.memory.get("shown") or {}
    base = dict(shown.get("w") or {})
    offset, total = int(shown.get("o") or 0), int(shown.get("n") or 0)
    count = len(ctx.state.memory.get("list") or []) or PAGE_SIZE
    step = ctx.args[0] if ctx.args else "next"
    note = None
    if step == "again":
        target = offset
    elif step == "back":
        target = max(offset - PAGE_SIZE, 0)
        if offset == 0:
            note = _("Ini sudah halaman pertama.")
    else:
        target = offset + count
        if target >= total:
            target, note = offset, _("Itu sudah semua pelatihannya.")
    return await _render_list(ctx, {**base, "o": str(target)}, note=note)


async def similar_trainings(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Other trainings of the craft of the training in view ("ada yg lain gk yg mirip")."""
    found = await ctx.services.trainings.by_codes(ctx.args[:1])
    return await _render_list(ctx, {"c": found[0].craft} if found else {})


async def choose_filter(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Offer the crafts, regions or months that have upcoming trainings."""
    kind = ctx.args[0] if ctx.args else "c"
    base = decode(ctx.args[1]) if len(ctx.args) > 1 else {}
    others = {k: v for k, v in base.items() if k not in {"c": ("c",), "p": ("p", "r", "n"), "m": ("f", "t")}.get(kind, ())}
    upcoming = await ctx.services.trainings.search(_to_filter(others))
    buttons: list[Button] = []
    if kind == "c":
        counts: dict[str, int] = {}
        for t in upcoming:
            counts[t.craft] = counts.get(t.craft, 0) + 1
        for craft in sorted(counts, key=craft_name):
            buttons.append(Button(craft_name(craft), _list_payload({**others, "c": craft}), f"{counts[craft]}"))
        question = _("Kerajinan apa?")
    elif kind == "p":
        places: dict[str, int] = {}
        for t in upcoming:
            if t.mode != "online":
                places[t.province] = places.get(t.province, 0) + 1
        for province in sorted(places, key=lambda code: region_name(code) or code):
            buttons.append(Button(region_name(province) or province, _list_payload({**others, "p": province}),
                                  f"{places[province]}"))
        question = _("Di provinsi mana? (Pelatihan daring bisa diikuti dari mana saja.)")
    else:
        months: dict[date, int] = {}
        for t in upcoming:
            first = t.local_start_date().replace(day=1)
            months[first] = months.get(first, 0) + 1
        for first in sorted(months):
            last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
            wanted = {**others, "f": first.strftime("%Y%m%d"), "t": last.strftime("%Y%m%d")}
            buttons.append(Button(format_month(first), _list_payload(wanted), f"{months[first]}"))
        question = _("Bulan apa?")
    if not buttons:
        return [Reply(_("Belum ada pelatihan mendatang saat ini."), (Button(_("Menu"), "menu"),))]
    return [Reply(question, tuple(buttons))]


async def show_nearest(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Upcoming trainings near a shared location (by distance to each province's capital), and online ones."""
    if msg.location is None:
        return [Reply(_("Maaf, lokasinya tidak terbaca."), (Button(_("Menu"), "menu"),))]
    ranked = provinces_by_distance((msg.location.latitude, msg.location.longitude))
    distance = dict(ranked)
    upcoming = await ctx.services.trainings.search(TrainingFilter())
    offline = sorted((t for t in upcoming if t.mode != "online"), key=lambda t: (distance[t.province], t.starts_at))
    nearest = offline[:PAGE_SIZE]
    if not nearest:
        return [Reply(_("Belum ada pelatihan mendatang saat ini."), (Button(_("Menu"), "menu"),))]
    lines = [_("Pelatihan terdekat dari lokasi Anda (perkiraan jarak ke ibu kota provinsinya):"), ""]
    for number, training in enumerate(nearest, 1):
        lines.append(list_line(number, training, ctx))
        lines.append("   " + _("± {km} km").format(km=round(distance[training.province], -1) or 10) + "\n")
    online = [t for t in upcoming if t.mode == "online"]
    if online:
        lines.append(_("Ada juga {n} pelatihan daring yang bisa diikuti dari mana saja.").format(n=len(online)))
    codes = [t.code for t in nearest]
    ctx.state.memory["list"] = codes
    ctx.state.memory["shown"] = {"w": {"n": ranked[0][0]}, "o": 0, "n": len(upcoming), "k": codes}
    buttons = [Button(t.title, code_payload("td", t.code)) for t in nearest]
    buttons.append(Button(_("Semua pelatihan"), payloads.make("tl")))
    _remember(ctx, "list", buttons)
    return [Reply("\n".join(lines).rstrip(), tuple(buttons))]
