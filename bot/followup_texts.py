"""The words of the follow-up questions (1, 3 and 6 months after a training), and how answers are read in words."""

from __future__ import annotations

import logging

from bot import payloads
from bot.core import Button, Reply
from bot.i18n import _
from bot.nlu import normalize

logger = logging.getLogger(__name__)

ROUTE = "fu"  # the buttons' route: fu:<follow-up id>:<step>:<value>
SALES, CERTS, ONLINE = "sales", "cert", "online"
STEPS = (SALES, CERTS, ONLINE)
STOP_STEP = "stop"
UP, SAME, DOWN = "up", "same", "down"
SALES_VALUES = (UP, SAME, DOWN)
CERTIFICATIONS = ("bnsp", "merek", "nib", "batikmark")
NONE, DONE = "none", "done"
YES, NO = "yes", "no"

BUTTONS = payloads.either(
    payloads.args(payloads.number, payloads.one_of(SALES), payloads.one_of(*SALES_VALUES)),
    payloads.args(payloads.number, payloads.one_of(CERTS), payloads.one_of(*CERTIFICATIONS, NONE, DONE)),
    payloads.args(payloads.number, payloads.one_of(ONLINE), payloads.one_of(YES, NO)),
    payloads.args(payloads.number, payloads.one_of(STOP_STEP)),
)


def certification_name(code: str) -> str:
    names = {"bnsp": _("Sertifikat BNSP"), "merek": _("Merek terdaftar"), "nib": _("NIB"),
             "batikmark": _("Batikmark"), NONE: _("Belum ada")}
    return names.get(code, code)


def sales_name(code: str) -> str:
    return {UP: _("Naik"), SAME: _("Sama"), DOWN: _("Turun")}.get(code, code)


def _stop_button(followup_id: int) -> Button:
    return Button(_("Jangan tanya lagi"), payloads.make(ROUTE, followup_id, STOP_STEP))


def question(step: str, followup_id: int, chosen: tuple[str, ...] = ()) -> Reply:
    """The question of one step with its buttons (the certifications chosen so far are shown and not offered)."""
    if step == SALES:
        return Reply(_("1/3. Sejak pelatihan, penjualan Anda naik, sama, atau turun?"), (
            *(Button(sales_name(v), payloads.make(ROUTE, followup_id, SALES, v)) for v in SALES_VALUES),
            _stop_button(followup_id)))
    if step == CERTS:
        text = _("2/3. Sertifikat atau izin apa yang Anda dapat sejak pelatihan? Boleh lebih dari satu "
                 "(BNSP, merek, NIB, Batikmark), atau Belum ada.")
        if chosen:
            text = _("Dicatat: {chosen}. Ada lagi? Pilih Selesai bila sudah.").format(
                chosen=", ".join(certification_name(c) for c in chosen))
        left = [c for c in CERTIFICATIONS if c not in chosen]
        last = (Button(_("Selesai"), payloads.make(ROUTE, followup_id, CERTS, DONE)) if chosen else
                Button(certification_name(NONE), payloads.make(ROUTE, followup_id, CERTS, NONE)))
        return Reply(text, (*(Button(certification_name(c), payloads.make(ROUTE, followup_id, CERTS, c))
                              for c in left), last))
    return Reply(_("3/3. Apakah sekarang Anda berjualan online (marketplace, media sosial, WhatsApp)?"), (
        Button(_("Ya"), payloads.make(ROUTE, followup_id, ONLINE, YES)),
        Button(_("Tidak"), payloads.make(ROUTE, followup_id, ONLINE, NO))))


def opening(months: int, title: str, followup_id: int) -> Reply:
    """The proactive message that starts a follow-up: why we ask, then the first question."""
    first = question(SALES, followup_id)
    intro = _("Halo! Sudah {months} bulan sejak pelatihan {title}. Boleh kami tanya 3 hal singkat tentang usaha "
              "Anda? Jawaban Anda membantu penyelenggara. Tidak mau ditanya lagi? Ketik STOP atau \"jangan tanya "
              "lagi\".").format(months=months, title=title)
    return Reply(f"{intro}\n\n{first.text}", first.buttons)


# --- reading answers in words ---------------------------------------------------------------------

_NOT = frozenset({"tidak", "tak", "gak", "ga", "nggak", "ngga", "enggak", "ndak", "ora", "belum", "blm", "no", "not",
                  "never", "dont", "bukan", "jangan", "usah", "mboten"})
_SALES = {
    UP: frozenset("""naik meningkat nambah bertambah tambah up increase increased rame ramai laris lebih banyak
    better naek""".split()),
    SAME: frozenset("""sama tetap tetep stabil biasa same flat segitu gitu begitu""".split()),
    DOWN: frozenset("""turun menurun berkurang kurang sepi down decrease decreased drop anjlok merosot lesu
    worse""".split()),
}
_CERTS = {
    "bnsp": frozenset({"bnsp", "kompetensi", "lsp", "skkni"}),
    "merek": frozenset({"merek", "merk", "haki", "hki", "trademark", "djki"}),
    "nib": frozenset({"nib", "oss"}),
    "batikmark": frozenset({"batikmark"}),
}
_NONE_WORDS = frozenset({"belum", "tidak", "none", "nothing", "kosong", "nope", "no", "ada", "apa", "apapun",
                         "satupun", "sama", "sekali", "any", "yet", "saja", "kak", "punya"})
_ALL = frozenset({"semua", "semuanya", "all", "lengkap"})
_ONLINE_YES = frozenset("""ya iya iyaa yes yup sudah online jualan shopee tokopedia tokped lazada instagram ig tiktok
facebook fb marketplace olshop daring""".split())
_ASKING = frozenset({"tanya", "nanya", "ditanya", "tanyain", "tanyakan", "survei", "survey", "pertanyaan", "ask",
                     "asking", "questions", "question", "kuesioner", "jawab", "menjawab", "ditanyain"})
_STOPPING = frozenset({"tidak", "usah", "jangan", "stop", "berhenti", "cukup", "no", "dont", "males", "malas",
                       "ogah"})


def words(text: str) -> list[str]:
    return normalize(text.replace("-", " ")).split()


def sales_in(text: str) -> str | None:
    """up, same or down as said ("naik dikit kak", "ga naik ga turun", "sepi"); None when unclear."""
    said: set[str] = set()
    negated = False
    found = words(text)
    for at, word in enumerate(found):
        meaning = next((m for m, ws in _SALES.items() if word in ws), None)
        if meaning is None:
            continue
        if at and found[at - 1] in _NOT:
            negated = True
        else:
            said.add(meaning)
    if len(said) == 1:
        return said.pop()
    return SAME if not said and negated else None


def certifications_in(text: str) -> list[str] | None:
    """The certifications named ("nib sama merek", "baru NIB, bnsp belum"), [] for none ("belum ada"); None when
    unclear. A certification said not to be there ("belum bnsp", "bnsp belum") is not counted."""
    found = words(text.replace("batik mark", "batikmark"))
    if set(found) & _ALL:
        return list(CERTIFICATIONS)
    named: list[str] = []
    for at, word in enumerate(found):
        code = next((c for c, ws in _CERTS.items() if word in ws), None)
        if code is None or code in named:
            continue
        before = found[at - 1] if at else ""
        after = found[at + 1] if at + 1 < len(found) else ""
        if before in _NOT or after in _NOT:
            continue
        named.append(code)
    if named:
        return [c for c in CERTIFICATIONS if c in named]
    mentioned = any(w in ws for w in found for ws in _CERTS.values())  # only ones said not to be there
    if mentioned or (found and (found[0] in _NOT or set(found) <= _NONE_WORDS | _NOT)):
        return []
    return None


def online_in(text: str) -> bool | None:
    """Whether they sell online now ("udah di shopee", "belum, masih offline"); None when unclear."""
    found = words(text)
    if not found:
        return None
    if set(found) & (_NOT | {"offline", "luring"}):
        return False
    return True if set(found) & _ONLINE_YES else None


def wants_no_more(text: str) -> bool:
    """"gak usah tanya2 lagi", "jangan tanya lagi", "stop survei", "males jawab": no more follow-ups."""
    found = set(words(text))
    return bool(found & _ASKING) and bool(found & _STOPPING)
