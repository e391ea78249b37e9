"""Reading an answer to a question Kriya asked, in the person's own words: yes, no, next, back.

One reader for every question (consent, confirmations, cancelling, deleting, guide steps), so that "ya daftar",
"iya kak", "nggih", "👍" mean yes everywhere, and a yes is never taken for a new request."""

from __future__ import annotations

import logging
import re
import unicodedata

from bot.core import Answer

logger = logging.getLogger(__name__)

# Words (after normalising) that say one thing on their own; combinations ("ya daftar", "iya kak") are read
# by `meaning` word by word: every word must be one of the meaning's words or a courtesy word.
WORDS: dict[Answer, frozenset[str]] = {
    "yes": frozenset({"ya", "iya", "y", "yes", "ok", "oke", "okay", "setuju", "boleh", "benar", "betul", "sip",
                      "agree", "yup", "yep", "nggih", "inggih", "muhun", "sumuhun", "mangga", "gas", "siap",
                      "👍", "✅", "👌", "🙏", "👍🏻", "👍🏼", "👍🏽", "👍🏾", "👍🏿"}),
    "no": frozenset({"tidak", "tdk", "gak", "ga", "gk", "nggak", "enggak", "engga", "no", "nope", "jangan",
                     "mboten", "ora", "henteu", "teu", "❌", "👎", "✖️"}),
    "next": frozenset({"lanjut", "lanjutkan", "berikutnya", "selanjutnya", "next", "terus", "teruskan"}),
    "back": frozenset({"kembali", "sebelumnya", "back", "previous", "mundur"}),
}
COURTESY = frozenset({"kak", "ka", "kakak", "mas", "mbak", "bu", "pak", "bang", "dong", "deh", "aja", "saja",
                      "sih", "nih", "please", "pls", "thanks", "makasih", "min", "admin", "lah", "yaa", "ok"})
# Verbs that confirm what was asked ("ya daftar", "ya batalkan", "iya hapus aja"): they strengthen a yes.
CONFIRMING = frozenset({"daftar", "daftarkan", "batal", "batalkan", "hapus", "hapuskan", "kirim", "setuju",
                        "lanjut", "register", "cancel", "delete", "send"})

_TOKEN = re.compile(r"[\w]+|[^\w\s]", re.UNICODE)


def _tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    text = re.sub(r"(\w)\1{2,}", r"\1", text)  # iyaaa -> iya
    return [t for t in _TOKEN.findall(text) if t not in {".", ",", "!", "?"}]


def meaning(text: str) -> Answer | None:
    """What a short reply means as an answer (None when it is not a plain answer)."""
    words = _tokens(text)
    if not words or len(words) > 5:
        return None
    for answer, vocabulary in WORDS.items():
        if words[0] in vocabulary and all(w in vocabulary or w in COURTESY or
                                          (answer == "yes" and w in CONFIRMING) for w in words[1:]):
            return answer
    if all(w in CONFIRMING or w in COURTESY for w in words) and any(w in CONFIRMING for w in words):
        return "yes"  # "daftar", "hapus aja", "kirim"
    return None
