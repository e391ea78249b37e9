"""Questions about the training asked in the middle of the form, answered from its own data."""

from __future__ import annotations

from bot.i18n import _, format_money, format_when
from bot.nlu import asking
from bot.regions import region_name
from bot.services.trainings import TrainingView

# --- questions in the middle of the form, answered from the training ---------------------------

def training_question(text: str) -> str | None:
    """The topic of a question about the training ("biayanya berapa?" -> "fee"), or None."""
    return asking.aspect_asked(text)


def answer_about(topic: str, training: TrainingView) -> str:
    """One or two lines answering a question about `training` from its own data."""
    zone = training.zone
    title = training.title
    if topic == "fee":
        if not training.fee:
            return _("{title} gratis, tidak dipungut biaya.").format(title=title)
        return _("Biaya {title}: {fee}. Cara pembayaran diberitahukan oleh penyelenggara: {contact}.").format(
            title=title, fee=format_money(training.fee), contact=training.contact)
    if topic == "place":
        if training.mode == "online":
            return _("{title} diadakan daring (online): {venue}.").format(title=title, venue=training.venue)
        area = ", ".join(filter(None, (region_name(training.regency), region_name(training.province))))
        return _("Tempat {title}: {venue} ({area}).").format(title=title, venue=training.venue, area=area)
    if topic == "time":
        return _("{title} mulai {start} dan selesai {end}.").format(
            title=title, start=format_when(training.starts_at, zone.zone, zone.name),
            end=format_when(training.ends_at, zone.zone, zone.name))
    if topic == "deadline":
        closes = training.registration_deadline or training.starts_at
        return _("Pendaftaran {title} dibuka sampai {when}.").format(
            title=title, when=format_when(closes, zone.zone, zone.name))
    if topic == "seats":
        if training.seats_left is None:
            return _("Kuota {title} tidak dibatasi.").format(title=title)
        if training.is_full:
            return _("Kuota {title} sudah penuh; bila Anda mendaftar, Anda masuk daftar tunggu.").format(title=title)
        return _("{title}: sisa {left} dari {quota} kursi.").format(title=title, left=training.seats_left,
                                                                   quota=training.quota)
    if topic == "requirements":
        if training.requirements:
            return _("Persyaratan {title}: {requirements}").format(
                title=title, requirements=" ".join(training.requirements.split()))
        return _("{title} tidak mencantumkan persyaratan khusus.").format(title=title)
    if topic == "certificate":
        return _("Soal sertifikat {title}, silakan tanyakan ke penyelenggara: {contact}.").format(
            title=title, contact=training.contact)
    return _("Kontak penyelenggara {title}: {contact}.").format(title=title, contact=training.contact)
