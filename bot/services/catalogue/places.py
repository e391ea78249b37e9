"""The province and regency of a row, written as people write them or as Kemendagri codes."""

from __future__ import annotations

import re
from typing import Any

from bot.nlu.gazetteer import find_region
from bot.nlu.normalize import normalize
from bot.regions import is_regency_of, region_name
from bot.services.catalogue.cells import required_cell, text_cell

REGEX_KIND = re.compile(r"(?i)\s*(kabupaten|kab\.?|kota|kotamadya)\s")  # the cell says which of the two
REGION_CODE_SHAPE = re.compile(r"[\d.]+")  # a Kemendagri code (34, 34.04); anything else is read as a name


def _place(text: str) -> tuple[str, str | None] | None:
    """(province, regency or None) of a place written as people write it ("DI Yogyakarta", "jogja",
    "Kab. Sleman", "Kota Pekalongan"), when the whole cell names one place."""
    tokens = normalize(text).split()
    found = find_region(tokens) if tokens else None
    if found is None or found.start != 0 or found.end != len(tokens):
        return None
    return found.value


def province_cell(row: dict[str, Any]) -> str:
    province = required_cell(row, "province", 100)
    if REGION_CODE_SHAPE.fullmatch(province):
        if "." in province or region_name(province) is None:
            raise ValueError(f"province '{province}' is not a Kemendagri province code such as 34")
        return province
    place = _place(province)
    if place is None or place[1] is not None:
        raise ValueError(f"province '{province}' is not a province name (e.g. Jawa Tengah) or code (e.g. 33)")
    return place[0]


def regency_cell(row: dict[str, Any], province: str | None) -> str | None:
    regency = text_cell(row, "regency", 100)
    if not regency:
        return None
    if not REGION_CODE_SHAPE.fullmatch(regency):
        regency = _regency_named(regency, province)
    if province and not is_regency_of(regency, province):
        raise ValueError(f"regency '{regency}' is not inside province {province}")
    return regency


def _regency_named(name: str, province: str | None) -> str:
    """The code of a regency or city written by name; a bare name that is both a Kabupaten and a Kota (Pekalongan)
    is refused rather than guessed."""
    if not REGEX_KIND.match(name):
        found = {_place(f"{kind} {name}") for kind in ("Kabupaten", "Kota")}
        codes = {p[1] for p in found if p and p[1] and (province is None or p[0] == province)}
        if len(codes) > 1:
            raise ValueError(f"regency '{name}': say Kabupaten {name} or Kota {name}")
        if codes:
            return codes.pop()
    place = _place(name)
    if place is None or place[1] is None:
        raise ValueError(f"regency '{name}' is not a regency or city name (e.g. Kabupaten Sleman) or code (e.g. 34.04)")
    return place[1]


def place_code(text: str) -> str:
    """The code of one province or regency written as people write it ("Jawa Tengah", "jogja", "Kab. Sleman",
    "Sleman") or as its Kemendagri code (33, 34.04); ValueError when it names none, or both a Kabupaten and a Kota."""
    text = text.strip()
    if REGION_CODE_SHAPE.fullmatch(text):
        if region_name(text) is None:
            raise ValueError(f"'{text}' is not a Kemendagri province or regency code")
        return text
    place = _place(text)
    if place is not None:
        return place[1] or place[0]
    return _regency_named(text, None)
