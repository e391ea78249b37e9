"""The registration form's steps: which question is next, asking it (again), the summary, answers told from questions."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from bot import payloads
from bot.context import HandlerContext
from bot.core import Button, Reply
from bot.crafts import CRAFTS, craft_name
from bot.genders import GENDERS, gender_name
from bot.i18n import _
from bot.regions import region_name
from handlers import fields_place, form_questions, form_reading
from handlers.form_fields import BY_NAME, FIELDS

STATE = "reg"
STEPS = ("consent", *(f.name for f in FIELDS), "confirm")  # consent and confirm are steps, not profile fields
# How a typed answer to the consent or confirm question reads ("ya daftar", "oke kak", "lanjut", "ga setuju ah").
CHOICE = {"yes": "yes", "next": "yes", "no": "no"}
# Leaving the form takes a clear cancel: never a place name ("batang") nor a bare "no".
CANCEL = {"batal", "batalkan", "cancel", "keluar", "stop form", "batalkan pendaftaran", "batal daftar",
          "tidak jadi", "tidak jadi daftar", "gak jadi", "ga jadi", "gak jadi daftar", "ga jadi daftar",
          "nggak jadi daftar", "batal saja", "batal aja", "cancel registration", "never mind"}


# Words before a cancel that only say one changed one's mind ("eh salah, ga jadi", "aduh, batal aja").
_MIND_CHANGED = frozenset({"eh", "ehh", "ah", "oh", "aduh", "waduh", "salah", "keliru", "maaf", "sorry", "oops",
                           "kak", "ka", "min", "deh", "sih", "wait", "sebentar", "bentar"})


# Words a cancel is said with ("gk jadi, batal aja daftarnya"): nothing else may be in the message.
_CANCEL_WORDS = frozenset({"batal", "batalkan", "batalin", "cancel", "jadi", "keluar"})
_NOT = frozenset({"gak", "ga", "gk", "nggak", "ngga", "enggak", "tidak", "tdk", "ndak", "ora", "not"})
_CANCEL_FILLER = frozenset({"aja", "saja", "deh", "dong", "ya", "sih", "nya", "daftarnya", "pendaftarannya",
                            "pendaftaran", "daftar", "registration", "it", "this", "dulu", "please", "pls", "sy",
                            "saya", "aku", "i", "ll", "will", "mau", "kak", "ka"})


def _is_cancel(text: str) -> bool:
    if _words(text) in CANCEL or " ".join(form_reading.words_of(text)) in CANCEL:
        return True
    words = form_reading.words_of(text)
    while words and words[0] in _MIND_CHANGED:
        words = words[1:]
    while words and words[-1] in _MIND_CHANGED:
        words = words[:-1]
    if bool(words) and " ".join(words) in CANCEL:
        return True
    clauses = [[w for w in form_reading.words_of(part) if w not in _CANCEL_FILLER and w not in _MIND_CHANGED]
               for part in re.split(r"[,.;!?]+", text)]
    clauses = [c for c in clauses if c]
    return bool(clauses) and _cancels(clauses[-1])  # "ntar dulu kak, sy tanya istri dulu. batalin dulu aja ya"


def _cancels(words: list[str]) -> bool:
    """One clause of a cancel: "batal aja" or "gk jadi" ("tidak jadi batal" keeps the registration going)."""
    if not all(w in _CANCEL_WORDS or w in _NOT for w in words):
        return False
    verbs = [i for i, w in enumerate(words) if w in _CANCEL_WORDS - {"jadi"}]
    if verbs:
        return not any(w in _NOT for w in words[:verbs[0]])
    return any(w == "jadi" and i > 0 and words[i - 1] in _NOT for i, w in enumerate(words))


def _words(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().strip(" .!?").split())


# --- steps --------------------------------------------------------------------------------------

def _value(ctx: HandlerContext, field: str) -> Any:
    """The field's value: the form's answer, else (unless everything is being re-entered) the profile's."""
    data = ctx.state.data
    if field in data:
        return data[field]
    if data.get("fresh"):
        return None
    person = ctx.person
    return {
        "consent": person.consent_at is not None or None,
        "name": person.full_name,
        "phone": person.phone,
        "crafts": person.crafts or None,
        "region": person.regency,
        "business": person.business_name or (True if person.full_name and person.regency else None),
        # asked of everyone who registers from now on; a profile made before the question is not asked again
        "gender": person.gender or (True if person.full_name and person.regency else None),
    }[field]


def _next_field(ctx: HandlerContext) -> str:
    if ctx.state.data.get("mode") == "edit":
        field = ctx.state.data["field"]
        return "consent" if not _value(ctx, "consent") else field
    return next((f for f in STEPS[:-1] if not _value(ctx, f) and not _not_asked(ctx, f)), "confirm")


def _not_asked(ctx: HandlerContext, field: str) -> bool:
    """A participant from abroad who said they have no Indonesian regency ("Skip", their country): the region
    question is done. A field asked on the confirmation (gender) is no step of its own."""
    if field in BY_NAME and BY_NAME[field].at_confirmation:
        return True
    return field == "region" and bool(ctx.state.data.get(fields_place.ABROAD))


def open_at_confirmation(ctx: HandlerContext) -> list[str]:
    """The optional fields the confirmation still asks (not answered in the form nor known from the profile)."""
    return [f.name for f in FIELDS if f.at_confirmation and not _value(ctx, f.name)
            and ctx.state.data.get("mode") != "edit"]


def _step(ctx: HandlerContext) -> str:
    """The question being asked (the state is reg:<step>)."""
    step = (ctx.state.name or "").split(":")[-1]
    return step if step in STEPS else _next_field(ctx)


def _ask(ctx: HandlerContext, field: str, problem: str | None = None) -> Reply:
    """The question for `field` (with what was wrong with the last answer first)."""
    ctx.state.name = f"{STATE}:{field}"
    text, buttons = _question(ctx, field)
    return Reply(f"{problem}\n\n{text}" if problem else text, buttons)


def _question(ctx: HandlerContext, field: str) -> tuple[str, tuple[Button, ...]]:
    cancel = Button(_("Batal"), "rf:cancel")
    if field == "consent":
        editing = ctx.state.data.get("mode") == "edit"
        text = "\n\n".join((
            _("Sebelum menyimpan profil Anda, kami minta izin menyimpan data Anda: nama lengkap, nomor HP, jenis "
              "kerajinan, kabupaten/kota, dan nama usaha (boleh dikosongkan).") if editing else
            _("Sebelum mendaftar, kami minta izin menyimpan data Anda: nama lengkap, nomor HP, jenis kerajinan, "
              "kabupaten/kota, dan nama usaha (boleh dikosongkan)."),
            *form_questions.privacy_paragraphs(),
            _("Apakah Anda setuju?"),
        ))
        return text, (Button(_("Setuju"), "rf:consent:yes"), Button(_("Tidak setuju"), "rf:consent:no"))
    if field in BY_NAME:
        return BY_NAME[field].ask(ctx)
    asked = open_at_confirmation(ctx)
    changes = (Button(f.change(), f"rf:change:{f.name}") for f in FIELDS
               if f.name not in asked) if ctx.state.data.get("mode") != "edit" else ()
    summary, _blank, last = _summary(ctx).rpartition("\n\n")
    questions, optional = [], []
    for name in asked:  # "Jenis kelamin Anda? Boleh dilewati": before the last line, its buttons after "Ya, daftar"
        question, buttons = BY_NAME[name].ask(ctx)
        questions.append(question)
        optional += [b for b in buttons if b.payload != "rf:cancel"]
    text = "\n\n".join((summary, *questions, last))
    return text, (Button(_("Ya, daftar"), "rf:confirm:yes"), *optional, *changes, cancel)


def _reask(ctx: HandlerContext, field: str) -> tuple[str, tuple[Button, ...]]:
    """The question in one line (after an interruption), with its buttons."""
    _text, buttons = _question(ctx, field)
    if field == "consent":
        if ctx.state.data.get("mode") == "edit":
            return _("Apakah Anda setuju data profil Anda disimpan?"), buttons
        return _("Apakah Anda setuju data Anda disimpan untuk pendaftaran ini?"), buttons
    if field == "confirm":
        title = (ctx.state.data.get("training_view") or {}).get("title", "")
        return _("Kirim pendaftaran {title}?").format(title=title), buttons
    return BY_NAME[field].reask(ctx), buttons


# What the form's buttons above carry: the router refuses any other `rf:` payload before the form reads it.
FORM_BUTTONS = payloads.either(
    payloads.args(payloads.one_of("cancel", "contact")),
    payloads.args(payloads.one_of("consent"), payloads.one_of("yes", "no")),
    payloads.args(payloads.one_of("craft"), payloads.one_of("done", *CRAFTS)),
    payloads.args(payloads.one_of("region"), payloads.regency),
    payloads.args(payloads.one_of("region"), payloads.one_of("abroad")),
    payloads.args(payloads.one_of("business"), payloads.one_of("skip")),
    payloads.args(payloads.one_of("gender"), payloads.one_of(*GENDERS)),
    payloads.args(payloads.one_of("confirm"), payloads.one_of("yes", "edit")),
    payloads.args(payloads.one_of("change"), payloads.one_of(*(f.name for f in FIELDS))),
)


def _summary(ctx: HandlerContext) -> str:
    training = ctx.state.data.get("training_view") or {}
    crafts = ", ".join(craft_name(c) for c in _value(ctx, "crafts") or [])
    business = _value(ctx, "business")
    lines = [
        _("Mohon periksa pendaftaran Anda:"),
        "",
        _("Pelatihan: {title} ({code})").format(title=training.get("title", ""), code=training.get("code", "")),
        _("Waktu: {when}").format(when=training.get("when", "")),
        _("Nama: {name}").format(name=_value(ctx, "name")),
        _("Nomor HP: {phone}").format(phone=_value(ctx, "phone")),
        _("Kerajinan: {craft}").format(craft=crafts),
        _("Kabupaten/kota: {region}").format(region=region_name(_value(ctx, "region")) or "-"),
        _("Nama usaha: {business}").format(business=business if isinstance(business, str) else "-"),
        _("Jenis kelamin: {gender}").format(gender=gender_name(_value(ctx, "gender"))),
        "",
        _("Sudah benar dan kirim pendaftaran?"),
    ]
    return "\n".join(lines)


def prompt(ctx: HandlerContext) -> Reply:
    """The current question again, briefly, after an interruption."""
    text, buttons = _reask(ctx, _step(ctx))
    intro = _("Kita lanjutkan pendaftaran.") if ctx.state.data.get("mode") != "edit" else _("Kita lanjutkan.")
    return Reply(f"{intro} {text}", buttons)
