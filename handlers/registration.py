"""Registering for a training by message: the profile form (first time), confirmation, cancel, my list."""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import replace
from typing import Any

from bot import payloads
from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.crafts import CRAFTS, craft_name
from bot.i18n import _, format_when
from bot.nlu import answers
from bot.regions import region_name, zone_of
from bot.router import Form
from bot.services.registrations import RegistrationRefused
from handlers import fields_contact, fields_crafts, form_fields, form_questions, form_reading
from handlers.form_fields import BY_NAME, FIELDS
from handlers.form_reading import Reading
from handlers.training_choice import training_meant, which_training

logger = logging.getLogger(__name__)

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


def _is_cancel(text: str) -> bool:
    if _words(text) in CANCEL or " ".join(form_reading.words_of(text)) in CANCEL:
        return True
    words = form_reading.words_of(text)
    while words and words[0] in _MIND_CHANGED:
        words = words[1:]
    while words and words[-1] in _MIND_CHANGED:
        words = words[:-1]
    return bool(words) and " ".join(words) in CANCEL


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
    }[field]


def _next_field(ctx: HandlerContext) -> str:
    if ctx.state.data.get("mode") == "edit":
        field = ctx.state.data["field"]
        return "consent" if not _value(ctx, "consent") else field
    return next((f for f in STEPS[:-1] if not _value(ctx, f)), "confirm")


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
        text = "\n\n".join((
            _("Sebelum mendaftar, kami minta izin menyimpan data Anda: nama lengkap, nomor HP, jenis kerajinan, "
              "kabupaten/kota, dan nama usaha (boleh dikosongkan)."),
            _("Untuk apa: mendaftarkan Anda ke pelatihan dan mengirim pengingat. Data pendaftaran hanya "
              "diberikan kepada penyelenggara pelatihan yang Anda pilih."),
            _("Berapa lama: sampai Anda menghapusnya, paling lama 2 tahun setelah pesan terakhir Anda. Ketik "
              "\"profil\" untuk melihat atau mengubahnya, dan \"hapus data saya\" untuk menghapusnya kapan saja "
              "(sesuai UU Pelindungan Data Pribadi No. 27/2022)."),
            _("Apakah Anda setuju?"),
        ))
        return text, (Button(_("Setuju"), "rf:consent:yes"), Button(_("Tidak setuju"), "rf:consent:no"))
    if field in BY_NAME:
        return BY_NAME[field].ask(ctx)
    changes = (Button(f.change(), f"rf:change:{f.name}") for f in FIELDS) if ctx.state.data.get("mode") != "edit" else ()
    return _summary(ctx), (Button(_("Ya, daftar"), "rf:confirm:yes"), *changes, cancel)


def _reask(ctx: HandlerContext, field: str) -> tuple[str, tuple[Button, ...]]:
    """The question in one line (after an interruption), with its buttons."""
    _text, buttons = _question(ctx, field)
    if field == "consent":
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
    payloads.args(payloads.one_of("business"), payloads.one_of("skip")),
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
        "",
        _("Sudah benar dan kirim pendaftaran?"),
    ]
    return "\n".join(lines)


def prompt(ctx: HandlerContext) -> Reply:
    """The current question again, briefly, after an interruption."""
    text, buttons = _reask(ctx, _step(ctx))
    intro = _("Kita lanjutkan pendaftaran.") if ctx.state.data.get("mode") != "edit" else _("Kita lanjutkan.")
    return Reply(f"{intro} {text}", buttons)


# --- reading answers ----------------------------------------------------------------------------

def looks_like_answer(msg: IncomingMessage, ctx: HandlerContext) -> bool:
    """Whether the message is for the form: an answer to the current question, a cancel, or a question about the
    training being registered for (answered by the form itself); else it may be another question."""
    text = _words(msg.text or "")
    field = _step(ctx)
    if _is_cancel(text) or msg.contact:
        return True
    if ctx.state.data.get("mode") == "edit" and _edit_request(msg.text or ""):
        return True  # another field named while editing one: that one is edited instead
    if field in ("consent", "confirm"):
        if field == "confirm" and form_fields.change_request(msg.text or ""):
            return True
        if answers.meaning(msg.text or "") is not None:
            return True
    elif BY_NAME[field].looks_like(msg, ctx):
        return True
    return form_questions.training_question(msg.text or "") is not None


async def _answer_question(topic: str, ctx: HandlerContext, field: str) -> list[Reply]:
    """A question about the training in the middle of the form: the answer, then the question in one line."""
    training = await ctx.services.trainings.by_code(ctx.state.data.get("training") or "")
    replies = [Reply(form_questions.answer_about(topic, training))] if training else []
    text, buttons = _reask(ctx, field)
    return [*replies, Reply(text, buttons)]


# --- the form -----------------------------------------------------------------------------------

async def answer_form(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Take the answer to the current question, then ask the next one (or confirm)."""
    field = _step(ctx)
    text = " ".join((msg.text or "").split())
    payload_value = ctx.args[1] if len(ctx.args) > 1 else None
    if _is_cancel(text) or (ctx.args and ctx.args[0] == "cancel"):
        return _cancel_form(ctx)
    data = ctx.state.data
    if ctx.args and ctx.args[0] == "change" and payload_value in BY_NAME:
        return _change(ctx, payload_value)
    typed = msg.payload is None and not ctx.args
    if field == "confirm" and typed and (wanted := form_fields.change_request(text)):
        return _change(ctx, *wanted, msg=msg)
    if data.get("mode") == "edit" and typed and (wanted := _edit_request(text)):
        return await edit_field(ctx, *wanted, msg=msg)  # "ubah wilayah ke denpasar" while editing another field
    topic = form_questions.training_question(text) if typed else None
    if topic and (field not in BY_NAME or not BY_NAME[field].looks_like(msg, ctx)):
        return await _answer_question(topic, ctx, field)
    if field in BY_NAME:
        return await _take(ctx, _carried_over(msg, ctx, field), msg)
    problem: str | None = None
    if field == "consent":
        # Agreeing takes an answer word: "register" alone (the button before) is asked again.
        choice = payload_value or CHOICE.get(answers.meaning(text, bare_verb=False) or "")
        if choice == "no":
            code = data.get("training")
            ctx.state.clear()
            changed_mind = (Button(_("Saya setuju, lanjutkan"), payloads.make("rgy", code), answer="yes"),) if code else ()
            return [Reply(_("Baik, tidak apa-apa. Tanpa izin itu kami tidak bisa mendaftarkan Anda, dan tidak ada "
                            "data yang disimpan. Anda tetap bisa melihat pelatihan dan panduan."),
                          (*changed_mind, Button(_("Menu"), "menu")))]
        if choice == "yes":
            data["consent"] = True
            pending = data.pop("pending", None)
            if data.get("mode") == "edit" and pending:
                return await edit_field(ctx, data["field"], pending, msg=msg)
        else:
            reask, buttons = _reask(ctx, "consent")
            return [Reply(_("Mohon jawab Setuju atau Tidak setuju.") + " " + reask, buttons)]
    elif field == "confirm":
        choice = payload_value or CHOICE.get(answers.meaning(text) or "")
        if choice == "yes":
            return await _finish(ctx)
        if choice == "edit":
            code = data.get("training")
            view = data.get("training_view")
            ctx.state.enter(f"{STATE}:name", training=code, training_view=view, fresh=True, consent=True)
            return [_ask(ctx, "name")]
        if choice == "no":
            return _cancel_form(ctx)
        problem = _("Mohon pilih Ya, daftar atau Batal.")
    if problem:
        return [_ask(ctx, field, problem)]
    return [_ask(ctx, _next_field(ctx))]


def _carried_over(msg: IncomingMessage, ctx: HandlerContext, field: str) -> str:
    """The field a typed answer is for: crafts chosen by button, then "Kota Pekalongan" typed, finishes the crafts
    and answers the next question."""
    data = ctx.state.data
    if field != "crafts" or not data.get("crafts") or data.get("mode") == "edit" or msg.payload or ctx.args:
        return field
    if fields_crafts.is_done(msg.text or "") or fields_crafts.crafts_in(msg.text or "")[0]:
        return field
    following = _next_field(ctx)
    if following in BY_NAME and BY_NAME[following].looks_like(msg, ctx):
        ctx.state.name = f"{STATE}:{following}"
        return following
    return field


async def _take(ctx: HandlerContext, field: str, msg: IncomingMessage) -> list[Reply]:
    """Read the answer to `field` and go on: the next question, the summary, or the profile (when editing)."""
    data = ctx.state.data
    if field == "region" and msg.payload is None and not ctx.args:
        found, rest = fields_crafts.crafts_in(msg.text or "")
        if found and not rest and not data.get("mode") == "edit":  # "tenun juga" after the crafts: added
            current = list(data.get("crafts") or _value(ctx, "crafts") or [])
            changed = fields_crafts.crafts_changed(msg.text or "", current)
            data["crafts"] = changed or [c for c in CRAFTS if c in {*current, *found}]
            return [_ask(ctx, "region", _("Kerajinan: {crafts}.").format(
                crafts=", ".join(craft_name(c) for c in data["crafts"])))]
    reading: Reading = BY_NAME[field].read(msg, ctx)
    if reading.problem:
        return [_ask(ctx, field, reading.problem)]
    if reading.choices:
        return [Reply(_("Yang mana maksud Anda?"), reading.choices)]
    data.update(reading.data)
    if reading.value is not None:
        data[field] = reading.value
    if field == "region" and "region" in data and not reading.stay:
        data["province"] = data["region"].split(".")[0]
        data.pop("province_hint", None)
    if reading.stay:
        return [_ask(ctx, field)]
    if data.get("mode") == "edit":
        return await _save_edit(ctx, field)
    if data.pop("changing", None):
        return [_ask(ctx, "confirm")]
    return [_ask(ctx, _next_field(ctx))]


def _change(ctx: HandlerContext, field: str, rest: str = "", msg: IncomingMessage | None = None) -> list[Reply]:
    """Change one field from the confirmation ("Ubah nomor", "nomornya salah"), then back to the summary."""
    if rest and msg is not None:
        reading = BY_NAME[field].read(replace(msg, text=rest), ctx)
        if reading.value is not None and not reading.stay:
            ctx.state.data[field] = reading.value
            if field == "region":
                ctx.state.data["province"] = reading.value.split(".")[0]
            return [_ask(ctx, "confirm")]
    ctx.state.data["changing"] = field
    return [_ask(ctx, field)]


def _cancel_form(ctx: HandlerContext) -> list[Reply]:
    ctx.state.clear()
    return [Reply(_("Baik, dibatalkan. Data yang belum dikonfirmasi tidak disimpan."), (Button(_("Menu"), "menu"),))]


def _apply(ctx: HandlerContext) -> None:
    """Write the form's answers to the person's profile."""
    data, person = ctx.state.data, ctx.person
    if "name" in data:
        person.full_name = data["name"]
    if "phone" in data:
        person.phone = data["phone"]
    if "crafts" in data:
        person.crafts = list(data["crafts"])
    if "region" in data:
        person.regency, person.province = data["region"], data["region"].split(".")[0]
    if "business" in data:
        person.business_name = data["business"] if isinstance(data["business"], str) else None


async def _finish(ctx: HandlerContext) -> list[Reply]:
    training = await ctx.services.trainings.by_code(ctx.state.data.get("training") or "")
    if training is None:
        ctx.state.clear()
        return [Reply(_("Maaf, pelatihan itu tidak ditemukan lagi."), (Button(_("Menu"), "menu"),))]
    if ctx.person.consent_at is None:
        await ctx.services.privacy.give_consent(ctx.person)
    _apply(ctx)
    ctx.state.clear()
    try:
        registration = await ctx.services.registrations.register(ctx.person.id, training.id)
    except RegistrationRefused as refused:
        return [_refusal(refused, training.title)]
    buttons = (Button(_("Pelatihan saya"), "my"), Button(_("Menu"), "menu"))
    if registration.status == "waitlisted":
        position = await ctx.services.registrations.waitlist_position(registration)
        text = _("Kuota {title} sudah penuh. Anda masuk daftar tunggu nomor {position} (kode {registration}). "
                 "Bila ada kursi kosong, Anda otomatis terdaftar dan kami kabari.").format(
            title=training.title, position=position, registration=registration.code)
        return [Reply(text, buttons)]
    zone = training.zone
    text = "\n".join((
        _("Pendaftaran berhasil! Kode pendaftaran Anda: {registration}").format(registration=registration.code),
        _("{title}, mulai {when}.").format(title=training.title, when=format_when(training.starts_at, zone.zone,
                                                                                    zone.name)),
        _("Kami akan mengirim pengingat sebelum pelatihan dimulai. Pertanyaan untuk penyelenggara: {contact}").format(
            contact=training.contact),
    ))
    return [Reply(text, buttons)]


def _refusal(refused: RegistrationRefused, title: str) -> Reply:
    buttons = (Button(_("Pelatihan lain"), "tl"), Button(_("Menu"), "menu"))
    if refused.reason == "already" and refused.registration is not None:
        status = refused.registration.status
        text = (_("Anda sudah terdaftar di {title} (kode {registration}).") if status == "registered"
                else _("Anda sudah ada di daftar tunggu {title} (kode {registration}).")).format(
            title=title, registration=refused.registration.code)
        return Reply(text, (Button(_("Pelatihan saya"), "my"), Button(_("Menu"), "menu")))
    reasons = {
        "closed": _("Maaf, pendaftaran {title} sudah ditutup."),
        "started": _("Maaf, {title} sudah dimulai atau sudah lewat, jadi tidak bisa didaftari lagi."),
        "cancelled": _("Maaf, {title} dibatalkan oleh penyelenggara."),
    }
    return Reply(reasons[refused.reason].format(title=title), buttons)


async def register_after_all(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """"Saya setuju, lanjutkan" after refusing the consent: the registration starts again, already agreed."""
    return await start_registration(msg, ctx, agreed=True)


async def start_registration(msg: IncomingMessage, ctx: HandlerContext, agreed: bool = False) -> list[Reply]:
    """Begin registering for the training of the button, the code or the list number given."""
    training = await training_meant(msg, ctx)  # the code given or typed, a list number, the one in view
    if training is None:
        return which_training(msg, ctx)
    existing = await ctx.services.registrations.existing(ctx.person.id, training.id)
    if existing is not None and existing.status != "cancelled":
        return [_refusal(RegistrationRefused("already", existing), training.title)]
    if not training.registration_open(ctx.now):
        reason = ("cancelled" if training.status == "cancelled" else "started" if training.starts_at <= ctx.now
                  else "closed")
        return [_refusal(RegistrationRefused(reason), training.title)]
    zone = training.zone
    view = {"code": training.code, "title": training.title,
            "when": format_when(training.starts_at, zone.zone, zone.name),
            "international": form_reading.open_to_international(training),
            "organizer": training.organizer, "contact": training.contact}
    ctx.state.enter(STATE, training=training.code, training_view=view, **({"consent": True} if agreed else {}))
    known = fields_contact.acceptable_phone(msg.phone, ctx) if msg.phone and not ctx.person.phone else None
    if known:
        ctx.state.data["phone"] = known  # WhatsApp knows the number: the question is skipped
    intro = _("Mendaftar: {title}").format(title=training.title)
    question = _ask(ctx, _next_field(ctx))
    return [Reply(f"{intro}\n\n{question.text}", question.buttons)]


async def start_edit(ctx: HandlerContext, field: str) -> list[Reply]:
    """Ask for one profile field (from the profile screen)."""
    ctx.state.enter(STATE, mode="edit", field=field)
    return [_ask(ctx, _next_field(ctx))]


def _edit_request(text: str) -> tuple[str, str] | None:
    """A profile change in words ("ganti nama usaha jadi Celuk Silver Art", "ubah wilayah ke denpasar", "ubah
    nomor hp"): the field and the new value when given."""
    wanted = form_fields.change_request(text)
    if wanted is None or not any(w in _EDIT_VERBS for w in form_reading.words_of(text)):
        return None
    return wanted


_EDIT_VERBS = frozenset({"ganti", "ubah", "edit", "change", "update", "koreksi", "perbaiki", "ralat", "fix",
                         "benerin", "betulkan", "ubahkan", "gantikan"})


async def edit_field(ctx: HandlerContext, field: str, value: str = "",
                     msg: IncomingMessage | None = None) -> list[Reply]:
    """Edit one profile field; with its new value given ("ganti nama usaha jadi ...") it is saved at once (after
    the consent question for someone who has not agreed yet), else asked for."""
    agreed = bool(ctx.state.data.get("consent")) or ctx.person.consent_at is not None
    ctx.state.enter(STATE, mode="edit", field=field, **({"consent": True} if agreed else {}))
    if not agreed:
        if value:
            ctx.state.data["pending"] = value
        return [_ask(ctx, "consent")]
    if value and msg is not None:
        return await _take(ctx, field, replace(msg, text=value, payload=None))
    return [_ask(ctx, field)]


def edit_request(msg: IncomingMessage) -> tuple[str, str] | None:
    """The profile field a typed message asks to change, with the new value when given."""
    return _edit_request(msg.text or "") if msg.payload is None else None


async def _save_edit(ctx: HandlerContext, field: str) -> list[Reply]:
    from handlers.profile import profile_reply

    if ctx.person.consent_at is None:
        await ctx.services.privacy.give_consent(ctx.person)
    _apply(ctx)
    ctx.state.clear()
    return [profile_reply(ctx, _("Tersimpan."))]


async def form_payload(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """A button of the form; outside the form (an old message) it says so."""
    if not (ctx.state.name or "").startswith(STATE):
        return [Reply(_("Pertanyaan itu sudah tidak berlaku. Silakan mulai lagi dari menu."),
                      (Button(_("Menu"), "menu"),))]
    step = (ctx.state.name or "").split(":")[-1]
    expected = {"consent": ("consent",), "confirm": ("confirm", "change"),
                **{f.name: (f.button,) for f in FIELDS if f.button}}
    if ctx.args and ctx.args[0] != "cancel" and ctx.args[0] not in expected.get(step, ()):
        return [_ask(ctx, step)]
    return await answer_form(msg, ctx)


FORM = Form(handle=answer_form, looks_like_answer=looks_like_answer, prompt=prompt)


# --- my registrations and cancelling ------------------------------------------------------------

async def show_my_registrations(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """List the person's upcoming registrations with their status."""
    found = await ctx.services.registrations.upcoming_for(ctx.person.id)
    if not found:
        return [Reply(_("Anda belum terdaftar di pelatihan mendatang."), (Button(_("Lihat pelatihan"), "tl"),
                                                                           Button(_("Menu"), "menu")))]
    lines = [_("Pelatihan Anda:"), ""]
    buttons = []
    for number, item in enumerate(found, 1):
        zone = zone_of(item.regency or item.province)
        status = (_("terdaftar") if item.status == "registered"
                  else _("daftar tunggu nomor {n}").format(n=item.waitlist_position))
        lines.append(f"{number}. {item.training_title} ({item.training_code})")
        lines.append("   " + format_when(item.starts_at, zone.zone, zone.name))
        lines.append("   " + _("Status: {status} · kode {registration}").format(status=status,
                                                                                registration=item.code))
        buttons.append(Button(_("Batalkan {code}").format(code=item.code), payloads.make("rc", item.code)))
    ctx.state.memory["list"] = [item.training_code for item in found]
    return [Reply("\n".join(lines), (*buttons, Button(_("Menu"), "menu")))]


async def cancel_registration(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Ask to confirm cancelling a registration (by button, or the list of registrations)."""
    code = ctx.args[0] if ctx.args else None
    if not code:
        found = await ctx.services.registrations.upcoming_for(ctx.person.id)
        if len(found) != 1:
            return await show_my_registrations(msg, ctx)
        code = found[0].code
    yes, no = Button(_("Ya, batalkan"), payloads.make("rcy", code), answer="yes"), Button(_("Tidak"), "my", answer="no")
    return [Reply(_("Yakin membatalkan pendaftaran {code}? Kursi Anda akan diberikan ke orang berikutnya.").format(
        code=code), (yes, no))]


async def confirm_cancel(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Cancel the registration; the first person on the waitlist moves up."""
    code = ctx.args[0] if ctx.args else ""
    cancelled = await ctx.services.registrations.cancel(ctx.person.id, code)
    if cancelled is None:
        return [Reply(_("Pendaftaran {code} tidak ditemukan atau sudah dibatalkan.").format(code=code),
                      (Button(_("Pelatihan saya"), "my"),))]
    return [Reply(_("Pendaftaran {code} sudah dibatalkan.").format(code=code),
                  (Button(_("Pelatihan saya"), "my"), Button(_("Menu"), "menu")))]
