"""Training list filters: in payloads, read from a message's words, and described in words."""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date

from bot import payloads
from bot.context import HandlerContext
from bot.crafts import CRAFTS, craft_name
from bot.i18n import _, format_month, format_short_day
from bot.nlu import answers, asking
from bot.regions import ISLANDS, region_name
from bot.services.trainings import TrainingFilter

# --- filters in payloads ------------------------------------------------------------------------
# The keys of bot/payloads.py (c craft, p province, r regency, f/t dates, o offset) and the list's own:
# m mode (on: online or hybrid, off: offline or hybrid), g free (1), n near (a region: order by place first),
# l an island (a group of provinces: bot/regions.ISLANDS).

# w title words ("pewarna+alam": the title has them all; "pewarna,alam": one of them).
TITLE_WORDS = re.compile(r"[a-z0-9]{2,20}(?:\+[a-z0-9]{2,20}){0,2}|[a-z0-9]{2,20}(?:,[a-z0-9]{2,20}){1,2}", re.ASCII)
ALL_WORDS, ANY_WORD = "+", ","


def title_words_check(value: str) -> bool:
    return bool(TITLE_WORDS.fullmatch(value))


LIST_KEYS: dict[str, payloads.Check] = {
    **payloads.FILTER_KEYS, "m": payloads.one_of("on", "off"), "g": payloads.one_of("1"), "n": payloads.region,
    "i": payloads.one_of("1"), "l": payloads.one_of(*ISLANDS), "w": title_words_check,
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
        island=wanted.get("l") if wanted.get("l") in ISLANDS else None,
        title_words=tuple(re.split(r"[+,]", wanted["w"])) if title_words_check(wanted.get("w") or "") else (),
        any_title_word=ANY_WORD in (wanted.get("w") or ""),
    )


# --- reading a message: filters, follow-up words ------------------------------------------------

_ONLINE = {"online", "onlen", "onlain", "daring", "zoom", "virtual", "webinar", "gmeet", "meet"}
_OFFLINE = {"offline", "ofline", "oflen", "luring", "onsite", "tatap muka", "datang langsung", "in person"}
_FREE = {"gratis", "gratisan", "free", "tanpa biaya", "ga bayar", "gak bayar", "nggak bayar", "tidak bayar",
         "tdk bayar", "gk bayar", "cuma cuma", "no fee"}
_ABROAD = {"foreigner", "foreigners", "foreign", "international", "internasional", "asean", "abroad", "overseas",
           "peserta asing", "orang asing", "luar negeri", "wna", "non indonesian", "from singapore", "from malaysia",
           "from brunei", "from thailand", "from the philippines", "from vietnam", "english", "malaysia", "singapore",
           "singapura", "brunei", "thailand", "philippines", "vietnam", "myanmar", "cambodia", "laos", "timor leste",
           "foreign participants", "peserta luar negeri"}
_NEAR = {"terdekat", "terdeket", "paling dekat", "dekat", "deket", "nearest", "near", "nearby", "sekitar",
         "sekitarku", "sekitar sini"}
# Islands named as places ("di kalimantan", "pulau jawa"): provinces found by the NLU come first.
_ISLAND_WORDS: dict[str, str] = {
    "kalimantan": "kalimantan", "borneo": "kalimantan", "kalimantang": "kalimantan", "sumatera": "sumatera",
    "sumatra": "sumatera", "sumatera island": "sumatera", "jawa": "jawa", "java": "jawa", "pulau jawa": "jawa",
    "sulawesi": "sulawesi", "celebes": "sulawesi", "maluku": "maluku", "moluccas": "maluku",
    "nusa tenggara": "nusa-tenggara", "nusra": "nusa-tenggara", "papua": "papua", "tanah papua": "papua"}
# Asking whether one may join at all (an ID card of another province, not a member): the requirements and who
# decides (the organizer), whatever places the question names ("sy gk punya KTP NTB, sy org bali. boleh gk?").
ELIGIBILITY = frozenset({"ktp", "e-ktp", "ektp", "boleh ikut", "blh ikut", "boleh gk", "blh gk", "boleh ga",
                         "boleh nggak", "boleh tidak", "luar daerah", "orang luar", "dari luar", "bukan warga", "domisili",
                         "warga luar", "can i join", "am i allowed", "allowed to join", "eligible", "eligibility",
                         "bukan anggota", "ikut gk", "ikut ga", "ikut nggak", "blh ga", "boleh ngga",
                         # Sundanese, Javanese: "tiasa ngiring … teu?", "oleh melu ora?", "saged tumut?"
                         "tiasa ngiring", "kenging ngiring", "tiasa ilubiung", "oleh melu", "iso melu", "isa melu",
                         "saged tumut", "pareng tumut", "syaratna"})
_NEW_SEARCH = {"pelatihan", "pelatihannya", "training", "trainings", "kursus", "workshop", "kelas", "diklat"}
_NOT_LIST = {"register", "subscribe", "unsubscribe", "certification", "market_tips", "cancel_registration",
             "my_registrations", "delete_data", "profile", "language", "greeting", "thanks", "human", "help"}
# Joining the waitlist of the training in view ("yaudah masuk daftar tunggu aja", "put me on the waitlist").
JOINING = frozenset({"masuk", "masukin", "masukkan", "ikut", "ikutan", "gabung", "join", "put me", "add me",
                     "daftarin", "daftarkan", "mau", "boleh", "yaudah", "ya udah", "yauda", "gpp", "nggak papa",
                     "gak papa", "ga papa", "ok", "oke", "okay", "sign me up"})
# Asking to register: the answers' verbs, their typos and phrases ("daptar", "sign up").
_REGISTER = answers.REGISTERING | {"daptar", "dftr", "mendaftar", "ikutan", "sign up", "signup", "enroll"}
_NEXT = {"lagi", "lg", "selanjutnya", "berikutnya", "next", "lanjut", "lanjutkan", "terus", "more", "lainnya",
         "lain", "slnjtnya", "brikutnya"}
_BACK = {"sebelumnya", "sblmnya", "balik", "kembali", "back", "prev", "previous", "mundur"}
_FILLER = {"yang", "yg", "ada", "halaman", "page", "dong", "kak", "ka", "mas", "mbak", "bu", "pak", "min", "deh",
           "aja", "saja", "sih", "nih", "ya", "please", "pls", "lah", "the", "show", "lihat", "liat", "tampilkan",
           "ke", "donk", "dunk", "lagi", "yah", "kalau", "kalo", "klo", "gimana", "bagaimana", "apa", "itu",
           "cuma", "hanya", "only", "mau", "pengen", "pingin", "pgn", "di", "nya", "bisa", "tolong"}
# Words of a search that are filters or filler, never a title's words ("pelatihan online", "yg dekat").
NOT_TITLE_FILTERS = frozenset(w for table in (_ONLINE, _OFFLINE, _FREE, _ABROAD, _NEAR, _NEW_SEARCH, _FILLER)
                              for phrase in table for w in phrase.split())
# Questions about the training in view, first match wins (the deadline before the time: "daftar sampai kapan").
ASPECTS: tuple[tuple[str, frozenset[str]], ...] = tuple((name, frozenset(words)) for name, words in (
    ("lodging", {"penginapan", "penginapannya", "nginap", "menginap", "nginep", "nginapnya", "hotel", "hotelnya",
                 "akomodasi", "akomodasinya", "accommodation", "lodging", "homestay", "tempat nginap",
                 "tempat menginap", "tempat nginep", "stay overnight", "where to stay", "place to stay"}),
    ("link", {"link", "linknya", "link zoom", "link zoomnya", "zoomnya", "tautan", "tautannya", "link meet",
              "link gmeet", "meeting link", "zoom link", "the link"}),
    ("reminder", {"pengingat", "pengingatnya", "reminder", "reminders", "diingatkan", "diingetin", "diingatin",
                  "ingetin", "ingatkan", "remind", "reminded"}),
    ("waitlist", {"daftar tunggu", "daftar tunggunya", "waiting list", "waitlist", "wait list", "antrian", "antri",
                  "antre", "antrean", "cadangan", "waitlisted", "antriannya", "antreannya", "antrinya", "urutan",
                  "urutan ke", "urutannya", "nomor urut", "no urut", "urutan keberapa", "posisi saya", "my position",
                  "ada yg batal", "ada yang batal", "ada yg cancel", "ada yang cancel", "someone cancels",
                  "ada yg mundur", "ada yang mundur"}),
    ("deadline", {"batas daftar", "batas pendaftaran", "batas akhir", "deadline", "terakhir daftar",
                  "daftar terakhir", "ditutup kapan", "tutup kapan", "kapan ditutup", "kapan tutup",
                  "daftarnya sampai", "daftar sampai", "pendaftarannya sampai", "pendaftaran sampai",
                  "daftar paling lambat", "paling lambat", "last day", "registration close", "closing date",
                  "registration closed", "kenapa ditutup", "kok ditutup", "kok tutup", "kenapa tutup",
                  "knp ditutup", "napa ditutup", "why closed", "why is it closed", "ga bisa daftar",
                  "gak bisa daftar", "nggak bisa daftar", "tidak bisa daftar", "can't register", "cannot register",
                  "cant register", "sudah tutup", "udah tutup", "dah tutup", "gk bisa daftar", "kok gk bisa",
                  "kok ga bisa", "kok gak bisa", "kok nggak bisa", "kok tidak bisa", "udh ditutup", "udah ditutup",
                  "sudah ditutup", "dah ditutup"}),
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
    ("requirements", {"syarat", "syaratnya", "persyaratan", "persyaratannya", "requirement", "requirements",
                      "what do i need", "need to bring", "bawa apa", "perlu bawa", "yang dibawa", "ketentuan",
                      "ketentuannya", "kriteria", "kriterianya", "syarate", "harus pakai", "harus pake", "hrs pake",
                      "hrs pk", "hrs pakai", "harus bawa", "hrs bawa", "wajib bawa", "wajib pakai", "perlu pakai",
                      "perlu laptop", "pakai laptop", "pake laptop", "pk laptop", "laptop", "komputer", "smartphone",
                      "do i need", "need a laptop", "need to have", "bring anything", "harus punya", "hrs punya",
                      "wajib punya", "perlu punya", "must i have", "bawa ktp", "harus bisa", "hrs bisa"}),
    ("seats", {"kursi", "kursinya", "kuota", "kuotanya", "sisa", "slot", "slotnya", "penuh", "seat", "seats",
               "quota", "masih bisa", "masih ada tempat", "full", "tempat kosong", "masih buka"}),
    ("place", {"lokasi", "lokasinya", "alamat", "alamatnya", "tempat", "tempatnya", "dimana", "di mana", "where",
               "venue", "location", "address", "gedung", "maps", "map", "lokasi nya", "tmpt", "dmn", "dmna", "lokasinya dmn"}),
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


ASPECT_JOIN = "+"  # several aspects asked at once: "is it free? and what time?" -> "fee+time"


def _aspect(words: str) -> str | None:
    """What is asked about the training in view; several aspects joined by ASPECT_JOIN, each phrase counted once
    ("kapan ditutup" is the deadline, not also the time)."""
    padded, found = f" {words} ", []
    for name, table in ASPECTS:
        matched = [w for w in table if f" {w} " in padded]
        if matched:
            found.append(name)
            for phrase in sorted(matched, key=len, reverse=True):
                padded = padded.replace(f" {phrase} ", " ")
    if found:
        return ASPECT_JOIN.join(found)
    if _has(words, _ONLINE | _OFFLINE | _FREE):
        return None  # "kalo yg online ada?": a list filter, not a question about the training in view
    return asking.aspect_asked(words)  # regional words: "biayane pinten?", "sabaraha biayana"


_REFUSING = frozenset({"jangan", "jgn", "bukan", "ga", "gak", "gk", "nggak", "ngga", "tidak", "tdk", "no", "not",
                       "without", "tanpa", "kecuali", "except", "ora", "mboten", "teu", "dont", "don"})
REFUSAL_REACH = 3  # words a negation reaches over: "tidak bisa pakai zoom", "jangan yang online"


def _refused(words: str, table: set[str]) -> bool:
    """Whether every mention of `table`'s words is negated ("jangan yang online": not online)."""
    tokens = words.split()
    at = [i for i, w in enumerate(tokens) if w in table]
    return bool(at) and all(any(t in _REFUSING for t in tokens[max(0, i - REFUSAL_REACH):i]) for i in at)


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
    if _has(words, _IF_NONE):
        pass  # "kalo gk ada, yg online jg boleh": either will do, no way of taking part is asked for
    elif _has(words, _ONLINE):
        wanted["m"] = "off" if _refused(words, _ONLINE) else "on"  # "jangan yang online, ga bisa pakai zoom"
    elif _has(words, _OFFLINE):
        wanted["m"] = "on" if _refused(words, _OFFLINE) else "off"
    if _has(words, _FREE):
        wanted["g"] = "1"
    if _has(words, _ABROAD):
        wanted["i"] = "1"
    if not wanted.keys() & {"p", "r"}:
        island = next((name for phrase, name in _ISLAND_WORDS.items() if _has(words, {phrase})), None)
        if island:
            wanted["l"] = island
    if _has(words, _NEAR):
        wanted["n"] = wanted.pop("r", "") or wanted.pop("p", "")
    if _has(words, _ANY_CRAFT):
        wanted["c"] = ""  # "kulit atau apa aja deh", "all online ones, not only weaving": no craft (also the list's)
    return wanted


# "If there is none" before another way of taking part ("kalo gk ada yg online jg boleh"): both will do.
_IF_NONE = frozenset({"kalo gk ada", "kalo ga ada", "kalo gak ada", "kalo nggak ada", "kalo tidak ada", "kalau gk ada",
                      "kalau ga ada", "kalau gak ada", "kalau nggak ada", "kalau tidak ada", "klo gk ada", "klo ga ada",
                      "kl gk ada", "kalo engga ada", "kalau enggak ada", "if there is none", "if there are none",
                      "if none", "if there isn t", "if there aren t", "otherwise"})
# Any craft will do ("KULIT ATAU APA AJA DEH", "not only weaving"); not "pelatihan batik apa aja" (which ones).
_ANY_CRAFT = frozenset({"atau apa aja", "atau apa saja", "ato apa aja", "atau apapun", "apa aja deh", "apa aja boleh",
                        "apa saja boleh", "apapun boleh", "gpp apa aja", "kerajinan apa aja", "kerajinan apa saja",
                        "any craft", "or anything", "all online ones", "not only", "bukan cuma", "bukan hanya",
                        "ga harus", "gak harus", "gk harus", "nggak harus", "tidak harus", "semua kerajinan",
                        "all crafts", "any kind"})


def _merge(old: dict[str, str], new: dict[str, str], ctx: HandlerContext) -> dict[str, str]:
    """The last list's filters refined by a follow-up ("di jogja deh" keeps the month and the craft)."""
    merged = {k: v for k, v in old.items() if k != "o"}
    groups = (("c",), ("p", "r", "n", "l"), ("f", "t"), ("m",), ("g",), ("i",), ("w",))
    for group in groups:
        if any(k in new for k in group):
            for k in group:
                merged.pop(k, None)
            merged.update({k: new[k] for k in group if k in new})
    if "n" in new and not new["n"]:  # "yang terdekat": from the place of the list, else the person's own
        origin = old.get("r") or old.get("p") or old.get("n") or ctx.person.regency or ctx.person.province
        merged["n"] = origin or ""
    return {k: v for k, v in merged.items() if v}


def island_name(island: str) -> str:
    names = {"sumatera": _("Sumatera"), "jawa": _("Jawa"), "nusa-tenggara": _("Bali dan Nusa Tenggara"),
             "kalimantan": _("Kalimantan"), "sulawesi": _("Sulawesi"), "maluku": _("Maluku"), "papua": _("Papua")}
    return names.get(island, island)


def _describe(wanted: TrainingFilter) -> str:
    parts = []
    if wanted.craft:
        parts.append(craft_name(wanted.craft))
    place = region_name(wanted.regency or wanted.province)
    if place:
        parts.append(place)
    elif wanted.island:
        parts.append(island_name(wanted.island))
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
    if wanted.title_words:
        joined = " / " if wanted.any_title_word else " "  # one of the words, or all of them
        parts.append(f"“{joined.join(wanted.title_words)}”")
    if wanted.near and region_name(wanted.near):
        parts.append(_("terdekat dari {place}").format(place=region_name(wanted.near)))
    return " · ".join(parts)
