"""Date ranges relative to today, in Indonesian and English."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from bot.nlu import normalize
from bot.nlu.dates import find_dates

logger = logging.getLogger(__name__)

D = dt.date
MONDAY = D(2026, 11, 23)


def dates(text: str, today: dt.date = MONDAY) -> tuple[dt.date | None, dt.date | None]:
    start, end, _ = find_dates(normalize(text), today)
    return start, end


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("pelatihan bulan depan", D(2026, 12, 1), D(2026, 12, 31)),
        ("bln dpn", D(2026, 12, 1), D(2026, 12, 31)),
        ("next month", D(2026, 12, 1), D(2026, 12, 31)),
        ("bulan ini", D(2026, 11, 23), D(2026, 11, 30)),
        ("this month", D(2026, 11, 23), D(2026, 11, 30)),
        ("minggu depan", D(2026, 11, 30), D(2026, 12, 6)),
        ("next week", D(2026, 11, 30), D(2026, 12, 6)),
        ("minggu ini", D(2026, 11, 23), D(2026, 11, 29)),
        ("akhir pekan", D(2026, 11, 28), D(2026, 11, 29)),
        ("besok", D(2026, 11, 24), D(2026, 11, 24)),
        ("tomorrow", D(2026, 11, 24), D(2026, 11, 24)),
        ("lusa", D(2026, 11, 25), D(2026, 11, 25)),
        ("hari ini", D(2026, 11, 23), D(2026, 11, 23)),
        ("tahun depan", D(2027, 1, 1), D(2027, 12, 31)),
        ("akhir tahun", D(2026, 12, 1), D(2026, 12, 31)),
        ("Desember", D(2026, 12, 1), D(2026, 12, 31)),
        ("des", D(2026, 12, 1), D(2026, 12, 31)),
        ("november", D(2026, 11, 1), D(2026, 11, 30)),
        ("oktober", D(2027, 10, 1), D(2027, 10, 31)),
        ("januari 2027", D(2027, 1, 1), D(2027, 1, 31)),
        ("agt", D(2027, 8, 1), D(2027, 8, 31)),
        ("in May", D(2027, 5, 1), D(2027, 5, 31)),
        ("tgl 5 desember", D(2026, 12, 5), D(2026, 12, 5)),
        ("5 des 2026", D(2026, 12, 5), D(2026, 12, 5)),
        ("december 5th", D(2026, 12, 5), D(2026, 12, 5)),
        ("10-12 desember", D(2026, 12, 10), D(2026, 12, 12)),
        ("tanggal 3 sampai 7 januari", D(2027, 1, 3), D(2027, 1, 7)),
        ("12/12", D(2026, 12, 12), D(2026, 12, 12)),
        ("2026-12-05", D(2026, 12, 5), D(2026, 12, 5)),
        ("tanggal 30", D(2026, 11, 30), D(2026, 11, 30)),
        ("tanggal 5", D(2026, 12, 5), D(2026, 12, 5)),
        ("desember sampai februari", D(2026, 12, 1), D(2027, 2, 28)),
        ("desember atau januari", D(2026, 12, 1), D(2027, 1, 31)),
        ("2 bulan lagi", D(2027, 1, 1), D(2027, 1, 31)),
        ("dalam 2 minggu", D(2026, 11, 23), D(2026, 12, 7)),
        ("tahun 2027", D(2027, 1, 1), D(2027, 12, 31)),
        ("hari sabtu", D(2026, 11, 28), D(2026, 11, 28)),
    ],
)
def test_dates(text: str, start: dt.date, end: dt.date) -> None:
    assert dates(text) == (start, end)


def test_next_month_rolls_over_the_year() -> None:
    assert dates("bulan depan", D(2026, 12, 15)) == (D(2027, 1, 1), D(2027, 1, 31))
    assert dates("next month", D(2027, 1, 31)) == (D(2027, 2, 1), D(2027, 2, 28))


def test_next_week_at_the_end_of_the_year() -> None:
    assert dates("minggu depan", D(2026, 12, 30)) == (D(2027, 1, 4), D(2027, 1, 10))


def test_a_month_already_past_is_next_years() -> None:
    assert dates("januari", D(2026, 12, 15)) == (D(2027, 1, 1), D(2027, 1, 31))
    assert dates("desember", D(2026, 12, 15)) == (D(2026, 12, 1), D(2026, 12, 31))
    assert dates("tgl 1 desember", D(2026, 12, 15)) == (D(2027, 12, 1), D(2027, 12, 1))


def test_end_of_year_when_already_in_december() -> None:
    assert dates("akhir tahun", D(2026, 12, 15)) == (D(2026, 12, 15), D(2026, 12, 31))


def test_leap_years() -> None:
    assert dates("februari", D(2027, 11, 1)) == (D(2028, 2, 1), D(2028, 2, 29))
    assert dates("tanggal 31", D(2026, 2, 10)) == (D(2026, 3, 31), D(2026, 3, 31))


@pytest.mark.parametrize(
    "text",
    ["may I register", "harga Rp 150.000", "hubungi 081234567890", "daftar 2 orang", "jam 09.00",
     "pelatihan batik", "minggu kedua", "mau ikut yang ke 2"],
)
def test_no_date(text: str) -> None:
    assert dates(text) == (None, None)


def test_placeholders_replace_what_was_read() -> None:
    found = find_dates(normalize("pelatihan batik bulan depan di jogja"), MONDAY)
    assert found[2] == "pelatihan batik xdate di jogja"
