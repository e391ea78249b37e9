"""A training named by (nearly) its title: "daftar kelas ecoprint pounding steaming" is the "Kelas Ecoprint Teknik
Pounding dan Steaming" of the catalogue, looked up in the data rather than guessed from the words' shape."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol, TypeVar

from bot.nlu import normalize
from bot.nlu.stems import same_word, title_words

# Words of titles that name no training in particular.
GENERIC = frozenset("""pelatihan kelas workshop kursus training course class bimtek bimbingan teknis lokakarya
sekolah program dan dengan untuk bagi di ke dari yang the and for of in on with a an ikm umkm perajin artisans
peserta daring online luring offline tingkat dasar lanjutan basic advanced teknik""".split())
MIN_MATCHED = 2  # distinctive title words the person must have typed (when registering)
MIN_MATCHED_SEARCH = 3  # when only asking about trainings
MIN_SHARE = 0.5  # and at least this share of the title's distinctive words
TITLE_WORDS_KEPT = 32768  # texts whose distinctive words are remembered (titles, and the messages checked)


class HasTitle(Protocol):
    @property
    def title(self) -> str: ...


T = TypeVar("T", bound=HasTitle)


def distinctive(text: str) -> frozenset[str]:
    """The words of a title (or a message) that can tell one training from another."""
    return _distinctive(text)


@lru_cache(maxsize=TITLE_WORDS_KEPT)  # the same titles are read on every search
def _distinctive(text: str) -> frozenset[str]:
    return frozenset(w for w in normalize(text).split() if len(w) >= 3 and w not in GENERIC and not w.isdigit())


def may_name_a_title(text: str, at_least: int = MIN_MATCHED) -> bool:
    """Whether the message has enough title-like words to name a training (checked before the catalogue is read)."""
    return len(_distinctive(text)) >= at_least


def named_by_title(text: str, trainings: Sequence[T], at_least: int = MIN_MATCHED) -> T | None:
    """The one training whose title the message (nearly) says, clearly ahead of every other, or None; a search
    asks for `at_least` 3 title words so that "batik di jogja" stays a list."""
    typed = _distinctive(text)
    if len(typed) < at_least:
        return None
    scored = []
    for training in trainings:
        words = _distinctive(training.title)
        matched = len(words & typed)
        if words and matched >= at_least and matched / len(words) >= MIN_SHARE:
            scored.append((matched, matched / len(words), training))
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    if not scored or (len(scored) > 1 and scored[1][:2] >= (scored[0][0], scored[0][1] * 0.8)):
        return None
    return scored[0][2]


# Words that are in titles but name no training in particular in a search ("pelatihan kerajinan tangan").
NOT_TITLE_WORDS = frozenset("""kerajinan produk pengrajin perajin kriya handicraft handicrafts craft crafts tangan
info jadwal baru terbaru mendatang""".split())
# English words typed for the words of Indonesian titles ("natural dye training").
IN_ENGLISH = {"natural": "alam", "dye": "warna", "dyes": "warna", "dyeing": "warna", "colour": "warna",
              "color": "warna", "colours": "warna", "colors": "warna", "carving": "ukir", "carve": "ukir",
              "packaging": "kemasan", "export": "ekspor", "exports": "ekspor", "design": "desain",
              "marketing": "pemasaran", "beginner": "pemula", "beginners": "pemula", "pattern": "motif",
              "patterns": "motif", "motifs": "motif", "glaze": "glasir", "finishing": "finishing"}
TITLE_WORDS_ASKED = 3  # at most this many title words name what a search is about


def title_words_asked(words: Sequence[str], titles: Sequence[HasTitle], skip: frozenset[str]) -> tuple[str, ...]:
    """The words of a search (the ones no slot took) that are words of upcoming titles, by root ("pewarna alam"),
    in English too ("natural dye"); none when more than three are (a sentence, not a title)."""
    vocabulary = {w for t in titles for w in title_words(t.title)}
    asked: list[str] = []
    for typed in words:
        word = IN_ENGLISH.get(typed, typed)
        if (len(word) < 3 or word.isdigit() or word in GENERIC or word in NOT_TITLE_WORDS or typed in skip
                or word in asked):
            continue
        if any(same_word(word, known) for known in vocabulary):
            asked.append(word)
    return tuple(asked) if len(asked) <= TITLE_WORDS_ASKED else ()
