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
_GLUED_NUMBER = ("nomor", "nomer", "nmr")  # "daftarnomer2" is "daftar nomer 2", no reduplication
_RUN3 = re.compile(r"([a-z])\1{2,}")
_RUN2 = re.compile(r"([a-z])\1+")
# Clitic -> the word it stands for ("pelatihanku" = "pelatihan saya").
_SUFFIXES = {"nya": "", "lah": "", "kah": "", "ku": "saya", "mu": "kamu", "in": ""}
# Regional clitics of the same kind, read only on a stem of 4+ letters: Javanese "-(n)e" and krama "-(n)ipun"
# ("pelatihane", "infonipun"), Sundanese "-na" ("detailna"), Minang "-nyo" ("izinnyo").
_REGIONAL_SUFFIXES = ("nipun", "ipun", "nyo", "ne", "na", "e")
_MIN_REGIONAL_STEM = 4
# Digits typed for letters ("t3nun", "b4ntul", "inf0"); 2 stays out ("pelatihan2" is a reduplication).
_LEET = str.maketrans("013457", "oieast")
_MIXED = re.compile(r"\b(?=[a-z0-9]*[a-z])(?=[a-z0-9]*[013457])[a-z0-9]{2,}\b", re.IGNORECASE)
_DIGIT_RUN = re.compile(r"\d\d")
_INNER_DIGIT = re.compile(r"[a-z][0-9]+[a-z]")
_ORDINAL_OR_POINTER = re.compile(r"^(?:ke|no|nr|yg)\d+$")
# Nasal verb prefixes of chat and regional speech -> the first letters they stand for ("" = the stem as it is).
_VERB_PREFIXES = (("nge", ("",)), ("nga", ("",)), ("ny", ("s", "c")), ("ng", ("k", "")), ("n", ("t",)),
                  ("m", ("p", "")))
_SHORT_PARTS = {"di", "ke", "ga", "ya", "yg", "no"}  # the only two-letter words a glued word is split into
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
    text = _REDUPLICATED.sub(lambda m: m[0] if m[1] in _NUMBER_WORDS or m[1].endswith(_GLUED_NUMBER) else m[1], text)
    return " ".join(_TOKEN.findall(text))


@cache
def slang() -> dict[str, str]:
    """Chat abbreviation or regional word (data/regional.yaml) -> standard word(s); the lexicon's slang wins."""
    table = {fold(k): fold(v) for k, v in data.load("lexicon")["slang"].items()}
    for words in data.load("regional").values():
        for k, v in words.items():
            table.setdefault(fold(k), fold(str(v)))
    return table


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


def _parts(token: str, known: frozenset[str]) -> list[str] | None:
    """The split of a glued token into known words with the fewest parts (longest first), or None."""
    best: list[list[str] | None] = [[]] + [None] * len(token)  # best[i]: the split of token[:i]
    for end in range(2, len(token) + 1):
        for start in range(max(0, end - 24), end - 1):
            part, before = token[start:end], best[start]
            if before is None or part not in known or (len(part) < 3 and part not in _SHORT_PARTS):
                continue
            found = best[end]
            if found is None or len(before) + 1 < len(found):
                best[end] = [*before, part]
    return best[-1]


def _unglue(token: str, known: frozenset[str]) -> list[str]:
    """'pelatihanbatik' -> ['pelatihan', 'batik'], 'kursusbatikdijogja' -> ['kursus', 'batik', 'di', 'jogja']:
    known words, one of them of the domain; else [token]."""
    if len(token) < 7 or not token.isalpha():
        return [token]
    parts = _parts(token, known)
    if parts and len(parts) > 1 and any(p in domain_words() for p in parts):
        return parts
    return [token]


def _craft_verb(token: str) -> str | None:
    """The domain word under a colloquial or regional active verb: 'nyulam' -> 'sulam', 'ngukir' -> 'ukir',
    'nenun' -> 'tenun', 'mbatik'/'ngebatik'/'mambatik' -> 'batik', 'batenun' -> 'tenun' (Minang ba-/ma-)."""
    domain = domain_words()
    for prefix, heads in _VERB_PREFIXES:
        rest = token[len(prefix):]
        if not token.startswith(prefix) or len(rest) < 3:
            continue
        for head in heads:
            if head + rest in domain:
                return head + rest
    for prefix in ("ma", "ba"):
        if token.startswith(prefix) and len(token) > 5:
            found = token[2:] if token[2:] in domain else _craft_verb(token[2:])
            if found:
                return found
    return None


def unleet(text: str) -> str:
    """'t3nun' -> 'tenun', 'inf0' -> 'info' in a raw message (before training codes are looked for): a word with
    single digits for letters, when it reads as a known word or the digits sit between letters; counts,
    ordinals, prices and codes ('ke3', '5jt', '2x', 'no2', 'btk2612') stay."""
    return _MIXED.sub(_unleet, text)


def _unleet(match: re.Match[str]) -> str:
    token = match[0].lower()
    if _ORDINAL_OR_POINTER.match(token) or _DIGIT_RUN.search(token):
        return match[0]
    word = token.translate(_LEET)
    if not word.isalpha():
        return match[0]
    known = known_words()
    squeezed = _squeeze(word, known)
    if len(token) == 2:  # "d1": only a short function word
        return word if word in _SHORT_PARTS else match[0]
    if squeezed in known or squeezed in slang() or _INNER_DIGIT.search(token):
        return word
    return match[0]


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
    if (verb := _craft_verb(token)) is not None:
        return (verb,)
    for suffix in _REGIONAL_SUFFIXES:
        stem = token[: -len(suffix)]
        if token.endswith(suffix) and len(stem) >= _MIN_REGIONAL_STEM and (stem in known or stem in table):
            return tuple(table.get(stem, stem).split())
    return tuple(_unglue(token, known))


# "Ya sudah" and its kin mean "all right then" ("yaudah daftar aja", "nya atos, daftar wae"): read as "oke", never
# as "already" (which would make "yaudah daftar" "already registered").
_OK_THEN = frozenset({"yaudah", "yaudh", "yauda", "yaudahlah", "ywdh", "ywd", "yowis", "yawis", "yasudah", "yodah",
                      "yadah", "yaud"})
_OK_THEN_FIRST = frozenset({"ya", "yah", "yo", "ye", "nya", "yaa"})  # ... "sudah" as the message's first two words
OK = "oke"


def _all_right_then(words: list[str]) -> list[str]:
    read: list[str] = []
    for word in words:
        if word in _OK_THEN:
            read.append(OK)
        elif word == "sudah" and len(read) == 1 and read[0] in _OK_THEN_FIRST:
            read[-1] = OK
        else:
            read.append(word)
    return read


def normalize(text: str) -> str:
    """The text as Kriya reads it: 'Plthn BTK jgja bln dpn gak??' -> 'pelatihan batik jgja bulan depan tidak'.
    """
    text = unleet(text)
    words = _all_right_then([w for token in fold(text).split() for w in _word(token)])
    after = [*words[1:], ""]
    words = ["nomor" if w == "no" and after[i] in _NO_NOUNS else w for i, w in enumerate(words)]
    return " ".join(words)
