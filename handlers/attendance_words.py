"""Reading, in the person's own words, an answer to "do you come?" ("iya insyaallah dtg", "nggih", "ga bisa kak
ada acara", "maaf berhalangan", "can't make it") and to a seat offer ("mau", "ambil kak", "yes", "ga usah")."""

from __future__ import annotations

import logging

from bot.core import Answer
from bot.nlu import answers

logger = logging.getLogger(__name__)

MAX_WORDS = 12  # a longer message says more than whether one comes
# Saying one comes: "dtg", "hadir", "insyaallah", "otw", "i'll be there".
COMING = frozenset({
    "datang", "dtg", "dateng", "hadir", "insyaallah", "insyallah", "inshaallah", "insya", "insha", "allah", "inshallah",
    "ikut", "otw", "pasti", "tetap", "tetep", "tentu", "saya", "sy", "aku", "kami", "nanti", "besok", "kok", "in", "sha",
    "come", "coming", "will", "i'll", "be", "there", "attend", "attending", "see", "you", "going", "am", "i", "rawuh",
    "dugi", "sumping", "teko", "tekan", "jadi",
})
# Saying one cannot: "berhalangan", "ada acara", "can't make it", "sakit".
CANNOT = frozenset({
    "berhalangan", "halangan", "halang", "absen", "izin", "ijin", "sakit", "cant", "can't", "cannot", "unable",
    "won't", "wont", "couldn't",
})
APOLOGY = frozenset({"sorry", "maaf", "mohon", "mf", "punten", "nyuwun", "sepurane", "afwan"})
NEGATED_ABLE = frozenset({"bisa", "bs", "sempat", "sempet", "dapat", "dpt", "make", "it", "ada", "acara", "keperluan",
                          "urusan", "hadir", "datang", "dtg", "ikut", "come", "attend", "lain", "mendadak", "kak"})
# Taking an offered seat: "mau", "ambil kak", "yes take it".
TAKING = frozenset({"ambil", "ambilkan", "ambilin", "kursi", "kursinya", "take", "seat", "mau", "want", "it", "the",
                    "saya", "sy", "aku", "i", "please", "pls", "boleh", "buat", "untuk", "me"})


def _known(word: str, extra: frozenset[str]) -> bool:
    return (word in extra or word in CANNOT or word in NEGATED_ABLE or word in APOLOGY
            or answers.meaning(word, bare_verb=False) is not None or word in answers.COURTESY)


def _read(text: str, extra: frozenset[str]) -> Answer | None:
    typed = answers.words(text)
    if not typed or len(typed) > MAX_WORDS:
        return None
    said = answers.meaning(text)
    if said in ("yes", "no"):
        return said
    first = [w for w in typed if w not in answers.COURTESY and w not in APOLOGY][:2]
    if any(w in CANNOT or answers.meaning(w) == "no" for w in first):
        return "no"  # "ga bisa kak ada acara keluarga", "maaf berhalangan", "can't make it"
    if not all(_known(w, extra) for w in typed):
        return None  # "datang jam berapa?" is a question
    if any(w in CANNOT for w in typed):
        return "no"
    if any(w in extra or answers.meaning(w) == "yes" for w in typed):
        return "yes"
    return None


def coming(text: str) -> Answer | None:
    """Whether the reply to "do you come?" says yes or no (None: it is something else)."""
    return _read(text, COMING)


def taking(text: str) -> Answer | None:
    """Whether the reply to a seat offer takes it or not (None: it is something else)."""
    return _read(text, TAKING)


def any_answer(text: str) -> bool:
    """Whether the message may answer either question (the router asks before anything is looked up)."""
    return coming(text) is not None or taking(text) is not None
