"""Dates and times of a training, local to its province (WIB, WITA or WIT) when written without an offset."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from bot.regions import zone_of

MAX_MOMENT_CHARS = 40


def moment(row: dict[str, Any], name: str, province: str, end_of_day: bool = False) -> datetime | None:
    raw = row.get(name)
    if raw is None or str(raw).strip() == "":
        return None
    zone = zone_of(province).zone
    if isinstance(raw, datetime):
        parsed = raw
    elif isinstance(raw, date):
        parsed = datetime.combine(raw, time(23, 59) if end_of_day else time(0, 0))
    else:
        text = str(raw).strip()
        if len(text) > MAX_MOMENT_CHARS:
            raise ValueError(f"{name} is too long to be a date and time")
        try:
            if len(text) == 10:
                parsed = datetime.combine(date.fromisoformat(text), time(23, 59) if end_of_day else time(0, 0))
            else:
                parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{name} '{text}' is not an ISO 8601 date and time") from None
    return parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed


def local_date_time(day: date, clock: str, province: str) -> datetime:
    """A local date and 'HH:MM' in the province's zone as an aware datetime."""
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=zone_of(province).zone)


def shift_days(day: date, days: int) -> date:
    return day + timedelta(days=days)
