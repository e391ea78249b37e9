"""The registration form as a table of fields: each knows its question, how to read an answer in the person's own
words ("nama saya Sri", "wa 0812...", "saya di Sleman"), how to tell an answer from another question, and how to
ask again briefly. Adding a field means adding one entry to FIELDS (and a column to the profile)."""

from __future__ import annotations

import re

from bot.i18n import _
from handlers.fields_contact import (
    ask_name,
    ask_phone,
    looks_like_name,
    looks_like_phone,
    number_in,
    read_name,
    read_phone,
)
from handlers.fields_crafts import ask_crafts, looks_like_crafts, read_crafts
from handlers.fields_place import (
    ask_business,
    ask_region,
    looks_like_business,
    looks_like_region,
    read_business,
    read_region,
)
from handlers.form_reading import Field, words_of

# --- the table ----------------------------------------------------------------------------------

FIELDS: tuple[Field, ...] = (
    Field("name", ask_name, read_name, looks_like_name,
          lambda ctx: _("Mohon tulis nama lengkap Anda."), lambda: _("Ubah nama"),
          frozenset({"nama", "name", "namanya", "namaku"})),
    Field("phone", ask_phone, read_phone, looks_like_phone,
          lambda ctx: _("Mohon tulis nomor HP atau WhatsApp Anda."), lambda: _("Ubah nomor"),
          frozenset({"nomor", "nomer", "no", "hp", "wa", "whatsapp", "telepon", "telp", "phone", "number", "nmr"}),
          button="contact"),
    Field("crafts", ask_crafts, read_crafts, looks_like_crafts,
          lambda ctx: _("Mohon pilih atau tulis kerajinan Anda, lalu Selesai."), lambda: _("Ubah kerajinan"),
          frozenset({"kerajinan", "craft", "crafts", "kriya"}), button="craft"),
    Field("region", ask_region, read_region, looks_like_region,
          lambda ctx: _("Mohon tulis kabupaten atau kota usaha Anda."), lambda: _("Ubah wilayah"),
          frozenset({"wilayah", "kabupaten", "kota", "alamat", "daerah", "domisili", "region", "lokasi", "kab"}),
          button="region"),
    Field("business", ask_business, read_business, looks_like_business,
          lambda ctx: _("Mohon tulis nama usaha Anda, atau pilih Lewati."), lambda: _("Ubah nama usaha"),
          frozenset({"usaha", "toko", "brand", "merek", "business", "bisnis"}), button="business"),
)
BY_NAME = {f.name: f for f in FIELDS}


# --- "nomornya salah": changing one field at the confirmation ------------------------------------

_CHANGE_CUES = frozenset("""salah ganti ubah edit change keliru koreksi perbaiki benerin betulkan ralat wrong fix
update typo""".split())
_CHANGE_GLUE = frozenset("""nya saya sy aku my yang yg jadi menjadi to harusnya seharusnya mestinya mau ingin tolong
please the is kak ka min bu pak mas mbak dong ya itu ini benar bener sebenarnya mohon""".split())


def change_request(text: str) -> tuple[str, str] | None:
    """('phone', rest) for "nomornya salah", "ganti nama jadi Sri"; the rest may carry the new value."""
    words = words_of(text)
    if not words or not any(w in _CHANGE_CUES for w in words):
        return None
    named: str | None = None
    for w in words:
        stem = w[:-3] if w.endswith("nya") and len(w) > 5 else w
        for f in FIELDS:
            if named is None and (w in f.words or stem in f.words):
                named = f.name
    if named is None:
        return None
    if named == "name" and ("usaha" in words or "toko" in words or "business" in words):
        named = "business"
    # The new value, when given in the same message: the raw text after the last cue or field word.
    raw = text.strip()
    cut = re.split(r"(?i)\b(?:jadi|menjadi|harusnya|seharusnya|yang\s+benar|yg\s+benar|to|is|ke)\b", raw, maxsplit=1)
    rest = cut[1].strip(" :,-") if len(cut) > 1 else ""
    if not rest and named == "phone":
        rest = number_in(raw) or ""
    return named, rest
