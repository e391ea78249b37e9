"""Upcoming trainings: search by craft, region and month, paging, and a training's detail."""

from __future__ import annotations

import calendar
import logging
from datetime import date

from bot import payloads
from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.crafts import CRAFTS, craft_name
from bot.i18n import _, format_money, format_month, format_short_day, format_when
from bot.regions import provinces_by_distance, region_name
from bot.services.trainings import TrainingFilter, TrainingView

logger = logging.getLogger(__name__)

PAGE_SIZE = 5


# --- filters in payloads ------------------------------------------------------------------------

def _to_filter(wanted: dict[str, str]) -> TrainingFilter:
    def day(key: str) -> date | None:
        value = wanted.get(key)
        try:
            return date(int(value[:4]), int(value[4:6]), int(value[6:8])) if value else None
        except ValueError:
            return None

    return TrainingFilter(
        craft=wanted.get("c") if wanted.get("c") in CRAFTS else None,
        province=wanted.get("p"),
        regency=wanted.get("r"),
        date_from=day("f"),
        date_to=day("t"),
    )


def _from_slots(ctx: HandlerContext) -> dict[str, str]:
    u = ctx.understanding
    if u is None:
        return {}
    wanted = {"c": u.craft, "p": u.province, "r": u.regency}
    if u.date_from:
        wanted["f"] = u.date_from.strftime("%Y%m%d")
    if u.date_to:
        wanted["t"] = u.date_to.strftime("%Y%m%d")
    return {k: v for k, v in wanted.items() if v}


def _describe(wanted: TrainingFilter) -> str:
    parts = []
    if wanted.craft:
        parts.append(craft_name(wanted.craft))
    place = region_name(wanted.regency or wanted.province)
    if place:
        parts.append(place)
    start, end = wanted.date_from, wanted.date_to
    if start and end and start.day == 1 and (start.year, start.month) == (end.year, end.month) and end.day == (
        calendar.monthrange(end.year, end.month)[1]
    ):
        parts.append(format_month(start))
    elif start and end:
        parts.append(f"{format_short_day(start)} – {format_short_day(end)} {end.year}")
    elif start:
        parts.append(_("mulai {day}").format(day=format_short_day(start)))
    elif end:
        parts.append(_("sampai {day}").format(day=format_short_day(end)))
    return " · ".join(parts)


# --- formatting ---------------------------------------------------------------------------------

def paragraphs(text: str) -> str:
    """Text with its hard line wraps joined, paragraphs (blank lines) kept."""
    return "\n\n".join(" ".join(block.split()) for block in text.strip().split("\n\n") if block.strip())


def _place(training: TrainingView) -> str:
    if training.mode == "online":
        return _("daring (online)")
    return region_name(training.regency) or region_name(training.province) or training.venue


def _fee(training: TrainingView) -> str:
    return format_money(training.fee) if training.fee else _("gratis")


def _seats(training: TrainingView) -> str:
    if training.seats_left is None:
        return _("kuota tidak dibatasi")
    if training.is_full:
        return _("penuh")
    return _("sisa {n} kursi").format(n=training.seats_left)


def list_line(number: int, training: TrainingView) -> str:
    when = format_short_day(training.local_start_date())
    return "\n".join(
        (
            f"{number}. {training.title}",
            f"   {when} · {_place(training)} · {_fee(training)} · {_seats(training)}",
            "   " + _("Kode: {code}").format(code=training.code),
        )
    )


def detail_text(training: TrainingView, ctx: HandlerContext) -> str:
    zone = training.zone
    lines = [training.title, _("Kode: {code}").format(code=training.code)]
    if training.is_demo:
        lines.append(_("(Data demo untuk mencoba Kriya, bukan jadwal resmi.)"))
    lines += [
        "",
        _("Kerajinan: {craft}").format(craft=craft_name(training.craft)),
        _("Penyelenggara: {organizer}").format(organizer=training.organizer),
        _("Mulai: {when}").format(when=format_when(training.starts_at, zone.zone, zone.name)),
        _("Selesai: {when}").format(when=format_when(training.ends_at, zone.zone, zone.name)),
    ]
    if training.mode == "online":
        lines.append(_("Tempat: daring, {venue}").format(venue=training.venue))
    else:
        area = ", ".join(filter(None, (region_name(training.regency), region_name(training.province))))
        lines.append(_("Tempat: {venue} ({area})").format(venue=training.venue, area=area))
        if training.mode == "hybrid":
            lines.append(_("Bisa diikuti langsung atau daring."))
    lines.append(_("Biaya: {fee}").format(fee=_fee(training)))
    if training.quota is None:
        lines.append(_("Kuota: tidak dibatasi"))
    elif training.is_full:
        lines.append(_("Kuota: {quota} orang, sudah penuh (bisa masuk daftar tunggu)").format(quota=training.quota))
    else:
        lines.append(
            _("Kuota: {quota} orang, sisa {left} kursi").format(quota=training.quota, left=training.seats_left)
        )
    if training.status == "cancelled":
        lines.append(_("Pelatihan ini dibatalkan."))
    elif training.starts_at <= ctx.now:
        lines.append(_("Pelatihan ini sudah dimulai atau sudah lewat."))
    elif not training.registration_open(ctx.now):
        lines.append(_("Pendaftaran sudah ditutup."))
    elif training.registration_deadline:
        deadline = format_when(training.registration_deadline, zone.zone, zone.name)
        lines.append(_("Batas pendaftaran: {when}").format(when=deadline))
    lines.append(_("Kontak: {contact}").format(contact=training.contact))
    lines += ["", paragraphs(training.description)]
    if training.requirements:
        lines += ["", _("Persyaratan: {requirements}").format(requirements=paragraphs(training.requirements))]
    return "\n".join(lines)


# --- handlers -----------------------------------------------------------------------------------

async def _render_list(ctx: HandlerContext, wanted: dict[str, str], replace: bool = False) -> list[Reply]:
    offset = int(wanted.get("o", "0")) if wanted.get("o", "0").isdigit() else 0
    query = _to_filter(wanted)
    page = await ctx.services.trainings.page(query, offset, PAGE_SIZE)
    if not page.items:
        return await _render_empty(ctx, wanted, query)
    described = _describe(query)
    header = _("Pelatihan mendatang") + (f" ({described})" if described else "")
    shown = _("{total} pelatihan, ditampilkan {first}–{last}:").format(
        total=page.total, first=page.offset + 1, last=page.offset + len(page.items)
    )
    lines = [header, shown, ""]
    lines += [list_line(i, t) + "\n" for i, t in enumerate(page.items, 1)]
    if any(t.is_demo for t in page.items):
        lines.append(_("(Data demo untuk mencoba Kriya, bukan jadwal resmi.)"))
    lines.append(_("Ketik nomornya untuk melihat detail."))
    ctx.state.memory["list"] = [t.code for t in page.items]
    base = {k: v for k, v in wanted.items() if k != "o"}
    buttons = [Button(t.title, payloads.make("td", t.code), description=format_short_day(t.local_start_date()))
               for t in page.items]
    if page.offset + PAGE_SIZE < page.total:
        buttons.append(Button(_("Berikutnya"), _list_payload({**base, "o": str(page.offset + PAGE_SIZE)})))
    if page.offset > 0:
        buttons.append(Button(_("Sebelumnya"), _list_payload({**base, "o": str(max(page.offset - PAGE_SIZE, 0))})))
    buttons += _filter_buttons(base)
    return [Reply("\n".join(lines), tuple(buttons), replace=replace)]


def _list_payload(wanted: dict[str, str]) -> str:
    return payloads.make("tl", payloads.encode_filters(dict(wanted)))


def _filter_buttons(base: dict[str, str]) -> list[Button]:
    encoded = payloads.encode_filters(dict(base))
    buttons = [
        Button(_("Pilih kerajinan"), payloads.make("tf", "c", encoded)),
        Button(_("Pilih wilayah"), payloads.make("tf", "p", encoded)),
        Button(_("Pilih bulan"), payloads.make("tf", "m", encoded)),
    ]
    if base:
        buttons.append(Button(_("Semua pelatihan"), payloads.make("tl")))
    return buttons


async def _render_empty(ctx: HandlerContext, wanted: dict[str, str], query: TrainingFilter) -> list[Reply]:
    described = _describe(query)
    text = (
        _("Belum ada pelatihan mendatang untuk {what}.").format(what=described)
        if described
        else _("Belum ada pelatihan mendatang saat ini.")
    )
    # Nearest alternatives: loosen the month first, then the place, then the craft.
    for drop in (("f", "t"), ("p", "r"), ("c",)):
        looser = {k: v for k, v in wanted.items() if k not in drop and k != "o"}
        if looser == {k: v for k, v in wanted.items() if k != "o"}:
            continue
        found = await ctx.services.trainings.search(_to_filter(looser))
        if found:
            alternatives = found[:3]
            ctx.state.memory["list"] = [t.code for t in alternatives]
            what = _describe(_to_filter(looser)) or _("semua pelatihan")
            lines = [text, "", _("Yang terdekat ({what}):").format(what=what), ""]
            lines += [list_line(i, t) + "\n" for i, t in enumerate(alternatives, 1)]
            buttons = [Button(t.title, payloads.make("td", t.code)) for t in alternatives]
            buttons.append(Button(_("Lihat semua"), _list_payload(looser)))
            return [Reply("\n".join(lines).rstrip(), tuple(buttons))]
    return [Reply(text + " " + _("Coba lagi nanti, ya."), tuple(_filter_buttons({})))]


async def list_trainings(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """List upcoming trainings with the filters of the payload (a page of five)."""
    wanted = payloads.decode_filters(ctx.args[0]) if ctx.args else {}
    return await _render_list(ctx, wanted, replace=bool(msg.payload and "o" in wanted))


async def search_trainings(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """List the trainings a free-text question asks for (craft, region, dates)."""
    return await _render_list(ctx, _from_slots(ctx))


async def choose_filter(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Offer the crafts, regions or months that have upcoming trainings."""
    kind = ctx.args[0] if ctx.args else "c"
    base = payloads.decode_filters(ctx.args[1]) if len(ctx.args) > 1 else {}
    others = {k: v for k, v in base.items() if k not in {"c": ("c",), "p": ("p", "r"), "m": ("f", "t")}.get(kind, ())}
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


async def _show(ctx: HandlerContext, code: str) -> list[Reply]:
    training = await ctx.services.trainings.by_code(code)
    if training is None:
        return [
            Reply(
                _("Maaf, pelatihan dengan kode {code} tidak ditemukan. Periksa lagi kodenya, ya.").format(code=code),
                (Button(_("Lihat pelatihan"), payloads.make("tl")),),
            )
        ]
    buttons = []
    if training.registration_open(ctx.now):
        buttons.append(Button(_("Daftar"), payloads.make("rg", training.code)))
    buttons += [
        Button(_("Pelatihan lain"), payloads.make("tl", payloads.encode_filters({"c": training.craft}))),
        Button(_("Menu"), payloads.make("menu")),
    ]
    ctx.state.memory["training"] = training.code
    return [Reply(detail_text(training, ctx), tuple(buttons))]


async def show_training(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Show one training's detail: from its button, its typed code or a deep link."""
    return await _show(ctx, ctx.args[0] if ctx.args else "")


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
        lines.append(list_line(number, training))
        lines.append("   " + _("± {km} km").format(km=round(distance[training.province], -1) or 10) + "\n")
    online = [t for t in upcoming if t.mode == "online"]
    if online:
        lines.append(_("Ada juga {n} pelatihan daring yang bisa diikuti dari mana saja.").format(n=len(online)))
    ctx.state.memory["list"] = [t.code for t in nearest]
    buttons = [Button(t.title, payloads.make("td", t.code)) for t in nearest]
    buttons.append(Button(_("Semua pelatihan"), payloads.make("tl")))
    return [Reply("\n".join(lines).rstrip(), tuple(buttons))]


def pick_from_list(ctx: HandlerContext) -> str | None:
    """The code of the list item the person named ('no 2'), or None."""
    number = ctx.understanding.number if ctx.understanding else None
    shown = ctx.state.memory.get("list") or []
    if number and 1 <= number <= len(shown):
        return str(shown[number - 1])
    return None


async def show_training_detail(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Show the training the person named by its number in the last list."""
    code = pick_from_list(ctx)
    if code:
        return await _show(ctx, code)
    shown = ctx.state.memory.get("list") or []
    if shown:
        text = _("Nomor berapa? Pilih nomor 1 sampai {n} dari daftar terakhir.").format(n=len(shown))
        return [Reply(text, tuple(Button(str(i), payloads.make("td", c)) for i, c in enumerate(shown, 1)))]
    return await _render_list(ctx, _from_slots(ctx))
