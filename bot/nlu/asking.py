"""Questions about one thing in view (a training, a guide): which aspect is asked ("biayanya berapa?" -> fee),
in Indonesian, English and the regional words artisans mix in ("biayane pinten", "sabaraha biayana")."""

from __future__ import annotations

import unicodedata

from bot.nlu.normalize import normalize

ASPECTS: dict[str, frozenset[str]] = {
    "fee": frozenset({"biaya", "bayar", "harga", "gratis", "free", "cost", "fee", "price", "htm", "berbayar", "tarif",
                      "ongkos", "pay", "paid", "charge", "transfer", "rekening", "rega", "rego", "ragad", "ragade",
                      "beaya", "bayare", "mbayar", "bayaran", "gratiskah"}),
    "place": frozenset({"lokasi", "tempat", "alamat", "dimana", "where", "venue", "location", "kemana", "online",
                        "daring", "offline", "zoom", "pundi", "endi", "ngendi", "dimano", "dimanakah", "palih"}),
    "time": frozenset({"kapan", "jam", "tanggal", "mulai", "when", "time", "date", "start", "hari", "pukul",
                       "selesainya", "berakhir", "lama", "long", "iraha", "bilo", "kapankah", "tanggale", "jame"}),
    "deadline": frozenset({"deadline", "batas", "terakhir", "ditutup", "tutup", "close"}),
    "contact": frozenset({"kontak", "hubungi", "contact", "cp", "panitia", "penyelenggara", "organizer", "admin"}),
    "seats": frozenset({"kuota", "kursi", "sisa", "seats", "seat", "quota", "peserta"}),
    "requirements": frozenset({"syarat", "persyaratan", "requirements", "requirement", "bawa", "bring", "perlu",
                               "need", "syarate"}),
    "certificate": frozenset({"sertifikat", "certificate", "sertifikasi", "piagam"}),
}
# How long a procedure takes (a certification guide), in the same words.
DURATION = frozenset({"lama", "lamanya", "durasi", "proses", "long", "suwe", "suwene", "lawas", "lami", "lila"})

QUESTION_WORDS = frozenset({
    "berapa", "dimana", "mana", "kapan", "apa", "apakah", "gimana", "bagaimana", "kemana", "how", "what", "when",
    "where", "is", "does", "do", "ada", "dapat", "dapet", "boleh", "bisa", "siapa", "who", "much", "which", "pakai",
    "kah",
    # Javanese, Sundanese, Minang, Betawi, Balinese
    "pinten", "piro", "pira", "sabaraha", "kumaha", "pripun", "piye", "pundi", "endi", "ngendi", "iraha", "bilo",
    "bara", "baa", "dimano", "berape", "ape", "kenken", "kuda", "wonten", "enten", "aya", "ono", "ana",
})
# Possessive endings: Indonesian -nya, Javanese -e/-ne, Sundanese -na ("biayane", "regane", "biayana").
_ENDINGS = ("nya", "ne", "na", "e")


def words(text: str) -> list[str]:
    """The message's words, normalised by the NLU (slang expanded)."""
    return normalize(unicodedata.normalize("NFKC", text or "")).split()


def stem(word: str, vocabulary: frozenset[str]) -> str:
    """`word` without a possessive ending when what is left is in `vocabulary` ("biayane" -> "biaya")."""
    if word in vocabulary:
        return word
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3 and word[:-len(ending)] in vocabulary:
            return word[:-len(ending)]
    return word


_EVERY_ASPECT = frozenset().union(*ASPECTS.values())


def aspect_asked(text: str) -> str | None:
    """The aspect of a short question about the thing in view ("biayanya berapa?" -> "fee"), or None."""
    typed = words(text)
    if not typed or len(typed) > 10:
        return None
    stems = [stem(w, _EVERY_ASPECT) for w in typed]
    aspect = next((a for a, vocabulary in ASPECTS.items() if any(w in vocabulary for w in stems)), None)
    if aspect is None:
        return None
    asked = (text.strip().endswith("?") or any(w in QUESTION_WORDS for w in typed)
             or any(w != s for w, s in zip(typed, stems, strict=True)) or len(typed) <= 2)
    return aspect if asked else None


def asks_duration(text: str) -> bool:
    """Whether a short message asks how long something takes ("berapa lama prosesnya", "suwene pinten")."""
    typed = words(text)
    return 0 < len(typed) <= 6 and any(stem(w, DURATION) in DURATION for w in typed)
