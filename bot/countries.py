"""The countries participants from abroad name (ASEAN and Timor-Leste): the word people write, its ISO code (for
phone numbers) and its time zone (for "what time is that in Malaysia?")."""

from __future__ import annotations

from zoneinfo import ZoneInfo

COUNTRY_OF = {"malaysia": "MY", "malaysian": "MY", "singapura": "SG", "singapore": "SG", "singaporean": "SG",
              "brunei": "BN", "bruneian": "BN", "thailand": "TH", "thai": "TH", "filipina": "PH",
              "philippines": "PH", "philippine": "PH", "filipino": "PH", "manila": "PH", "vietnam": "VN",
              "vietnamese": "VN", "myanmar": "MM", "kamboja": "KH", "cambodia": "KH", "cambodian": "KH", "laos": "LA",
              "timor": "TL", "kl": "MY", "kuala": "MY", "penang": "MY", "bangkok": "TH", "hanoi": "VN"}
ZONE_OF = {"MY": "Asia/Kuala_Lumpur", "SG": "Asia/Singapore", "BN": "Asia/Brunei", "TH": "Asia/Bangkok",
           "PH": "Asia/Manila", "VN": "Asia/Ho_Chi_Minh", "MM": "Asia/Yangon", "KH": "Asia/Phnom_Penh",
           "LA": "Asia/Vientiane", "TL": "Asia/Dili"}
NAME_OF = {"MY": "Malaysia", "SG": "Singapore", "BN": "Brunei", "TH": "Thailand", "PH": "Philippines",
           "VN": "Vietnam", "MM": "Myanmar", "KH": "Cambodia", "LA": "Laos", "TL": "Timor-Leste"}


def countries_in(words: list[str]) -> set[str]:
    """The ISO codes of the countries a message names."""
    return {COUNTRY_OF[w] for w in words if w in COUNTRY_OF}


def zone(country: str) -> ZoneInfo:
    return ZoneInfo(ZONE_OF[country])
