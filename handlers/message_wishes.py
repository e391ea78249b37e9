"""Whether a message wants Kriya's messages or not, read with its negation where it stands: "jgn kirimin sy
pesan2 lg" stops them, "sy udh gk sibuk, kirimin lg kabar2nya" resumes them (its "gk" is about being busy), and
"sy gk mau dikabari anyaman lagi" drops the anyaman news. The NLU's bag of words weighs "kirimin" and "gk" alike;
this reader corrects the direction of a subscribe or unsubscribe it read."""

from __future__ import annotations

from bot.context import HandlerContext
from bot.core import IncomingMessage
from bot.router import Route
from handlers import subscriptions
from handlers.training_filters import words_of
from handlers.training_search import search_trainings

STOP, SEND = "stop", "send"
# Verbs and nouns of Kriya sending something ("kirimin", "dikabari", "notif", "send me").
_SENDING_STEMS = ("kirim", "dikirim", "ngirim", "kabar", "dikabar", "ngabar", "notif", "ingetin", "ingatkan",
                  "diingatkan", "send", "notify", "remind", "message", "pesan")
_NEGATIONS = frozenset({"jangan", "jgn", "jngn", "gak", "ga", "gk", "g", "nggak", "ngga", "ngak", "enggak", "tidak",
                        "tdk", "tak", "ndak", "nda", "ora", "mboten", "teu", "henteu", "dont", "don", "never",
                        "no", "not", "stop", "berhenti", "hentikan", "udahan", "usah", "gausah", "gaush"})
# Words a negation reaches over to its verb ("gak MAU dikabari", "jgn LAGI kirim", "ga USAH kirim2").
_BETWEEN = frozenset({"mau", "usah", "ush", "perlu", "lagi", "lg", "di", "sy", "saya", "aku", "kak", "ka", "tolong",
                      "dong", "pengen", "ingin", "mo", "pengin", "want", "to", "me", "send", "any", "more", "usa",
                      "dulu", "ya", "yah", "deh", "sih", "nih", "aja", "saja", "ada", "please", "pls", "kirim2",
                      "be", "get", "t", "all", "semua", "semuanya", "the", "your", "these", "those", "otomatis",
                      "automatic", "auto", "kalian", "pesan2", "chat"})  # ("don't" is read as "don", "t")


def _sending(word: str) -> bool:
    return word.startswith(_SENDING_STEMS)


def _negated(words: list[str], at: int) -> bool:
    j = at - 1
    while j >= 0 and words[j] in _BETWEEN and words[j] not in _NEGATIONS:
        j -= 1
    return j >= 0 and words[j] in _NEGATIONS


# "No need" said after what is not wanted ("yg tenun jg gausah", "tenun juga ga usah", "batik ga perlu lagi").
_NO_NEED = frozenset({"gausah", "gaush", "gaperlu", "gakusah", "ngausah", "nggausah", "gusah"})
_NEED = frozenset({"usah", "ush", "perlu"})
_TRAILING = frozenset({"lagi", "lg", "deh", "aja", "saja", "ya", "yah", "kak", "ka", "min", "juga", "jg", "dong"})


def _no_need_at_the_end(words: list[str]) -> bool:
    """Whether the message ends by saying there is no need ("... jg gausah", "... ga usah lagi")."""
    while words and words[-1] in _TRAILING:
        words = words[:-1]
    if words and words[-1] in _NO_NEED:
        return True
    return len(words) >= 2 and words[-1] in _NEED and words[-2] in _NEGATIONS


# A yes/no question's tag ("langganan batik bisa gak?", "bisa langganan ga?"): asking, not refusing.
_QUESTION_TAGS = frozenset({"gak", "ga", "gk", "nggak", "ngga", "enggak", "tidak", "tdk", "ndak", "nda", "no", "not",
                            "ora", "mboten", "henteu", "teu", "nggk", "engga"})
_STOPPING = frozenset({"berhenti", "stop", "hapus", "hapuskan", "hapusin", "batal", "batalkan", "batalin", "jangan",
                       "jgn", "unsubscribe", "udahan", "hentikan", "keluar", "remove", "cancel"}) | _NO_NEED


# Asking to follow news in so many words (besides Kriya's sending verbs: "kabarin", "kirim", "notif").
_SUBSCRIBING_STEMS = ("langganan", "berlangganan", "langgan", "subscrib", "subscript", "follow", "ikuti", "update", "lganan",
                      "langanan", "langgnan", "info terbaru", "kabar terbaru", "berita", "kalau ada", "kalo ada",
                      "klo ada", "kl ada", "if there", "whenever", "tiap ada", "setiap ada", "tolong kasih tau",
                      "kasih tau", "kasi tau", "kasitau", "let me know", "tell me when", "inform", "woro")


def _names_subscribing(text: str) -> bool:
    """Whether the message asks in words to be told of trainings from now on (not just for information now)."""
    words = f" {words_of(text)} "
    return any(f" {stem}" in words for stem in _SUBSCRIBING_STEMS)


# Asking to be told from now on in words no search uses ("kalau ada" may open a search: "kalau ada, sy ikut").
_TOLD_STEMS = ("tell me when", "let me know", "update me", "keep me posted", "notify", "inform me", "kabari",
               "kabarin", "dikabari", "dikabarin", "langganan", "berlangganan", "subscrib", "dapat kabar",
               "dapet kabar", "dapat info terbaru", "dapet info terbaru", "kasih kabar", "kasi kabar")


def _asks_to_be_told(text: str) -> bool:
    words = f" {words_of(text)} "
    return any(f" {stem}" in words for stem in _TOLD_STEMS)


def asks_whether(text: str) -> bool:
    """Whether the message is a yes/no question ending in a negation tag, with no word of stopping in it."""
    words = words_of(text).split()
    if not text.rstrip().endswith("?") or set(words) & _STOPPING:
        return False
    while words and words[-1] in _TRAILING:
        words = words[:-1]
    return bool(words) and words[-1] in _QUESTION_TAGS


# "kalo sy stop, langganan tenun sy masih ada gk?": asking what stopping does, or whether news still comes.
_STILL_THERE = ("masih ada", "msh ada", "masi ada", "masih aktif", "msh aktif", "tetap ada", "tetep ada",
                "masih berlaku", "masih jalan", "still have", "still there", "still active", "still on", "still be")
_IF = frozenset({"kalau", "kalo", "klo", "kl", "jika", "jikalau", "seandainya", "misal", "misalnya", "andai", "if",
                 "when", "once", "nek", "lamun", "upami"})


def asks_about_state(text: str) -> bool:
    """Whether a message about stopping asks how things stand instead: a question with "masih" ("still"), or
    whose only stopping word follows an "if" ("kalau sy stop, ..."): nothing is to be removed by it."""
    if "?" not in text:
        return False
    words = words_of(text).split()
    said = f" {' '.join(words)} "
    if any(f" {still} " in said for still in _STILL_THERE) and not any(_sending(word) for word in words):
        return True  # ("kok masih dikirimin?" complains of the sending: that is a wish to stop)
    stops = [at for at, word in enumerate(words) if word in _STOPPING]
    return bool(stops) and all(set(words[max(at - 3, 0):at]) & _IF for at in stops)


_STOP_FIRST = frozenset({"stop", "berhenti", "hentikan", "udahan", "setop", "stp"})


def wish(text: str) -> str | None:
    """STOP or SEND when the message speaks of Kriya sending (the first such verb decides), else None; STOP too
    when it ends by saying there is no need of what it names ("yg tenun jg gausah")."""
    words = words_of(text).split()
    if words and words[0] in _STOP_FIRST:
        return STOP  # "stop dulu lah, banyak bana pesan": a message that opens with stopping asks for it
    for at, word in enumerate(words):
        if _sending(word):
            return STOP if _negated(words, at) else SEND
    return STOP if "?" not in text and _no_need_at_the_end(words) else None


def how_it_stands(msg: IncomingMessage, ctx: HandlerContext) -> Route | None:
    """A router context: "kalo sy stop, langganan tenun sy masih ada gk?" asks about one's subscriptions; it
    neither removes nor adds one, whatever the NLU read."""
    u = ctx.understanding
    if msg.payload or u is None or not msg.text or u.intent not in ("subscribe", "unsubscribe", "stop", "unknown"):
        return None
    return Route(subscriptions.list_subscriptions) if asks_about_state(msg.text) and _about_news(msg.text) else None


def _about_news(text: str) -> bool:
    words = words_of(text).split()
    return _names_subscribing(text) or any(_sending(word) for word in words)


def direction_read(msg: IncomingMessage, ctx: HandlerContext) -> Route | None:
    """A router context: a subscribe read where the person says "don't send" goes the other way, and back."""
    u = ctx.understanding
    if msg.payload or u is None or not msg.text:
        return None
    wanted = wish(msg.text)
    named = bool(u.craft or u.province or u.regency)  # (without one, "subscribe" asks which, or resumes: harmless)
    if u.intent not in ("subscribe", "unsubscribe"):
        if named and u.intent == "unknown" and wanted == STOP:
            return Route(subscriptions.unsubscribe)  # "cuma gk mau kabar batik": that news, not the list of batik
        if named and wanted != STOP and ((u.intent == "unknown" and _names_subscribing(msg.text))
                                         or (u.intent == "training_search" and _asks_to_be_told(msg.text))):
            return Route(subscriptions.subscribe)  # "please tell me when there are new weaving trainings"
        return None
    if u.intent == "subscribe" and named and wanted is None and not _names_subscribing(msg.text):
        return Route(search_trainings)  # "hoyong terang info pelatihan batik garutan": the list, nothing kept
    if u.intent == "unsubscribe" and wanted is None and asks_whether(msg.text):
        return Route(subscriptions.subscribe if (u.craft or u.province or u.regency) else subscriptions.start_messages)
    if wanted == STOP and u.intent == "subscribe":
        return Route(subscriptions.unsubscribe)
    if wanted == SEND and u.intent == "unsubscribe":
        return Route(subscriptions.subscribe if (u.craft or u.province or u.regency) else subscriptions.start_messages)
    return None
