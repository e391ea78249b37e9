"""normalize(): case, Unicode, stretched letters, chat slang, glued words."""

from __future__ import annotations

import logging

import pytest

from bot.nlu import normalize
from bot.nlu.normalize import fold

logger = logging.getLogger(__name__)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ada pelatihan perak bln depan gak", "ada pelatihan perak bulan depan tidak"),
        ("gmn cara sertifikasi bnsp", "bagaimana cara sertifikasi bnsp"),
        ("Gimana caranya?", "bagaimana caranya"),
        ("daftarin saya yg no 2", "daftarkan saya yang no 2"),
        ("pelatihanku", "pelatihan saya"),
        ("no wa admin", "nomor whatsapp admin"),
        ("plthn btk", "pelatihan batik"),
        ("sy mau ikut dong min", "saya mau ikut dong admin"),
        ("tgl 5 utk sy", "tanggal 5 untuk saya"),
        ("nggak ngga ga gk tdk", "tidak tidak tidak tidak tidak"),
        ("HALOOO KAKKK!!!", "halo kak"),
        ("Maaaaf, pagiii", "maaf pagi"),
        ("makasihhh 🙏🙏", "makasih"),
        ("Café Résumé", "cafe resume"),
        ("Assalamu’alaikum", "assalamualaikum"),
        ("pelatihanbatik", "pelatihan batik"),
        ("batiknya", "batik"),
        ("eco-print", "eco print"),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_fold_keeps_dates_times_amounts_and_ranges_whole() -> None:
    expected = "tgl 5-10 des 12/12/2026 jam 09.00 rp 150.000"
    assert fold("tgl 5-10 Des, 12/12/2026 jam 09.00 Rp150.000") == expected


def test_fold_splits_letters_from_digits_and_understands_sd() -> None:
    assert fold("no2 #3 ke-2 5 s.d. 7 s/d 9") == "no 2 # 3 ke 2 5 sampai 7 sampai 9"
    assert fold("the 2nd one") == "the 2nd one"


def test_normalize_of_empty_and_symbols() -> None:
    assert normalize("") == ""
    assert normalize("?!... 😀") == ""
