"""The list number in a message, and the numbers that are not one (dates, years, codes, money, phones)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from bot.nlu import understand

logger = logging.getLogger(__name__)

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("no 3", 3), ("no. 3", 3), ("nomor tiga", 3), ("nmr 2", 2), ("#2", 2), ("nomer 4", 4),
        ("yang kedua", 2), ("yg ke-2", 2), ("yang ke 2", 2), ("pertama", 1), ("ketiga", 3), ("yg kelima", 5),
        ("number 2", 2), ("the second one", 2), ("the 3rd", 3), ("option 2", 2), ("pilihan 1", 1),
        ("2", 2), ("2.", 2), ("info 3", 3), ("detail no 1 dong", 1), ("daftar no 2", 2),
        ("daftarin saya yg no 2", 2), ("pelatihan ke 3", 3), ("yang ke-3 jam berapa", 3),
        ("kami mau daftar 3 orang untuk pelatihan no 2", 2),
    ],
)
def test_number(text: str, number: int) -> None:
    assert understand(text, today=TODAY).number == number


@pytest.mark.parametrize(
    "text",
    [
        "tgl 5 desember", "pelatihan tahun 2027", "daftar BTK-2612-YK", "biayanya Rp 150rb", "harga 2 juta",
        "hubungi 08123456789", "daftar 2 orang", "pelatihan 3 hari", "jam 9 pagi",
        "pertama kali ikut pelatihan",
        "minggu kedua desember", "gelombang kedua", "kedua orang tua saya", "first time here", "batik",
        "saya perajin sejak 2010", "at 10 am", "umur 25",
    ],
)
def test_no_number(text: str) -> None:
    assert understand(text, today=TODAY).number is None
