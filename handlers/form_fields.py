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
from handlers.fields_gender import ask_gender, looks_like_gender, read_gender
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
    Field("gender", ask_gender, read_gender, looks_like_gender,
          lambda ctx: _("Mohon pilih jenis kelamin Anda, atau ketik lewati."), lambda: _("Ubah jenis kelamin"),
          frozenset({"kelamin", "gender", "sex"}), button="gender", at_confirmation=True),
)
BY_NAME = {f.name: f for f in FIELDS}


# --- "nomornya salah": changing one field at the confirmation ------------------------------------

_CHANGE_CUES = frozenset("""salah ganti ubah edit change keliru koreksi perbaiki benerin betulkan ralat wrong fix
update typo""".split())
_CHANGE_GLUE = frozenset("""nya saya sy aku my yang yg jadi menjadi to harusnya seharusnya mestinya mau ingin tolong
please the is kak ka min bu pak mas mbak dong ya itu ini benar bener sebenarnya mohon""".split())


# At the confirmation, where every field is on screen, a field named with its value is a change too:
# "kerajinannya batik aja deh", "wait, the name should be Nurul Aisyah Ahmad".
_LOOSE_CUES = frozenset("""harusnya seharusnya mestinya should sebenarnya aja saja cuma hanya just only wait eh bukan
not""".split())
_OPENING = re.compile(r"(?i)^\W*(?:bukan|eh|wait|sorry|maaf|oh)\b\W*")  # "bukan, nama saya Sri" -> "nama saya Sri"


def change_request(text: str, loose: bool = False) -> tuple[str, str] | None:
    """('phone', rest) for "nomornya salah", "ganti nama jadi Sri"; the rest may carry the new value. `loose`
    (the confirmation) also takes the words of `_LOOSE_CUES` as a cue."""
    words = words_of(text)
    cues = _CHANGE_CUES | _LOOSE_CUES if loose else _CHANGE_CUES
    if not words or not any(w in cues for w in words):
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
    cut = re.split(r"(?i)\b(?:jadi|jd|menjadi|harusnya|seharusnya|yang\s+benar|yg\s+benar|yang\s+bener|yg\s+bener|should\s+be|must\s+be|to|is|ke)\b",
                   raw, maxsplit=1)
    rest = cut[1].strip(" :,-") if len(cut) > 1 else ""
    if not rest and named == "phone":
        rest = number_in(raw) or ""
    if not rest and named == "crafts":
        rest = raw  # "kerajinannya batik aja deh": the crafts named are the new ones
    if not rest and loose and named == "name" and _OPENING.match(raw):
        rest = _OPENING.sub("", raw)  # read by the name's own framing ("nama saya …")
    return named, rest


# Under the profile: a field and its new value ("kerajinan saya sekarang kayu sama bambu", "nomor hp saya
# 0857-1122-3344", "wilayah saya jepara", "nama usahanya hapus aja").
_FIELD_IS = re.compile(r"(?i)^\s*(?P<field>(?:nama\s+)?\w+?)(?:nya)?(?:\s+(?:hp|wa|saya|sy|ku|aku|my))*"
                       r"(?:\s+(?:sekarang|skrg|skrng|now))?(?:\s+(?:jadi|namanya|adalah|is|:))?\s+(?P<value>\S.*)$")
_CLEARING = frozenset({"hapus", "hapuskan", "kosongkan", "dihapus", "aja", "saja", "deh", "dong", "remove", "delete"})
# A business said to be gone, or its name asked to be removed: "usaha saya tutup, hapus aja nama usahanya".
_GONE = frozenset({"tutup", "bangkrut", "closed", "hapus", "hapuskan", "hapusin", "kosongkan", "dihapus", "remove",
                   "delete"})


def field_and_value(text: str) -> tuple[str, str] | None:
    """A profile field and its new value said plainly, for where the profile is what is being talked about."""
    found = _FIELD_IS.match(text)
    if not found:
        return None
    head = found.group("field").casefold().split()
    value = found.group("value").strip(" .!")
    named = "business" if {"usaha", "toko"} & set(head) else next(
        (f.name for f in FIELDS if head[-1] in f.words), None)
    if named == "business" and (set(words_of(value)) <= _CLEARING or (words_of(value) or [""])[0] in _GONE
                                or {"hapus", "hapuskan", "kosongkan", "remove", "delete"} & set(words_of(value))):
        value = "lewati"  # "nama usahanya hapus aja", "usaha saya tutup, hapus aja": no business name any more
    return (named, value) if named else None
