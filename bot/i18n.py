"""Translations (gettext catalogs read with Babel) and locale-aware dates, times and money."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_timedelta
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

logger = logging.getLogger(__name__)

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DEFAULT_LANGUAGE = "id"
LANGUAGES = ("id", "en")
DOMAIN = "messages"
DATES_KEPT = 4096  # formatted dates remembered (by date, pattern and language)

_current: ContextVar[str] = ContextVar("kriya_language", default=DEFAULT_LANGUAGE)


def normalize_language(value: str | None) -> str:
    """Map a language tag such as 'en-US' or 'id' to a supported language, Indonesian by default."""
    tag = (value or "").strip().lower().replace("_", "-").split("-")[0]
    return tag if tag in LANGUAGES else DEFAULT_LANGUAGE


@cache
def catalog(language: str) -> dict[str, str]:
    """The translations of one language, msgid to msgstr, without fuzzy or empty entries."""
    if language == DEFAULT_LANGUAGE:
        return {}
    path = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as handle:
        po = read_po(handle, locale=language)
    return {
        str(message.id): str(message.string)
        for message in po
        if message.id and message.string and not message.fuzzy and isinstance(message.id, str)
    }


def current_language() -> str:
    return _current.get()


@contextmanager
def use_language(language: str) -> Iterator[None]:
    """Make `language` the one `_()` translates into, inside the block."""
    token = _current.set(normalize_language(language))
    try:
        yield
    finally:
        _current.reset(token)


def gettext(msgid: str) -> str:
    """Translate an Indonesian msgid into the current language (the msgid itself when missing)."""
    language = _current.get()
    if language == DEFAULT_LANGUAGE:
        return msgid
    return catalog(language).get(msgid, msgid)


_ = gettext

# --- dates, times, money -------------------------------------------------------------------------

_DATETIME_PATTERNS = {"id": "EEEE, d MMMM y 'pukul' HH.mm", "en": "EEEE, d MMMM y 'at' HH:mm"}


def format_when(moment: datetime, zone: ZoneInfo, zone_name: str) -> str:
    """'Sabtu, 5 Desember 2026 pukul 09.00 WITA' in the current language."""
    language = _current.get()
    local = moment.astimezone(zone)
    return f"{format_datetime(local, _DATETIME_PATTERNS[language], locale=language)} {zone_name}"


def _date_text(day: date, pattern: str, language: str) -> str:
    # A datetime's own date, as Babel takes it; keyed by the date alone (aware datetimes compare as instants).
    return _formatted_date(day.date() if isinstance(day, datetime) else day, pattern, language)


@lru_cache(maxsize=DATES_KEPT)  # lists show the same few dates on every message
def _formatted_date(day: date, pattern: str, language: str) -> str:
    return format_date(day, pattern, locale=language)


def format_day(day: date) -> str:
    """'Sabtu, 5 Desember 2026'."""
    return _date_text(day, "EEEE, d MMMM y", _current.get())


def format_short_day(day: date) -> str:
    """'5 Des' / '5 Dec'."""
    return _date_text(day, "d MMM", _current.get())


def format_days(first: date, last: date) -> str:
    """'23 November 2026', '23–25 November 2026', '30 November – 2 Desember 2026' (a training's dates)."""
    language = _current.get()
    if first == last:
        return _date_text(first, "d MMMM y", language)
    if (first.year, first.month) == (last.year, last.month):
        return f"{_date_text(first, 'd', language)}–{_date_text(last, 'd MMMM y', language)}"
    pattern = "d MMMM" if first.year == last.year else "d MMMM y"
    return f"{_date_text(first, pattern, language)} – {_date_text(last, 'd MMMM y', language)}"


def format_month(day: date) -> str:
    """'Desember 2026'."""
    return _date_text(day, "MMMM y", _current.get())


def format_as_of(value: object) -> str:
    """A source's date at the source's own precision: "2019" stays a year, "2025-10" a month ("Oktober 2025"),
    "2025-07-23" a day ("23 Juli 2025"); never a weekday the source did not give."""
    text = str(value or "").strip()
    language = _current.get()
    if re.fullmatch(r"\d{4}", text):
        return text
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return format_date(date.fromisoformat(text + "-01"), "MMMM y", locale=language)
    try:
        return format_date(date.fromisoformat(text), "d MMMM y", locale=language)
    except ValueError:
        return text


def format_money(amount: int) -> str:
    """'Rp150.000' (id) or 'Rp150,000' (en)."""
    return f"Rp{format_decimal(amount, format='#,##0', locale=_current.get())}"


def format_decimal_number(value: float) -> str:
    """'4,5' / '4.5': one decimal, in the current language."""
    return format_decimal(value, format="#,##0.0", locale=_current.get())


def format_duration(delta: timedelta) -> str:
    """'3 hari' / '3 days'."""
    return format_timedelta(delta, locale=_current.get(), threshold=1.0)


def format_relative(delta: timedelta) -> str:
    """'dalam 3 hari' / 'in 3 days'."""
    return format_timedelta(delta, locale=_current.get(), add_direction=True, threshold=1.0)
