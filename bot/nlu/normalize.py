"""Text normalisation: case, Unicode, punctuation, stretched letters, chat slang and glued words."""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import cache, lru_cache

from bot.nlu import data

logger = logging.getLogger(__name__)

_QUOTES = str.maketrans({c: "'" for c in "‘’‛`´ʼ"})
_SD = re.compile(r"\bs\s*[./]\s*d\b\.?")
_TOKEN = re.compile(r"\d+(?:st|nd|rd|th)\b|\d+(?:[./:,-]\d+)*|[a-z]+|#")
_REDUPLICATED = re.compile(r"\b([a-z]{3,})2\b")  # "pelatihan2" = "pelatihan-pelatihan"
_NUMBER_WORDS = {"nomor", "nmr", "nomer", "yang", "opsi", "pilihan", "number", "option", "num", "nr"}
_RUN3 = re.compile(r"([a-z])\1{2,}")
_RUN2 = re.compile(r"([a-z])\1+")
# Clitic -> the word it stands for ("pelatihanku" = "pelatihan saya").
_SUFFIXES = {"nya": "", "lah": "", "kah": "", "ku": "saya", "mu": "kamu", "in": ""}
# "no" before these is "nomor" ("no wa admin", "no hp"), not the English "no".
_NO_NOUNS = {
    "hp", "wa", "whatsapp", "telp", "telpon", "telepon", "tlp", "kontak", "rekening", "rek", "ktp", "npwp",
    "induk", "registrasi", "pendaftaran", "antrian", "peserta", "kantor", "admin", "dinas", "panitia",
}


def fold(text: str) -> str:
    """Lower-case ASCII words, digit groups (5/12, 09.00, 5-10 stay whole) and '#', one space apart."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = _SD.sub(" sampai ", text).replace("'", "")
    text = _REDUPLICATED.sub(lambda m: m[1] if m[1] not in _NUMBER_WORDS else m[0], text)
    return " ".join(_TOKEN.findall(text))


@cache
def slang() -> dict[str, str]:
    """Chat abbreviation -> standard word(s)."""
    return {fold(k): fold(v) for k, v in data.load("lexicon")["slang"].items()}


@cache
def domain_words() -> frozenset[str]:
    """Words of crafts, topics and the domain list of the lexicon."""
    lex = data.load("lexicon")
    phrases: list[str] = list(lex["domain"])
    for terms in lex["crafts"].values():
        phrases += terms
    for family in lex["topics"].values():
        for terms in family.values():
            phrases += terms
    return frozenset(w for p in phrases for w in fold(str(p)).split())


@cache
def known_words() -> frozenset[str]:
    """Words Kriya knows as they are: never stretched, split or corrected."""
    lex = data.load("lexicon")
    places = data.load("places")
    phrases: list[str] = [*lex["common"], *lex["countries"], *slang(), *slang().values()]
    phrases += [*places["aliases"], *places["weak"], *places["cues"]]
    words = {w for p in phrases for w in fold(str(p)).split()} | domain_words()
    words.update(data.load("guard")["words"])
    return frozenset(words)


def _squeeze(token: str, known: frozenset[str]) -> str:
    """'halooo' -> 'halo', 'maaaf' -> 'maaf', 'jogjaa' -> 'jogja'; known words stay as they are."""
    if token in known or not _RUN2.search(token):
        return token
    two = _RUN3.sub(r"\1\1", token)
    if two in known:
        return two
    one = _RUN2.sub(r"\1", token)
    if one in known or two != token:
        return one
    return token


def _unglue(token: str, known: frozenset[str]) -> list[str]:
    """'pelatihanbatik' -> ['pelatihan', 'batik']: two known words, one of the domain; else [token]."""
    if len(token) < 7 or not token.isalpha():
        return [token]
    domain = domain_words()
    for cut in range(3, len(token) - 2):
        left, right = token[:cut], token[cut:]
        if left in known and right in known and (left in domain or right in domain):
            return [left, right]
    return [token]


@lru_cache(maxsize=8192)
def _word(token: str) -> tuple[str, ...]:
    known = known_words()
    table = slang()
    if token in table:
        return tuple(table[token].split())
    token = _squeeze(token, known)
    if token in table:
        return tuple(table[token].split())
    if token in known or not token.isalpha():
        return (token,)
    if token.endswith("in") and token[:-2] + "kan" in known:  # chat "-in" is "-kan": daftarin, batalin
        return (token[:-2] + "kan",)
    for suffix, meaning in _SUFFIXES.items():
        stem = token[: -len(suffix)]
        if token.endswith(suffix) and len(stem) >= 3 and (stem in known or stem in table):
            return (*table.get(stem, stem).split(), *meaning.split())
    return tuple(_unglue(token, known))


def normalize(text: str) -> str:
    """The text as Kriya reads it: 'Plthn BTK jgja bln dpn gak??' -> 'pelatihan batik jgja bulan depan tidak'.
    """
    words = [w for token in fold(text).split() for w in _word(token)]
    after = [*words[1:], ""]
    words = ["nomor" if w == "no" and after[i] in _NO_NOUNS else w for i, w in enumerate(words)]
    return " ".join(words)
