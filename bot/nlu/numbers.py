"""The number of a list item in a message ('no 3', 'nomor tiga', 'yang kedua', '#2', 'the second one')."""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

_CARDINALS: dict[str, int] = {
    "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8, "sembilan": 9,
    "sepuluh": 10, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10,
}
_ORDINALS: dict[str, int] = {
    "pertama": 1, "kesatu": 1, "kedua": 2, "ketiga": 3, "keempat": 4, "kelima": 5, "keenam": 6, "ketujuh": 7,
    "kedelapan": 8, "kesembilan": 9, "kesepuluh": 10,
}
# Sundanese ("nu kadua"), Minang ("nan kaduo") and Javanese ("sing kapindho", "sing kaping telu") ordinals.
_REGIONAL_ORDINALS: dict[str, int] = {
    "kahiji": 1, "kadua": 2, "katilu": 3, "kaopat": 4, "kalima": 5, "kagenep": 6, "katujuh": 7, "kadalapan": 8,
    "kasalapan": 9, "kasapuluh": 10, "kapisan": 1, "kapindho": 2, "kapindo": 2, "katelu": 3,
    "partamo": 1, "kaduo": 2, "katigo": 3, "kaampek": 4, "kalimo": 5,  # Minang ("nan katigo")
}
_JAVANESE_CARDINALS: dict[str, int] = {  # after "kaping"
    "siji": 1, "setunggal": 1, "pindho": 2, "pindo": 2, "loro": 2, "kalih": 2, "telu": 3, "tiga": 3, "papat": 4,
    "sekawan": 4, "lima": 5, "gangsal": 5, "enem": 6, "nem": 6, "pitu": 7, "wolu": 8, "sanga": 9, "songo": 9,
    "sepuluh": 10, "dua": 2, "satu": 1, "empat": 4,
}
_ENGLISH_ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10,
}
_ORD_SUFFIX = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)$")
# Words after which a bare small number is an item of the list the person just saw.
_POINTERS = {
    "nomor", "no", "number", "num", "nr", "#", "pilihan", "opsi", "option", "urutan", "item", "poin", "point",
    "yang", "the", "ke", "pelatihan", "training", "workshop", "kelas", "acara", "info", "detail", "detil",
    "daftar", "ikut", "pilih", "lihat", "liat", "ambil", "register", "join", "book", "show", "see", "tentang",
    "about", "batal", "batalkan", "cancel", "mau", "want", "select", "choose", "pick", "jadwal", "lanjut",
    "buka", "sing", "nu", "ingkang", "kaping",
}
# Words before which a number counts something else (people, days, money...).
_UNITS = {
    "orang", "peserta", "kursi", "tiket", "hari", "minggu", "bulan", "tahun", "jam", "menit", "kali", "x",
    "pcs", "buah", "biji", "lembar", "meter", "m", "cm", "mm", "kg", "gram", "gr", "rb", "ribu", "k", "jt",
    "juta", "miliar", "persen", "jenis", "macam", "kelas", "sesi", "angkatan", "anak", "produk", "kain",
    "unit", "people", "persons", "person", "days", "day", "weeks", "week", "months", "month", "years", "year",
    "hours", "hour", "pieces", "seats", "tickets", "kodi", "lusin", "potong", "helai", "set", "paket", "ekor",
    "jari", "pm", "am", "wib", "wita", "wit", "xdate", "lagi",
}
# Words before a number that make it a price, a time, an age, a date...
_NOT_AFTER = {
    "rp", "idr", "jam", "pukul", "umur", "usia", "harga", "biaya", "tahun", "tanggal", "hari", "bulan",
    "minggu", "at", "rt", "rw", "kode", "angkatan", "gelombang", "batch", "tahap", "sesi", "lantai", "level",
    "hp", "wa", "telp", "telepon", "nik",
}
# Words before an ordinal that make it something other than a list item ("minggu kedua", "gelombang pertama").
_ORDINAL_NOT_AFTER = {
    "minggu", "pekan", "hari", "bulan", "tahun", "gelombang", "angkatan", "tahap", "batch", "week", "sesi",
    "lantai", "juara", "anak", "istri", "suami", "kali", "generasi", "periode", "termin", "semester",
    "kuartal", "at", "for",
}
_ORDINAL_NOT_BEFORE = {
    "kali", "kalinya", "belah", "orang", "tama", "time", "of", "hand", "place", "language", "bahasa",
    "generasi",
}
# A message made only of these words and one number is a pick from the list.
FILLERS = {
    "yang", "the", "one", "ya", "yah", "saja", "dong", "deh", "aja", "admin", "kak", "pak", "bu", "mas",
    "mbak", "oke", "please", "nomor", "no", "number", "pilih", "mau", "saya", "itu", "ini", "nya", "ke",
    "option", "pilihan", "opsi", "sih", "tolong", "kalau", "kl", "gimana", "bagaimana", "i", "want", "choose",
    "pick", "#", "xnum",
}

# A reply made only of these words and one number picks that option of the last reply ("sing kaping telu").
PICK_WORDS = FILLERS | {"ke", "sing", "nu", "ingkang", "kaping", "anu", "nomer", "urutan", "lah", "nya"}

PLACEHOLDER = "xnum"


def _value(token: str) -> int | None:
    if token.isdigit() and len(token) <= 2 and 0 < int(token) <= 50:
        return int(token)
    m = _ORD_SUFFIX.match(token)
    return int(m[1]) if m else None


def find_number(tokens: list[str]) -> tuple[int | None, int | None]:
    """(number, index of its token) of the first list item named in normalised tokens, or (None, None)."""
    n = len(tokens)
    for i, token in enumerate(tokens):
        before = tokens[i - 1] if i else ""
        after = tokens[i + 1] if i + 1 < n else ""
        value = _value(token)
        if value is not None:
            if (after in _UNITS and before != "ke") or before in _NOT_AFTER:
                continue
            if _ORD_SUFFIX.match(token) or before in _POINTERS or n <= 2 or set(tokens) - {token} <= FILLERS:
                return value, i
            continue
        if token in _CARDINALS and after not in _UNITS and (
            before in {"nomor", "no", "number", "nr", "pilihan", "opsi", "option", "yang", "#"}
            or set(tokens) - {token} <= FILLERS
        ):
            return _CARDINALS[token], i
        if token in _ORDINALS and before not in _ORDINAL_NOT_AFTER and after not in _ORDINAL_NOT_BEFORE:
            return _ORDINALS[token], i
        if token in _REGIONAL_ORDINALS and before not in _ORDINAL_NOT_AFTER:
            return _REGIONAL_ORDINALS[token], i
        if token in _JAVANESE_CARDINALS and before == "kaping":
            return _JAVANESE_CARDINALS[token], i
        english_pick = before == "the" or after in {"one", "option", "training", "workshop"}
        if token in _ENGLISH_ORDINALS and english_pick:
            return _ENGLISH_ORDINALS[token], i
    return None, None
