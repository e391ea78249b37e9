"""Reading an answer to a question Kriya asked, in the person's own words: yes, no, next, back.

One reader for every question (consent, confirmations, cancelling, deleting, guide steps), so that "ya daftar",
"iya kak", "nggih", "👍" mean yes everywhere, "ga setuju" means no, and a yes is never taken for a new request.

A reply is an answer when every word in it is one of the words below (after folding case, emoji skin tones,
stretched letters "iyaaa" and one-letter typos "stuju"): answer words, verbs that confirm what was asked
("ya hapus"), negations, and courtesy words ("kak", "dong"). A negation wins over any yes word ("ga setuju",
"tidak mau"); anything else in the message ("ya, biayanya berapa?") makes it not a plain answer (None)."""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import cache

from bot.core import Answer
from bot.nlu.normalize import known_words, slang

logger = logging.getLogger(__name__)

MAX_WORDS = 6  # longer messages say more than yes or no

YES = frozenset({
    # Indonesian and slang
    "ya", "iya", "iye", "iyah", "iyo", "yoi", "yo", "y", "ok", "oke", "okey", "okeh", "okay", "oks", "oce", "okie",
    "setuju", "boleh", "benar", "bener", "betul", "sip", "siap", "gas", "gaskeun", "cus", "mau", "yuk", "ayo",
    "tentu", "pasti", "jadi", "sudah", "udah", "dah", "yakin", "mantap", "mantab", "okelah", "iyalah", "yaudah",
    "yaudh", "hayu", "hayuk",
    # Javanese and Sundanese
    "nggih", "inggih", "enggih", "nggeh", "geh", "muhun", "sumuhun", "mangga", "enya", "heeh", "heueuh", "he'eh",
    "leres", "sampun",
    # English
    "yes", "yeah", "yea", "yep", "yup", "yups", "yap", "sure", "agree", "alright", "correct", "right",
    "fine", "absolutely", "definitely", "confirm", "confirmed",
    # emoji
    "👍", "✅", "👌", "🙏", "🆗", "✔", "☑", "🙆", "💯", "🤝",
})
NO = frozenset({
    # Indonesian and slang
    "tidak", "tdk", "tak", "gak", "ga", "gk", "g", "nggak", "ngga", "ngak", "nggk", "enggak", "engga", "engak",
    "kagak", "ndak", "nda", "ndk", "gag", "ogah", "jangan", "jgn", "belum", "blm", "bukan",
    # Javanese and Sundanese
    "mboten", "boten", "ora", "orak", "ra", "rasah", "durung", "dereng", "henteu", "hente", "teu", "embung", "moal",
    # English
    "no", "nope", "nah", "not", "dont", "don't", "never", "nevermind",
    # emoji
    "❌", "👎", "✖", "🙅", "⛔", "🚫", "❎",
})
NEXT = frozenset({"lanjut", "lanjutkan", "lanjutin", "berikutnya", "selanjutnya", "next", "terus", "teruskan",
                  "trus", "continue", "maju", "➡", "▶", "⏩",
                  # Minang, Javanese, Sundanese
                  "lanjuik", "taruih", "lajeng", "lajengaken", "terusno", "teraskeun", "salajengna", "teras",
                  "terusin", "lanjutkeun", "pandu", "pandukan", "guide", "ajari", "ajarin", "tuntun"})
BACK = frozenset({"kembali", "sebelumnya", "balik", "back", "previous", "prev", "mundur", "⬅", "◀", "⏪",
                  "baliak", "wangsul", "mbalik"})
# Words that name what an answer moves through ("balik ke langkah sebelumnya", "next step").
STEP_WORDS = frozenset({"ke", "langkah", "step", "halaman", "page", "tahap", "lagi"})
# Verbs that confirm what was asked ("ya daftar", "ya batalkan", "iya hapus aja"). Alone they are a yes too
# ("daftar", "hapus aja"), except the ones that also mean "stop this" (`ABORTING`): "batal" at "Hapus data?" is no.
REGISTERING = frozenset({"daftar", "daftarkan", "daftarin", "register", "ikut", "gabung", "join"})
DELETING = frozenset({"hapus", "hapuskan", "hapusin", "delete"})
SENDING = frozenset({"kirim", "kirimkan", "kirimin", "send", "submit", "proceed"})
CONFIRMING = REGISTERING | DELETING | SENDING
ABORTING = frozenset({"batal", "batalkan", "batalin", "cancel"})
# The same action in either language: "ya udah hapus aja" confirms "Yes, delete my data" once the person was
# answered in English, "yes cancel it" confirms "Ya, batalkan".
_ACTIONS = (REGISTERING, DELETING | {"remove", "erase"}, SENDING, ABORTING)
VERB_STEM = 5  # batal/batalkan/batalin, hapus/hapuskan, daftar/daftarkan: one verb


def same_verb(a: str, b: str) -> bool:
    """`a` and `b` name one action: the same word, one stem, or the same action in the other language."""
    if a == b or (len(a) >= VERB_STEM and len(b) >= VERB_STEM and a[:VERB_STEM] == b[:VERB_STEM]):
        return True
    return any(a in group and b in group for group in _ACTIONS)
# Words of thanks: beside a yes they make the reply thanks ("makasih ya").
THANKING = frozenset({"makasih", "makasi", "maksih", "terima", "kasih", "thanks", "thank", "tq", "thx", "suwun",
                      "nuwun", "nuhun", "matur", "trims", "tengkyu"})
# Words that only soften or frame an answer ("iya kak", "ga usah deh", "no thanks", "not now").
COURTESY = frozenset({
    "kak", "ka", "kk", "kakak", "mas", "mbak", "mba", "bu", "ibu", "pak", "bapak", "bang", "om", "tante", "sis",
    "gan", "min", "admin", "kang", "akang", "teh", "teteh", "bos", "boss", "bro", "cak", "dik", "dek", "sah",
    "bapa", "mama", "kaka", "uni", "uda", "bli", "mbok", "nyong", "nona", "sir", "maam", "madam", "dong", "deh", "aja", "aj", "saja", "sih", "nih", "lah", "ah", "kok", "kan", "lho",
    "please", "pls", "plis", "thanks", "thank", "you", "makasih", "terima", "kasih", "tq", "thx", "saya", "aku",
    "usah", "perlu", "dulu", "sekarang", "now", "yet", "mind", "sekali", "banget", "bgt", "kalau", "gitu", "itu",
    "semua", "datanya", "data", "acan", "pendaftarannya", "pendaftaran", "the", "it", "do", "so", "lagi", "sdh", "nya",
    "semuanya", "i", "eh", "begitu", "gtu", "kalo", "klo", "me",
    "hehe", "wkwk", "😊", "🙂", "😀", "😁", "❤", "🥰", "😍", "✨",
})
INTERJECTIONS = frozenset({"oh", "owh", "ohh", "oo", "o", "ooh", "ah", "wah", "hmm", "hm"})
# Whole replies that say yes although they contain a negation ("gpp" = "it's fine").
YES_PHRASES = frozenset({
    "gpp", "gapapa", "gakpapa", "ga papa", "gak papa", "nggak papa", "ngga papa", "tidak apa apa", "ga apa apa",
    "gak apa apa", "nggak apa apa", "tidak apa", "tak apa", "ga masalah", "gak masalah", "tidak masalah",
    "no problem", "no worries", "why not", "of course", "go ahead", "sounds good", "ok sure", "yes please",
    "boleh banget", "tentu saja", "sure thing", "do it", "please do", "let's go", "lets go",
})
# Typed shortcuts and common misspellings of the words above.
TYPOS = {"bner": "benar", "btl": "betul", "stj": "setuju", "ya'": "ya", "lnjt": "lanjut", "nxt": "next",
         "nex": "next", "brktnya": "berikutnya", "slnjtnya": "selanjutnya", "hps": "hapus", "dftr": "daftar"}

_MEANINGS: tuple[tuple[Answer, frozenset[str]], ...] = (("yes", YES), ("no", NO), ("next", NEXT), ("back", BACK))
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|\d+|[^\w\s]", re.UNICODE)
_SKIN_AND_VARIANTS = re.compile("[\U0001F3FB-\U0001F3FF\uFE0E\uFE0F\u200D]")
_STRETCHED = re.compile(r"([^\W\d_])\1+")  # "iyaaa", "sipp", "okee" -> letters once
_REDUPLICATED = re.compile(r"([^\W\d_]{2,})2\b")  # "apa2" = "apa apa"


def _squash(word: str) -> str:
    return _STRETCHED.sub(r"\1", word)


@cache
def _vocabulary() -> dict[str, str]:
    """Every known word, by itself and squashed ("nggak" -> "ngak"), to its canonical spelling."""
    known: dict[str, str] = {}
    for words in (YES, NO, NEXT, BACK, CONFIRMING, ABORTING, COURTESY, STEP_WORDS):
        for word in words:
            known.setdefault(word, word)
    for word in list(known):
        known.setdefault(_squash(word), word)
    for typo, word in TYPOS.items():
        known.setdefault(typo, word)
    return known


def _close(word: str, other: str) -> bool:
    """One letter added, dropped, changed or two swapped (words of five letters or more only)."""
    if abs(len(word) - len(other)) > 1 or min(len(word), len(other)) < 5 or word == other:
        return False
    if len(word) == len(other):
        diff = [i for i, (a, b) in enumerate(zip(word, other, strict=True)) if a != b]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and word[diff[0]] == other[diff[1]] and word[diff[1]] == other[diff[0]])
    short, long = sorted((word, other), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


@cache
def _known(token: str) -> str | None:
    """The canonical spelling of a typed word, or None when it is not an answer word. Typos are corrected only
    towards answer words and verbs, and never from a word Kriya knows ("batik" is not "balik")."""
    vocabulary = _vocabulary()
    found = vocabulary.get(token) or vocabulary.get(_squash(token)) or vocabulary.get(slang().get(token, ""))
    if found or token in known_words() or not token.isalpha():
        return found
    answer_words = YES | NO | NEXT | BACK | CONFIRMING | ABORTING
    candidates = {vocabulary[word] for word in answer_words if _close(_squash(token), _squash(word))}
    return candidates.pop() if len(candidates) == 1 else None


def words(text: str) -> list[str]:
    """The message as lower-case words and emoji, without punctuation, skin tones or stretched letters."""
    text = _SKIN_AND_VARIANTS.sub("", unicodedata.normalize("NFKC", text).casefold()).replace("’", "'")
    text = _REDUPLICATED.sub(r"\1 \1", text)
    return [t for t in _TOKEN.findall(text) if not unicodedata.category(t[0]).startswith("P")]


def meaning(text: str, *, bare_verb: bool = True, remark_after_no: bool = True) -> Answer | None:
    """What a short reply means as an answer to a question Kriya asked (None when it is not a plain answer).
    With `bare_verb` False a confirming verb alone ("register", "daftar") is no yes: agreeing to keep one's data
    takes an answer word ("setuju", "ya daftar"). With `remark_after_no` False a no must be the whole reply (where a
    no would throw answers away: "bukan, nama saya Sri" at a registration's last step is a correction)."""
    typed = words(text)
    if not typed:
        return None
    if set(typed) & KEEPING and any(_known(w) in NO for w in typed):
        typed = without_keeping(typed) or typed  # "ga jadi batal kak, tetap ikut": the no, said twice
    if "?" in text and typed[0] in CORRECTING and len(typed) > 2:
        return None  # "bukan merek kak, BATIKMARK. lama prosesnya brp?": a correction and a question, not a no
    if len(typed) > MAX_WORDS:
        return "no" if remark_after_no and refuses_first(typed) else None
    if typed[0] in INTERJECTIONS and any(_known(w) in CONFIRMING | ABORTING | NO for w in typed[1:]):
        typed = typed[1:]  # "oh gitu, ya udah hapus aja", "hmm gk setuju"; but "oh gitu ya" ("I see") is no yes
    spelled = [_known(word) or word for word in typed]
    if {" ".join(spelled), " ".join(w for w in spelled if w not in COURTESY)} & YES_PHRASES:
        return "yes"  # "gpp kak", "no problem", "of course"
    rest = [w for w in spelled if w not in COURTESY and w not in YES]
    if rest != spelled and " ".join(rest) in YES_PHRASES:
        return "yes"  # "sure, go ahead", "yes please do"
    if spelled[0] in YES_PHRASES and all(w in CONFIRMING or w in COURTESY for w in spelled[1:]):
        return "yes"  # "gpp hapus aja", "gapapa daftar"
    if remark_after_no and refuses_first(typed):
        return "no"  # "ga mau ah, ngapain data saya disimpen", "no keep it": a no, then a remark
    if any(_known(word) is None for word in typed):
        return None
    core = [word for word in spelled if word not in COURTESY]
    if not core:
        return None  # "makasih kak" is thanks, not an answer
    if any(word in NO for word in core):
        return "no"  # negation wins: "ga setuju", "tidak mau", "ga jadi", "not now"
    if len(core) > 1 and any(w in NEXT | BACK for w in core):
        core = [w for w in core if w not in STEP_WORDS] or core  # "balik ke langkah sebelumnya"
    kinds = {answer for word in core for answer, vocabulary in _MEANINGS if word in vocabulary}
    if kinds <= {"yes"} and set(spelled) & THANKING and not any(w in CONFIRMING for w in core):
        return None  # "makasih ya", "iya makasih kak": thanks, not a yes to go on
    if "back" in kinds:
        return "back" if kinds <= {"back", "yes"} else None
    if kinds == {"next"}:
        return "next"  # "lanjut", "terus?", "next kak"
    if "yes" in kinds:
        return "yes"  # "ya daftar", "oke lanjut", "iya hapus aja", "setuju kak"
    if bare_verb and all(word in CONFIRMING for word in core):
        return "yes"  # "daftar", "hapus aja", "kirim"
    return None  # "batal" alone: stop what was asked, or cancel it? The question's own options decide.


# Keeping what the question offers to end ("gk jadi deh kak, tetep ikut" at "cancel your registration?"): after a
# no, "tetap" and a verb say the same no again, not a yes.
KEEPING = frozenset({"tetap", "tetep", "ttp", "tetp", "masih", "still", "keep"})


_KEPT_WORDS = frozenset({"hadir", "datang", "dateng", "ikutan", "going", "coming", "joining", "attend", "attending",
                         "want", "to", "my", "seat", "registration"})


def without_keeping(words: list[str]) -> list[str]:
    """The words without "tetap <verb>" clauses ("tetep ikut", "masih mau daftar", "still join", "keep it")."""
    kept: list[str] = []
    dropping = False
    for word in words:
        if word in KEEPING:
            dropping = True
        elif not (dropping and (word in YES | CONFIRMING | COURTESY or word in _KEPT_WORDS)):
            dropping = False
            kept.append(word)
    return kept


REFUSING_PREFIX_MAX = 3  # words of the opening "no" ("ga mau ah", "no")


CORRECTING = frozenset({"bukan", "not"})
CONDITIONAL = frozenset({"kalo", "kalau", "klo", "kl", "if", "jika", "jikalau", "bila", "misal", "misalnya", "seandainya"})
ASKING_HOW = frozenset({"gmn", "gimana", "bagaimana", "gmana", "gimane", "how"})  # "bukan X, Y": what follows corrects, it does not refuse


def refuses_first(typed: list[str]) -> bool:
    """A reply that opens with a plain no and goes on with a remark, never with a yes or a verb: "ga mau ah,
    ngapain data saya disimpen", "no keep it", "nggak, takut disalahgunakan"."""
    if (typed and typed[0] in CONDITIONAL) or set(typed) & ASKING_HOW:
        return False  # "kalo ga punya npwp gmn": a question about not having one, no refusal
    spelled = [_known(w) or w for w in typed]
    if spelled and spelled[0] in INTERJECTIONS:
        spelled = spelled[1:]  # "hmm gk setuju deh, data sy disimpen"
    prefix: list[str] = []
    for word in spelled[:REFUSING_PREFIX_MAX]:
        if word in NO or word in COURTESY or word == "mau" or (word in YES and prefix and prefix[-1] in NO):
            prefix.append(word)  # ("gk setuju": a negated yes is part of the no)
        else:
            break
    if not any(w in NO for w in prefix) or len(prefix) == len(spelled):
        return False  # no "no" at the start, or the whole reply is the prefix (the rules below read it)
    rest = spelled[len(prefix):]
    # (the remark may negate again: "gk deh, sy gk mau data sy disimpen": its negated "mau" is no yes)
    rest = [w for i, w in enumerate(rest) if not (w in YES and i > 0 and rest[i - 1] in NO)]
    rest = without_keeping(rest)  # "gk jadi deh, tetep ikut": still the no
    return not any(w in YES | CONFIRMING | ABORTING | NEXT | BACK for w in rest) and " ".join(spelled) not in YES_PHRASES


def verb(text: str) -> str | None:
    """The one verb a reply is made of ("batalkan", "hapus aja"), to find the option whose title has it."""
    core = [w for w in (_known(t) for t in words(text)) if w not in COURTESY]
    return core[0] if len(core) == 1 and core[0] in CONFIRMING | ABORTING else None


# Where an answer ends and another request begins: "setuju. tp sertifikatnya dapet gk?", "eh gk jd deh, tp stop
# kabar anyaman aja". A comma alone parts nothing ("gak punya usaha, masih ikut juragan" is one answer, "bukan, nama
# saya Sri" one correction).
_CONTRAST = re.compile(r"(?i)(?:[.!;]+\s+|,\s*|\s+)(?:tapi|tp|tpi|tapii|but|namun|cuma|cm)\s+")
_SENTENCE_END = re.compile(r"[.!;]+\s+")


def answer_and_rest(text: str) -> tuple[str, str] | None:
    """(a plain yes or no, the request that follows it) of a message that says both, or None. The rest must say
    something of its own: not another answer, not courtesy, not the same no again ("gk jadi, tetep ikut")."""
    for pattern in (_CONTRAST, _SENTENCE_END):
        found = pattern.search(text)
        if found is None or found.start() == 0:
            continue
        head, rest = text[:found.start()].strip(), text[found.end():].strip()
        rest = _TRAILING_CONTRAST.sub("", rest).strip()
        typed = words(rest)
        if meaning(head) not in ("yes", "no") or not typed:
            continue
        if words(head)[0] in CORRECTING:
            return None  # "bukan merek kak, BATIKMARK. lama prosesnya brp?": a correction, then a question
        spelled = [_known(w) or w for w in typed]
        if meaning(rest) is not None or all(w in COURTESY for w in without_keeping(spelled)):
            return None
        if meaning(head) == "yes" and not ("?" in rest or set(typed[:2]) & _QUESTION_WORDS):
            return None  # "ya. tp nama saya salah": a yes with a reservation is read whole, never sent as it is
        return head, rest
    return None


_QUESTION_WORDS = frozenset({"apa", "apakah", "berapa", "brp", "kapan", "dimana", "dmn", "gimana", "gmn",
                             "bagaimana", "siapa", "kenapa", "knp", "what", "when", "where", "how", "who", "why",
                             "do", "does", "is", "are", "can"})
_TRAILING_CONTRAST = re.compile(r"(?i)^(?:tapi|tp|tpi|but|namun)\s+")
