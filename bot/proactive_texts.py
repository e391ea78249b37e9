"""The words of every proactive message: services say what to tell (a `Tell`), this module says how."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.aftercare_texts import ABSENCE, CERTIFICATE, FEEDBACK
from bot.aftercare_texts import wording as aftercare_wording
from bot.core import Attachment, Button, Reply
from bot.crafts import craft_name
from bot.followup_texts import opening
from bot.i18n import _, format_money, format_relative, format_when
from bot.regions import region_name, zone_of
from bot.services.tickets import ticket_attachment
from db.models import Training

logger = logging.getLogger(__name__)

# What a proactive message is about.
REMINDER = "reminder"  # a registered training starts soon
DEADLINE = "deadline"  # registration for a training someone follows closes soon
ANNOUNCEMENT = "announcement"  # a new training someone follows
PROMOTED = "promoted"  # a seat freed up: off the waitlist
MOVED = "moved"  # an organizer moved a training
CANCELLED = "cancelled"  # an organizer cancelled a training
BROADCAST = "broadcast"  # an organizer's own words, sent as written
ADDED = "added"  # an organizer registered the person (a nominee sent by a district office)
ADDED_WAITLISTED = "added_waitlisted"  # the same, on the waitlist: the training is full
REMOVED = "removed"  # an organizer cancelled the person's registration, with a reason (the Tell's text)
CONFIRM = "confirm"  # a registered person is asked whether they come (bot/services/confirmations.py)
OFFER = "offer"  # a freed seat offered to the first on the waitlist until the Tell's `until` (bot/services/offers.py)

# The buttons of a confirmation question and of a seat offer (payload routes, handlers/attendance.py).
CONFIRM_ROUTE = "cf"  # cf:{registration}:y | n
OFFER_ROUTE = "of"  # of:{registration}:y | n
# After a training (worded in bot/aftercare_texts.py): FEEDBACK (they attended: how was it, 1-5), ABSENCE (they
# did not: why not), CERTIFICATE (their certificate of attendance; the Tell's text is its verification link).
FOLLOWUP = "followup"  # months after a training they attended: how is business (the Tell's months and ref)


@dataclass(frozen=True)
class Tell:
    """What to tell one person, without the words: a kind and the facts it needs."""

    kind: str
    training: Training | None = None
    registration_code: str | None = None
    text: str = ""  # a broadcast's text
    until: datetime | None = None  # until when an offer holds
    months: int = 0  # a follow-up's months after the training
    ref: int = 0  # the row a question is about (a follow-up's id), carried by its buttons
    reminds: bool = False  # a confirmation question that carries the reminder due at the same time (one message)


def render(tell: Tell, at: datetime) -> Reply:
    """The message in the current language, as the person reads it at `at` ('in 3 days' counts from then)."""
    if tell.kind == BROADCAST:
        return Reply(tell.text)
    if tell.kind == FOLLOWUP and tell.training is not None:
        return opening(tell.months, tell.training.title, tell.ref)
    if tell.kind == REMOVED and tell.training is not None:
        return _removed(tell.training, tell.text)
    if tell.kind == OFFER and tell.training is not None and tell.until is not None:
        return _offer(tell.training, tell.registration_code or "", tell.until)
    if tell.kind == CONFIRM and tell.training is not None:
        return _confirm(tell.training, tell.registration_code or "", at, tell.reminds)
    if tell.kind in _AFTERCARE and tell.training is not None:
        return aftercare_wording(tell.kind, tell.training, tell.registration_code or "", tell.text)
    if tell.training is None or tell.kind not in _WORDING:
        raise ValueError(f"cannot word a proactive message of kind {tell.kind!r}")
    return _WORDING[tell.kind](tell.training, tell.registration_code, at)


def template_params(tell: Tell) -> dict[str, str]:
    """The facts a WhatsApp template of this kind fills its {{1}}, {{2}}... with (bot/config.py
    DEFAULT_WHATSAPP_TEMPLATES names them), in the current language: for a message outside the 24-hour window."""
    training = tell.training
    if training is None:
        return {}
    params = {"training": training.title, "code": training.code, "when": _when(training, training.starts_at),
              "place": training.venue or _("daring (online)")}
    if tell.registration_code:
        params["registration"] = tell.registration_code  # a certificate's: the certificate's code
    if tell.until is not None:
        params["until"] = _when(training, tell.until)
    if tell.kind == CERTIFICATE:
        params["link"] = tell.text
    if tell.months:
        params["months"] = str(tell.months)
    return params


def _when(training: Training, moment: datetime) -> str:
    """A moment of the training, in the training's own zone."""
    zone = zone_of(training.regency or training.province)
    return format_when(moment, zone.zone, zone.name)


def _see(training: Training) -> Button:
    return Button(_("Lihat pelatihan"), f"td:{training.code}")


def _ticket(registration_code: str | None) -> Attachment | None:
    """The QR ticket of a seat just given (rendered when the message goes)."""
    return ticket_attachment(registration_code) if registration_code else None


def _register(training: Training) -> Button:
    return Button(_("Daftar"), f"rg:{training.code}")


def _reminder_lines(training: Training, registration_code: str | None, at: datetime) -> list[str]:
    """What a reminder tells: the training, when it starts (in its own zone), where, the code, whom to ask."""
    lines = [
        _("Pengingat: {title} dimulai {relative} ({when}).").format(
            title=training.title, relative=format_relative(training.starts_at - at),
            when=_when(training, training.starts_at)),
        _("Tempat: {venue}").format(venue=training.venue),
    ]
    if registration_code is not None:
        lines.append(_("Kode pendaftaran Anda: {registration}").format(registration=registration_code))
    lines.append(_("Kontak: {contact}").format(contact=training.contact))
    return lines


def _reminder(training: Training, registration_code: str | None, at: datetime) -> Reply:
    return Reply("\n".join(_reminder_lines(training, registration_code, at)), (_see(training),))


def _deadline(training: Training, registration_code: str | None, at: datetime) -> Reply:
    closes = training.registration_deadline
    if closes is None:
        raise ValueError(f"{training.code} has no registration deadline")
    text = _("Pendaftaran {title} ditutup {relative} ({when}). Masih ada waktu untuk mendaftar.").format(
        title=training.title, relative=format_relative(closes - at), when=_when(training, closes))
    return Reply(text, (_register(training), _see(training)))


def _announcement(training: Training, registration_code: str | None, at: datetime) -> Reply:
    place = _("daring (online)") if training.mode == "online" else (
        region_name(training.regency) or region_name(training.province) or training.venue)
    lines = [
        _("Pelatihan baru: {title} ({code})").format(title=training.title, code=training.code),
        _("{craft} · {place}").format(craft=craft_name(training.craft), place=place),
        _("Mulai: {when}").format(when=_when(training, training.starts_at)),
        _("Biaya: {fee}").format(fee=format_money(training.fee) if training.fee else _("gratis")),
        _("Ketik STOP untuk berhenti menerima kabar seperti ini."),
    ]
    return Reply("\n".join(lines), (_see(training), _register(training)))


def _promoted(training: Training, registration_code: str | None, at: datetime) -> Reply:
    text = _(
        "Kabar baik! Ada kursi kosong dan Anda sekarang terdaftar di {title} ({code}). "
        "Kode pendaftaran Anda: {registration}. Ini tiket Anda: tunjukkan QR ini saat datang."
    ).format(title=training.title, code=training.code, registration=registration_code)
    return Reply(text, (_see(training), Button(_("Pelatihan saya"), "my")), attachment=_ticket(registration_code))


def _moved(training: Training, registration_code: str | None, at: datetime) -> Reply:
    text = _("Jadwal {title} ({code}) berubah. Sekarang mulai {when}. Pengingat kami sesuaikan.").format(
        title=training.title, code=training.code, when=_when(training, training.starts_at))
    return Reply(text, (_see(training),))


def _cancelled(training: Training, registration_code: str | None, at: datetime) -> Reply:
    text = _("Mohon maaf, {title} ({code}) dibatalkan oleh penyelenggara. Pendaftaran Anda ikut batal.").format(
        title=training.title, code=training.code)
    return Reply(text, (Button(_("Pelatihan lain"), "tl"),))


def _added(training: Training, registration_code: str | None, at: datetime) -> Reply:
    text = _("Penyelenggara mendaftarkan Anda di {title} ({code}), mulai {when}. "
             "Kode pendaftaran Anda: {registration}.").format(
        title=training.title, code=training.code, when=_when(training, training.starts_at),
        registration=registration_code)
    return Reply(text, (_see(training), Button(_("Pelatihan saya"), "my")), attachment=_ticket(registration_code))


def _added_waitlisted(training: Training, registration_code: str | None, at: datetime) -> Reply:
    text = _("Penyelenggara mendaftarkan Anda di {title} ({code}). Kursinya sudah penuh, jadi Anda masuk daftar "
             "tunggu; kami kabari bila ada kursi kosong. Kode pendaftaran Anda: {registration}.").format(
        title=training.title, code=training.code, registration=registration_code)
    return Reply(text, (_see(training), Button(_("Pelatihan saya"), "my")))


def _removed(training: Training, reason: str) -> Reply:
    text = _("Mohon maaf, penyelenggara membatalkan pendaftaran Anda di {title} ({code}). Alasan: {reason}").format(
        title=training.title, code=training.code, reason=reason)
    return Reply(text, (Button(_("Pelatihan lain"), "tl"),))


def _confirm(training: Training, registration_code: str, at: datetime, reminds: bool) -> Reply:
    """The question whether they come; carrying the reminder due at the same time, it is the reminder with the
    question under it (and the reminder's button)."""
    yes = Button(_("Ya, saya datang"), f"{CONFIRM_ROUTE}:{registration_code}:y", answer="yes")
    no = Button(_("Tidak bisa datang"), f"{CONFIRM_ROUTE}:{registration_code}:n", answer="no")
    if reminds:
        question = _("Apakah Anda tetap datang? Bila tidak bisa, kursi Anda kami berikan ke peserta di daftar tunggu.")
        return Reply("\n".join([*_reminder_lines(training, registration_code, at), "", question]),
                     (yes, no, _see(training)))
    text = _("{title} ({code}) dimulai {relative} ({when}), di {venue}. Apakah Anda tetap datang? "
             "Bila tidak bisa, kursi Anda kami berikan ke peserta di daftar tunggu.").format(
        title=training.title, code=training.code, relative=format_relative(training.starts_at - at),
        when=_when(training, training.starts_at), venue=training.venue)
    return Reply(text, (yes, no))


def _offer(training: Training, registration_code: str, until: datetime) -> Reply:
    text = _("Kabar baik! Ada kursi kosong di {title} ({code}), mulai {when}. Kursi ini kami simpan untuk Anda "
             "sampai {until}. Mau ambil?").format(
        title=training.title, code=training.code, when=_when(training, training.starts_at),
        until=_when(training, until))
    return Reply(text, (Button(_("Ambil kursi"), f"{OFFER_ROUTE}:{registration_code}:y", answer="yes"),
                        Button(_("Tidak, terima kasih"), f"{OFFER_ROUTE}:{registration_code}:n", answer="no")))

_AFTERCARE = (FEEDBACK, ABSENCE, CERTIFICATE)

_WORDING: dict[str, Callable[[Training, str | None, datetime], Reply]] = {
    REMINDER: _reminder, DEADLINE: _deadline, ANNOUNCEMENT: _announcement,
    PROMOTED: _promoted, MOVED: _moved, CANCELLED: _cancelled, ADDED: _added, ADDED_WAITLISTED: _added_waitlisted,
}
