"""Words of training titles matched with the words typed: "pewarna alam" names "Pewarnaan ... Zat Warna Alam" and
"Warna Alam" (one root, warna), "ukir" names "Ukiran", "awet" names "Pengawetan"."""

from __future__ import annotations

from functools import lru_cache

from bot.nlu.normalize import normalize

# Indonesian affixes taken off a word before roots are compared, longest first (the root keeps 4+ letters).
_PREFIXES = ("peng", "peny", "pem", "pen", "per", "pe", "meng", "meny", "mem", "men", "me", "ber", "ter", "di")
_SUFFIXES = ("annya", "nya", "kan", "an")
MIN_ROOT = 4
PREFIX_MIN = 5  # a typed word this long names a title's longer word it starts ("ecopr" for "ecoprint")
ROOTS_KEPT = 4096


@lru_cache(maxsize=ROOTS_KEPT)
def root(word: str) -> str:
    """The word without one suffix and one prefix ("pewarnaan" -> "warna"), never shorter than 4 letters."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_ROOT:
            word = word[: -len(suffix)]
            break
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_ROOT:
            return word[len(prefix):]
    return word


def same_word(typed: str, title_word: str) -> bool:
    """Whether a typed word names a word of a title: the same word, its beginning, or the same root."""
    return (typed == title_word or (len(typed) >= PREFIX_MIN and title_word.startswith(typed))
            or root(typed) == root(title_word))


@lru_cache(maxsize=ROOTS_KEPT)
def title_words(title: str) -> tuple[str, ...]:
    return tuple(normalize(title).split())


def title_has(title: str, typed: tuple[str, ...], every: bool = True) -> bool:
    """Whether the title has every typed word (or, with `every` False, one of them)."""
    words = title_words(title)
    found = (any(same_word(w, t) for t in words) for w in typed)
    return all(found) if every else any(found)
