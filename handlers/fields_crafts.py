"""The crafts field of the registration form: crafts named in words, added, removed, done."""

from __future__ import annotations

from bot.context import HandlerContext
from bot.core import Button, IncomingMessage
from bot.crafts import CRAFTS, craft_name
from bot.i18n import _
from bot.nlu.vocab import crafts as craft_vocabulary
from handlers.form_reading import Reading, cancel_button, other_question, words_of

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
_DONE = frozenset({"selesai", "sudah", "udah", "udh", "sdh", "dah", "cukup", "done", "lanjut", "finish", "finished", "beres", "rampung", "segitu"})
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


def ask_crafts(ctx: HandlerContext) -> tuple[str, tuple[Button, ...]]:
    chosen = ctx.state.data.get("crafts") or []
    text = _("Kerajinan apa yang Anda tekuni? Pilih satu atau lebih, lalu pilih Selesai. Anda juga bisa "
             "menulisnya, misalnya: batik dan tenun.")
    if chosen:
        text += "\n" + _("Sudah dipilih: {crafts}").format(crafts=", ".join(craft_name(c) for c in chosen))
    # Always the same options in the same order (chosen ones marked), so that "1" keeps its meaning.
    options = [Button(("✓ " if c in chosen else "") + craft_name(c), f"rf:craft:{c}") for c in CRAFTS]
    return text, (*options, Button(_("Selesai"), "rf:craft:done"), cancel_button())


def _typed(msg: IncomingMessage) -> bool:
    """Typed in words (not a button tapped nor an option's number): 'batik' is then a whole answer."""
    return msg.payload is None and not (msg.text or "").strip().isdigit()


def read_crafts(msg: IncomingMessage, ctx: HandlerContext) -> Reading:
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


def looks_like_crafts(msg: IncomingMessage, ctx: HandlerContext) -> bool:
    if is_done(msg.text or ""):
        return True
    found, rest = crafts_in(msg.text or "")
    return bool(found) and (not rest or not other_question(ctx))
