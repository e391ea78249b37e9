"""One reader of yes, no, next and back, in the words artisans type; and picking an option by its number or
in words (bot/router.py match_option)."""

from __future__ import annotations

import pytest

from bot.nlu.answers import meaning
from bot.router import match_option

YES = [
    "ya", "iya", "Iya kak", "iyaaa", "IYA KAK", "y", "yoi", "yo", "gpp", "gapapa", "ga papa kak", "tidak apa-apa",
    "gak apa2", "oke", "oke kak", "okee", "OKE", "ok", "okey", "sip", "sipp lah", "sip lah", "siap kak", "boleh",
    "boleh dong", "betul", "bener kak", "sudah benar", "udah bener kak", "setuju", "setuju kak", "iya setuju",
    "SETUJUUU", "stuju", "setujuh", "mau", "iya mau kak", "nggih", "inggih", "nggih mas", "muhun", "mangga",
    "sumuhun", "enya", "yes", "YES", "yes please", "sure", "of course", "no problem", "yeah", "yep", "👍", "👍🏽",
    "🙏", "✅", "👌", "✔️", "siap kak 🙏", "👍👍", "ya daftar", "iya daftar", "ya, daftar", "Ya daftar kak",
    "daftar", "daftarkan saya", "ya batalkan", "ya hapus", "iya hapus aja", "hapus aja", "hapus data saya",
    "ya, hapus data saya", "ok kirim", "oke lanjut", "ya lanjut", "gas", "ayo", "yakin", "ya yakin kak", "okelah",
    "yaudah", "ya udah deh", "sampun leres", "hayuk", "please do", "mantap kak",
]
NO = [
    "tidak", "tdk", "TIDAK", "gak", "ga", "gk", "nggak", "Nggak kak", "enggak", "engga", "ndak", "no", "NO",
    "nope", "nah", "jangan", "jangan hapus", "ga jadi", "gak jadi", "enggak jadi",
    "tidak jadi", "gak usah", "ga usah deh", "nggak usah kak", "ga setuju", "ga setuju ah", "tidak setuju",
    "tidak mau", "gak mau", "ogah", "belum", "mboten", "boten", "ora", "henteu", "teu", "no thanks", "not now",
    "no thank you", "not yet", "never mind", "❌", "👎", "tidaaak", "gaaa", "ngga deh kak", "ora usah",
    "rasah", "durung", "teu acan", "tidak yakin",
]
NEXT = ["lanjut", "lanjut kak", "LANJUT", "lanjuuut", "lnjut", "berikutnya", "brikutnya", "next", "next dong",
        "selanjutnya", "terus?", "terus", "trus", "continue"]
BACK = ["kembali", "sebelumnya", "balik", "back", "mundur", "kembali dong kak", "ok kembali"]
NEITHER = [
    "", "   ", "halo", "makasih kak", "terima kasih", "data saya", "batik", "ya batik", "batang", "pekalongan",
    "ya, biayanya berapa?", "iya tapi biayanya berapa", "mulai", "mulai lagi dong kak", "lanjut dan kembali",
    "saya mau daftar pelatihan batik di jogja", "batal", "batalkan", "cancel", "BTK-YK-01", "0812 3456 7890",
    "Sri Rahayu", "nama saya Sri", "bot goblok", "???", "🙂", "2", "yang kedua",
]


@pytest.mark.parametrize("text", YES)
def test_yes(text: str) -> None:
    assert meaning(text) == "yes"


@pytest.mark.parametrize("text", NO)
def test_no_and_negation_wins(text: str) -> None:
    assert meaning(text) == "no"


@pytest.mark.parametrize("text", NEXT)
def test_next(text: str) -> None:
    assert meaning(text) == "next"


@pytest.mark.parametrize("text", BACK)
def test_back(text: str) -> None:
    assert meaning(text) == "back"


@pytest.mark.parametrize("text", NEITHER)
def test_not_a_plain_answer(text: str) -> None:
    assert meaning(text) is None


CANCEL_QUESTION = [["Ya, batalkan", "rcy:R1", "yes"], ["Tidak", "my", "no"]]
GUIDE_STEP = [["Langkah berikutnya", "cert:nib:3", "next"], ["Sebelumnya", "cert:nib:1", "back"],
              ["Panduan lain", "cert", ""], ["Menu", "menu", ""]]
CHOICES = [["Kota Pekalongan", "rf:region:33.75", ""], ["Kabupaten Pekalongan", "rf:region:33.26", ""],
           ["Kabupaten Batang", "rf:region:33.25", ""], ["Batal", "rf:cancel", ""]]


@pytest.mark.parametrize(("text", "payload"), [
    ("ya", "rcy:R1"), ("iya kak", "rcy:R1"), ("ya batalkan", "rcy:R1"), ("batalkan", "rcy:R1"), ("👍", "rcy:R1"),
    ("ga jadi", "my"), ("gak usah", "my"), ("tidak", "my"), ("Tidak", "my"), ("2", "my"), ("1", "rcy:R1"),
    ("nomor 1", "rcy:R1"), ("mboten", "my"),
])
def test_a_yes_or_no_chooses_the_option_with_that_meaning(text: str, payload: str) -> None:
    assert match_option(text, CANCEL_QUESTION) == payload


@pytest.mark.parametrize(("text", "payload"), [
    ("lanjut", "cert:nib:3"), ("berikutnya", "cert:nib:3"), ("next", "cert:nib:3"), ("selanjutnya", "cert:nib:3"),
    ("terus?", "cert:nib:3"), ("ok", "cert:nib:3"), ("oke kak", "cert:nib:3"), ("sebelumnya", "cert:nib:1"),
    ("kembali", "cert:nib:1"), ("back", "cert:nib:1"), ("langkah berikutnya", "cert:nib:3"), ("menu", "menu"),
])
def test_guide_steps_by_words(text: str, payload: str) -> None:
    assert match_option(text, GUIDE_STEP) == payload


@pytest.mark.parametrize(("text", "payload"), [
    ("yang kedua", "rf:region:33.26"), ("nomor 2", "rf:region:33.26"), ("no 2", "rf:region:33.26"),
    ("no. 2", "rf:region:33.26"), ("nu kadua", "rf:region:33.26"), ("sing kapindho", "rf:region:33.26"),
    ("sing kaping telu", "rf:region:33.25"), ("YANG KETIGA KAK", "rf:region:33.25"), ("yg ke-3", "rf:region:33.25"),
    ("nu katilu", "rf:region:33.25"), ("yang pertama aja", "rf:region:33.75"), ("the second one", "rf:region:33.26"),
    ("kabupaten pekalongan", "rf:region:33.26"), ("Kota Pekalongan.", "rf:region:33.75"),
])
def test_which_one_by_its_ordinal_or_title(text: str, payload: str) -> None:
    assert match_option(text, CHOICES) == payload


@pytest.mark.parametrize("text", ["yang kesepuluh", "nomor 7", "pelatihan nomor 2 biayanya berapa", "2 orang",
                                  "ya", "lanjut", "batik"])
def test_no_option_when_none_is_meant(text: str) -> None:
    assert match_option(text, CHOICES) is None


def test_a_yes_without_a_yes_option_is_not_taken_as_a_choice() -> None:
    detail = [["Daftar", "rg:BTK-YK-01", ""], ["Pelatihan lain", "tl", ""], ["Menu", "menu", ""]]
    assert match_option("ya", detail) is None
    assert match_option("daftar", detail) == "rg:BTK-YK-01"  # its title


@pytest.mark.parametrize("text", ["yes I agree", "i agree", "yes, I do", "sure, go ahead", "iya hapus aja semuanya",
                                  "ya hapus semua", "eh iya"])
def test_yes_from_the_trial(text: str) -> None:
    assert meaning(text) == "yes"


@pytest.mark.parametrize("text", ["register", "daftar", "daftar aja kak"])
def test_a_bare_verb_is_no_agreement_when_asked_so(text: str) -> None:
    assert meaning(text) == "yes"
    assert meaning(text, bare_verb=False) is None


@pytest.mark.parametrize("text", ["ya daftar", "setuju", "yes I agree"])
def test_an_answer_word_agrees_without_bare_verbs(text: str) -> None:
    assert meaning(text, bare_verb=False) == "yes"


@pytest.mark.parametrize("text", ["i", "i dont", "sure go"])
def test_not_a_yes(text: str) -> None:
    assert meaning(text) != "yes"
