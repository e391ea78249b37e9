"""Kriya's domain vocabulary: crafts and topics in a message, and careful typo correction towards them."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Generic, TypeVar

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.nlu import data
from bot.nlu.normalize import fold, known_words

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Match(Generic[T]):
    start: int  # first token
    end: int  # one past the last token
    value: T


class PhraseTable(Generic[T]):
    """Phrases of one or more words -> a value; finds them leftmost-longest in a token list."""

    def __init__(self, entries: Iterable[tuple[str, T]]) -> None:
        self._table: dict[tuple[str, ...], T] = {}
        for phrase, value in entries:
            key = tuple(fold(phrase).split())
            if key:
                self._table.setdefault(key, value)
        self._longest: dict[str, int] = {}  # first word -> length of the longest phrase it starts
        for key in self._table:
            self._longest[key[0]] = max(self._longest.get(key[0], 0), len(key))

    def get(self, phrase: tuple[str, ...]) -> T | None:
        return self._table.get(phrase)

    def words(self) -> set[str]:
        return {w for key in self._table for w in key}

    def at(self, tokens: Sequence[str], i: int) -> Match[T] | None:
        """The longest phrase that starts at token i."""
        for n in range(min(self._longest.get(tokens[i], 0), len(tokens) - i), 0, -1):
            value = self._table.get(tuple(tokens[i : i + n]))
            if value is not None:
                return Match(i, i + n, value)
        return None

    def find(self, tokens: Sequence[str]) -> list[Match[T]]:
        """Every non-overlapping phrase, leftmost first, the longest at each place."""
        found: list[Match[T]] = []
        i = 0
        while i < len(tokens):
            match = self.at(tokens, i)
            if match:
                found.append(match)
                i = match.end
            else:
                i += 1
        return found


@cache
def crafts() -> PhraseTable[str]:
    """Craft words and phrases -> craft code."""
    lex = data.load("lexicon")["crafts"]
    return PhraseTable((term, code) for code, terms in lex.items() for term in [code, *terms])


@cache
def topics(family: str) -> PhraseTable[str]:
    """Topic words of one family ('certification' or 'market_tips') -> topic code."""
    lex = data.load("lexicon")["topics"][family]
    return PhraseTable((term, code) for code, terms in lex.items() for term in terms)


@cache
def countries() -> PhraseTable[bool]:
    """Names of other countries ('jepang', 'eropa', 'luar negeri')."""
    return PhraseTable((name, True) for name in data.load("lexicon")["countries"])


MIN_VOWELLESS = 6  # targets of vowel-less spellings have this many letters or more
MIN_CONSONANTS = 4  # ... and the spelling this many consonants ("smrng", not "sm")
_VOWELS = str.maketrans("", "", "aeiou")


def _consonants(word: str) -> str:
    return word.translate(_VOWELS)


class Corrector:
    """Corrects a typo towards a domain word, with care: short words and known words are left alone.

    A word of 6 letters or more may be one edit away from a domain word (a transposition counts as one) and
    the first letter must agree; place names are targets only from 7 letters. A word Kriya knows as it is
    (lexicon 'common', data/guard.yaml, slang, places...) is never changed. A word typed without some of its
    vowels ('bnjrmasin', 'smrng', 'srtfkt': half of them or more, the last letter kept) becomes the one domain
    word or place name it leaves them out of.
    """

    def __init__(self, domain: Iterable[str], places: Iterable[str]) -> None:
        self._known = known_words()
        self._targets: dict[tuple[str, bool], list[str]] = {}
        for word in sorted(set(domain)):
            if len(word) >= 5 and word.isalpha():  # "anyamn" (6) may still become "anyaman" (7)
                self._targets.setdefault((word[0], False), []).append(word)
        for word in sorted(set(places) - set(domain)):
            if len(word) >= 7 and word.isalpha():
                self._targets.setdefault((word[0], True), []).append(word)
        self._skeletons: dict[str, set[str]] = {}  # consonants -> the targets that have them
        for word in {*domain, *places}:
            if len(word) >= MIN_VOWELLESS and word.isalpha():
                self._skeletons.setdefault(_consonants(word), set()).add(word)
        self.correct = lru_cache(maxsize=16384)(self._correct)

    def _vowelless(self, token: str) -> str | None:
        """The one target that `token` is with vowels left out, or None."""
        skeleton = _consonants(token)
        found = self._skeletons.get(skeleton) if len(skeleton) >= MIN_CONSONANTS else None
        if not found or len(found) > 1:
            return None
        target = next(iter(found))
        if token[-1] != target[-1] or 2 * (len(token) - len(skeleton)) > len(target) - len(skeleton):
            return None  # another ending, or most vowels kept: "nastar" is no "niasutara"
        letters = iter(target)
        return target if all(c in letters for c in token) else None  # token is target less some vowels

    def _correct(self, token: str) -> str:
        if len(token) < MIN_VOWELLESS - 1 or token in self._known or not token.isalpha():
            return token
        if (target := self._vowelless(token)) is not None:
            logger.debug("vowels left out %r -> %r", token, target)
            return target
        if len(token) < 6:
            return token
        for place in (False, True):
            if place and len(token) < 7:
                continue
            choices = [w for w in self._targets.get((token[0], place), ()) if abs(len(w) - len(token)) <= 1]
            best = process.extractOne(token, choices, scorer=OSA.distance, score_cutoff=1)
            if best is not None:
                logger.debug("typo %r -> %r", token, best[0])
                return str(best[0])
        return token
