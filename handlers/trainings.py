"""Upcoming trainings: search, filters, paging, a training's detail, and follow-ups about what was just shown.

Conversation memory (`ctx.state.memory`, saved with the conversation):
- "shown": the last list: its filters ("w", as in list payloads), its first number's offset ("o"), its total ("n");
- "list": the codes on that page (other handlers write it too: "pelatihan saya"), "training": the last detail;
- "focus": what was shown last ("list" or "training"), "mine": the payloads of that reply's buttons, to tell
  whether the person's last screen was ours when they type "lagi", "7" or "yang itu".
"""

from __future__ import annotations

import calendar
import logging
import re
import unicodedata
from collections.abc import Awaitable, Callable
from datetime import date

from bot import payloads
from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.crafts import CRAFTS, craft_name
from bot.i18n import _, format_money, format_month, format_short_day, format_when
from bot.nlu import asking
from bot.nlu.codes import code_candidates, find_registration_code, is_valid_code
from bot.regions import provinces_by_distance, region_name
from bot.router import Route
from bot.services.trainings import TrainingFilter, TrainingView
from handlers.titles import MIN_MATCHED_SEARCH, named_by_title

logger = logging.getLogger(__name__)

PAGE_SIZE = 5
Handler = Callable[[IncomingMessage, HandlerContext], Awaitable[list[Reply]]]


# --- filters in payloads ------------------------------------------------------------------------
# The keys of bot/payloads.py (c craft, p province, r regency, f/t dates, o offset) and the list's own:
# m mode (on: online or hybrid, off: offline or hybrid), g free (1), n near (a region: order by place first).

LIST_KEYS: dict[str, payloads.Check] = {
    **payloads.FILTER_KEYS, "m": payloads.one_of("on", "off"), "g": payloads.one_of("1"), "n": payloads.region,
    "i": payloads.one_of("1"),
}
_MODES = {"on": "online", "off": "offline"}


list_filters = payloads.keyed(LIST_KEYS)  # list filters as `_list_payload` writes them


def decode(text: str) -> dict[str, str]:
    pairs = (part.split("=", 1) for part in text.split(";") if "=" in part)
    return {k: v for k, v in pairs if v and k in LIST_KEYS and LIST_KEYS[k](v)}


def code_payload(route: str, code: str) -> str:
    """'td:CODE' (the detail) or 'rg:CODE' (register)."""
    return payloads.make(route, code)


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
        mode=_MODES.get(wanted.get("m") or ""),
        free=wanted.get("g") == "1",
        near=wanted.get("n"),
        international=wanted.get("i") == "1",
    )


# --- reading a message: filters, follow-up words ------------------------------------------------

_ONLINE = {"online", "onlen", "onlain", "daring", "zoom", "virtual", "webinar", "gmeet", "meet"}
_OFFLINE = {"offline", "ofline", "oflen", "luring", "onsite", "tatap muka", "datang langsung", "in person"}
_FREE = {"gratis", "gratisan", "free", "tanpa biaya", "ga bayar", "gak bayar", "nggak bayar", "tidak bayar",
         "tdk bayar", "gk bayar", "cuma cuma", "no fee"}
_ABROAD = {"foreigner", "foreigners", "foreign", "international", "internasional", "asean", "abroad", "overseas",
           "peserta asing", "orang asing", "luar negeri", "wna", "non indonesian", "from singapore", "from malaysia",
           "from brunei", "from thailand", "from the philippines", "from vietnam", "english"}
_NEAR = {"terdekat", "terdeket", "paling dekat", "dekat", "deket", "nearest", "near", "nearby", "sekitar",
         "sekitarku", "sekitar sini"}
_NEW_SEARCH = {"pelatihan", "pelatihannya", "training", "trainings", "kursus", "workshop", "kelas", "diklat"}
_NOT_LIST = {"register", "subscribe", "unsubscribe", "certification", "market_tips", "cancel_registration",
             "my_registrations", "delete_data", "profile", "language", "greeting", "thanks", "human", "help"}
_REGISTER = {"daftar", "daftarkan", "daftarin", "daptar", "dftr", "mendaftar", "ikut", "ikutan", "gabung",
             "register", "join", "sign up", "signup", "enroll"}
_NEXT = {"lagi", "lg", "selanjutnya", "berikutnya", "next", "lanjut", "lanjutkan", "terus", "more", "lainnya",
         "lain", "slnjtnya", "brikutnya"}
_BACK = {"sebelumnya", "sblmnya", "balik", "kembali", "back", "prev", "previous", "mundur"}
_FILLER = {"yang", "yg", "ada", "halaman", "page", "dong", "kak", "ka", "mas", "mbak", "bu", "pak", "min", "deh",
           "aja", "saja", "sih", "nih", "ya", "please", "pls", "lah", "the", "show", "lihat", "liat", "tampilkan",
           "ke", "donk", "dunk", "lagi", "yah", "kalau", "kalo", "klo", "gimana", "bagaimana", "apa", "itu",
           "cuma", "hanya", "only", "mau", "pengen", "pingin", "pgn", "di", "nya", "bisa", "tolong"}
# Questions about the training in view, first match wins (the deadline before the time: "daftar sampai kapan").
ASPECTS: tuple[tuple[str, frozenset[str]], ...] = tuple((name, frozenset(words)) for name, words in (
    ("deadline", {"batas daftar", "batas pendaftaran", "batas akhir", "deadline", "terakhir daftar",
                  "daftar terakhir", "ditutup kapan", "tutup kapan", "kapan ditutup", "kapan tutup",
                  "daftarnya sampai", "daftar sampai", "pendaftarannya sampai", "pendaftaran sampai",
                  "daftar paling lambat", "paling lambat", "last day", "registration close", "closing date"}),
    ("pay", {"bayarnya kemana", "bayar kemana", "bayar ke mana", "bayarnya ke mana", "transfer kemana",
             "transfer ke mana", "rekening", "norek", "no rek", "cara bayar", "cara bayarnya", "how to pay",
             "where to pay", "where do i pay", "pembayaran", "pembayarannya", "tf kemana"}),
    ("fee", {"biaya", "biayanya", "bayar", "bayarnya", "harga", "harganya", "htm", "tarif", "tarifnya", "ongkos",
             "gratis", "gratiskah", "free", "berbayar", "cost", "fee", "price", "how much", "brp duit",
             "berapa duit", "mahal", "byr", "biyaya", "biaya nya", "dipungut"}),
    ("certificate", {"sertifikat", "sertifikatnya", "sertif", "serti", "certificate", "piagam", "e-sertifikat",
                     "esertifikat", "sertipikat"}),
    ("contact", {"cp", "kontak", "kontaknya", "contact", "panitia", "panitianya", "narahubung", "hubungi",
                 "telp", "telepon", "nomor wa", "no wa", "nomor hp", "no hp", "penyelenggara", "penyelenggaranya",
                 "organizer", "person in charge", "contact person", "nomer panitia", "call"}),
    ("seats", {"kursi", "kursinya", "kuota", "kuotanya", "sisa", "slot", "slotnya", "penuh", "seat", "seats",
               "quota", "masih bisa", "masih ada tempat", "full", "tempat kosong", "masih buka"}),
    ("place", {"lokasi", "lokasinya", "alamat", "alamatnya", "tempat", "tempatnya", "dimana", "di mana", "where",
               "venue", "location", "address", "gedung", "maps", "map", "lokasi nya", "tmpt", "lokasi?"}),
    ("time", {"jam", "jamnya", "pukul", "kapan", "mulai", "mulainya", "selesai", "selesainya", "sampai tgl",
              "sampai tanggal", "smp tgl", "tanggal", "tanggalnya", "tgl", "tglnya", "hari apa", "berapa hari",
              "durasi", "when", "what time", "time", "start", "starts", "end", "jadwal", "jadwalnya", "brp hari",
              "sampai jam", "lama"}),
))


def words_of(text: str) -> str:
    """Lower-case words with spaces, letters repeated for emphasis cut ("gratisss" -> "gratis")."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"(\w)\1{2,}", r"\1", text)
    return " ".join(re.findall(r"[\w-]+", text))


def _has(words: str, table: set[str] | frozenset[str]) -> bool:
    padded = f" {words} "
    return any(f" {w} " in padded for w in table)


def _aspect(words: str) -> str | None:
    for name, table in ASPECTS:
        if _has(words, table):
            return name
    return asking.aspect_asked(words)  # regional words: "biayane pinten?", "sabaraha biayana"


def read_wanted(text: str, ctx: HandlerContext) -> dict[str, str]:
    """The list filters a message asks for: the understood slots and our own words (online, gratis, terdekat)."""
    u = ctx.understanding
    wanted: dict[str, str] = {}
    if u is not None:
        wanted = {k: v for k, v in {"c": u.craft, "p": u.province, "r": u.regency}.items() if v}
        if u.date_from:
            wanted["f"] = u.date_from.strftime("%Y%m%d")
        if u.date_to:
            wanted["t"] = u.date_to.strftime("%Y%m%d")
    words = words_of(text)
    if _has(words, _ONLINE):
        wanted["m"] = "on"
    elif _has(words, _OFFLINE):
        wanted["m"] = "off"
    if _has(words, _FREE):
        wanted["g"] = "1"
    if _has(words, _ABROAD):
        wanted["i"] = "1"
    if _has(words, _NEAR):
        wanted["n"] = wanted.pop("r", "") or wanted.pop("p", "")
    return wanted


def _merge(old: dict[str, str], new: dict[str, str], ctx: HandlerContext) -> dict[str, str]:
    """The last list's filters refined by a follow-up ("di jogja deh" keeps the month and the craft)."""
    merged = {k: v for k, v in old.items() if k != "o"}
    groups = (("c",), ("p", "r", "n"), ("f", "t"), ("m",), ("g",), ("i",))
    for group in groups:
        if any(k in new for k in group):
            for k in group:
                merged.pop(k, None)
            merged.update({k: new[k] for k in group if k in new})
    if "n" in new and not new["n"]:  # "yang terdekat": from the place of the list, else the person's own
        origin = old.get("r") or old.get("p") or old.get("n") or ctx.person.regency or ctx.person.province
        merged["n"] = origin or ""
    return {k: v for k, v in merged.items() if v}


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
    if wanted.mode == "online":
        parts.append(_("daring"))
    elif wanted.mode == "offline":
        parts.append(_("tatap muka"))
    if wanted.free:
        parts.append(_("gratis"))
    if wanted.international:
        parts.append(_("terbuka untuk peserta luar negeri"))
    if wanted.near and region_name(wanted.near):
        parts.append(_("terdekat dari {place}").format(place=region_name(wanted.near)))
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


def _standing(training: TrainingView, ctx: HandlerContext) -> str:
    """Whether one can still register, in a few words: closed, full (waitlist), or the seats left."""
    if training.status == "cancelled":
        return _("dibatalkan")
    if not training.registration_open(ctx.now):
        return _("pendaftaran ditutup")
    if training.is_full:
        return _("penuh, bisa daftar tunggu")
    return _seats(training)


def list_line(number: int, training: TrainingView, ctx: HandlerContext) -> str:
    when = format_short_day(training.local_start_date())
    lines = [
        f"{number}. {training.title}",
        f"   {when} · {_place(training)} · {_fee(training)} · {_standing(training, ctx)}",
    ]
    if training.registration_deadline and training.registration_open(ctx.now):
        deadline = training.registration_deadline.astimezone(training.zone.zone).date()
        lines.append("   " + _("Daftar paling lambat {day}").format(day=format_short_day(deadline)))
    lines.append("   " + _("Kode: {code}").format(code=training.code))
    return "\n".join(lines)


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


# --- memory -------------------------------------------------------------------------------------

def _remember(ctx: HandlerContext, focus: str, buttons: list[Button] | tuple[Button, ...]) -> None:
    ctx.state.memory["focus"] = focus
    ctx.state.memory["mine"] = [b.payload for b in buttons if b.kind == "payload"]


def _last_was_ours(ctx: HandlerContext) -> bool:
    """Whether the reply the person is answering is the last list, detail or answer this module showed."""
    options = ctx.state.memory.get("options") or []
    mine = ctx.state.memory.get("mine")
    return mine is not None and [o[1] for o in options if len(o) > 1 and o[1]] == mine


def _page_offset(ctx: HandlerContext) -> int:
    """The number before the first item of memory["list"] (0 unless it is a later page of our list)."""
    shown = ctx.state.memory.get("shown") or {}
    if shown.get("k") == ctx.state.memory.get("list"):
        return int(shown.get("o") or 0)
    return 0


def number_in_list(ctx: HandlerContext, number: int | None) -> str | None:
    """The code of the item numbered `number` in the last list (page 2 is numbered 6-10), or of the n-th item on
    the page when the number is not one of the page's ("yang kedua")."""
    shown = [str(c) for c in ctx.state.memory.get("list") or []]
    if not number or not shown:
        return None
    offset = _page_offset(ctx)
    if offset < number <= offset + len(shown):
        return shown[number - offset - 1]
    if 1 <= number <= len(shown):
        return shown[number - 1]
    return None


def pick_from_list(ctx: HandlerContext) -> str | None:
    """The code of the list item the person named ('no 2'), or None."""
    return number_in_list(ctx, ctx.understanding.number if ctx.understanding else None)


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
    for drop in (("f", "t"), ("p", "r"), ("m", "g"), ("c",)):
        looser = {k: v for k, v in current.items() if k not in drop}
        if looser == current:
            continue
        if drop == ("p", "r") and "n" not in looser:
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


async def by_its_title(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply] | None:
    """A training named by (nearly) its title: registering for it when the message says so, else its detail;
    None when no title is clearly meant."""
    text = msg.text or ""
    titled = named_by_title(text, await ctx.services.trainings.search(TrainingFilter()), MIN_MATCHED_SEARCH)
    if titled is None:
        return None
    if set(words_of(text).split()) & REGISTER_WORDS:
        return await _register(msg, ctx, [titled.code])
    return _show_view(ctx, titled)


async def search_trainings(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """List the trainings a free-text question asks for (craft, region, dates, online, free, nearest)."""
    named = await by_its_title(msg, ctx)
    if named is not None:  # "mau daftar pelatihan pewarnaan batik zat warna alam": that one
        return named
    wanted = read_wanted(msg.text or "", ctx)
    if "n" in wanted and not wanted["n"]:
        wanted = _merge({}, wanted, ctx)
    return await _render_list(ctx, wanted)


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


# --- one training -------------------------------------------------------------------------------

def _not_found(code: str) -> list[Reply]:
    return [
        Reply(
            _("Maaf, pelatihan dengan kode {code} tidak ditemukan. Periksa lagi kodenya, ya.").format(code=code),
            (Button(_("Lihat pelatihan"), payloads.make("tl")),),
        )
    ]


def _show_view(ctx: HandlerContext, training: TrainingView) -> list[Reply]:
    buttons = []
    if training.registration_open(ctx.now):
        buttons.append(Button(_("Daftar"), code_payload("rg", training.code)))
    buttons += [
        Button(_("Pelatihan lain"), _list_payload({"c": training.craft})),
        Button(_("Menu"), payloads.make("menu")),
    ]
    ctx.state.memory["training"] = training.code
    _remember(ctx, "training", buttons)
    return [Reply(detail_text(training, ctx), tuple(buttons))]


async def _show(ctx: HandlerContext, code: str) -> list[Reply]:
    training = await ctx.services.trainings.by_code(code) if is_valid_code(code) else None
    if training is None:
        return _not_found(code)
    return _show_view(ctx, training)


async def show_training(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Show one training's detail: from its button, its typed code or a deep link."""
    return await _show(ctx, ctx.args[0] if ctx.args else "")


def _only_the_code(text: str, code: str) -> bool:
    rest = words_of(text.replace(code, " ").replace(code.lower(), " "))
    rest = " ".join(w for w in rest.split() if w.upper() != code)
    return len(rest.split()) <= 2


def typed_code(by_intent: Callable[[str], Handler]) -> Handler:
    """The handler of a typed code: the training when the catalogue has one of the message's candidate codes;
    otherwise what the message meant (a code-like word such as 'E-SMART' is no code), or "not found" when the
    message was only the code."""

    async def show_typed_code(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
        """Show the training of a code typed in a message (looked up among its candidate codes)."""
        text = msg.text or ""
        if msg.payload or not text:
            return await show_training(msg, ctx)
        candidates = code_candidates(text) or [a for a in ctx.args if a]
        found = await ctx.services.trainings.by_codes(candidates)
        if found:
            if _has(words_of(text), _REGISTER):
                return await _register(msg, ctx, [found[0].code])
            return _show_view(ctx, found[0])
        intent = ctx.understanding.intent if ctx.understanding else "unknown"
        if not candidates or _only_the_code(text, candidates[0]) or intent in ("training_code", "training_detail"):
            return _not_found(candidates[0] if candidates else text[:32])
        return await by_intent(intent)(msg, ctx)

    return show_typed_code


async def _register(msg: IncomingMessage, ctx: HandlerContext, codes: list[str]) -> list[Reply]:
    from handlers.registration import start_registration  # registration imports this module

    ctx.args = codes
    return await start_registration(msg, ctx)


async def register_code(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Start registering for the training of a typed "daftar CODE" (not its detail)."""
    return await _register(msg, ctx, list(ctx.args))


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


REGISTER_WORDS = frozenset({"daftar", "daftarkan", "daftarin", "ikut", "ikutan", "register", "join", "gabung"})
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


async def show_training_detail(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Show the training the person named by its number in the last list, or the one in view ("yang itu")."""
    code = pick_from_list(ctx)
    if code:
        return await _show(ctx, code)
    memory = ctx.state.memory
    shown = [str(c) for c in memory.get("list") or []]
    words = words_of(msg.text or "")
    if _has(words, {"itu", "ini", "tsb", "tersebut", "that", "this"}):
        if memory.get("focus") == "list" and len(shown) == 1:
            return await _show(ctx, shown[0])
        if memory.get("focus") == "training" and memory.get("training"):
            return await _show(ctx, str(memory["training"]))
    if shown:
        offset = _page_offset(ctx)
        text = _("Nomor berapa? Pilih nomor {first} sampai {last} dari daftar terakhir.").format(
            first=offset + 1, last=offset + len(shown))
        buttons = tuple(Button(c, code_payload("td", c)) for c in shown)  # typed "2" is still the 2nd
        return [Reply(text, buttons)]
    return await search_trainings(msg, ctx)


# --- answers from the training's own data --------------------------------------------------------

def _certificate_note(training: TrainingView) -> str | None:
    text = " ".join(filter(None, (training.description, training.requirements)))
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    found = [s for s in sentences if re.search(r"sertifikat|certificate", s, re.IGNORECASE)]
    return " ".join(found) or None


def _aspect_line(aspect: str, t: TrainingView, ctx: HandlerContext) -> str:
    """One training's answer to a question about it."""
    zone = t.zone
    if aspect == "fee":
        if not t.fee:
            return _("{title}: gratis, tanpa biaya.").format(title=t.title)
        return _("Biaya {title}: {fee}. Pembayaran ke penyelenggara; tanyakan caranya ke {contact}.").format(
            title=t.title, fee=_fee(t), contact=t.contact)
    if aspect == "pay":
        if not t.fee:
            return _("{title} gratis, jadi tidak ada yang perlu dibayar.").format(title=t.title)
        return _("Biaya {title} ({fee}) dibayar ke penyelenggara, {organizer}, bukan lewat Kriya. Tanyakan cara "
                 "pembayarannya ke {contact}.").format(title=t.title, fee=_fee(t), organizer=t.organizer,
                                                        contact=t.contact)
    if aspect == "place":
        if t.mode == "online":
            return _("{title} diadakan daring (online): {venue}.").format(title=t.title, venue=t.venue)
        area = ", ".join(filter(None, (region_name(t.regency), region_name(t.province))))
        line = _("Tempat {title}: {venue} ({area}).").format(title=t.title, venue=t.venue, area=area)
        return line + (" " + _("Bisa diikuti langsung atau daring.") if t.mode == "hybrid" else "")
    if aspect == "time":
        return _("{title}: mulai {start}, selesai {end}.").format(
            title=t.title, start=format_when(t.starts_at, zone.zone, zone.name),
            end=format_when(t.ends_at, zone.zone, zone.name))
    if aspect == "deadline":
        if t.status == "cancelled":
            return _("{title} dibatalkan.").format(title=t.title)
        if not t.registration_open(ctx.now):
            return _("Pendaftaran {title} sudah ditutup.").format(title=t.title)
        if t.registration_deadline:
            return _("Pendaftaran {title} dibuka sampai {when}.").format(
                title=t.title, when=format_when(t.registration_deadline, zone.zone, zone.name))
        return _("Pendaftaran {title} dibuka sampai pelatihan dimulai ({when}), selama kursi masih ada.").format(
            title=t.title, when=format_when(t.starts_at, zone.zone, zone.name))
    if aspect == "certificate":
        note = _certificate_note(t)
        if note:
            return _("Tentang sertifikat {title}: {note}").format(title=t.title, note=note)
        return _("Keterangan sertifikat untuk {title} tidak tercantum. Tanyakan ke penyelenggara: {contact}.").format(
            title=t.title, contact=t.contact)
    if aspect == "contact":
        line = _("Kontak penyelenggara {title} ({organizer}): {contact}.").format(
            title=t.title, organizer=t.organizer, contact=t.contact)
        return line + (f" {t.organizer_website}" if t.organizer_website else "")
    # seats
    if t.status == "cancelled":
        return _("{title} dibatalkan.").format(title=t.title)
    if not t.registration_open(ctx.now):
        return _("Pendaftaran {title} sudah ditutup.").format(title=t.title)
    if t.quota is None:
        return _("Kuota {title} tidak dibatasi.").format(title=t.title)
    if t.is_full:
        return _("Kuota {title} ({quota} orang) sudah penuh; Anda masih bisa masuk daftar tunggu.").format(
            title=t.title, quota=t.quota)
    return _("Masih ada {left} kursi dari {quota} untuk {title}.").format(left=t.seats_left, quota=t.quota,
                                                                          title=t.title)


async def answer_about(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Answer a question about the training in view (fee, place, time, deadline, certificate, contact, seats)
    from its own data; about each training of the list in view when a list was shown."""
    aspect, codes = (ctx.args[0], ctx.args[1:]) if ctx.args else ("fee", [])
    found = await ctx.services.trainings.by_codes(codes)
    if not found:
        return which_training(msg, ctx, [])
    in_form = bool(ctx.state.name)
    if len(found) == 1:
        training = found[0]
        buttons: list[Button] = []
        if not in_form:
            if training.registration_open(ctx.now):
                buttons.append(Button(_("Daftar"), code_payload("rg", training.code)))
            buttons += [Button(_("Detail lengkap"), code_payload("td", training.code)),
                        Button(_("Pelatihan lain"), _list_payload({"c": training.craft}))]
            ctx.state.memory["training"] = training.code
            _remember(ctx, "training", buttons)  # the focus: follow-ups are about it until a new list is shown
        return [Reply(_aspect_line(aspect, training, ctx), tuple(buttons))]
    offset = _page_offset(ctx)
    lines = [f"{offset + i}. {_aspect_line(aspect, t, ctx)}" for i, t in enumerate(found, 1)]
    lines += ["", _("Ketik nomornya untuk melihat detail.")]
    # On a later page the numbers (6-10) are past the options: `follow_up` reads them from the list memory.
    buttons = [Button(t.title, code_payload("td", t.code)) for t in found]
    _remember(ctx, "list", buttons)
    return [Reply("\n".join(lines), tuple(buttons))]


# --- follow-ups (router context) ----------------------------------------------------------------

def _subject(ctx: HandlerContext) -> list[str]:
    """What a question is about: the training being registered for, the number named, the detail or list in view."""
    memory = ctx.state.memory
    if ctx.state.name:
        code = ctx.state.data.get("training") or memory.get("training")
        return [str(code)] if code else []
    picked = pick_from_list(ctx)
    if picked:
        return [picked]
    shown = [str(c) for c in memory.get("list") or []]
    if memory.get("focus") == "list" and shown:
        return shown
    code = memory.get("training")
    return [str(code)] if code else []


def _paging(words: str) -> str | None:
    tokens = words.split()
    if not tokens or len(tokens) > 5 or not all(t in _NEXT | _BACK | _FILLER for t in tokens):
        return None
    if any(t in _BACK for t in tokens):
        return "back"
    if any(t in _NEXT for t in tokens):
        return "next"
    return None


_CANCEL = {"batal", "batalkan", "batalin", "cancel", "gak jadi", "ga jadi", "nggak jadi", "tidak jadi", "gajadi"}


async def about_registration(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """A registration code in a message ("batal KR-JWC4ZD", "info KR-JWC4ZD"): cancel it (asking first) or show
    it, when it is the person's own; never looked up as a training code."""
    from handlers.registration import cancel_registration  # registration imports this module

    code = ctx.args[0] if ctx.args else ""
    found = [r for r in await ctx.services.registrations.upcoming_for(ctx.person.id) if r.code == code]
    if not found:
        return [Reply(_("Pendaftaran {code} tidak ditemukan atau sudah dibatalkan.").format(code=code),
                      (Button(_("Pelatihan saya"), "my"),))]
    if _has(words_of(msg.text or ""), _CANCEL):
        ctx.args = [code]
        return await cancel_registration(msg, ctx)
    item = found[0]
    status = (_("terdaftar") if item.status == "registered"
              else _("daftar tunggu nomor {n}").format(n=item.waitlist_position))
    ctx.state.memory["training"] = item.training_code
    buttons = (Button(_("Batalkan {code}").format(code=item.code), payloads.make("rc", item.code)),
               Button(_("Detail lengkap"), code_payload("td", item.training_code)), Button(_("Menu"), "menu"))
    _remember(ctx, "training", buttons)
    text = _("Pendaftaran {code}: {title} ({training}), status: {status}.").format(
        code=item.code, title=item.training_title, training=item.training_code, status=status)
    return [Reply(text, buttons)]


def follow_up(msg: IncomingMessage, ctx: HandlerContext) -> Route | None:
    """A message about what was just shown: a registration code ("batal KR-JWC4ZD"), a typed code ("daftar
    UJIREG-1"), a question about the training in view ("biayanya brp"), paging ("lagi"), a number past the
    options, or a list refined ("yg gratis aja")."""
    text = msg.text or ""
    u = ctx.understanding
    words = words_of(text)
    if not words or u is None:
        return None
    registration = find_registration_code(text)
    if registration:
        return Route(about_registration, [registration])
    if ctx.state.memory.get("focus") == "guide":
        return None  # under a certification guide: its own follow-ups (handlers/guides.py)
    candidates = code_candidates(text)
    slots = bool(u.craft or u.province or u.regency or u.date_from or u.date_to)
    short = len(words.split()) <= 8
    aspect = (_aspect(words) if short and not slots and not candidates and u.topic is None
              and not _has(words, _NEW_SEARCH - {"pelatihannya"}) else None)
    memory = ctx.state.memory
    if ctx.state.name:  # inside a form: only questions about the training being registered for
        subject = _subject(ctx) if aspect and u.intent not in _NOT_LIST else []
        return Route(answer_about, [aspect, *subject]) if aspect and subject else None
    if candidates:
        if _has(words, _REGISTER) and not _has(words, {"batal", "batalkan", "cancel"}):
            return Route(register_code, candidates)
        return None  # the router's own code route (typed_code) looks them up
    ours = _last_was_ours(ctx)
    list_in_view = memory.get("focus") == "list" and len(memory.get("list") or []) > 1
    if aspect == "fee" and list_in_view and _has(words, _FREE) and not _has(words, {"biaya", "bayar", "biayanya"}):
        aspect = None  # "yang gratis aja" after a list filters it
    if aspect and u.intent not in _NOT_LIST - {"help"}:
        subject = _subject(ctx)
        if subject:
            return Route(answer_about, [aspect, *subject])
    shown = memory.get("shown")
    if not shown:
        return None
    if ours:
        step = _paging(words)
        if step:
            return Route(turn_page, ["again" if step == "back" and memory.get("focus") == "training" else step])
        if text.strip().rstrip(".").isdigit():
            code = number_in_list(ctx, int(text.strip().rstrip(".")))
            if code and _page_offset(ctx) < int(text.strip().rstrip(".")):
                return Route(show_training, [code])
    wanted = read_wanted(text, ctx)
    other_request = u.intent in _NOT_LIST and (u.confidence >= 0.6 or u.intent == "register")
    if (wanted and short and not _has(words, _NEW_SEARCH) and not other_request and u.topic is None
            and not _has(words, _REGISTER)):
        return Route(refine_list, [";".join(f"{k}={v}" for k, v in wanted.items())])
    return None
