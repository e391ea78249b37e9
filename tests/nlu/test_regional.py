"""Issue 16, rule by rule: regional words, corrections, months with a year, digits for letters, glued words,
craft verbs, spam. (tests/nlu/hard_set.yaml measures them together.)"""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from bot.nlu import normalize, understand

logger = logging.getLogger(__name__)

TODAY = dt.date(2026, 11, 23)  # a Monday
NEXT_MONTH = ("2026-12-01", "2026-12-31")


def got(text: str) -> dict[str, object]:
    return understand(text, today=TODAY).as_dict()


@pytest.mark.parametrize(("text", "intent"), [
    ("ono pelatihan kayu ning Jepara ora?", "training_search"),  # Javanese ngoko
    ("wonten pelatihan kayu ing Jepara mboten?", "training_search"),  # krama
    ("aya pelatihan kayu di Jepara teu?", "training_search"),  # Sundanese
    ("ado pelatihan kayu di Jepara dak?", "training_search"),  # Minang
    ("ade pelatihan kayu di Jepara kagak?", "training_search"),  # Betawi
    ("wenten pelatihan kayu ring Jepara?", "training_search"),  # Balinese
])
def test_the_same_question_in_each_regional_language(text: str, intent: str) -> None:
    found = got(text)
    assert (found["intent"], found["craft"], found["regency"]) == (intent, "kayu", "33.20")


@pytest.mark.parametrize(("text", "date"), [
    ("ana pelatihan batik sasi ngarep?", NEXT_MONTH),
    ("aya pelatihan batik bulan payun?", NEXT_MONTH),
    ("ado pelatihan batik bulan muko?", NEXT_MONTH),
    ("pelatihan batik april taun ngarep", ("2027-04-01", "2027-04-30")),
    ("tahun depan bulan juli ada pelatihan batik?", ("2027-07-01", "2027-07-31")),
    ("pelatihan batik tahun depan", ("2027-01-01", "2027-12-31")),
    ("pelatihan batik dari desember sampai februari", ("2026-12-01", "2027-02-28")),
])
def test_regional_months_and_a_month_of_next_year(text: str, date: tuple[str, str]) -> None:
    found = got(text)
    assert (found["date_from"], found["date_to"]) == date


@pytest.mark.parametrize(("text", "slot", "value"), [
    ("pelatihan tenun? eh bukan tenun, anyaman maksudnya", "craft", "anyaman"),
    ("bukan anyaman, yang saya cari tenun", "craft", "tenun"),
    ("kelas keramik di Medan, eh salah, di Padang", "regency", "13.71"),
    ("yang di Padang aja, jangan di Medan", "regency", "13.71"),
    ("kelas batik di Klaten bukan, di Sleman maksudnya", "regency", "34.04"),
    ("pelatihan kayu bulan depan... eh maret ding", "date_from", "2027-03-01"),
    ("salah ketik, bukan januari tapi februari", "date_from", "2027-02-01"),
    ("yang maret penuh, kalau april ada?", "date_from", "2027-04-01"),
    ("nomor 1 eh salah nomor 3", "number", 3),
])
def test_the_later_value_wins_after_a_correction(text: str, slot: str, value: object) -> None:
    assert got(text)[slot] == value


@pytest.mark.parametrize(("text", "slot", "value"), [
    ("pelatihan batik dan tenun di Solo", "craft", "batik"),  # no correction: the first named, as before
    ("ada pelatihan batik bukan?", "craft", "batik"),  # a question tag negates nothing
    ("jangan kirim info batik", "craft", "batik"),
    ("pelatihan batik di Solo dan Jogja", "regency", "33.72"),
])
def test_without_a_correction_the_first_value_counts(text: str, slot: str, value: object) -> None:
    assert got(text)[slot] == value


@pytest.mark.parametrize(("text", "words"), [
    ("ada p3l4tihan t3nun d1 b4ntul?", "ada pelatihan tenun di bantul"),
    ("inf0 pr0duk", "info produk"),
    ("kursusbatikdijogja", "kursus batik di jogja"),
    ("daftarnomer2", "daftar nomer 2"),
    ("PELATIHANNN ANYAMANNN", "pelatihan anyaman"),
])
def test_digits_for_letters_glued_words_and_stretched_letters(text: str, words: str) -> None:
    assert normalize(text) == words


@pytest.mark.parametrize("text", ["yang ke3", "5jt", "2x", "BTK-2612-YK", "no2", "09.00"])
def test_numbers_counts_and_codes_keep_their_digits(text: str) -> None:
    assert any(c.isdigit() for c in normalize(text))


def test_a_training_code_with_digits_is_still_a_code() -> None:
    assert got("info BTK-2612-YK")["intent"] == "training_detail"


@pytest.mark.parametrize(("text", "craft"), [
    ("belajar nyanting", "batik"), ("bisa mbatik", "batik"), ("ngebatik", "batik"), ("mambatik", "batik"),
    ("kursus nyulam", "bordir"), ("ngebordir", "bordir"), ("belajar ngukir", "kayu"), ("nenun", "tenun"),
    ("batenun", "tenun"), ("nyongket", "tenun"), ("nganyam pandan", "anyaman"), ("ngerajut", "rajut"),
    ("ngasah batu", "perhiasan"), ("ngeprint daun", "ecoprint"),
])
def test_crafts_named_by_the_work(text: str, craft: str) -> None:
    assert got(text)["craft"] == craft


@pytest.mark.parametrize("text", [
    "SELAMAT anda memenangkan hadiah, klik bit.ly/abc",
    "pelatihan gratis klaim di https://contoh.xyz",
    "menang undian, transfer biaya admin dulu",
])
def test_prize_and_scam_messages_are_off_topic(text: str) -> None:
    assert got(text)["intent"] == "unknown"


@pytest.mark.parametrize(("text", "intent"), [
    ("ada pelatihan gratis bulan depan?", "training_search"),  # one money word and no link: a real question
    ("email saya wati@contoh.com, ganti profil saya", "profile"),  # an e-mail address is no link
])
def test_a_real_request_is_not_spam(text: str, intent: str) -> None:
    assert got(text)["intent"] == intent


@pytest.mark.parametrize(("text", "slot", "value"), [
    ("pelatihan di bnjrmsn", "regency", "63.71"),
    ("batik di smrng", "regency", "33.74"),
    ("srtfkt halal", "topic", "halal"),
    ("cara bikin kue nastar", "regency", None),  # most vowels kept, another ending: no "niasutara"
])
def test_places_and_words_typed_without_vowels(text: str, slot: str, value: object) -> None:
    assert got(text)[slot] == value
