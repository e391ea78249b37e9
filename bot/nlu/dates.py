"""Date ranges in a message ('bulan depan', 'Desember', 'tgl 5 des', 'next week'), relative to today.

Choices: 'bulan ini', 'minggu ini' and 'tahun ini' run from today to the end of the period; 'minggu depan'
is next Monday to Sunday; a month name is that whole month, this year unless it is already past (then next
year); a day and month already past is next year's; 'akhir tahun' is December (from today when already in
December), 'awal tahun' is next January; 'awal', 'pertengahan' and 'akhir' before a month mean the whole
month ("april tahun depan" is next year's April). Several expressions in one message give the span from the earliest start to the latest end.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import re
from collections.abc import Callable

logger = logging.getLogger(__name__)

Range = tuple[dt.date, dt.date]

MONTHS: dict[str, int] = {
    "januari": 1, "jan": 1, "january": 1, "janu": 1,
    "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "february": 2, "febuari": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4, "aprl": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agus": 8, "agst": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9, "sepetember": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10, "oktbr": 10,
    "november": 11, "nov": 11, "nop": 11, "nopember": 11, "novemver": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12, "desmber": 12,
}
_WEEKDAYS: dict[str, int] = {
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "sabtu": 5, "minggu": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}
_COUNTS: dict[str, int] = {
    "satu": 1, "se": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6,
    "one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
}

_M = r"(?P<m>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")"
_M2 = _M.replace("?P<m>", "?P<m2>")
_Y = r"(?:\s+(?:tahun\s+)?(?P<y>20\d\d))?"
_D = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
_D2 = r"(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?"
_TO = r"\s*(?:-|sampai dengan|sampai|hingga|to|until|till|and|dan)\s*"
_DAYWORD = r"(?:(?:tanggal|tgl|on|the)\s+)?"
_NEXT_YEAR = r"(?:tahun depan|next year|tahun berikutnya|tahun mendatang)"  # "april tahun depan" is April only
_N = r"(?P<n>\d{1,2}|" + "|".join(_COUNTS) + r")"
_UNIT = r"(?P<u>hari|days?|minggu|pekan|weeks?|bulan|months?)"


def _end_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _month(today: dt.date, month: int, year: int | None = None) -> Range:
    if year is None:
        year = today.year + (month < today.month)
    return dt.date(year, month, 1), _end_of_month(year, month)


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _day(today: dt.date, d: int, month: int, year: int | None) -> dt.date | None:
    try:
        found = dt.date(year or today.year, month, d)
        if year is None and found < today:
            found = dt.date(today.year + 1, month, d)
    except ValueError:
        return None
    return found


def _week(today: dt.date, weeks_ahead: int) -> Range:
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=weeks_ahead)
    return monday, monday + dt.timedelta(days=6)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _COUNTS[word]


def _span(today: dt.date, n: int, unit: str) -> dt.date:
    if unit.startswith(("hari", "day")):
        return today + dt.timedelta(days=n)
    if unit.startswith(("minggu", "pekan", "week")):
        return today + dt.timedelta(weeks=n)
    return _add_months(today, n)


def _iso(today: dt.date, m: re.Match[str]) -> Range | None:
    try:
        day = dt.date(int(m["y"]), int(m["mo"]), int(m["d"]))
    except ValueError:
        return None
    return day, day


def _slashed(today: dt.date, m: re.Match[str]) -> Range | None:
    year = m["y"]
    full = int(year) + (2000 if len(year) == 2 else 0) if year else None
    day = _day(today, int(m["d"]), int(m["mo"]), full) if 1 <= int(m["mo"]) <= 12 else None
    return (day, day) if day else None


def _day_range_month(today: dt.date, m: re.Match[str]) -> Range | None:
    year = int(m["y"]) if m["y"] else None
    first = _day(today, int(m["d"]), MONTHS[m["m"]], year)
    last = _day(today, int(m["d2"]), MONTHS[m["m"]], year)
    if first and last and last < first:  # "28 - 2 desember" makes no sense; keep the first day
        last = first
    return (first, last) if first and last else None


def _day_month(today: dt.date, m: re.Match[str]) -> Range | None:
    day = _day(today, int(m["d"]), MONTHS[m["m"]], int(m["y"]) if m["y"] else None)
    return (day, day) if day else None


def _month_range(today: dt.date, m: re.Match[str]) -> Range | None:
    first = _month(today, MONTHS[m["m"]], int(m["y"]) if m["y"] else None)
    last = _month(today, MONTHS[m["m2"]], int(m["y2"]) if m["y2"] else None)
    if last[1] < first[0]:
        last = _month(today, MONTHS[m["m2"]], first[0].year + 1)
    return first[0], last[1]


def _month_name(today: dt.date, m: re.Match[str]) -> Range | None:
    if m["m"] == "may" and not (m["in"] or m["y"]):  # "may I ...", not the month
        return None
    return _month(today, MONTHS[m["m"]], int(m["y"]) if m["y"] else None)


def _day_of_month(today: dt.date, m: re.Match[str]) -> Range | None:
    """'tanggal 5': the next 5th from today (this month or a later one); 'tgl 5 bulan depan': next month's."""
    day, this_month = int(m["d"]), today.replace(day=1)
    months = [_add_months(this_month, 1)] if m["rel"] else [_add_months(this_month, k) for k in range(13)]
    for month in months:
        if 1 <= day <= calendar.monthrange(month.year, month.month)[1] and month.replace(day=day) >= today:
            return month.replace(day=day), month.replace(day=day)
    return None


def _weekday(today: dt.date, m: re.Match[str]) -> Range:
    target = _WEEKDAYS[m["w"]]
    ahead = (target - today.weekday()) % 7
    if m["next"]:
        ahead = target - today.weekday() + 7
    day = today + dt.timedelta(days=ahead)
    return day, day


def _within(today: dt.date, m: re.Match[str]) -> Range:
    return today, _span(today, _count(m["n"]), m["u"])


def _later(today: dt.date, m: re.Match[str]) -> Range:
    n, unit = _count(m["n"]), m["u"]
    if unit.startswith(("hari", "day")):
        day = today + dt.timedelta(days=n)
        return day, day
    if unit.startswith(("minggu", "pekan", "week")):
        return _week(today, n)
    return _month(today, _add_months(today, n).month, _add_months(today, n).year)


def _fixed(make: Callable[[dt.date], Range]) -> Callable[[dt.date, re.Match[str]], Range]:
    return lambda today, _m: make(today)


def _this_week(today: dt.date) -> Range:
    return today, _week(today, 0)[1]


def _weekend(today: dt.date) -> Range:
    if today.weekday() == 6:  # already Sunday
        return today, today
    saturday = today + dt.timedelta(days=5 - today.weekday())
    return saturday, saturday + dt.timedelta(days=1)


def _next_month(today: dt.date) -> Range:
    first = _add_months(today.replace(day=1), 1)
    return first, _end_of_month(first.year, first.month)


def _year_end(today: dt.date, offset: int = 0) -> Range:
    return max(today, dt.date(today.year + offset, 12, 1)), dt.date(today.year + offset, 12, 31)


_RULES: list[tuple[re.Pattern[str], Callable[[dt.date, re.Match[str]], Range | None]]] = [
    (re.compile(r"\b(?P<y>20\d\d)-(?P<mo>\d\d?)-(?P<d>\d\d?)\b"), _iso),
    (re.compile(rf"{_DAYWORD}\b(?P<d>\d\d?)([/.-])(?P<mo>\d\d?)\2(?P<y>(?:20)?\d\d)\b"), _slashed),
    (re.compile(rf"{_DAYWORD}\b(?P<d>\d\d?)/(?P<mo>\d\d?)\b(?P<y>)"), _slashed),
    (re.compile(r"\bbulan\s+(?:ke\s+)?(?P<mo>1[0-2]|0?[1-9])\b(?!\s*(?:orang|hari|minggu|bulan|tahun|kali|x)\b)"
                rf"{_Y}"), lambda t, m: _month(t, int(m["mo"]), int(m["y"]) if m["y"] else None)),
    (re.compile(rf"{_DAYWORD}\b{_D}{_TO}{_D2}\s+(?:of\s+)?(?:bulan\s+)?{_M}\b{_Y}"), _day_range_month),
    (re.compile(rf"{_DAYWORD}\b{_D}\s+(?:of\s+)?(?:bulan\s+)?{_M}\b{_Y}"), _day_month),
    (re.compile(rf"\b{_M}\s+(?:tanggal\s+)?(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?![\d.:]){_Y}"), _day_month),
    (re.compile(rf"\b(?:bulan\s+)?{_M}\s+{_NEXT_YEAR}\b|\b{_NEXT_YEAR}\s+(?:bulan\s+)?{_M2}\b"),
     lambda t, m: _month(t, MONTHS[m["m"] or m["m2"]], t.year + 1)),
    (re.compile(rf"\b(?:bulan\s+)?{_M}\b{_Y}{_TO}(?:bulan\s+)?{_M2}\b(?:\s+(?P<y2>20\d\d))?"), _month_range),
    (re.compile(r"\b(?:(?:awal|akhir|pertengahan|tengah|early|late|mid|end of)\s+)?"
                rf"(?P<in>(?:bulan|in|during)\s+)?{_M}\b{_Y}"), _month_name),
    (re.compile(r"\b(?:day after tomorrow|lusa|besok lusa)\b"), _fixed(lambda t: (t + dt.timedelta(2),) * 2)),
    (re.compile(r"\b(?:besok|tomorrow|esok hari|esok)\b"), _fixed(lambda t: (t + dt.timedelta(1),) * 2)),
    (re.compile(r"\b(?:hari ini|today|tonight|malam ini|sore ini|nanti sore|nanti malam)\b"),
     _fixed(lambda t: (t, t))),
    (re.compile(r"\b(?:(?:minggu|pekan) (?:depan|berikutnya|mendatang)|next week)\b"),
     _fixed(lambda t: _week(t, 1))),
    (re.compile(r"\b(?:akhir (?:pekan|minggu)(?: ini)?|weekend(?: ini)?|this weekend)\b"), _fixed(_weekend)),
    (re.compile(r"\b(?:(?:minggu|pekan) ini|this week)\b"), _fixed(_this_week)),
    (re.compile(rf"\b(?:dalam|within|in the next|next)\s+{_N}\s+{_UNIT}"
                r"(?:\s+(?:ke depan|kedepan|mendatang))?\b"),
     _within),
    (re.compile(rf"\b{_N}\s+{_UNIT}\s+(?:ke depan|kedepan|mendatang|ahead)\b"), _within),
    (re.compile(rf"\b{_N}\s+{_UNIT}\s+(?:lagi|dari sekarang|from now|later)\b"), _later),
    (re.compile(rf"\bin\s+{_N}\s+{_UNIT}\b"), _later),
    (re.compile(r"\b(?:tanggal|on the)\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?!\d|\s*(?:orang|peserta|jam))"
                r"(?P<rel>\s+bulan depan|\s+next month)?"), _day_of_month),
    (re.compile(r"\b(?:awal |akhir |pertengahan )?"
                r"(?:bulan depan|bulan berikutnya|bulan mendatang|next month)\b"),
     _fixed(_next_month)),
    (re.compile(r"\b(?:awal |akhir |pertengahan )?(?:bulan ini|this month|akhir bulan|end of the month)\b"),
     _fixed(lambda t: (t, _end_of_month(t.year, t.month)))),
    (re.compile(r"\b(?:akhir tahun depan|end of next year)\b"), _fixed(lambda t: _year_end(t, 1))),
    (re.compile(r"\b(?:awal tahun depan|awal tahun|early next year|beginning of next year)\b"),
     _fixed(lambda t: _month(t, 1, t.year + 1))),
    (re.compile(r"\b(?:tahun depan|next year|tahun mendatang|tahun berikutnya)\b"),
     _fixed(lambda t: (dt.date(t.year + 1, 1, 1), dt.date(t.year + 1, 12, 31)))),
    (re.compile(r"\b(?:akhir tahun(?: ini)?|end of (?:the |this )?year|year end|year-end)\b"),
     _fixed(_year_end)),
    (re.compile(r"\b(?:tahun ini|this year)\b"), _fixed(lambda t: (t, dt.date(t.year, 12, 31)))),
    (re.compile(r"\b(?:tahun|year|in)\s+(?P<y>20\d\d)\b|(?<![\d.,/:-])\b(?P<y2>20[2-4]\d)\b(?![\d.,/:-])"),
     lambda t, m: (dt.date(int(m["y"] or m["y2"]), 1, 1), dt.date(int(m["y"] or m["y2"]), 12, 31))),
]
# A weekday counts only when nothing more precise was said ("Senin, 7 Desember" is the 7th).
_WEEKDAY_RULES: list[tuple[re.Pattern[str], Callable[[dt.date, re.Match[str]], Range | None]]] = [
    (re.compile(r"\b(?:hari\s+)?(?P<w>senin|selasa|rabu|kamis|jumat|sabtu)(?P<next>\s+depan)?\b"), _weekday),
    (re.compile(r"\bhari\s+(?P<w>minggu)(?P<next>\s+depan)?\b"), _weekday),
    (re.compile(r"\b(?P<next>next\s+)?(?P<w>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"),
     _weekday),
]


PLACEHOLDER = "xdate"
_ONE_UNIT = re.compile(r"\bse(hari|minggu|pekan|bulan)\b")


def _apply(rules: list[tuple[re.Pattern[str], Callable[[dt.date, re.Match[str]], Range | None]]], text: str,
           today: dt.date, ranges: list[Range]) -> str:
    for pattern, make in rules:
        if pattern.search(text) is None:
            continue

        def replace(m: re.Match[str], make: Callable[[dt.date, re.Match[str]], Range | None] = make) -> str:
            found = make(today, m)
            if found is None:
                return m[0]
            ranges.append(found)
            return f" {PLACEHOLDER} "

        text = pattern.sub(replace, text)
    return text


def find_dates(text: str, today: dt.date) -> tuple[dt.date | None, dt.date | None, str]:
    """(date_from, date_to, text with each date expression replaced by 'xdate') for a normalised text."""
    ranges: list[Range] = []
    text = _apply(_RULES, _ONE_UNIT.sub(r"1 \1", text), today, ranges)
    if not ranges:
        text = _apply(_WEEKDAY_RULES, text, today, ranges)
    if not ranges:
        return None, None, text
    return min(r[0] for r in ranges), max(r[1] for r in ranges), " ".join(text.split())
