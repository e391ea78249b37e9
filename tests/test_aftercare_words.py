"""Ratings and reasons as artisans type them after a training: digits, stars, emoji, slang, regional words,
English, negations; and what is no answer at all (a greeting, a question, a year)."""

from __future__ import annotations

import pytest

from handlers.aftercare_words import rating_in, reason_in, skips

RATINGS = [
    ("5", 5), ("4", 4), ("1", 1), ("nilai 4 dari 5", 4), ("4/5", 4), ("8/10", 4), ("10/10", 5),
    ("bagus bgt", 5), ("BAGUSSS BANGET KAK", 5), ("sangat bagus", 5), ("mantul kak", 5), ("keren abis", 5),
    ("luar biasa!!", 5), ("sae pisan", 5), ("apik tenan", 5), ("very good!", 5), ("excellent", 5), ("🤩🤩", 5),
    ("⭐⭐⭐⭐⭐", 5), ("⭐⭐⭐⭐", 4), ("★★★", 3), ("bagus", 4), ("good", 4), ("puas", 4), ("👍", 4), ("not bad", 4),
    ("lumayan", 3), ("lumayan lah kak", 3), ("cukup", 3), ("biasa aja", 3), ("so-so", 3), ("😐", 3),
    ("kurang", 2), ("kurang bagus", 2), ("ga bagus", 2), ("tidak puas", 2), ("kecewa", 2),
    ("kurang sekali", 1), ("jelek", 1), ("parah sih", 1), ("bad", 1), ("👎", 1),
    ("puas banget kak, materinya jelas", 5),
]
NOT_RATINGS = ["halo", "ok", "makasih", "pelatihan batik jogja", "tahun 2026", "kapan ada lagi?", "3 4", "",
               "bagus tapi jelek"]
REASONS = [
    ("sakit", "sakit"), ("lg sakit kak", "sakit"), ("demam dr kemarin", "sakit"), ("ga enak badan", "sakit"),
    ("masuk angin kak", "sakit"), ("I was sick", "sakit"),
    ("bentrok", "bentrok"), ("ada acara keluarga", "bentrok"), ("sibuk kerja", "bentrok"), ("kondangan", "bentrok"),
    ("schedule conflict", "bentrok"),
    ("jauh", "jauh"), ("kejauhan ongkosnya", "jauh"), ("ga ada ongkos", "jauh"), ("biayanya mahal", "jauh"),
    ("too far", "jauh"),
    ("lupa", "lupa"), ("lupa hehe maaf", "lupa"), ("ketiduran", "lupa"), ("I forgot", "lupa"),
    ("lainnya", "lainnya"), ("alasan lain", "lainnya"), ("other", "lainnya"),
]


@pytest.mark.parametrize(("text", "rating"), RATINGS)
def test_ratings_in_words(text: str, rating: int) -> None:
    assert rating_in(text) == rating


@pytest.mark.parametrize("text", NOT_RATINGS)
def test_what_is_no_rating(text: str) -> None:
    assert rating_in(text) is None


@pytest.mark.parametrize(("text", "reason"), REASONS)
def test_reasons_in_words(text: str, reason: str) -> None:
    assert reason_in(text) == reason


@pytest.mark.parametrize("text", ["halo", "batik", "kapan pelatihan berikutnya?"])
def test_what_is_no_reason(text: str) -> None:
    assert reason_in(text) is None


@pytest.mark.parametrize("text", ["lewati", "skip", "ga ada", "gak ada kak", "tidak ada saran", "-", "udah itu aja"])
def test_nothing_to_add(text: str) -> None:
    assert skips(text)


@pytest.mark.parametrize("text", ["materinya bagus", "tolong tambah praktek", "waktunya kurang"])
def test_a_free_answer_is_kept(text: str) -> None:
    assert not skips(text)
