"""Reading the answers to the questions after a training in people's own words: a rating ("5", "bagus bgt",
"lumayan", "⭐⭐⭐⭐", "kurang") and a reason for not coming ("lg sakit", "ada acara", "ga ada ongkos")."""

from __future__ import annotations

import logging
import re

from bot.nlu.normalize import normalize

logger = logging.getLogger(__name__)

STARS = re.compile("[⭐★🌟]")
ONE_DIGIT = re.compile(r"(?<![\d.,/])([1-5])(?:\s*(?:/|dari|of|out of)\s*5)?(?![\d.,])")
SO_SO = re.compile(r"(?i)\bso[\s-]so\b")
SCALE_OF_TEN = re.compile(r"(?<![\d.,/])(10|[1-9])\s*/\s*10(?![\d.,])")

# Words of a rating, by the rating they mean (normalized: "bgt" is "banget", "pisan" is "sekali").
POSITIVE = frozenset({"bagus", "baik", "puas", "good", "nice", "apik", "sae", "suka", "seru", "bermanfaat",
                      "berguna", "menarik", "useful", "helpful", "enjoyed", "memuaskan"})
GREAT = frozenset({"mantap", "mantab", "mantul", "keren", "sempurna", "excellent", "amazing", "great", "perfect",
                   "awesome", "luar", "top", "terbaik", "best", "istimewa", "josss", "joss", "jos", "fantastic",
                   "wonderful", "outstanding", "recommended"})
MIDDLING = frozenset({"lumayan", "cukup", "biasa", "sedang", "standar", "okay", "average", "fair",
                      "lumayanlah"})
WEAK = frozenset({"kurang", "kecewa", "meh", "mediocre", "disappointing", "disappointed", "poor"})
AWFUL = frozenset({"jelek", "buruk", "parah", "mengecewakan", "bad", "terrible", "awful", "hancur", "zonk",
                   "worst", "horrible", "payah", "ancur", "nyesel", "menyesal"})
INTENSE = frozenset({"banget", "sekali", "sangat", "very", "so", "really", "amat", "tenan", "poll", "pol", "bgt",
                     "super", "extremely", "bener", "paling"})
NEGATION = frozenset({"tidak", "bukan", "not", "no", "never", "belum", "kurang"})
EMOJI = {"🤩": 5, "😍": 5, "🔥": 5, "💯": 5, "🥰": 5, "👍": 4, "😊": 4, "🙂": 4, "😃": 4, "😄": 4,
         "😐": 3, "😶": 3, "🤔": 3, "😕": 2, "🙁": 2, "😞": 1, "😡": 1, "😠": 1, "👎": 1, "😭": 1}

REASON_WORDS: dict[str, frozenset[str]] = {
    "sakit": frozenset({"sakit", "demam", "flu", "pilek", "batuk", "opname", "dirawat", "rawat", "meriang", "sick",
                        "ill", "illness", "hospital", "covid", "melahirkan", "lahiran", "pusing"}),
    "bentrok": frozenset({"bentrok", "tabrakan", "acara", "hajatan", "kondangan", "sibuk", "kerja", "kerjaan",
                          "kerjaannya", "jadwal", "jadwalnya", "busy", "conflict", "schedule", "clash", "event",
                          "work", "urusan", "keperluan", "pesanan", "orderan", "dinas", "layat", "melayat"}),
    "jauh": frozenset({"jauh", "kejauhan", "biaya", "ongkos", "ongkosnya", "mahal", "transport", "transportasi",
                       "bensin", "uang", "duit", "dana", "far", "cost", "costs", "money", "expensive", "fare",
                       "kendaraan", "motor", "angkot", "travel", "tiket"}),
    "lupa": frozenset({"lupa", "kelupaan", "ketiduran", "forgot", "forget", "forgotten", "lalai", "kelewat"}),
    "lainnya": frozenset({"lainnya", "lain", "other", "others", "else"}),
}
NOT_HEALTHY = re.compile(r"\b(?:tidak|kurang)\s+(?:enak\s+badan|sehat|fit)\b|\bmasuk\s+angin\b")
REASON_PRIORITY = ("sakit", "lupa", "jauh", "bentrok", "lainnya")  # "lupa, lagi sibuk" forgot first


def _words(text: str) -> list[str]:
    return normalize(text).split()


def rating_in(text: str) -> int | None:
    """The 1-5 rating a message gives, or None when it gives none (or two)."""
    stars = len(STARS.findall(text))
    if 1 <= stars <= 5:
        return stars
    digits = {int(d) for d in ONE_DIGIT.findall(text)}
    ten = SCALE_OF_TEN.search(text)
    if ten:
        return max(1, round(int(ten.group(1)) / 2))
    if len(digits) == 1:
        return digits.pop()
    if digits:
        return None
    if SO_SO.search(text):
        return 3
    by_words = _rating_by_words(_words(text))
    if by_words is not None:
        return by_words
    faces = {EMOJI[c] for c in text if c in EMOJI}
    return faces.pop() if len(faces) == 1 else None


def _rating_by_words(words: list[str]) -> int | None:
    found: list[int] = []
    for i, word in enumerate(words):
        before = words[max(0, i - 2):i]
        after = words[i + 1:i + 3]
        negated = any(w in NEGATION for w in before)
        intense = any(w in INTENSE for w in before + after)
        if word in GREAT or (word == "biasa" and "luar" in before):
            found.append(2 if negated else 5)
        elif word in POSITIVE:
            found.append(2 if negated else 5 if intense else 4)
        elif word in MIDDLING:
            found.append(3)
        elif word in AWFUL:
            found.append(4 if negated and "kurang" not in before else 1)
        elif word in WEAK and not (i + 1 < len(words) and words[i + 1] in POSITIVE | GREAT | AWFUL):
            found.append(1 if intense else 2)
    if not found:
        return None
    return found[0] if len(set(found)) == 1 or max(found) - min(found) <= 1 else None


def reason_in(text: str) -> str | None:
    """Why someone did not come, as one of REASONS, or None when the message says none of them."""
    if NOT_HEALTHY.search(normalize(text)):
        return "sakit"
    words = set(_words(text)) | {w.strip(".,!?") for w in text.casefold().split()}
    found = [reason for reason in REASON_PRIORITY if words & REASON_WORDS[reason]]
    return found[0] if found else None


SKIP_WORDS = frozenset({"lewati", "lewat", "skip", "gak", "ga", "tidak", "nggak", "enggak", "no", "nope", "none",
                        "nothing", "gada", "engga", "ndak", "mboten", "-", "cukup", "udah", "sudah", "itu"})


def skips(text: str) -> bool:
    """Whether a free answer is only a way of saying "nothing to add" ("ga ada", "skip", "udah itu aja")."""
    words = [w for w in _words(text) if w not in {"ada", "saran", "kak", "aja", "saja", "deh", "kok", "sih", "ya",
                                                   "komentar", "no", "thanks", "makasih", "terima", "kasih"}]
    return not text.strip() or text.strip() in ("-", ".") or (bool(words) and all(w in SKIP_WORDS for w in words)) \
        or not words
