"""Corrections and negations in a message: the value said after a correction counts, a negated one never.

"bukan anyaman, tenun maksudnya" -> tenun; "di Bandung, eh salah, di Garut" -> Garut; "yang di Medan aja, jangan
Jakarta" -> Medan; "salah ketik, bukan november tapi februari" -> February; "yang februari penuh, kalau maret?" ->
March. The cue words are `corrections` and `negations` in data/lexicon.yaml. Without a cue the first value named
counts, as before.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from functools import cache
from typing import TypeVar

from bot.nlu import data
from bot.nlu.dates import find_dates
from bot.nlu.normalize import fold
from bot.nlu.numbers import find_number
from bot.nlu.vocab import Match

logger = logging.getLogger(__name__)

T = TypeVar("T")

# May stand between a negation and what it negates ("jangan di Padang", "bukan yang kedua"); "lain" (Sundanese
# "not", Indonesian "other") negates only the word right after it.
_BETWEEN = frozenset({"di", "yang", "ke", "dari"})
_LOOSE_NEGATIONS = frozenset({"bukan", "jangan"})


@cache
def _cues() -> tuple[frozenset[str], frozenset[tuple[str, ...]], frozenset[str]]:
    """(one-word correction cues, two-word cues, negations), as normalised words."""
    lex = data.load("lexicon")
    cues = [tuple(fold(str(c)).split()) for words in lex["corrections"].values() for c in words]
    negations = frozenset(fold(str(n)) for n in lex["negations"])
    return frozenset(c[0] for c in cues if len(c) == 1), frozenset(c for c in cues if len(c) == 2), negations


@cache
def _said_only() -> frozenset[str]:
    return frozenset(fold(str(c)) for c in data.load("lexicon")["corrections"]["said"])


def without_cues(tokens: Sequence[str]) -> list[str]:
    """The tokens less the words that only correct ("eh", "ralat", "ding"): noise to the intent model."""
    said = _said_only()
    return [t for t in tokens if t not in said]


def cue_positions(tokens: Sequence[str]) -> list[int]:
    """Indexes of the correction cues in normalised tokens (a two-word cue at its last word)."""
    single, double, negations = _cues()
    found = []
    for i, token in enumerate(tokens):
        if token in single or token in negations or (i and (tokens[i - 1], token) in double):
            found.append(i)
    return found


class Said:
    """The correction cues of one message's tokens, to pick the value that counts among several."""

    def __init__(self, tokens: Sequence[str]) -> None:
        self._tokens = list(tokens)
        self.cues = cue_positions(tokens)

    def _negation_before(self, start: int) -> int | None:
        """The index of the negation right before a value at `start` ("bukan X", "jangan di X"), or None."""
        negations = _cues()[2]
        before = start - 1
        if before >= 0 and self._tokens[before] in negations:
            return before
        if before >= 1 and self._tokens[before] in _BETWEEN and self._tokens[before - 1] in _LOOSE_NEGATIONS:
            return before - 1
        return None

    def _negated(self, matches: Sequence[Match[T]]) -> set[int]:
        """Indexes of the negated values: "bukan X" and "jangan di X"; but "X bukan, Y" negates X, not Y."""
        ends = {m.end: i for i, m in enumerate(matches)}
        negations = _cues()[2]
        found = {ends[n] for n, token in enumerate(self._tokens) if token in negations and n in ends}
        for i, m in enumerate(matches):
            negation = self._negation_before(m.start)
            if negation is not None and negation not in ends:
                found.add(i)
        return found

    def pick(self, matches: Sequence[Match[T]]) -> Match[T] | None:
        """The first value after the last cue that has one after it; else the first; never a negated one
        (unless every value is negated after it: "ada batik bukan?")."""
        if not self.cues:
            return matches[0] if matches else None
        negated = self._negated(matches)
        kept = [m for i, m in enumerate(matches) if i not in negated]
        if not kept:
            before = {i for i, m in enumerate(matches) if self._negation_before(m.start) is not None}
            return next((m for i, m in enumerate(matches) if i not in before), None)
        for cue in reversed(self.cues):
            after = [m for m in kept if m.start > cue]
            if after:
                return after[0]
        return kept[0] if kept else None

    def number(self, tokens: list[str], where: Sequence[int]) -> tuple[int | None, int | None]:
        """find_number on the tokens after the last cue that has a number after it; else on all of them.
        `where` gives each token's index in the tokens Said was made from."""
        for cue in reversed(self.cues):
            first = next((j for j, w in enumerate(where) if w > cue), None)
            if first is None:
                continue
            number, at = find_number(tokens[first:])
            if at is not None:
                return number, at + first
        return find_number(tokens)


def corrected_dates(tokens: Sequence[str], today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The dates said after the last correction cue that has dates after it, or None."""
    for cue in reversed(cue_positions(tokens)):
        date_from, date_to, _ = find_dates(" ".join(tokens[cue + 1 :]), today)
        if date_from is not None and date_to is not None:
            return date_from, date_to
    return None
