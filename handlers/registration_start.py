"""Starting a registration for the training meant and finishing it at the confirmation (or refused)."""

from __future__ import annotations

from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.i18n import _, format_when
from bot.nlu import answers
from bot.services.registrations import RegistrationRefused
from bot.services.tickets import ticket_attachment
from handlers import fields_contact, form_reading
from handlers.registration_answers import _apply
from handlers.registration_steps import STATE, _ask, _next_field
from handlers.tickets import ticket_use
from handlers.training_choice import training_meant, which_training
from handlers.training_memory import remember


def _cancel_form(ctx: HandlerContext) -> list[Reply]:
    ctx.state.clear()
    return [Reply(_("Baik, dibatalkan. Data yang belum dikonfirmasi tidak disimpan."), (Button(_("Menu"), "menu"),))]


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
    ctx.state.memory["training"] = training.code  # "jam berapa di Singapura?" right after is about it
    remember(ctx, "training", buttons)
    if registration.status == "waitlisted":
        position = await ctx.services.registrations.waitlist_position(registration)
        text = _("Kuota {title} sudah penuh. Anda masuk daftar tunggu nomor {position} (kode {registration}). "
                 "Bila ada kursi kosong, kursinya kami tawarkan lewat chat ini; Anda tinggal menjawab untuk mengambilnya.").format(
            title=training.title, position=position, registration=registration.code)
        return [Reply(text, buttons)]
    zone = training.zone
    text = "\n".join((
        _("Pendaftaran berhasil! Kode pendaftaran Anda: {registration}").format(registration=registration.code),
        _("{title}, mulai {when}.").format(title=training.title, when=format_when(training.starts_at, zone.zone,
                                                                                    zone.name)),
        _("Kami akan mengirim pengingat sebelum pelatihan dimulai. Pertanyaan untuk penyelenggara: {contact}").format(
            contact=training.contact),
        _("Ini tiket Anda.") + " " + ticket_use(training.mode),
    ))
    return [Reply(text, buttons, attachment=ticket_attachment(registration.code))]


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


# Words that agree in so many words; after a refusal a bare "ya udah gpp" or "ok deh" may only accept the
# refusal, so the consent question is asked again (consent is given explicitly, never inferred).
_AGREEING = frozenset({"setuju", "stuju", "agree", "agreed", "lanjut", "lanjutkan", "lanjutin", "continue", "proceed",
                       "sarujuk", "satuju", "nggih"})


async def register_after_all(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """"Saya setuju, lanjutkan" after refusing the consent: the registration starts again, already agreed (typed,
    only in words that agree; else the consent question comes again)."""
    typed = msg.payload is None and msg.text
    agreed = not typed or bool(set(answers.words(msg.text or "")) & _AGREEING)
    return await start_registration(msg, ctx, agreed=agreed)


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
    if training.is_full:  # "mau daftar tunggu yg BTK-YK-02, yg penuh itu": say what registering does here
        intro += "\n" + _("Kuotanya sudah penuh, jadi pendaftaran ini memasukkan Anda ke daftar tunggu.")
    question = _ask(ctx, _next_field(ctx))
    return [Reply(f"{intro}\n\n{question.text}", question.buttons)]
