"""Training codes as organizers print them on posters: BTK-YK-01, UJIBAR-BALI, UKIRJEPARA-2027, btk.yk/01.

A code is any run of letters, digits and `-_./` (up to 32 characters, at least one letter, starting and ending
with a letter or digit), stored in capitals. The chat cannot tell every such word from a code by its shape, so
it only picks *candidates* here; the catalogue decides (one query on the unique index, see
`TrainingCatalogue.by_codes`). The importer checks codes with `is_valid_code`.
"""

from __future__ import annotations

import itertools
import logging
import re

logger = logging.getLogger(__name__)

CODE_MAX = 32  # characters (trainings.code is String(32))
CODE_SEPARATORS = "-_./"
CODE_CHARS = "A-Za-z0-9" + re.escape(CODE_SEPARATORS)  # for a regex character class: [CODE_CHARS]
_VALID = re.compile(rf"[A-Za-z0-9](?:[{CODE_CHARS}]{{0,{CODE_MAX - 2}}}[A-Za-z0-9])?", re.ASCII)


def is_valid_code(code: str) -> bool:
    """Whether `code` can be a training code (the importer's rule as well as the chat's): letters, digits and
    `-_./`, 1 to 32 characters, at least one letter, starting and ending with a letter or a digit."""
    return bool(_VALID.fullmatch(code)) and any(ch.isalpha() for ch in code)


def normalize_code(code: str) -> str:
    """A code as stored: trimmed, in capitals."""
    return code.strip().upper()


# Shapes that name a training in free text without help (also masked as "xkode" before the intent model reads a
# message): letters with digits (btk-2612-yk, UJIREG-1, UKIRJEPARA-2027, btk2612yk), or groups of capitals
# joined by '-' or '_' (BTK-YK, UJIBAR-BALI). Not: ordinals (ke-2), days before an event (H-3), a letter and a
# number, covid-19, reduplicated words (anak-anak, KUPU-KUPU, kapan2), phone numbers, sums (rp150rb), dates.
_UNIT = r"[A-Za-z0-9](?:[A-Za-z0-9]|[-_./](?=[A-Za-z0-9]))"  # a character, a separator only between two
_WORD = rf"{_UNIT}{{1,{CODE_MAX - 1}}}"
_NOT = rf"(?!(?i:ke|h|covid|rp|no|jam|tgl|pukul)[-_./]?\d)(?!([A-Za-z]+)-\1(?![A-Za-z0-9]))(?![A-Za-z]+2(?![{CODE_CHARS}]))"
_WITH_DIGIT = rf"(?=[{CODE_CHARS}]*\d)(?=(?:[{CODE_CHARS}]*[A-Za-z]){{2}})(?![{CODE_CHARS}]*\d{{7}})(?=[A-Za-z]|\d+[-_./])"
_CAPITALS = r"[A-Z]{2,}(?:[-_][A-Z]{2,}){1,5}(?![a-z0-9])"
TRAINING_CODE_RE = re.compile(
    rf"(?<![\w./-])(?:{_NOT}(?:{_WITH_DIGIT}{_WORD}|{_CAPITALS}))(?![\w])(?![-_./][A-Za-z0-9])", re.ASCII
)
# Words after which the next word is taken as a code whatever its shape ("kode ujibar", "daftar ujibar-bali").
_CUES = {"kode", "kodenya", "code", "kd"}
_VERBS = {"daftar", "daftarkan", "register", "ikut", "info", "detail", "detil", "cek"}
_TOKEN = re.compile(rf"[{CODE_CHARS}]+", re.ASCII)


# A registration's own code (bot/services/registrations.py new_code: "KR-" and six letters or digits): never a
# training's code; a message naming one is about that registration (cancel it, show it).
REGISTRATION_CODE_RE = re.compile(r"(?<![\w./-])KR-[A-Za-z0-9]{6}(?![\w]|[-_./][A-Za-z0-9])", re.ASCII | re.IGNORECASE)


def find_registration_code(text: str) -> str | None:
    """The first registration code of the text, in capitals, or None."""
    found = REGISTRATION_CODE_RE.search(text)
    return found[0].upper() if found else None


def code_candidates(text: str) -> list[str]:
    """The words of `text` that may be training codes, in capitals, in order, without repeats: codes by shape,
    and any valid word after "kode"/"code", or a word with a separator after "daftar"/"info" ("daftar
    ujibar-bali"). The catalogue says which of them exist."""
    found = [m[0] for m in TRAINING_CODE_RE.finditer(text)]
    words = [w.strip(CODE_SEPARATORS) for w in _TOKEN.findall(text)]
    for before, word in itertools.pairwise(words):
        cue = before.casefold()
        if not is_valid_code(word) or word.casefold() in _CUES | _VERBS:
            continue
        separated = any(sep in word for sep in CODE_SEPARATORS) and not re.fullmatch(r"([A-Za-z]+)-\1", word)
        if cue in _CUES or (cue in _VERBS and separated and sum(ch.isalpha() for ch in word) >= 3):
            found.append(word)
    unique: list[str] = []
    registrations = {normalize_code(m[0]) for m in REGISTRATION_CODE_RE.finditer(text)}
    for code in (normalize_code(c) for c in found):
        if code not in unique and len(code) <= CODE_MAX and code not in registrations:
            unique.append(code)
    return unique


def find_training_code(text: str) -> str | None:
    """The first code candidate of the text, in capitals, or None (the catalogue says whether it exists)."""
    found = code_candidates(text)
    return found[0] if found else None
