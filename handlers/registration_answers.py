"""Taking a field's answer, in the form or as a profile edit ("ubah wilayah ke denpasar"), and saving it."""

from __future__ import annotations

from dataclasses import replace

from bot.context import HandlerContext
from bot.core import IncomingMessage, Reply
from bot.crafts import CRAFTS, craft_name
from bot.genders import GENDERS, gender_name
from bot.i18n import _
from bot.regions import region_name
from handlers import fields_crafts, form_fields, form_reading
from handlers.form_fields import BY_NAME
from handlers.form_reading import Reading
from handlers.profile_view import profile_reply
from handlers.registration_steps import STATE, _ask, _next_field, _value


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
    corrected = _phone_corrected(ctx, field, msg)
    if corrected is not None:
        return corrected
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
        return await _save_edit(ctx, msg)
    if data.pop("changing", None):
        return [_ask(ctx, "confirm")]
    return [_ask(ctx, _next_field(ctx))]


def _phone_corrected(ctx: HandlerContext, field: str, msg: IncomingMessage) -> list[Reply] | None:
    """A phone number typed at a later question ("081999888777" after the crafts were asked) corrects the number
    given before, and the same question is asked again."""
    data = ctx.state.data
    if field == "phone" or "phone" not in data or msg.payload or ctx.args or BY_NAME[field].looks_like(msg, ctx):
        return None
    if not BY_NAME["phone"].looks_like(msg, ctx):
        return None
    reading = BY_NAME["phone"].read(msg, ctx)
    if reading.value is None:
        return None
    data["phone"] = reading.value
    return [_ask(ctx, field, _("Nomor HP diganti: {phone}.").format(phone=reading.value))]


def correction(msg: IncomingMessage, ctx: HandlerContext) -> tuple[str, str] | None:
    """A field named with a correction in an answer ("eh salah, nama lengkap saya I Made Sukarta", "ganti wilayah
    saya ke Kab. Bandung Barat", "nomornya salah"): the field and the text of its new value ("" when not given)."""
    if msg.payload or ctx.args or ctx.state.data.get("mode") == "edit":
        return None
    wanted = form_fields.change_request(msg.text or "")
    if wanted is None or wanted[0] not in BY_NAME:
        return None
    named, rest = wanted
    return named, rest or form_reading.corrected_to(msg.text or "") or ""


def _shown(field: str, value: object) -> str:
    if field == "crafts" and isinstance(value, list):
        return ", ".join(craft_name(c) for c in value)
    if field == "region" and isinstance(value, str):
        return region_name(value) or value
    if field == "gender":
        return gender_name(value)
    return str(value)


async def take_correction(ctx: HandlerContext, field: str, msg: IncomingMessage) -> list[Reply] | None:
    """A correction said at a question of the form: the question's own answer in other words, or an earlier (or
    later) field changed while this question is asked again; the form never loses what was said."""
    found = correction(msg, ctx)
    if found is None:
        return None
    named, rest = found
    if rest and (later := form_reading.corrected_to(msg.text or "")):
        rest = later  # "nomer sy 0857…78 kak, eh salah 0857…79": what follows the correction
    if named == field:
        return await _take(ctx, field, replace(msg, text=rest)) if rest else [_ask(ctx, field)]
    if not rest:
        ctx.state.name = f"{STATE}:{named}"  # "nomornya salah": that question now; then on from where it was
        return [_ask(ctx, named)]
    reading = BY_NAME[named].read(replace(msg, text=rest), ctx)
    if reading.value is None or reading.stay or reading.problem or reading.choices:
        ctx.state.name = f"{STATE}:{named}"
        return [_ask(ctx, named, reading.problem)]
    data = ctx.state.data
    data.update(reading.data)
    data[named] = reading.value
    if named == "region":
        data["province"] = reading.value.split(".")[0]
    return [_ask(ctx, field, _("Diganti: {value}.").format(value=_shown(named, reading.value)))]


def _change(ctx: HandlerContext, field: str, rest: str = "", msg: IncomingMessage | None = None) -> list[Reply]:
    """Change one field from the confirmation ("Ubah nomor", "nomornya salah"), then back to the summary."""
    if rest and msg is not None:
        ctx.state.data["changing"] = field  # what is typed replaces the value ("just batik": batik only)
        reading = BY_NAME[field].read(replace(msg, text=rest), ctx)
        if reading.value is not None and not reading.stay:
            ctx.state.data[field] = reading.value
            if field == "region":
                ctx.state.data["province"] = reading.value.split(".")[0]
            ctx.state.data.pop("changing", None)
            return [_ask(ctx, "confirm")]
    ctx.state.data["changing"] = field
    return [_ask(ctx, field)]


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
    if data.get("gender") in GENDERS:
        person.gender = data["gender"]


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


async def edit_field(ctx: HandlerContext, field: str, value: str = "", msg: IncomingMessage | None = None,
                     queued: list[list[str]] | None = None) -> list[Reply]:
    """Edit one profile field; with its new value given ("ganti nama usaha jadi ...") it is saved at once (after
    the consent question for someone who has not agreed yet), else asked for."""
    agreed = bool(ctx.state.data.get("consent")) or ctx.person.consent_at is not None
    ctx.state.enter(STATE, mode="edit", field=field, **({"consent": True} if agreed else {}))
    if queued:
        ctx.state.data[QUEUED] = queued
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


QUEUED = "queued"  # form data: more profile changes said while the consent was asked, saved after it


async def _save_edit(ctx: HandlerContext, msg: IncomingMessage) -> list[Reply]:
    if ctx.person.consent_at is None:
        await ctx.services.privacy.give_consent(ctx.person)
    _apply(ctx)
    queued = list(ctx.state.data.get(QUEUED) or [])
    ctx.state.clear()
    for at, (field, value) in enumerate(queued):  # the changes said at the consent question, one by one
        replies = await edit_field(ctx, field, value, msg=msg)
        if ctx.state.name:  # that one needs an answer first ("Kota atau Kabupaten?"): the rest wait for it
            ctx.state.data[QUEUED] = queued[at + 1:]
            return replies
    return [profile_reply(ctx, _("Tersimpan."))]
