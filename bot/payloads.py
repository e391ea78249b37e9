"""Button payloads: short strings (Telegram allows 64 bytes) naming a route and its arguments."""

from __future__ import annotations

import logging
from collections.abc import Mapping

logger = logging.getLogger(__name__)

MAX_PAYLOAD_BYTES = 64


def make(route: str, *args: str | int) -> str:
    """make('td', 'BTK-YK-01') -> 'td:BTK-YK-01'."""
    payload = ":".join([route, *(str(a) for a in args)])
    if len(payload.encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"payload too long: {payload}")
    return payload


def encode_filters(filters: Mapping[str, str | int | None]) -> str:
    """{'c': 'batik', 'p': '34', 'o': 5} -> 'c=batik;p=34;o=5' (empties left out)."""
    return ";".join(f"{k}={v}" for k, v in filters.items() if v not in (None, "", 0))


def decode_filters(text: str) -> dict[str, str]:
    pairs = (part.split("=", 1) for part in text.split(";") if "=" in part)
    return {k: v for k, v in pairs if v}
